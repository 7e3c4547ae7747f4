// docker loads what whittle's squash writes from an image whose file names are not UTF-8, and its
// export holds the same bytes as the original's (engine suite: `npm run test:engine`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openImage } from '../../src/transports/open.js';
import { squash } from '../../src/rewrite/squash.js';
import { writeImage } from '../../src/transports/write.js';
import { buildImage, dir, dockerArchiveMembers, file, hardlink, nameBytes, symlink, whiteout, writeTar } from '../support/image-writer.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-raw-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// \udcXX is the byte 0xXX of a name that is not UTF-8 (nameBytes)
const NAMES = {
  ff: 'f\udcff', fe: 'f\udcfe', c3: 'f\udcc3', utf8: 'café', gone: 'gone\udcff', dir: 'd\udcff',
  long: `l\udce9ng-${'d'.repeat(60)}/${'n'.repeat(70)}\udcff`, single: `${'s'.repeat(120)}\udcfe`,
  link: 'link\udcff', target: 'target\udcfe',
};

/** exported lists a container file system as `docker export` writes it, read by GNU tar: names and link targets as bytes (one character per byte). */
function exported(image: string): string[] {
  const id = execFileSync('docker', ['create', image], { encoding: 'utf8' }).trim();
  try {
    const tarFile = join(tmp, `${id}.tar`);
    execFileSync('docker', ['export', '-o', tarFile, id]);
    const listing = execFileSync('tar', ['--quoting-style=literal', '-tvf', tarFile], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 }).toString('latin1');
    // drop the columns before the name (mode, owner, size, date, time) and what the engine adds itself
    return listing
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(/ +/).slice(5).join(' ').replace(/ link to .*$/, '')) // which name of a hard link comes first is the walk's choice
      .filter((n) => !/^(\.dockerenv|dev|etc|proc|sys)(\/|$)/.test(n))
      .sort();
  } finally {
    spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
}

describeWith(['docker', 'gnu-tar'], 'names that are not UTF-8 in the engine', () => {
  const TAG = `whittle-utf8-names/raw-names:${process.pid}`;
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', `${TAG}-original`, `${TAG}-squashed`], { stdio: 'ignore' });
  });

  it('docker loads the squashed image and exports the same byte names as the original', async () => {
    const img = await buildImage([
      [
        file(NAMES.ff, 'ff\n'), file(NAMES.fe, 'fe\n'), file(NAMES.c3, 'c3\n'), file(NAMES.utf8, 'utf8\n'), file(NAMES.gone, 'gone\n'),
        dir(`${NAMES.dir}/`), file('d\udcfe', 'a file whose name differs from a directory\'s only in a byte\n'), hardlink(`${NAMES.dir}/hard\udcfe`, NAMES.ff), dir(`${NAMES.long.split('/')[0]}/`), file(NAMES.long, 'long\n'),
        file(NAMES.single, 'single\n'), symlink(NAMES.link, NAMES.target),
      ],
      [whiteout(NAMES.gone), file(NAMES.fe, 'fe, again\n')],
    ]);
    const original = await writeTar(join(tmp, 'original.tar'), dockerArchiveMembers(img, `${TAG}-original`));
    const result = await squash(await openImage(`docker-archive:${original}`));
    try {
      await writeImage(result.image, `docker-archive:${join(tmp, 'squashed.tar')}:${TAG}-squashed`);
    } finally {
      await result.dispose();
    }
    execFileSync('docker', ['load', '-q', '-i', original]);
    execFileSync('docker', ['load', '-q', '-i', join(tmp, 'squashed.tar')]);
    const before = exported(`${TAG}-original`);
    const key = (name: string) => nameBytes(name).toString('latin1');
    for (const n of [NAMES.ff, NAMES.fe, NAMES.c3, NAMES.utf8, NAMES.long, NAMES.single]) expect(before).toContain(key(n));
    expect(before).toContain(`${key(NAMES.link)} -> ${key(NAMES.target)}`);
    expect(before).toContain(key(`${NAMES.dir}/hard\udcfe`));
    expect(before).toContain(key('d\udcfe'));
    expect(before).not.toContain(key(NAMES.gone));
    expect(exported(`${TAG}-squashed`)).toEqual(before);
  });
});
