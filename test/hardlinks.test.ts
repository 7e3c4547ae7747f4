// One decision on hard links for every command (src/layers/hardlinks.ts): POSIX tar says a hard link
// names a previously archived regular file; the OCI image spec allows links to entries of the same
// layer or the layers below. analyze, ls, strip and squash each refuse the same links (exit 2, one
// `whittle:` line naming the link, no output left) and accept the same ones.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { buildImage, dir, dockerArchiveMembers, file, hardlink, symlink, whiteout, writeTar, type TarMember } from './support/image-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-hardlinks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COMMANDS = ['analyze', 'ls', 'strip', 'squash'] as const;

async function archive(name: string, layers: TarMember[][]): Promise<string> {
  return writeTar(join(tmp, `${name}.tar`), dockerArchiveMembers(await buildImage(layers)));
}

async function run(command: (typeof COMMANDS)[number], image: string) {
  const out = join(tmp, `${command}-out.tar`);
  rmSync(out, { force: true });
  const args = command === 'analyze' || command === 'ls' ? [command, image] : [command, image, '-o', out];
  return { ...(await runCli(args, { NO_COLOR: '1' })), out };
}

const refused: [string, TarMember[][], RegExp][] = [
  ['to a directory in the same layer', [[dir('etc'), hardlink('x', 'etc')]], /hard link "x" points at "etc", which is a directory/],
  ['to a directory of a lower layer', [[dir('etc'), file('etc/a', 'a')], [hardlink('x', 'etc')]], /hard link "x" points at "etc", which is a directory/],
  ['to itself', [[file('a', 'a'), hardlink('x', 'x')]], /hard link "x" points at "x", itself/],
  ['through a symlink in the same layer', [[dir('etc'), file('etc/passwd', 'root'), symlink('a', 'etc'), hardlink('x', 'a/passwd')]], /hard link "x" points at "a\/passwd", which (is below the symbolic link "a"|neither)/],
  ['through a symlink of a lower layer', [[dir('etc'), file('etc/passwd', 'root'), symlink('a', 'etc')], [hardlink('x', 'a/passwd')]], /hard link "x" points at "a\/passwd", which (is below the symbolic link "a"|neither)/],
  ['to a symlink', [[file('f', 'f'), symlink('s', 'f'), hardlink('x', 's')]], /hard link "x" points at "s", which is a symbolic link/],
  ['to nothing', [[file('f', 'f'), hardlink('x', 'nope')]], /hard link "x" points at "nope", which neither/],
  ['to a file archived after it', [[hardlink('x', 'f'), file('f', 'f')]], /hard link "x" points at "f", which neither/],
  ['to a file a lower layer had and a later one deleted', [[file('f', 'f')], [whiteout('f')], [hardlink('x', 'f')]], /hard link "x" points at "f", which neither/],
  ['to a file a lower layer had and an opaque marker at the root hid', [[file('f', 'f')], [file('.wh..wh..opq', '')], [hardlink('x', 'f')]], /hard link "x" points at "f", which neither/],
];

const accepted: [string, TarMember[][]][] = [
  ['to a file archived before it', [[file('f', 'data'), hardlink('x', 'f')]]],
  ['to a file of a lower layer', [[dir('usr'), file('usr/f', 'data')], [hardlink('x', 'usr/f')]]],
  ['to another hard link (a chain)', [[file('f', 'data'), hardlink('x', 'f'), hardlink('y', 'x')]]],
];

describe('hard links: one decision for analyze, ls, strip and squash', () => {
  for (const [name, layers, message] of refused) {
    it(`refuses a hard link ${name}`, async () => {
      const image = await archive(name.replace(/\W+/g, '-'), layers);
      for (const command of COMMANDS) {
        const r = await run(command, image);
        expect(r.status, `${command}: ${r.stderr}`).toBe(2);
        expect(r.stderr, command).toMatch(/^whittle: [^\n]*\n$/);
        expect(r.stderr, command).toMatch(message);
        expect(existsSync(r.out), command).toBe(false);
      }
    });
  }

  for (const [name, layers] of accepted) {
    it(`accepts a hard link ${name}`, async () => {
      const image = await archive(name.replace(/\W+/g, '-'), layers);
      for (const command of COMMANDS) {
        const r = await run(command, image);
        expect(r.status, `${command}: ${r.stderr}`).toBe(0);
      }
    });
  }
});
