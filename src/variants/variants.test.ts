import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUGGESTION_ORDER } from '../fix/engine.js';
import { applyBaseMap, parseBaseMap } from './base-map.js';
import { caveatsOf } from './caveats.js';
import { judge, parseCheck, splitWords } from './check.js';
import { STRUCTURAL, VARIANT_MAKERS } from './makers.js';
import { renderMarkdown, renderText, toJson } from './render.js';
import { runVariants, smallestPassing } from './run.js';
import { planBuilt } from './built.js';
import { nativeAddonIn } from './native-addons.js';
import { VariantDeclined, VariantFailure, type Check, type CheckRun, type Measured, type RuntimeInfo, type VariantEngine, type VariantRow } from './types.js';

const APP = ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y file', 'COPY answer.txt /app/answer.txt', 'CMD cat /app/answer.txt', ''].join('\n');
const ROOT: RuntimeInfo = { entrypoint: null, cmd: ['cat', '/app/answer.txt'], user: '', healthcheck: null };

/** FakeEngine sizes each image by its variant id; `broken` builds fail, `wrong` ids answer differently. */
class FakeEngine implements VariantEngine {
  built = new Map<string, string>();
  checked: string[] = [];
  loaded: string[] = [];
  pushed: string[] = [];
  pulls = 0;
  cleaned = false;
  constructor(
    private readonly sizes: Record<string, number>,
    private readonly opts: { failBuild?: string; failMessage?: string; wrongAnswer?: string; failCheck?: string; failPush?: string } = {},
  ) {}
  private id = (tag: string) => tag.split(':').pop()!;
  async build(text: string, tag: string) {
    if (this.id(tag) === this.opts.failBuild) throw new VariantFailure(this.opts.failMessage ?? 'exec /bin/sh: no such file or directory');
    this.built.set(this.id(tag), text);
    return { tag, buildSeconds: 1.5 };
  }
  async rewrite(_from: string, tag: string) {
    return { tag, buildSeconds: 0.5 };
  }
  async load(tag: string) {
    this.loaded.push(this.id(tag));
    return { tag, buildSeconds: 2 };
  }
  async push(tag: string, ref: string) {
    if (this.id(tag) === this.opts.failPush) throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
    this.pushed.push(ref);
    return { uploaded: 2, existing: 1 };
  }
  /** pull takes 9 (the warm-up), then 3, 1, 2 seconds: the median of the timed three is 2. */
  async pull() {
    return [9, 3, 1, 2][this.pulls++ % 4]!;
  }
  async measure(tag: string): Promise<Measured> {
    const n = this.sizes[this.id(tag)] ?? 1_000_000;
    return { uncompressed: n, compressed: Math.round(n / 3), layers: 3, files: 100, findings: 2, config: { ...ROOT, user: this.id(tag) === 'non-root' ? 'app' : '' } };
  }
  async check(tag: string, _c: Check): Promise<CheckRun> {
    const id = this.id(tag);
    this.checked.push(id);
    if (id === this.opts.failCheck) return { ok: false, answer: 'exit 1\n', ms: 10, detail: 'exit 1: cat: /app/answer.txt: No such file or directory' };
    return { ok: true, answer: id === this.opts.wrongAnswer ? 'exit 0\n41\n' : 'exit 0\n42\n', ms: 100 + this.checked.length, detail: '' };
  }
  async cleanup() {
    this.cleaned = true;
  }
}

const SIZES = { 'as-is': 335_000_000, fixed: 252_000_000, 'slim-base': 200_000_000, 'non-root': 252_100_000, squashed: 334_000_000, stripped: 130_000_000, minified: 140_000_000 };
const run = (engine: VariantEngine, check: Check = { kind: 'cmd', args: ['cat', '/app/answer.txt'] }, more: { registry?: string; context?: string } = {}) =>
  runVariants({ dockerfile: APP, engine, makers: VARIANT_MAKERS, check, runs: 3, tagPrefix: 'whittle-variants-1-abc', baseMap: parseBaseMap(['debian:bookworm=local/min:1']), ...more });

