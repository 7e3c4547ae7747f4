// Generators of Dockerfiles and .dockerignore files for the fuzzing suite: instructions in every
// form (JSON and shell, flags, heredocs, continuations, escape directives, quoting, nested
// subshells), stitched into stages, with line endings and sizes varied.
import type { Random } from './random.js';

/** SIZE scales the large shapes: 1 in `npm test` (big inputs stay rare and moderate), more in `npm run fuzz` (FUZZ_SIZE). */
const SIZE = Number(process.env.FUZZ_SIZE ?? 1);

const WORDS = ['apt-get', 'install', '-y', 'curl', 'rm', '-rf', '/var/lib/apt/lists/*', 'npm', 'ci', 'pip', 'install', '--no-cache-dir', 'echo', 'hi', '$HOME', '${A:-b}', '"q u"', "'s q'", '\\', '`id`', '$(id)', '&&', '||', ';', '|', '>', '2>&1', '<<EOF', '#', 'é', '日本', 'sudo', 'chmod', '777', 'wget', 'http://x/y.sh', 'sh', 'useradd', 'yarn', 'apk', 'add', '--no-cache'];

function words(r: Random, n: number): string {
  return Array.from({ length: n }, () => r.pick(WORDS)).join(' ');
}

function nested(r: Random, depth: number): string {
  const open = r.pick(['(', '$(', '{ ', '`', 'if true; then ', 'for x in a; do ', '"$(']);
  const close = { '(': ')', '$(': ')', '{ ': '; }', '`': '`', 'if true; then ': '; fi', 'for x in a; do ': '; done', '"$(': ')"' }[open]!;
  let s = words(r, 2);
  for (let i = 0; i < depth; i++) s = `${open}${s}${close}`;
  return s;
}

