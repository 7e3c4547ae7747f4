// squash and analyze when a layer writes or deletes below a path a lower layer made a symlink,
// without an entry of its own for that parent (issue 18). The engine (overlay2) puts such an entry in
// a directory the layer itself holds, which replaces the lower symlink; umoci follows the symlink
// instead. whittle follows the engine (docs/squash.md, "Symlinks in a layer's parent path"), so the
// reference is umoci unpacking the stack with its implied parents written out, which
// test/engine/squash-symlink.test.ts checks against docker itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanImage } from '../src/analyze/run.js';
import { mergeLayers } from '../src/analyze/merge.js';
import { WhittleError } from '../src/errors.js';
import { squash } from '../src/rewrite/squash.js';
import { strip } from '../src/rewrite/strip/index.js';
import { openImage } from '../src/transports/open.js';
import { writeImage } from '../src/transports/write.js';
import { runCli } from './support/cli.js';
import { buildImage, ociLayout, writeDir, type TarMember } from './support/image-writer.js';
import { CONFLICT_SHAPES, ENGINE_FACTS, explicitParents, fileTree, PRIVATE_PARENTS, SYMLINK_SHAPES } from './support/layer-stacks.js';
import { describeWith } from './support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-squash-symlink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const layout = async (layers: TarMember[][]): Promise<string> => writeDir(join(tmp, `src-${++n}`), ociLayout(await buildImage(layers), { refName: 'r' }).files);

function unpack(dir: string, ref: string): Map<string, string> {
  const bundle = join(tmp, `bundle-${++n}`);
  execFileSync('umoci', ['unpack', '--image', `${dir}:${ref}`, bundle], { stdio: 'pipe' });
  return fileTree(join(bundle, 'rootfs'));
}

describeWith(['umoci'], 'a layer writing below a lower symlink', () => {
  it.each(Object.keys(SYMLINK_SHAPES))('%s: the squashed image is what the engine gives, whole and above a kept base, and analyze agrees', async (shape) => {
    const layers = SYMLINK_SHAPES[shape]!;
    const src = await layout(layers);
    const reference = unpack(await layout(explicitParents(layers)), 'r');
    for (const [path, fact] of Object.entries(ENGINE_FACTS[shape]!)) {
      if (fact === null) expect(reference.has(path), path).toBe(false);
      else expect(reference.get(path), path).toMatch(fact);
    }
    // umoci follows the lower symlink: the two readers disagree on this image
    expect([...unpack(src, 'r')]).not.toEqual([...reference]);

    const out = join(tmp, `out-${++n}`);
    const runs: { tag: string; from: number; entries?: boolean }[] = [{ tag: 'whole', from: 0 }, { tag: 'planned', from: 0, entries: true }];
    for (let from = 1; from < layers.length; from++) runs.push({ tag: `from${from}`, from });
    for (const run of runs) {
      const image = await openImage(`oci:${src}:r`);
      // the two-pass squash (strip --squash) plans from the entry lists of a scan
      const entries = run.entries ? (await scanImage(image, { hashContents: false })).layers.map((l) => l.entries) : undefined;
      const result = await squash(image, { from: run.from, compression: 'none', ...(entries ? { entries } : {}) });
      try {
        await writeImage(result.image, `oci:${out}:${run.tag}`);
      } finally {
        await result.dispose();
      }
      expect([...unpack(out, run.tag)], run.tag).toEqual([...reference]);
    }

    // analyze's final tree: the same paths, of the same types
    const merged = mergeLayers((await scanImage(await openImage(`oci:${src}:r`), { hashContents: false })).layers.map((l) => l.entries)).tree;
    const kinds = new Map([...merged.records].map(([p, r]) => [p, r.type === 'hardlink' ? 'file' : r.type]));
    expect([...kinds.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [p, desc] of reference) expect(desc.startsWith(kinds.get(p)!), p).toBe(true);
    for (const [p, r] of merged.records) if (r.type === 'dir') expect(reference.get(p), p).toBe(`dir ${r.mode.toString(8)} ${r.uid}:${r.gid}`);
  });
});

describe('a layer writing below a symlink of its own', () => {
  it.each(Object.keys(CONFLICT_SHAPES))('%s: squash refuses the image instead of guessing', async (shape) => {
    const src = await layout(CONFLICT_SHAPES[shape]!);
    for (const from of [0, 1]) {
      const err = await squash(await openImage(`oci:${src}:r`), { from }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WhittleError);
      expect((err as WhittleError).code).toBe('unsupported');
      expect((err as WhittleError).message).toBe('layer 2: "b/x" is below "b", which the same layer makes a non-directory: engines differ on where it lands, so squash cannot merge it faithfully');
    }
    const out = join(tmp, `refused-${++n}.tar`);
    const r = await runCli(['squash', `oci:${src}:r`, '-o', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('whittle: layer 2: "b/x" is below "b", which the same layer makes a non-directory: engines differ on where it lands, so squash cannot merge it faithfully\n');
    expect(existsSync(out)).toBe(false);
  });
});

describeWith(['umoci'], "strip's layer of whiteouts", () => {
  it('holds each whiteout\'s parent directories as they were, so neither the engine nor squash makes them new 0755 ones', async () => {
    const src = await layout(PRIVATE_PARENTS);
    for (const squashed of [false, true]) {
      const result = await strip(await openImage(`oci:${src}:r`), { categories: [], remove: ['/root/.cache/pip/**', '/tmp/junk'], squash: squashed, compression: 'none' });
      expect(result.plan.whiteouts).toEqual(['root/.cache/pip/other', 'root/.cache/pip/wheel', 'tmp/junk']);
      const out = join(tmp, `stripped-${++n}`);
      try {
        await writeImage(result.image!, `oci:${out}:s`);
      } finally {
        await result.dispose();
      }
      const tree = unpack(out, 's');
      expect(tree.get('root'), `squash ${squashed}`).toBe('dir 700 0:0');
      expect(tree.get('root/.cache'), `squash ${squashed}`).toBe('dir 700 0:0');
      expect(tree.get('tmp'), `squash ${squashed}`).toBe('dir 1777 0:0');
      expect(tree.has('root/.cache/pip/wheel') || tree.has('root/.cache/pip/other') || tree.has('tmp/junk')).toBe(false);
      expect(tree.get('root/keep')).toMatch(/^file/);
      // and whittle's own reading of the stripped image agrees
      const merged = mergeLayers((await scanImage(await openImage(`oci:${out}:s`), { hashContents: false })).layers.map((l) => l.entries)).tree;
      expect(merged.get('root')).toMatchObject({ mode: 0o700 });
      expect(merged.get('tmp')).toMatchObject({ mode: 0o1777 });
    }
  });
});
