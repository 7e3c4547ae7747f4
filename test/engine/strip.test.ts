// whittle strip on a real Debian image (mmdebstrap minbase, see test/support/engine.ts): the
// stripped image loads and runs in the engine and answers as the original does, and the bytes
// that go are the bytes --dry-run predicted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../../src/analyze/run.js';
import { openImage } from '../../src/transports/open.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-strip-'));
const tags: string[] = [];
afterAll(() => {
  if (tags.length) spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`whittle ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const probe = 'ls /etc/passwd /etc/ssl/certs >/dev/null 2>&1; id -u; bash --version | head -1; apt-get --version | head -1; ls /usr/share/doc | wc -l; sed --version | head -1';
const run = (tag: string) => execFileSync('docker', ['run', '--rm', tag, 'sh', '-c', probe], { encoding: 'utf8' });

describeWith(['debian-minbase'], 'whittle strip on a Debian minbase', () => {
  let source = '';
  beforeAll(async () => {
    const base = await ensureMinbase();
    source = join(tmp, 'minbase.tar');
    execFileSync('docker', ['save', '-o', source, base]);
  }, 600_000);

  it('with --squash: runs as before and loses exactly the bytes --dry-run predicted', async () => {
    const plan = JSON.parse(whittle('strip', source, '--dry-run', '--json')) as { removedBytes: number; byCategory: Record<string, { bytes: number }> };
    expect(plan.removedBytes).toBeGreaterThan(10_000_000);
    expect(plan.byCategory['docs']!.bytes).toBeGreaterThan(0);
    const tag = `whittle-test/stripped:${process.pid}`;
    tags.push(tag);
    const out = join(tmp, 'stripped.tar');
    const result = JSON.parse(whittle('strip', source, '--squash', '--json', '-o', `docker-archive:${out}:${tag}`)) as { removedBytes: number };
    expect(result.removedBytes).toBe(plan.removedBytes);
    const [before, after] = [await analyzeImage(await openImage(source)), await analyzeImage(await openImage(out))];
    expect(before.sizes.finalFilesystem - after.sizes.finalFilesystem).toBe(plan.removedBytes);
    expect(after.sizes.fileContent).toBe(after.sizes.finalFilesystem); // squashed: nothing hidden below
    execFileSync('docker', ['load', '-q', '-i', out]);
    const original = run(await ensureMinbase());
    const stripped = run(tag);
    // the same answers, except the number of /usr/share/doc entries (kept: one directory per package with its copyright)
    expect(stripped.split('\n').filter((_, i) => i !== 3)).toEqual(original.split('\n').filter((_, i) => i !== 3));
    expect(stripped).toMatch(/GNU bash/);
    const docs = execFileSync('docker', ['run', '--rm', tag, 'sh', '-c', 'find /usr/share/doc -type f ! -name copyright | wc -l; ls /usr/share/doc/bash'], { encoding: 'utf8' });
    expect(docs.trim().split('\n')).toEqual(['0', 'copyright']);
  });

  it('without --squash: adds one layer of whiteouts and keeps every original layer', async () => {
    const out = join(tmp, 'whiteouts.tar');
    const tag = `whittle-test/stripped-wh:${process.pid}`;
    tags.push(tag);
    // An explicit tag: a bare PATH.tar would carry the source's own tag, and loading it would
    // replace the shared base image every engine test builds on.
    whittle('strip', source, '-o', `docker-archive:${out}:${tag}`);
    const [src, res] = [await openImage(source), await openImage(out)];
    const [a, b] = [await src.layers(), await res.layers()];
    expect(b).toHaveLength(a.length + 1);
    for (let i = 0; i < a.length; i++) expect(await b[i]!.digest()).toBe(await a[i]!.digest());
    const history = (await res.config()).history!;
    expect(history.at(-1)!.created_by).toMatch(/^whittle strip: removed \d+ paths \(.*docs \d+/);
    execFileSync('docker', ['load', '-q', '-i', out]);
    expect(execFileSync('docker', ['run', '--rm', tag, 'sh', '-c', 'ls /usr/share/man | wc -l; test -e /var/lib/apt/lists/lock && echo lock'], { encoding: 'utf8' })).toBe('0\nlock\n');
  });
});