function runBody(r: Random): string {
  switch (r.weighted({ plain: 8, chain: 3, continued: 4, heredoc: 2, nested: 2, json: 2, long: 0.3 })) {
    case 'plain':
      return words(r, r.int(0, 12));
    case 'chain':
      return Array.from({ length: r.int(2, r.chance(0.02 * SIZE) ? 1000 * SIZE : 20) }, () => words(r, r.int(1, 4))).join(' && ');
    case 'continued': {
      const n = r.chance(0.02 * SIZE) ? r.int(200, 4000 * SIZE) : r.int(1, 15);
      return Array.from({ length: n }, () => words(r, r.int(0, 4))).join(r.pick([' \\\n', ' \\\n    ', ' \\ \n', ' \\\n# comment\n', ' \\\r\n']));
    }
    case 'heredoc': {
      const tag = r.pick(['EOF', 'END', '"EOF"', "'EOF'", '-EOF']);
      const bare = tag.replace(/["'-]/g, '');
      const lines = Array.from({ length: r.int(0, 20) }, () => words(r, r.int(0, 5)));
      return `<<${tag}${r.chance(0.3) ? ' bash' : ''}\n${lines.join('\n')}${r.chance(0.9) ? `\n${bare}` : ''}`;
    }
    case 'nested':
      return nested(r, r.chance(0.1) ? r.int(300, 600 * SIZE) : r.int(1, 40));
    case 'json':
      return r.pick(['["sh", "-c", "echo hi"]', '["a"', '[]', '[1, null, {}]', '["\\u0000"]', `[${'"x",'.repeat(r.int(0, 500))}"y"]`]);
    default:
      return `echo ${'y'.repeat(r.int(1000, 40_000 * SIZE))}`;
  }
}

function instruction(r: Random, stages: string[]): string {
  const kind = r.weighted({ RUN: 10, COPY: 3, ADD: 1, ENV: 2, ARG: 2, FROM: 1, USER: 1, WORKDIR: 1, CMD: 1, ENTRYPOINT: 1, LABEL: 1, EXPOSE: 1, HEALTHCHECK: 1, ONBUILD: 1, SHELL: 1, VOLUME: 1, STOPSIGNAL: 1, MAINTAINER: 1, BOGUS: 1, comment: 1, empty: 1 });
  const kw = r.chance(0.1) ? kind.toLowerCase() : kind;
  switch (kind) {
    case 'RUN':
      return `${kw} ${r.chance(0.2) ? r.pick(['--mount=type=cache,target=/root/.cache ', '--network=none ', '--mount=type=secret,id=x ', '--mount=bad ']) : ''}${runBody(r)}`;
    case 'COPY':
    case 'ADD':
      return `${kw} ${r.chance(0.3) && stages.length ? `--from=${r.pick(stages)} ` : ''}${r.chance(0.2) ? '--chown=1:1 --chmod=777 ' : ''}${r.pick(['. .', 'package.json ./', '["a b", "/c"]', '--link x y', '', 'http://x/y /y', '<<EOF /f\nbody\nEOF', '* /'])}`;
    case 'ENV':
      return `${kw} ${r.pick(['A=1', 'A 1', 'PASSWORD=hunter2', 'A="x y" B=z\\ w', 'A=', '=', 'A=${B:-c}', `A=${'v'.repeat(r.int(0, 5000))}`])}`;
    case 'ARG':
      return `${kw} ${r.pick(['A', 'A=1', 'TOKEN', '', 'A=1 B=2'])}`;
    case 'FROM': {
      const name = `s${stages.length}`;
      stages.push(name);
      return `${kw} ${r.pick(['debian:bookworm', 'node:20', 'scratch', 'alpine', '${BASE}', stages[0] ?? 'x', '', '--platform=$BUILDPLATFORM golang'])}${r.chance(0.5) ? ` AS ${name}` : ''}`;
    }
    case 'USER':
      return `${kw} ${r.pick(['root', '0', 'app', '1000:1000', '', '$U'])}`;
    case 'CMD':
    case 'ENTRYPOINT':
      return `${kw} ${r.pick(['["node", "a.js"]', 'node a.js', '[', '["x",]', '[]'])}`;
    case 'HEALTHCHECK':
      return `${kw} ${r.pick(['NONE', 'CMD curl -f http://x/', '--interval=5s CMD true', 'CMD'])}`;
    case 'ONBUILD':
      return `${kw} ${r.pick(['RUN echo', 'ONBUILD RUN x', 'FROM x', ''])}`;
    case 'SHELL':
      return `${kw} ${r.pick(['["/bin/bash", "-c"]', '["pwsh", "-c"]', 'bash', '[]'])}`;
    case 'comment':
      return `# ${words(r, r.int(0, 5))}`;
    case 'empty':
      return r.pick(['', '   ', '\t', '\\']);
    default:
      return `${kw} ${words(r, r.int(0, 4))}`;
  }
}

/** randomDockerfile returns Dockerfile text: optional directives, then stages of random instructions. */
export function randomDockerfile(r: Random): string {
  const stages: string[] = [];
  const lines: string[] = [];
  if (r.chance(0.1)) lines.push(r.pick(['# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '# escape=x', '# check=skip=all']));
  if (r.chance(0.9)) lines.push(`FROM ${r.pick(['debian:bookworm', 'node:20-slim', 'python:3.12', 'ubuntu', 'alpine:3.20'])}${r.chance(0.3) ? ' AS build' : ''}`);
  if (lines.at(-1)?.includes(' AS build')) stages.push('build');
  const n = r.int(0, r.chance(0.01 * SIZE) ? 400 * SIZE : 25);
  for (let i = 0; i < n; i++) lines.push(instruction(r, stages));
  let text = lines.join('\n');
  if (r.chance(0.1)) text = text.replace(/\n/g, '\r\n');
  if (r.chance(0.1)) text += '\n';
  if (r.chance(0.03)) text = `\ufeff${text}`;
  if (r.chance(0.03)) text = text.slice(0, r.int(0, text.length));
  return text;
}

/**
 * randomDockerignore returns .dockerignore text. Patterns carry at most two `**` and three other
 * `*`: matching many stars against deep paths is exponential today, which is issue 18's (linear
 * .dockerignore matching), not a shape this suite explores.
 */
export function randomDockerignore(r: Random): string {
  const pieces = ['*', '**', '?', 'a', 'b', 'node_modules', '.git', '[a-c]', '[!x]', '[', '\\*', '.', '..', '', 'é', '*.log', '.env'];
  const lines: string[] = [];
  for (let i = r.int(0, 15); i > 0; i--) {
    let doubles = 0;
    let stars = 0;
    const parts: string[] = [];
    for (let j = r.int(1, 4); j > 0; j--) {
      let p = r.pick(pieces);
      if (p === '**' && ++doubles > 2) p = 'a';
      if (p.includes('*') && p !== '**' && ++stars > 3) p = 'b';
      parts.push(p);
    }
    lines.push(`${r.chance(0.15) ? '!' : ''}${r.chance(0.1) ? '/' : ''}${parts.join('/')}${r.chance(0.05) ? ' ' : ''}`);
    if (r.chance(0.1)) lines.push(`# ${parts.join(' ')}`);
  }
  return lines.join(r.chance(0.1) ? '\r\n' : '\n');
}

/** randomContextFiles lists relative paths of a small build context. */
export function randomContextFiles(r: Random): string[] {
  const names = ['a', 'b', 'node_modules', '.git', 'src', 'x.log', '.env', 'é', 'package.json'];
  const out = new Set<string>();
  for (let i = r.int(0, 12); i > 0; i--) {
    const depth = r.int(1, 4);
    out.add(Array.from({ length: depth }, () => r.pick(names)).join('/'));
  }
  // a path can't be both a file and a directory: keep the deepest
  return [...out].filter((p) => ![...out].some((q) => q.startsWith(`${p}/`)));
}
