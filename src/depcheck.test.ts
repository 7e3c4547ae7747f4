// The import graph, as go-containerregistry's depcheck test keeps it: which top-level part of src/
// may import which (the image model imports no source, sink, rewrite or CLI; sources never import
// sinks; sinks and rewrite do not import each other; only the CLI imports commander and nothing
// imports the CLI), and that `whittle analyze FILE` statically reaches no registry, engine or sink
// code: those load through the transport table's dynamic import() when a reference names them.
// Only static `import … from` / `export … from` lines count; `import type` is erased at runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SRC = resolve(dirname(new URL(import.meta.url).pathname));

interface Rule {
  /** parts this one may import, at runtime or as types. */
  imports: string[];
  /** parts this one may import only with `import type` (erased: nothing loads). */
  types?: string[];
  /** npm packages this one may import (node: builtins are always allowed). */
  packages?: string[];
}

/**
 * ALLOWED is the allow-list, one rule per top-level part of src/ (a folder, or a file such as
 * errors.ts). A part that is not listed, or an import that is not allowed, fails the test.
 */
const ALLOWED: Record<string, Rule> = {
  errors: { imports: [] },
  internal: { imports: ['errors'] },
  image: { imports: ['errors', 'internal', 'layers'] },
  layers: { imports: ['errors', 'internal'], types: ['image'], packages: ['fzstd'] },
  sources: { imports: ['errors', 'image', 'internal'] },
  sinks: { imports: ['errors', 'image', 'internal', 'sources'], packages: ['tar-stream'] },
  transports: { imports: ['errors', 'image', 'internal'], types: ['sources', 'sinks'] },
  knowledge: { imports: ['errors', 'image'] },
  analyze: { imports: ['errors', 'image', 'internal', 'knowledge', 'layers'], types: ['attribute'], packages: ['picocolors'] },
  attribute: { imports: ['analyze', 'dockerfile', 'errors', 'internal', 'knowledge', 'lint'], types: ['image'], packages: ['picocolors'] },
  report: { imports: ['analyze', 'internal'], types: ['attribute'] },
  elf: { imports: ['analyze'] },
  rewrite: { imports: ['analyze', 'elf', 'errors', 'image', 'internal', 'knowledge', 'layers'] },
  minify: { imports: ['analyze', 'elf', 'errors', 'image', 'internal', 'knowledge', 'layers', 'rewrite', 'shell'] },
  dockerfile: { imports: [], packages: ['dockerfile-ast'] },
  shell: { imports: [], types: ['dockerfile'], packages: ['web-tree-sitter'] },
  lint: { imports: ['context', 'dockerfile', 'errors', 'internal', 'knowledge', 'shell'], packages: ['picocolors', 'vitest', 'web-tree-sitter'] },
  fix: { imports: ['analyze', 'dockerfile', 'errors', 'internal', 'lint', 'shell'], packages: ['web-tree-sitter'] },
  context: { imports: ['dockerfile', 'errors', 'internal', 'knowledge'] },
  build: { imports: ['context', 'elf', 'errors', 'image', 'internal', 'layers', 'rewrite'] },
  variants: { imports: ['analyze', 'build', 'dockerfile', 'errors', 'fix', 'image', 'internal', 'knowledge', 'lint', 'minify', 'rewrite', 'transports'] },
  cli: { imports: ['analyze', 'attribute', 'build', 'context', 'report', 'errors', 'fix', 'image', 'internal', 'lint', 'minify', 'rewrite', 'shell', 'transports', 'variants'], packages: ['commander'] },
  index: { imports: ['analyze', 'attribute', 'build', 'context', 'errors', 'fix', 'image', 'layers', 'lint', 'minify', 'rewrite', 'transports', 'variants'] },
};

/** SOURCES_LOCAL are the sources of local files; they never import the registry or engine sources. */
const SOURCES_LOCAL = ['sources/tarball', 'sources/layout', 'sources/stdin'];
const SOURCES_REMOTE = ['sources/registry', 'sources/daemon'];

