// Corpus test: lint many real-world style Dockerfiles written to disk, read back the way the CLI
// reads them. No crash, no internal rule failures, identical output on a second run, expected rules
// fire or stay silent, and a snapshot of finding counts per file so behaviour changes are visible.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintTextSync, type LintResult } from '../src/lint/engine.js';
import { readDockerfileInput } from '../src/lint/input.js';
import { formatJson } from '../src/lint/format/json.js';
import { formatSarif } from '../src/lint/format/sarif.js';
import { formatText } from '../src/lint/format/text.js';
import { rules } from '../src/lint/rules/index.js';
import { initShellParser } from '../src/shell/parser.js';
import { corpus } from './lint-corpus.fixtures.js';

let dir: string;
const results = new Map<string, LintResult>();

async function lintFile(path: string): Promise<LintResult> {
  const input = await readDockerfileInput(path);
  return lintTextSync(input.text, { file: input.file.slice(dir.length + 1), ...(input.dockerignore !== undefined ? { dockerignore: input.dockerignore } : {}) });
}

beforeAll(async () => {
  await initShellParser();
  dir = await mkdtemp(join(tmpdir(), 'whittle-corpus-'));
  for (const c of corpus) {
    await mkdir(join(dir, c.name));
    await writeFile(join(dir, c.name, 'Dockerfile'), c.text);
    if (c.dockerignore !== undefined) await writeFile(join(dir, c.name, '.dockerignore'), c.dockerignore);
  }
  for (const c of corpus) results.set(c.name, await lintFile(join(dir, c.name, 'Dockerfile')));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lint corpus', () => {
  it('has at least 40 distinct Dockerfiles', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s: no internal failures, stable, expected rules', async (name, c) => {
    const first = results.get(name)!;
    expect(first.diagnostics.filter((d) => d.messageId === 'internal')).toEqual([]);
    const again = await lintFile(join(dir, name, 'Dockerfile'));
    expect(again).toEqual(first);
    const fired = new Set(first.diagnostics.map((d) => d.ruleId));
    for (const id of c.fires ?? []) expect(fired, `${id} should fire`).toContain(id);
    for (const id of c.silent ?? []) expect([...fired], `${id} should stay silent`).not.toContain(id);
    for (const d of first.diagnostics) {
      expect(d.offsets[0]).toBeLessThanOrEqual(d.offsets[1]);
      expect(d.offsets[1]).toBeLessThanOrEqual(c.text.length);
      expect(d.message).not.toMatch(/\{\{/);
    }
  });

  it('all formats render the whole corpus', () => {
    const all = corpus.map((c) => results.get(c.name)!);
    expect(() => JSON.parse(formatJson(all, rules))).not.toThrow();
    expect(JSON.parse(formatSarif(all, rules, { version: '0.1.0' })).runs[0].results.length).toBe(all.reduce((n, r) => n + r.diagnostics.length, 0));
    expect(formatText(all, false).split('\n').length).toBeGreaterThan(corpus.length);
  });

  it('survives truncated and scrambled variants of every file without crashing', () => {
    // Deterministic PRNG (mulberry32) so failures reproduce.
    let seed = 0x5eed;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const noise = ['\\', '`', '"', "'", '<<EOF', '$(', '${', '|', '&&', '\n', '\r\n', '#', '[', ']', '--mount=', ' '];
    for (const c of corpus) {
      for (let k = 0; k < 6; k++) {
        const at = Math.floor(rand() * c.text.length);
        const variant =
          k % 3 === 0
            ? c.text.slice(0, at)
            : k % 3 === 1
              ? c.text.slice(0, at) + noise[Math.floor(rand() * noise.length)] + c.text.slice(at)
              : c.text.split('\n').sort(() => rand() - 0.5).join('\n');
        const r = lintTextSync(variant, { file: c.name });
        expect(r.diagnostics.filter((d) => d.messageId === 'internal'), `${c.name} variant ${k}`).toEqual([]);
      }
    }
  });

  it('finding counts per file match the snapshot', () => {
    const counts: Record<string, string> = {};
    for (const c of corpus) {
      const per = new Map<string, number>();
      for (const d of results.get(c.name)!.diagnostics) per.set(d.ruleId, (per.get(d.ruleId) ?? 0) + 1);
      counts[c.name] = [...per].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id}×${n}`).join(' ');
    }
    expect(counts).toMatchSnapshot();
  });
});
