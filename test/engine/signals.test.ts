// An image read from the engine is spooled under TMPDIR (src/sources/daemon/index.ts); a run
// interrupted once it is spooled removes the spool and exits with the signal's status.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
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