/**
 * ANALYZE_LOCAL is what `whittle analyze FILE` loads: the CLI entry, the analyze command (main.ts
 * imports it on demand) and the sources the table opens local files with (also on demand).
 */
const ANALYZE_LOCAL = ['cli/main.ts', 'cli/analyze.ts', 'sources/tarball/index.ts', 'sources/layout/index.ts'];

interface Import {
  from: string; // file, relative to src/
  spec: string;
  typeOnly: boolean;
  target?: string; // resolved file relative to src/, for relative specifiers
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [relative(SRC, p)] : [];
  });
}

const STATIC_IMPORT = /^[ \t]*(?:import|export)[ \t]+(type[ \t]+)?(?:[^'";]*?[ \t\n]from[ \t]*)?['"]([^'"]+)['"]/gm;

/** importsOf lists the static imports of a file's text (dynamic import() calls are not statements and do not match). */
function importsOf(from: string, text: string): Import[] {
  return [...text.matchAll(STATIC_IMPORT)].map((m) => {
    const spec = m[2]!;
    const imp: Import = { from, spec, typeOnly: m[1] !== undefined };
    if (spec.startsWith('.')) imp.target = relative(SRC, resolve(SRC, dirname(from), spec)).replace(/\.js$/, '.ts');
    return imp;
  });
}

/** partOf is the top-level part a file belongs to: its first folder, or its own name for a file in src/. */
function partOf(file: string): string {
  const [first, ...rest] = file.split('/');
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

function packageOf(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
}

/** violations checks imports against ALLOWED and returns one line per violation. */
function violations(imports: Import[]): string[] {
  const out: string[] = [];
  for (const imp of imports) {
    const part = partOf(imp.from);
    const rule = ALLOWED[part];
    if (!rule) {
      out.push(`${imp.from}: src/${part} has no rule in ALLOWED`);
      continue;
    }
    if (imp.target === undefined) {
      if (imp.spec.startsWith('node:')) continue;
      if (!(rule.packages ?? []).includes(packageOf(imp.spec))) out.push(`${imp.from} imports the package ${imp.spec} (${part} may import: ${(rule.packages ?? []).join(', ') || 'none'})`);
      continue;
    }
    const to = partOf(imp.target);
    if (to === part) {
      const source = SOURCES_LOCAL.find((s) => imp.from.startsWith(`${s}/`));
      if (source && SOURCES_REMOTE.some((s) => imp.target!.startsWith(`${s}/`))) out.push(`${imp.from} (a local source) imports ${imp.target}`);
      continue;
    }
    if (rule.imports.includes(to)) continue;
    if (imp.typeOnly && (rule.types ?? []).includes(to)) continue;
    const asTypes = (rule.types ?? []).includes(to) ? ' (only `import type` is allowed)' : '';
    out.push(`${imp.from} imports ${imp.target}: ${part} may not import ${to}${asTypes}`);
  }
  return out;
}

/** reachable follows the runtime static imports from the entries; dynamic import() is not followed. */
function reachable(entries: string[], graph: Map<string, Import[]>): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of graph.get(file) ?? []) {
      if (imp.target !== undefined && !imp.typeOnly) todo.push(imp.target);
    }
  }
  return seen;
}

const files = sourceFiles();
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(join(SRC, f), 'utf8'))]));
const all = [...graph.values()].flat();

