// whittle report without a browser: --json says what was written; bad input is one line, exit 2,
// and no page left behind (the browser checks are in report-browser.test.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dockerArchiveMembers, file, writeTar } from './support/image-writer.js';
import { runCli } from './support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-report-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const image = join(tmp, 'img.tar');

beforeAll(async () => {
  const img = await buildImage([[file('etc/os-release', 'ID=test\n'), file('app/main.js', 'console.log(1)\n')]], { createdBy: ['/bin/sh -c #(nop) COPY dir:' + 'c'.repeat(64) + ' in / '] });
  await writeTar(image, dockerArchiveMembers(img, 'whittle-test/report-cli:1'));
});

describe('whittle report', () => {
  it('--json says what it wrote, and the page holds the analysis', async () => {
    const out = join(tmp, 'r.html');
    const dockerfile = join(tmp, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM scratch\nCOPY rootfs/ /\n');
    const r = await runCli(['report', image, '--dockerfile', dockerfile, '-o', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const said = JSON.parse(r.stdout) as { output: string; bytes: number; files: number; attributed: number; compared: null };
    expect(said).toMatchObject({ output: out, files: 2, attributed: 1, compared: null });
    expect(said.bytes).toBe(readFileSync(out).length);
    expect(readFileSync(out, 'utf8')).toContain('<script type="application/json" id="whittle-analysis">');
  });

  it.each([
    [['report', join(tmp, 'missing.tar'), '-o', join(tmp, 'a.html')], /^whittle: .*missing\.tar/],
    [['report', image, '--target', 'x', '-o', join(tmp, 'b.html')], /^whittle: --target needs --dockerfile\n$/],
    [['report', image, '--dockerfile', join(tmp, 'nope'), '-o', join(tmp, 'c.html')], /^whittle: .*nope/],
  ])('bad input %#: one line, exit 2, no page', async (args, message) => {
    const r = await runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(args[args.length - 1]!)).toBe(false);
  });
});
