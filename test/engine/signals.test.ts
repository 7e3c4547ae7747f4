// An image read from the engine is spooled under TMPDIR (src/sources/daemon/index.ts); a run
// interrupted once it is spooled removes the spool and exits with the signal's status.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';
import { expectClean, interrupt, sandbox, SIGNALS, STATUS } from '../support/interrupt.js';

const root = mkdtempSync(join(tmpdir(), 'whittle-engine-signals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeWith(['debian-minbase'], 'an interrupted read from the engine', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
  }, 600_000);

  for (const signal of SIGNALS) {
    it(`${signal} once the image is spooled: status ${STATUS[signal]}, the spool is gone`, async () => {
      const box = sandbox(root);
      const r = await interrupt(box, ['analyze', `docker-daemon:${base}`], 'spooled', signal);
      expectClean(r, signal, [], /^tmp\/whittle-daemon-.*\/spool$/);
    }, 120_000);
  }
});

describeWith(['debian-minbase'], 'an interrupted fix --verify', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
  }, 600_000);

  it('SIGINT once the original is built: status 130, no image of the run is left in the engine', async () => {
    const box = sandbox(root);
    const dockerfile = join(box.cwd, 'Dockerfile');
    writeFileSync(dockerfile, `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends file\n`);
    const images = () => execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('whittle-verify-'));
    const before = images();
    const r = await interrupt(box, ['fix', '--verify', dockerfile], 'verify-built', 'SIGINT');
    expect(r.status).toBe(130);
    expect(r.during.some((p) => /^tmp\/whittle-verify-/.test(p))).toBe(true);
    expect(r.after.filter((p) => !p.startsWith('cwd/Dockerfile'))).toEqual([]);
    expect(images().filter((i) => !before.includes(i))).toEqual([]);
  }, 600_000);
});