describe('the import graph', () => {
  it('reads the imports it checks', () => {
    // guards the parser: if it matched nothing, every rule below would pass vacuously
    expect(all.length).toBeGreaterThan(300);
    expect(graph.get('cli/main.ts')!.map((i) => i.spec)).toContain('commander');
    expect(graph.get('transports/index.ts')!.find((i) => i.spec === '../sinks/layout.js')).toMatchObject({ typeOnly: true, target: 'sinks/layout.ts' });
    for (const imp of all) if (imp.target) expect(files, `${imp.from} imports ${imp.spec}`).toContain(imp.target);
  });

  it('keeps every part of src/ to its allow-list', () => {
    expect(violations(all)).toEqual([]);
  });

  it.each([
    ['image/x.ts', "import { openImage } from '../transports/open.js';", /image may not import transports/],
    ['image/x.ts', "import type { Client } from '../sources/registry/client.js';", /image may not import sources/],
    ['sources/tarball/x.ts', "import { writeArchive } from '../../sinks/tar-out.js';", /sources may not import sinks/],
    ['sources/layout/x.ts', "import { hasImage } from '../daemon/index.js';", /a local source\) imports sources\/daemon/],
    ['sinks/x.ts', "import { replaceTop } from '../rewrite/mutate.js';", /sinks may not import rewrite/],
    ['rewrite/x.ts', "import {\n  prepareOci,\n} from '../sinks/oci-documents.js';", /rewrite may not import sinks/],
    ['transports/x.ts', "import { registryImage } from '../sources/registry/index.js';", /transports may not import sources \(only `import type`/],
    ['analyze/x.ts', "import { Command } from 'commander';", /package commander/],
    ['rewrite/x.ts', "export { main } from '../cli/main.js';", /rewrite may not import cli/],
    ['newpart/x.ts', "import { WhittleError } from '../errors.js';", /src\/newpart has no rule/],
  ])('refuses %s: %s', (from, line, message) => {
    expect(violations(importsOf(from, line)).join('\n')).toMatch(message);
  });

  it('does not count dynamic import() or comments as static imports', () => {
    expect(importsOf('transports/x.ts', "const m = await import('../sources/daemon/index.js');\n// import x from '../cli/main.js'")).toEqual([]);
  });

  it('reaches no registry, engine or sink code from `whittle analyze FILE`', () => {
    for (const entry of ANALYZE_LOCAL) expect(files).toContain(entry);
    const loaded = [...reachable(ANALYZE_LOCAL, graph)];
    expect(loaded).toContain('transports/open.ts');
    expect(loaded.filter((f) => [...SOURCES_REMOTE, 'sinks'].some((p) => f.startsWith(`${p}/`)))).toEqual([]);
  });
});

// The same promise at runtime, dynamic imports included: `whittle analyze` of a local archive,
// with a module hook that records every module loaded. Needs the build (dist/), as the CLI tests do.
const dist = resolve(SRC, '..', 'dist', 'cli', 'main.js');
describe.skipIf(!existsSync(dist))('whittle analyze FILE at runtime (dist/ is built)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'whittle-depcheck-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads no registry, engine or sink module', async () => {
    const { buildImage, dockerArchiveMembers, file, writeTar } = await import('../test/support/image-writer.js');
    const archive = await writeTar(join(tmp, 'app.tar'), dockerArchiveMembers(await buildImage([[file('etc/hello', 'hi\n')]])));
    const log = join(tmp, 'loaded.txt');
    const hooks = join(tmp, 'hooks.mjs');
    writeFileSync(
      hooks,
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function load(url, context, next) {\n  appendFileSync(process.env.WHITTLE_DEPCHECK_LOG, url + "\\n");\n  return next(url, context);\n}\n',
    );
    const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;
    // the modules of dist/, as bin/whittle.js runs them without the command bundles (scripts/bundle.mjs):
    // a bundle is one file, and esbuild evaluates a module imported with import() only when it is imported
    const entry = `import { main } from ${JSON.stringify(pathToFileURL(resolve(SRC, '..', 'dist', 'cli', 'main.js')).href)}; process.exitCode = await main(process.argv.slice(1));`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', entry, 'analyze', '--json', archive], {
      encoding: 'utf8',
      env: { ...process.env, WHITTLE_DEPCHECK_LOG: log },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.includes('/dist/'));
    expect(loaded.some((u) => u.endsWith('/dist/sources/tarball/index.js'))).toBe(true);
    expect(loaded.filter((u) => /\/dist\/(sources\/(registry|daemon)|sinks)\//.test(u))).toEqual([]);
  });
});
