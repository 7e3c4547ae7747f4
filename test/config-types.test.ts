// Valid JSON configs with unexpected types (null history entries, a number as created_by or User, a
// string as Cmd) are read, not crashed on: analyze, squash and strip finish (exit 0), say what they
// ignored, and the squashed image's history is well-typed again.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig, configWarnings } from '../src/image/config-schema.js';
import { openImage } from '../src/transports/open.js';
import { buildImage, dockerArchiveMembers, file, sha256, writeTar } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-config-types-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const whittle = (...args: string[]) => spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8' });

let archive = '';
beforeAll(async () => {
  const img = await buildImage([[file('etc/hello', 'hi\n'), file('usr/share/doc/tool/README', 'docs\n')], [file('app/run', 'echo\n', 0o755)]]);
  const config = JSON.parse(img.config.toString('utf8')) as Record<string, unknown>;
  config.history = [null, { created_by: 42, empty_layer: 'no' }, { created_by: '/bin/sh -c echo' }];
  config.config = { User: 1000, Cmd: 'app', Env: ['A=1', 7], Labels: { ok: 'yes', n: 3 } };
  const bytes = Buffer.from(JSON.stringify(config));
  archive = await writeTar(join(tmp, 'odd.tar'), dockerArchiveMembers({ ...img, config: bytes, configDigest: `sha256:${sha256(bytes)}` }));
});

describe('configs with unexpected types', () => {
  it('checkConfig keeps what is well-typed, converts a numeric User, and says what it dropped', () => {
    const c = checkConfig(
      { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [null, { created_by: 42, created: '2026-01-01T00:00:00Z' }], config: { User: 1000, Cmd: 'app', Entrypoint: null } },
      'image config',
    );
    expect(c.history).toEqual([{}, { created: '2026-01-01T00:00:00Z' }]);
    expect(c.config).toEqual({ User: '1000', Entrypoint: null });
    expect(configWarnings(c)).toEqual([
      'image config: history[0] is null, not what the image spec allows; ignored',
      'image config: history[1].created_by is a number, not what the image spec allows; ignored',
      'image config: config.Cmd is a string, not what the image spec allows; ignored',
    ]);
    expect(() => checkConfig({ rootfs: {} }, 'image config')).toThrow('image config has no rootfs.diff_ids');
    expect(() => checkConfig([], 'image config')).toThrow('image config is not a JSON object');
  });

  it('analyze reads the image and lists the warnings', () => {
    const r = whittle('analyze', '--json', archive);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as { warnings: string[]; image: { user: string | null } };
    expect(a.warnings.some((w) => w.includes('history[0] is null'))).toBe(true);
    expect(a.image.user).toBe('1000');
  });

  it('squash and strip write images whose history is well-typed', async () => {
    for (const [cmd, extra] of [['squash', []], ['strip', ['--squash']]] as const) {
      const out = join(tmp, `${cmd}.tar`);
      const r = whittle(cmd, archive, ...extra, '-o', `docker-archive:${out}:whittle-test/odd:${cmd}`);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(r.status).toBe(0);
      const raw = JSON.parse(Buffer.from(await (await openImage(out)).rawConfig()).toString('utf8')) as { history: unknown[] };
      for (const h of raw.history) expect(h !== null && typeof h === 'object' && typeof (h as { created_by?: unknown }).created_by !== 'number').toBe(true);
    }
  });
});
