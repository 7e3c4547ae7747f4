// Text from an image, a Dockerfile or a file name reaches the terminal escaped: an image whose
// history and file names hold ESC[2J, an OSC window title, a C1 CSI and a bidi override prints
// none of them raw in analyze's, ls's and squash's text output or in an error line, while --json
// keeps them exact.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dir, dockerArchiveMembers, file, seeded, writeTar } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-escape-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CLEAR = '\u001b[2J';
const TITLE = '\u001b]0;pwned\u0007';
const CSI = '\u009b31m';
const RLO = '\u202e';
const DIR = `x${CLEAR}`;
const BIG = `${DIR}/big${RLO}txt.exe`;
const TITLED = `etc/${TITLE}title`;
const RED = `${CSI}red`;
const CREATED_BY = `/bin/sh -c echo ${CLEAR} ${TITLE} ${CSI} ${RLO}evil`;
/** RAW matches any character that must never reach the terminal raw (a newline separates lines). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '', NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let archive: string;
beforeAll(async () => {
  const img = await buildImage(
    [
      [dir(`${DIR}/`), file(BIG, seeded(300_000, 1)), dir('etc/'), file(TITLED, 'x'), file(RED, 'y'), file(`${DIR}/id_rsa`, '-----BEGIN OPENSSH PRIVATE KEY-----\n'), dir('usr/'), dir('usr/share/'), dir('usr/share/doc/'), dir(`usr/share/doc/${RLO}pkg/`), file(`usr/share/doc/${RLO}pkg/README${CLEAR}`, seeded(5000, 4))],
      [dir(`${DIR}/`), file(BIG, seeded(300_000, 2))],
    ],
    { createdBy: [CREATED_BY, `/bin/sh -c cp big ${DIR}`] },
  );
  archive = await writeTar(join(tmp, 'hostile.tar'), dockerArchiveMembers(img));
});

describe('control characters from an image', () => {
  it('analyze prints history and paths escaped', () => {
    const r = whittle('analyze', `docker-archive:${archive}`, '--wide');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('echo \\x1b[2J \\x1b]0;pwned\\x07 \\x9b31m \\u202eevil');
    expect(r.stdout).toContain('x\\x1b[2J/big\\u202etxt.exe');
  });

  it('analyze --json keeps them exact', () => {
    const r = whittle('analyze', `docker-archive:${archive}`, '--json');
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as { layers: { instruction: string | null }[]; wasted: { top: { path: string }[] } };
    expect(a.layers[0]!.instruction).toContain(`echo ${CLEAR} ${TITLE} ${CSI} ${RLO}evil`);
    expect(a.wasted.top.map((w) => w.path)).toContain(BIG);
  });

  it('ls prints names escaped, and --json exact', () => {
    const text = whittle('ls', `docker-archive:${archive}`);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(RAW);
    expect(text.stdout.split('\n')).toEqual(expect.arrayContaining(['/x\\x1b[2J/big\\u202etxt.exe', '/etc/\\x1b]0;pwned\\x07title', '/\\x9b31mred']));
    const json = whittle('ls', `docker-archive:${archive}`, '--json');
    const paths = json.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path);
    expect(paths).toEqual(expect.arrayContaining([`/${BIG}`, `/${TITLED}`, `/${RED}`]));
  });

  it('an error line naming a path escapes it', () => {
    const r = whittle('analyze', `docker-archive:${join(tmp, `no${CLEAR}${RLO}such.tar`)}`);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toMatch(/^whittle: .*no\\x1b\[2J\\u202esuch\.tar/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('squash and strip name their output escaped', () => {
    const out = join(tmp, `out${CLEAR}.tar`);
    const r = whittle('squash', `docker-archive:${archive}`, '-o', `docker-archive:${out}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('out\\x1b[2J.tar');
    const dry = whittle('strip', `docker-archive:${archive}`, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).not.toMatch(RAW);
    expect(dry.stdout).toContain('/usr/share/doc/\\u202epkg/README\\x1b[2J');
  });
});

describe('control characters from a Dockerfile', () => {
  it('lint prints the file name and the quoted Dockerfile text escaped', () => {
    const f = join(tmp, `Docker${TITLE}file`);
    writeFileSync(f, `FROM ubuntu${CLEAR}\nRUN apt-get install -y ${CSI}curl\n`);
    const r = whittle('lint', f);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('Docker\\x1b]0;pwned\\x07file:');
    expect(r.stdout).toContain('\\x1b[2J');
  });

  it('context prints the context\'s file names escaped', () => {
    const ctx = mkdtempSync(join(tmp, 'ctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    writeFileSync(join(ctx, `big${CLEAR}${RLO}.bin`), seeded(10_000, 3));
    const r = whittle('context', ctx);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('big\\x1b[2J\\u202e.bin');
  });
});
