// tree-sitter's bash grammar is loaded by minify only when the closure meets a shell script (its own
// test file: the parser, once loaded, stays loaded for the process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { elfFile } from '../../test/support/elf-writer.js';
import { buildImage, dir, file, ociLayout, symlink, writeDir } from '../../test/support/image-writer.js';
import { openImage } from '../transports/open.js';
import { shellParserReady } from '../shell/parser.js';
import { minify } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-lazy-shell-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LOADER = '/lib64/ld-linux-x86-64.so.2';

async function plan(name: string, cmd: string[]) {
  const img = await buildImage(
    [[
      dir('usr'), dir('usr/bin'), dir('usr/lib64'), dir('app'), symlink('lib64', 'usr/lib64'),
      file('usr/lib64/ld-linux-x86-64.so.2', elfFile({ static: true }), 0o755),
      file('usr/lib64/libc.so.6', elfFile({})),
      file('usr/bin/sh', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
      file('usr/bin/tool', elfFile({ interpreter: LOADER, needed: ['libc.so.6'] }), 0o755),
      file('app/run.sh', '#!/usr/bin/sh\ntool --version\n', 0o755),
    ]],
    { config: { Env: ['PATH=/usr/bin'], Cmd: cmd } },
  );
  const image = await openImage(`oci:${writeDir(join(tmp, name), ociLayout(img, { refName: 'v1' }).files)}:v1`);
  return (await minify(image, { dryRun: true })).plan;
}

it('is not loaded for a program run directly, and is loaded (with the same closure as with it from the start) for a shell script', async () => {
  const direct = await plan('direct', ['tool']);
  expect(direct.kept.has('usr/bin/tool')).toBe(true);
  expect(shellParserReady()).toBe(false);

  const script = await plan('script', ['/app/run.sh']);
  expect(shellParserReady()).toBe(true);
  expect(script.kept.get('usr/bin/tool')).toEqual(['called by /app/run.sh:2']);
  expect(script.warnings.filter((w) => /parser/.test(w))).toEqual([]);
});