describe('the variant table', () => {
  it('starts with as-is and names a variant for every structural rewrite the fix engine knows', () => {
    expect(VARIANT_MAKERS.map((m) => m.id)).toEqual(['as-is', 'fixed', 'multi-stage', 'slim-base', 'cache-order', 'non-root', 'distroless', 'alpine', 'squashed', 'stripped', 'minified', 'built']);
    for (const rule of SUGGESTION_ORDER) expect(STRUCTURAL[rule], rule).toBeDefined();
  });

  it('builds every applicable variant from the mapped Dockerfile and declines the others with the reason', async () => {
    const engine = new FakeEngine(SIZES);
    const r = await run(engine);
    const row = (id: string) => r.variants.find((v) => v.id === id)!;
    expect(r.variants.map((v) => [v.id, v.status])).toEqual([
      ['as-is', 'passed'], ['fixed', 'passed'], ['multi-stage', 'declined'], ['slim-base', 'passed'], ['cache-order', 'declined'], ['non-root', 'passed'], ['distroless', 'declined'], ['alpine', 'declined'], ['squashed', 'passed'], ['stripped', 'passed'], ['minified', 'passed'], ['built', 'declined'],
    ]);
    expect(row('distroless').reason).toMatch(/cannot tell what `cat` needs/);
    expect(row('built').reason).toBe('not a Node project: no build context');
    expect(row('multi-stage').reason).toMatch(/build-tools-in-final-stage does not apply/);
    expect(engine.built.get('as-is')).toContain('FROM local/min:1');
    expect(row('as-is').dockerfile).toBe(APP); // the row keeps the user's own base
    expect(row('fixed').dockerfile).toContain('--no-install-recommends');
    expect(row('slim-base').dockerfile).toContain('FROM debian:bookworm-slim');
    expect(row('slim-base').rules).toContain('heavy-base-image');
    expect(engine.built.get('slim-base')).toContain('FROM debian:bookworm-slim'); // not mapped: no --base-map names it
    expect(engine.checked.slice(0, 4)).toEqual(['as-is', 'as-is', 'as-is', 'as-is']); // warm-up + 3, as-is first
    expect(row('fixed').check).toMatchObject({ runs: 3, answer: 'exit 0\n42\n' });
    expect(r.smallest).toBe('stripped');
    expect(r.caveats.map((c) => [c.variant, c.kind])).toEqual([['as-is', 'user'], ['non-root', 'user']]);
  });

  it('keeps a variant that fails to build, fails its check or answers differently in the table, never as the choice', async () => {
    const r = await run(new FakeEngine(SIZES, { failBuild: 'slim-base', wrongAnswer: 'stripped', failCheck: 'squashed' }));
    const row = (id: string) => r.variants.find((v) => v.id === id)!;
    expect(row('slim-base')).toMatchObject({ status: 'failed', sizes: null });
    expect(row('slim-base').reason).toBe('build failed: exec /bin/sh: no such file or directory');
    expect(row('squashed').status).toBe('failed');
    expect(row('squashed').reason).toMatch(/^check failed: exit 1: cat: \/app\/answer.txt/);
    expect(row('stripped').status).toBe('failed');
    expect(row('stripped').reason).toBe('check answered "exit 0\\n41\\n", as-is answered "exit 0\\n42\\n"');
    expect(r.smallest).toBe('minified'); // the smallest of those that passed
  });

  it('makes the distroless and alpine rows of a Node app, and declines (not fails) one whose base the engine cannot get', async () => {
    const app = ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'EXPOSE 3000', 'CMD ["node", "server.js"]', ''].join('\n');
    const missing = 'ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/node/manifests/20-alpine": dial tcp: lookup registry-1.docker.io: no such host';
    const engine = new FakeEngine(SIZES, { failBuild: 'alpine', failMessage: missing });
    const r = await runVariants({ dockerfile: app, engine, makers: VARIANT_MAKERS, check: { kind: 'http', port: 3000, path: '/' }, runs: 1, tagPrefix: 'whittle-variants-1-abc', baseMap: parseBaseMap(['gcr.io/distroless/nodejs20-debian12=local/distroless-node:1']) });
    const row = (id: string) => r.variants.find((v) => v.id === id)!;
    expect(row('distroless').status).toBe('passed');
    expect(row('distroless').dockerfile).toContain('FROM gcr.io/distroless/nodejs20-debian12\n');
    expect(engine.built.get('distroless')).toContain('FROM local/distroless-node:1\n');
    expect(row('alpine')).toMatchObject({ status: 'declined', sizes: null, check: null });
    expect(row('alpine').reason).toBe(`its base node:20-alpine is not in the engine and cannot be pulled: ${missing}`);
    expect(r.caveats.filter((c) => c.variant === 'distroless').map((c) => c.kind)).toEqual([]);
    // any other build failure stays a failure
    const other = await runVariants({ dockerfile: app, engine: new FakeEngine(SIZES, { failBuild: 'alpine', failMessage: 'exit code: 1' }), makers: VARIANT_MAKERS, check: { kind: 'http', port: 3000, path: '/' }, runs: 1, tagPrefix: 'x' });
    expect(other.variants.find((v) => v.id === 'alpine')).toMatchObject({ status: 'failed', reason: 'build failed: exit code: 1' });
  });

  it('reads the context: package.json\'s start script for distroless, a native addon in node_modules for alpine', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const context = await mkdtemp(path.join(tmpdir(), 'whittle-variants-ctx-'));
    try {
      await writeFile(path.join(context, 'package.json'), JSON.stringify({ scripts: { start: 'node server.js' } }));
      await mkdir(path.join(context, 'node_modules', 'express', 'node_modules', '@napi', 'hash', 'build', 'Release'), { recursive: true });
      await writeFile(path.join(context, 'node_modules', 'express', 'node_modules', '@napi', 'hash', 'build', 'Release', 'hash.node'), 'ELF');
      expect(await nativeAddonIn(context)).toBe('@napi/hash');
      const app = ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'CMD ["npm", "start"]', ''].join('\n');
      const r = await runVariants({ dockerfile: app, engine: new FakeEngine(SIZES), makers: VARIANT_MAKERS, check: { kind: 'http', port: 3000, path: '/' }, runs: 1, tagPrefix: 'x', context });
      const row = (id: string) => r.variants.find((v) => v.id === id)!;
      expect(row('distroless').dockerfile).toMatch(/ENTRYPOINT \["\/nodejs\/bin\/node"\]\nCMD \["server.js"\]\n$/);
      expect(row('alpine')).toMatchObject({ status: 'declined', reason: expect.stringMatching(/^musl breaks native modules: node_modules holds @napi\/hash's native addon/) });
      await rm(path.join(context, 'node_modules'), { recursive: true });
      expect(await nativeAddonIn(context)).toBeNull();
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  });

  it('marks every variant unchecked when there is no check and no HEALTHCHECK', async () => {
    const r = await run(new FakeEngine(SIZES), { kind: 'healthcheck' });
    expect(r.check).toEqual({ kind: 'none' });
    expect(r.variants.filter((v) => v.sizes).every((v) => v.status === 'unchecked' && v.check === null)).toBe(true);
  });
});

describe('rendering', () => {
  it('labels both sizes, prints them as docker images does, and marks the smallest passing', async () => {
    const r = await run(new FakeEngine(SIZES, { failBuild: 'slim-base' }));
    const text = renderText(r);
    expect(text).toContain('uncompressed (docker images)');
    expect(text).toContain('compressed (pull)');
    expect(text).toMatch(/^stripped \*\s+passed\s+130MB\s+43.3MB\s+–\s+3\s+100\s+0.5s/m);
    expect(text).toContain('pull time (no --registry)');
    expect(text).toContain('pull time: no --registry (give --registry HOST:PORT');
    expect(text).toMatch(/^slim-base\s+failed(\s+–)+$/m);
    expect(text).toContain('slim-base (failed): build failed: exec /bin/sh');
    expect(text).toContain('* stripped: the smallest variant that passed the check, 43.3MB compressed, 130MB uncompressed');
  });

  it('gives JSON with every row, units stated and no engine tags', async () => {
    const r = await run(new FakeEngine(SIZES));
    const j = JSON.parse(JSON.stringify(toJson(r))) as { schemaVersion: number; units: object; smallest: string; variants: Record<string, unknown>[] };
    expect(j.schemaVersion).toBe(1);
    expect(j.units).toEqual({ sizes: 'bytes', buildSeconds: 'seconds', pullSeconds: 'seconds', check: 'milliseconds' });
    expect(j).toMatchObject({ registry: null });
    expect(j.variants.every((v) => v.pullSeconds === null)).toBe(true);
    expect(j.variants).toHaveLength(VARIANT_MAKERS.length);
    expect(j.variants.every((v) => !('tag' in v))).toBe(true);
    expect(j.variants[0]).toMatchObject({ id: 'as-is', status: 'passed', sizes: { uncompressed: 335_000_000, compressed: 111_666_667 } });
  });

  it('gives a Markdown table with one line per variant and escapes pipes', async () => {
    const r = await run(new FakeEngine(SIZES, { failBuild: 'fixed' }));
    r.variants[1]!.reason = 'build failed: a | b';
    const md = renderMarkdown(r);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(VARIANT_MAKERS.length + 2); // heading and separator
    expect(md).toContain('| **stripped** | passed |');
    expect(md).toContain('- fixed (failed): build failed: a \\| b');
  });
});

describe('pull times (--registry)', () => {
  it('pushes every built image to the registry, one repository per run, and keeps the median of the pulls', async () => {
    const engine = new FakeEngine(SIZES, { failBuild: 'slim-base' });
    const r = await run(engine, undefined, { registry: '127.0.0.1:5999' });
    expect(r.registry).toBe('127.0.0.1:5999');
    const built = r.variants.filter((v) => v.sizes !== null).map((v) => v.id);
    expect(engine.pushed).toEqual(built.map((id) => `127.0.0.1:5999/whittle-variants-1-abc:${id}`));
    expect(engine.pulls).toBe(4 * built.length); // a warm-up and 3 timed
    for (const v of r.variants) expect(v.pullSeconds, v.id).toBe(v.sizes !== null ? 2 : null);
    const text = renderText(r);
    expect(text).toMatch(/^stripped \*\s+passed\s+130MB\s+43.3MB\s+2.00s\s+3\s+100\s+0.5s/m);
    expect(text).toMatch(/^slim-base\s+failed(\s+–)+$/m);
    expect(text).not.toContain('no --registry');
    expect(text).toContain('pull time: median of 3 reads of the variant pushed to 127.0.0.1:5999');
    const j = JSON.parse(JSON.stringify(toJson(r))) as { registry: string; variants: { id: string; pullSeconds: number | null }[] };
    expect(j.registry).toBe('127.0.0.1:5999');
    expect(j.variants.find((v) => v.id === 'stripped')!.pullSeconds).toBe(2);
    expect(renderMarkdown(r)).toMatch(/^\| \*\*stripped\*\* \| passed \| 130MB \| 43.3MB \| 2.00s \|/m);
  });

  it('keeps a row whose push fails, without a pull time and with the reason', async () => {
    const r = await run(new FakeEngine(SIZES, { failPush: 'fixed' }), undefined, { registry: '127.0.0.1:5999' });
    const fixed = r.variants.find((v) => v.id === 'fixed')!;
    expect(fixed).toMatchObject({ status: 'passed', pullSeconds: null, reason: 'pull not timed: connect ECONNREFUSED 127.0.0.1:5999' });
    expect(r.variants.find((v) => v.id === 'as-is')!.pullSeconds).toBe(2);
  });
});

describe('the built row', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-variants-built-'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'server.js' }));
    await writeFile(path.join(dir, 'server.js'), 'console.log(42)\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('declines a context that is not a Node project, saying why', async () => {
    const plan = await planBuilt({ dockerfile: 'FROM node:20\n', made: new Map(), context: dir });
    expect(plan).toMatchObject({ kind: 'declined' });
    expect((plan as { reason: string }).reason).toMatch(/^not a Node project: .*no lock file/);
    const empty = await mkdtemp(path.join(tmpdir(), 'whittle-variants-empty-'));
    try {
      const none = await planBuilt({ dockerfile: 'FROM node:20\n', made: new Map(), context: empty });
      expect((none as { reason: string }).reason).toMatch(/^not a Node project: .*no package.json/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("builds onto whittle build's default base (distroless Node for engines.node) unless --build-base is given; declines when the base, mapped by --base-map, cannot be read, or no default fits", async () => {
    await writeFile(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0' } } }));
    const missing = path.join(dir, 'no-such-layout');
    const plan = await planBuilt({ dockerfile: 'FROM node:20\n', made: new Map(), context: dir, baseMap: new Map([['gcr.io/distroless/nodejs20-debian12:nonroot', `oci:${missing}`]]) });
    expect(plan.kind).toBe('image');
    const produce = (plan as { produce: (t: string) => Promise<unknown> }).produce;
    const err = await produce(dir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(VariantDeclined);
    expect((err as Error).message).toMatch(new RegExp(`^cannot read the base oci:${missing}: `));
    // --build-base wins over the default, and is mapped too
    const mapped = await planBuilt({ dockerfile: 'FROM node:20\n', made: new Map(), context: dir, buildBase: 'node:20', baseMap: new Map([['node:20', `oci:${missing}-2`]]) });
    const err2 = await (mapped as { produce: (t: string) => Promise<unknown> }).produce(dir).then(() => null, (e: unknown) => e);
    expect((err2 as Error).message).toMatch(new RegExp(`^cannot read the base oci:${missing}-2: `));
    // engines.node that no distroless Node fits: no default base, and the row says to give --build-base
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'server.js', engines: { node: '>=30' } }));
    const none = await planBuilt({ dockerfile: 'FROM node:20\n', made: new Map(), context: dir });
    expect(none).toMatchObject({ kind: 'declined' });
    expect((none as { reason: string }).reason).toMatch(/^no base to build onto: package.json engines.node >=30 allows none .*give --build-base$/);
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'server.js' }));
  });

  it('loads the built image under its own tag and measures and checks it like every other row', async () => {
    const engine = new FakeEngine(SIZES);
    const r = await run(engine, undefined, { context: dir });
    const row = r.variants.find((v) => v.id === 'built')!;
    expect(engine.loaded).toEqual(['built']);
    expect(row).toMatchObject({ status: 'passed', reason: null, dockerfile: null, buildSeconds: 2, tag: 'whittle-variants-1-abc:built' });
    expect(engine.checked).toContain('built');
  });
});

