// The engine's own reading of layers that write below a lower symlink (issue 18): docker loads the
// original, the same stack with its implied parents written out (the reference test/squash.test.ts
// and test/squash-symlink.test.ts judge squash by, with umoci), and whittle's squash of it; a
// container of each is exported, and the three file trees must be equal (engine suite:
// `npx vitest run --config vitest.engine.config.ts test/engine/squash-symlink.test.ts`).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TarParser } from '../../src/internal/tar-parser.js';
import { normalizeLayerPath } from '../../src/internal/paths.js';
import { squash } from '../../src/rewrite/squash.js';
import { strip } from '../../src/rewrite/strip/index.js';
import { openImage } from '../../src/transports/open.js';
import { writeImage } from '../../src/transports/write.js';
import { buildImage, dockerArchiveMembers, writeTar, type TarMember } from '../support/image-writer.js';
import { CONFLICT_SHAPES, ENGINE_FACTS, explicitParents, PRIVATE_PARENTS, randomStack, SYMLINK_SHAPES } from '../support/layer-stacks.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-squash-symlink-engine-'));
const PREFIX = `whittle-squash-symlink/engine-${process.pid}`;
const tags: string[] = [];
afterAll(() => {
  if (tags.length > 0) spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;

/** load writes layers as a docker-archive and loads it; it returns the tag. */
async function load(layers: TarMember[][]): Promise<string> {
  const tag = `${PREFIX}:${++n}`;
  const archive = join(tmp, `${n}.tar`);
  await writeTar(archive, dockerArchiveMembers(await buildImage(layers), tag));
  execFileSync('docker', ['load', '-q', '-i', archive], { stdio: 'pipe' });
  tags.push(tag);
  return tag;
}

/** exported describes the file tree of a container of the image as `docker export` gives it, as fileTree would (hard links by target). */
function exported(tag: string): Map<string, string> {
  const id = execFileSync('docker', ['create', tag, 'x'], { encoding: 'utf8' }).trim();
  try {
    const tar = execFileSync('docker', ['export', id], { maxBuffer: 1 << 28 });
    const out = new Map<string, string>();
    let hash: Hash | null = null;
    let current = '';
    const parser = new TarParser({
      entry: (h) => {
        current = normalizeLayerPath(h.name);
        const mode = (h.mode & 0o7777).toString(8);
        hash = null;
        if (h.kind === 'dir') out.set(current, `dir ${mode} ${h.uid}:${h.gid}`);
        else if (h.kind === 'symlink') out.set(current, `symlink -> ${h.linkname}`);
        else if (h.kind === 'hardlink') out.set(current, `hardlink -> ${normalizeLayerPath(h.linkname)}`);
        else if (h.kind === 'file') {
          out.set(current, `file ${mode} ${h.uid}:${h.gid}`);
          hash = createHash('sha256');
        } else out.set(current, `other ${mode}`);
      },
      data: (chunk) => hash?.update(chunk),
      entryEnd: () => {
        if (hash) out.set(current, `${out.get(current)} ${hash.digest('hex').slice(0, 16)}`);
        hash = null;
      },
    });
    parser.write(tar);
    parser.end();
    out.delete('');
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    spawnSync('docker', ['rm', id], { stdio: 'ignore' });
  }
}

/** squashed loads whittle's squash of the image tagged `tag` (from: first merged layer) and returns its tag. */
async function squashed(tag: string, from: number): Promise<string> {
  const out = `${tag}-squashed-${from}`;
  const result = await squash(await openImage(`docker-archive:${join(tmp, `${tag.split(':')[1]}.tar`)}`), { from, compression: 'none' });
  try {
    await writeImage(result.image, `docker-archive:${join(tmp, `sq-${++n}.tar`)}:${out}`);
  } finally {
    await result.dispose();
  }
  execFileSync('docker', ['load', '-q', '-i', join(tmp, `sq-${n}.tar`)], { stdio: 'pipe' });
  tags.push(out);
  return out;
}

/** crossLayerLinks says whether a layer hard-links to a file it does not hold itself (docker cannot load that). */
const crossLayerLinks = (layers: TarMember[][]): boolean =>
  layers.some((members) => members.some((m, i) => m.type === 'link' && !members.slice(0, i).some((o) => o.name === m.linkname)));

describeWith(['docker'], 'docker reads a layer writing below a lower symlink as whittle squashes it', () => {
  it.each(Object.keys(SYMLINK_SHAPES))('%s', async (shape) => {
    const layers = SYMLINK_SHAPES[shape]!;
    const tag = await load(layers);
    const engine = exported(tag);
    for (const [path, fact] of Object.entries(ENGINE_FACTS[shape]!)) {
      if (fact === null) expect(engine.has(path), path).toBe(false);
      else expect(engine.get(path), path).toMatch(fact);
    }
    expect([...exported(await load(explicitParents(layers)))]).toEqual([...engine]);
    for (let from = 0; from < layers.length; from++) expect([...exported(await squashed(tag, from))], `from ${from}`).toEqual([...engine]);
  });

  it('random layer stacks that write below a lower symlink: original, reference and squash agree', async () => {
    const seeds: number[] = [];
    for (let seed = 1; seeds.length < 8 && seed < 400; seed++) {
      const stack = randomStack(seed);
      if (stack.symlinkedParents && !crossLayerLinks(stack.layers)) seeds.push(seed);
    }
    expect(seeds).toHaveLength(8);
    for (const seed of seeds) {
      const { layers } = randomStack(seed);
      const tag = await load(layers);
      const engine = exported(tag);
      expect([...exported(await load(explicitParents(layers)))], `seed ${seed}: reference`).toEqual([...engine]);
      for (const from of new Set([0, seed % layers.length])) expect([...exported(await squashed(tag, from))], `seed ${seed} from ${from}`).toEqual([...engine]);
    }
  }, 300_000);

  it("strip's layer of whiteouts leaves /root private and /tmp sticky, with and without --squash", async () => {
    const tag = await load(PRIVATE_PARENTS);
    const original = exported(tag);
    expect(original.get('root')).toBe('dir 700 0:0');
    for (const squashed of [false, true]) {
      const result = await strip(await openImage(`docker-archive:${join(tmp, `${tag.split(':')[1]}.tar`)}`), { categories: [], remove: ['/root/.cache/pip/**', '/tmp/junk'], squash: squashed, compression: 'none' });
      const out = `${tag}-stripped-${squashed}`;
      try {
        await writeImage(result.image!, `docker-archive:${join(tmp, `strip-${++n}.tar`)}:${out}`);
      } finally {
        await result.dispose();
      }
      execFileSync('docker', ['load', '-q', '-i', join(tmp, `strip-${n}.tar`)], { stdio: 'pipe' });
      tags.push(out);
      const engine = exported(out);
      expect(engine.get('root'), `squash ${squashed}`).toBe('dir 700 0:0');
      expect(engine.get('root/.cache'), `squash ${squashed}`).toBe('dir 700 0:0');
      expect(engine.get('tmp'), `squash ${squashed}`).toBe('dir 1777 0:0');
      expect(engine.has('root/.cache/pip/wheel') || engine.has('tmp/junk')).toBe(false);
    }
  });

  it('a layer writing below a symlink of its own lands where that layer alone decides (why squash refuses it)', async () => {
    const [first, second] = Object.values(CONFLICT_SHAPES) as [TarMember[][], TarMember[][]];
    // b -> etc, b/x with no etc in the layer: the engine cannot load it
    await expect(load(first)).rejects.toThrow(/no such file or directory/);
    // with etc in the layer, the engine follows the layer's own symlink
    const engine = exported(await load(second));
    expect(engine.get('b')).toBe('symlink -> etc');
    expect(engine.get('etc/x')).toMatch(/^file/);
    expect(engine.has('etc/passwd')).toBe(true);
  });
});
