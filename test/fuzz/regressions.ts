// Every input the fuzzing suite ever broke whittle with, written out as code (not as a seed: the
// generators may change, these inputs may not), each with the defect it found. fuzz.test.ts runs
// them all on every `npm test`. Defects of issue 18 are not here: the generators leave those input
// shapes out, each with a comment naming issue 18.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Command, Input } from './cases.js';
import { member } from './tar-gen.js';
import type { Outcome } from './harness.js';

export interface Regression {
  name: string;
  command: Command;
  input: () => Input;
  /** further checks on the outcome beyond the property. */
  expect?: (o: Outcome) => void;
}

/** An unterminated heredoc over long lines: the bash grammar's recovery is superlinear on it. */
const heredocOverLongLines = (lines: number) => `FROM debian:12\nRUN cat <<EOF\n${`RUN echo ${'y'.repeat(180_000)}\n`.repeat(lines)}`;

const refusedAsTooLarge = (o: Outcome) => {
  expect(o.status).toBe(2);
  expect(o.stderr).toMatch(/larger than the 1 MiB whittle reads as a Dockerfile/);
};

/** dockerArchiveWith is a docker-archive of one small layer whose config is layerConfig's result, given the layer's diff_id. */
function dockerArchiveWith(layerConfig: (diffId: string) => object): Input {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const layer = Buffer.concat([member({ name: 'etc/hello', typeflag: '0', data: Buffer.from('hi\n') }), Buffer.alloc(1024)]);
  const config = Buffer.from(JSON.stringify(layerConfig(`sha256:${sha(layer)}`)));
  const manifest = Buffer.from(JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['fuzz/x:1'], Layers: [`${sha(layer)}/layer.tar`] }]));
  const archive = Buffer.concat([
    member({ name: `${sha(config)}.json`, typeflag: '0', data: config }),
    member({ name: `${sha(layer)}/layer.tar`, typeflag: '0', data: layer }),
    member({ name: 'manifest.json', typeflag: '0', data: manifest }),
    Buffer.alloc(1024),
  ]);
  return { kind: 'image', image: { kind: 'docker-archive', archive, notes: [] } };
}

/** ociWithManifest is an OCI layout whose one manifest blob holds exactly these bytes. */
function ociWithManifest(manifest: Buffer): Input {
  const digest = createHash('sha256').update(manifest).digest('hex');
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${digest}`, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'x' } }] };
  const files = new Map([
    ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ['index.json', Buffer.from(JSON.stringify(index))],
    [`blobs/sha256/${digest}`, manifest],
  ]);
  return { kind: 'image', image: { kind: 'oci', files, notes: [] } };
}

export const REGRESSIONS: Regression[] = [
  // docker-archive seed 955783749 (npm run fuzz, seed 91): `"history": null` (Go's nil slice) passed
  // the config check and crashed analyze's history mapping (exit 3).
  {
    name: 'a config whose history is null',
    command: 'analyze',
    input: () => dockerArchiveWith((diffId) => ({ architecture: 'amd64', os: 'linux', config: null, history: null, rootfs: { type: 'layers', diff_ids: [diffId] } })),
    expect: (o) => expect(o.status).toBe(0),
  },
  // dockerfile seeds 1747479893 and 3796984222 (npm run fuzz, seed 4242, FUZZ_SIZE=4): heredocs
  // opened on a RUN's first line, then a 170 KB line: 7-18 s to parse (fix past 20 s). Scripts with
  // a line over 32 Ki characters are now left unanalysed, with a note.
  {
    name: 'a 170 KB line inside an unterminated heredoc',
    command: 'lint',
    input: () => ({ kind: 'dockerfile', text: `FROM debian:12\nRUN echo <<EOF a && cat <<EOF b\nUSER x\nENV A=1\nRUN && wget <<EOF ${'y'.repeat(170_000)}\nUSER y\n` }),
    expect: (o) => {
      expect(o.status).toBeLessThan(2);
      expect(o.stdout).toMatch(/longer than whittle analyses/);
    },
  },
  // oci seed 3438669520 (npm run fuzz, seed 4242): a manifest blob of gzip bytes. The JSON error
  // quoted them, a newline and terminal escapes included: two stderr lines, raw control bytes.
  {
    name: 'a manifest blob of binary bytes with a newline and an escape sequence',
    command: 'analyze',
    input: () => ociWithManifest(Buffer.from([0x1f, 0x8b, 0x08, 0x0a, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x78, 0x9c])),
    expect: (o) => expect(o.stderr).toMatch(/^whittle: manifest of .* is not valid JSON \(.*\\x1b.*\)\n$/),
  },
  // dockerfile seed 1110460763 (fix: 184 s, lint: 18 s user, 615 MB) and dockerignore seeds
  // 1505955503, 339388579, 455126781 (context: no answer within 20 s): 4.4-4.6 MB Dockerfiles whose
  // heredoc swallowed 3 MB of script. Files over 1 MiB are now refused.
  { name: 'a 3.6 MB Dockerfile (an unterminated heredoc over long lines)', command: 'fix', input: () => ({ kind: 'dockerfile', text: heredocOverLongLines(20) }), expect: refusedAsTooLarge },
  { name: 'a 3.6 MB Dockerfile (an unterminated heredoc over long lines)', command: 'lint', input: () => ({ kind: 'dockerfile', text: heredocOverLongLines(20) }), expect: refusedAsTooLarge },
  { name: 'a 3.6 MB Dockerfile (an unterminated heredoc over long lines)', command: 'context', input: () => ({ kind: 'dockerfile', text: heredocOverLongLines(20), dockerignore: '*.log\n', context: ['a'] }), expect: refusedAsTooLarge },
  // the same shape under 1 MiB: parsing its 900 KB script took 7-18 s; it is now left unanalysed, with a note
  {
    name: 'a 0.9 MB RUN script (an unterminated heredoc over long lines)',
    command: 'lint',
    input: () => ({ kind: 'dockerfile', text: `${heredocOverLongLines(5)}` }),
    expect: (o) => {
      expect(o.status).toBeLessThan(2);
      const reports = JSON.parse(o.stdout) as { messageId?: string; ruleId?: string }[] | { diagnostics: { ruleId: string; message: string }[] }[];
      expect(JSON.stringify(reports)).toMatch(/longer than whittle analyses \(262,144 characters, 32,768 in one line/);
    },
  },
];