describe('checks, base maps and caveats', () => {
  it.each([
    ['cat /app/answer.txt', ['cat', '/app/answer.txt']],
    [`sh -c 'echo "a b"'`, ['sh', '-c', 'echo "a b"']],
    ['node -e "console.log(\\"x\\")"', ['node', '-e', 'console.log("x")']],
    ["a '' b", ['a', '', 'b']],
  ])('splits %s', (s, words) => expect(splitWords(s)).toEqual(words));

  it('parses the check flags and refuses bad ones', () => {
    expect(parseCheck({ checkHttp: '8080/health' })).toEqual({ kind: 'http', port: 8080, path: '/health' });
    expect(parseCheck({ checkHttp: '80' })).toEqual({ kind: 'http', port: 80, path: '/' });
    expect(parseCheck({})).toEqual({ kind: 'healthcheck' });
    expect(() => parseCheck({ checkHttp: 'health' })).toThrow(/PORT\/PATH/);
    expect(() => parseCheck({ checkHttp: '1/x', checkCmd: 'x' })).toThrow(/together/);
    expect(() => parseCheck({ checkCmd: "echo 'x" })).toThrow(/unterminated/);
  });

  it('judges timing as median and max − min, and a failed warm-up as failed', () => {
    const ok = (ms: number): CheckRun => ({ ok: true, answer: 'a', ms, detail: '' });
    expect(judge(ok(900), [ok(300), ok(100), ok(200)], 'a')).toMatchObject({ ok: true, medianMs: 200, spreadMs: 200, runs: 3 });
    expect(judge({ ok: false, answer: '', ms: 5, detail: 'exit 127: not found' }, [], 'a')).toMatchObject({ ok: false, reason: 'check failed: exit 127: not found' });
  });

  it('maps FROM and COPY --from references, and nothing else', () => {
    const map = parseBaseMap(['node:20=mirror/node:20', 'golang:1.22=mirror/go:1']);
    const text = 'FROM --platform=linux/amd64 golang:1.22 AS build\nRUN echo node:20\nFROM node:20\nCOPY --from=golang:1.22 /x /x\nCOPY --from=build /y /y\n';
    expect(applyBaseMap(text, map)).toBe('FROM --platform=linux/amd64 mirror/go:1 AS build\nRUN echo node:20\nFROM mirror/node:20\nCOPY --from=mirror/go:1 /x /x\nCOPY --from=build /y /y\n');
    expect(() => parseBaseMap(['node:20'])).toThrow(/FROM=TO/);
  });

  it('warns of no shell, no npm, musl and the user from what it read', () => {
    const row = { id: 'v' } as VariantRow;
    const kinds = (text: string, c: Partial<RuntimeInfo>, asIs: RuntimeInfo | null = null) => caveatsOf(row, text, { ...ROOT, ...c }, asIs).map((x) => x.kind);
    expect(kinds('FROM gcr.io/distroless/nodejs20-debian12\n', { healthcheck: ['CMD-SHELL', 'curl -f localhost'], cmd: ['npm', 'start'] }, ROOT)).toEqual(['no-shell', 'no-npm']);
    expect(kinds('FROM node:20-alpine\nRUN npm ci\n', { cmd: ['node', 'server.js'] }, ROOT)).toEqual(['musl']);
    expect(kinds('FROM node:20\n', { cmd: ['npm', 'start'] }, ROOT)).toEqual([]);
    expect(kinds('FROM debian:bookworm-slim\n', { user: 'app' }, ROOT)).toEqual(['user']);
  });

  it('offers only a passing variant as the smallest', () => {
    const r = (id: string, status: VariantRow['status'], compressed: number) => ({ id, status, reason: status === 'failed' ? 'x' : null, sizes: { uncompressed: compressed * 3, compressed } }) as VariantRow;
    expect(smallestPassing([r('a', 'passed', 10), r('b', 'failed', 1), r('c', 'passed', 5)])).toBe('c');
    expect(smallestPassing([r('b', 'failed', 1)])).toBeNull();
  });
});

describe('waiting on fetch', () => {
  // a server that accepts and drops every connection, as the engine's port proxy does while the
  // container's app is not listening yet: undici leaves such a fetch pending with nothing holding
  // the event loop, and node exits 13 in the middle of the run unless keepAlive holds it
  const script = (wrapped: boolean) => `
    import { keepAlive } from './dist/variants/docker-engine.js';
    const net = await import('node:net');
    const srv = net.createServer((s) => s.destroy()).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    srv.unref();
    const poll = async () => {
      for (let i = 0; i < 20; i++) await fetch('http://127.0.0.1:' + srv.address().port + '/', { signal: AbortSignal.timeout(2000) }).catch(() => null);
    };
    await ${wrapped ? 'keepAlive(poll)' : 'poll()'};
    console.log('polled');`;
  it.each([
    [false, 13, ''],
    [true, 0, 'polled\n'],
  ])('keepAlive=%s: exit %i', async (wrapped, status, stdout) => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(wrapped)], { encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stdout], r.stderr).toEqual([status, stdout]);
  });
});

describe('build failures', () => {
  it('says why a BuildKit build failed from the failing step, and a classic one from its last lines', async () => {
    const { buildFailure } = await import('./docker-engine.js');
    const bk = [
      '#4 [1/2] FROM docker.io/x/noshell:1', '#4 DONE 0.0s', '', '#5 [2/2] RUN echo hi', '#5 sha256:6428', '#5 0.383 runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory',
      '#5 ERROR: executor failed running [/bin/sh -c echo hi]: exit code: 1', '------', ' > [2/2] RUN echo hi:', '------', 'executor failed running [/bin/sh -c echo hi]: exit code: 1',
    ].join('\n');
    expect(buildFailure(bk)).toBe('runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory | ERROR: executor failed running [/bin/sh -c echo hi]: exit code: 1');
    const classic = 'Step 2/2 : RUN nope\n ---> Running in 1234\n/bin/sh: 1: nope: not found\nThe command \'/bin/sh -c nope\' returned a non-zero code: 127\n';
    expect(buildFailure(classic)).toBe("Step 2/2 : RUN nope | ---> Running in 1234 | /bin/sh: 1: nope: not found | The command '/bin/sh -c nope' returned a non-zero code: 127");
  });
});
