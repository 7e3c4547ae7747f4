import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyzeContext } from '../src/context/analyze.js';
import { Matcher, findIgnoreFile, parseDockerignore } from '../src/context/dockerignore.js';
import { findDockerignore } from '../src/lint/input.js';
import { BLOCK_BEGIN, escapePattern, withBlock } from '../src/context/write.js';
import { registerContext } from '../src/cli/context.js';
import { WhittleError } from '../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'whittle-ctx-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await chmod(path.join(dir, 'locked'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<void> {
  for (const [f, content] of Object.entries(files)) {
    await mkdir(path.join(dir, path.dirname(f)), { recursive: true });
    await writeFile(path.join(dir, f), content);
  }
}

function excluded(ignore: string, rel: string): boolean {
  return new Matcher(parseDockerignore(ignore)).excluded(rel);
}

describe('parseDockerignore', () => {
  it('drops comments only at line start, trims, cleans and strips a leading slash', () => {
    const ps = parseDockerignore('# c\n  # p\n /a/./b/ \n! /c\n\n');
    expect(ps.map((p) => [p.exclusion ? '!' + p.pattern : p.pattern, p.line])).toEqual([
      ['# p', 2],
      ['a/b', 3],
      ['!c', 4],
    ]);
  });
  it('matches with last-match-wins and parent directories', () => {
    expect(excluded('a', 'a/b/c')).toBe(true);
    expect(excluded('a\n!a/b', 'a/b/c')).toBe(false);
    expect(excluded('!a/b\na', 'a/b/c')).toBe(true);
    expect(excluded('*.md', 'x/y.md')).toBe(false);
    expect(excluded('**/*.md', 'x/y/z.md')).toBe(true);
    expect(excluded('**/*.md', 'z.md')).toBe(true);
    expect(excluded('a/**/b', 'a/b')).toBe(true);
    expect(excluded('a/**/b', 'a/x/y/b')).toBe(true);
    expect(excluded('a?c', 'abc')).toBe(true);
    expect(excluded('a?c', 'a/c')).toBe(false);
    expect(excluded('[ab].txt', 'b.txt')).toBe(true);
    expect(excluded('[^ab].txt', 'b.txt')).toBe(false);
    expect(excluded('\\*.txt', '*.txt')).toBe(true);
    expect(excluded('\\*.txt', 'x.txt')).toBe(false);
    expect(excluded('a.b', 'axb')).toBe(false);
  });
  it('enters an excluded directory only when a ! pattern starts with its path', () => {
    const m = new Matcher(parseDockerignore('a\n!a/b/keep\n'));
    expect(m.mustWalk('a')).toBe(true);
    expect(m.mustWalk('a/b')).toBe(true);
    expect(m.mustWalk('c')).toBe(false);
    expect(new Matcher(parseDockerignore('a\n!**/keep\n')).mustWalk('a')).toBe(false);
  });
});

describe('analyzeContext', () => {
  it('counts sent and excluded bytes, largest directories, COPY sources and secrets', async () => {
    await tree({
      Dockerfile: 'FROM node:20\nCOPY package.json ./\nCOPY src/ /app/src\nCOPY --from=build /x /y\nADD https://example.com/f /f\nCOPY $X /z\nCOPY . .\n',
      '.dockerignore': 'node_modules\n',
      'package.json': '{}',
      'src/a.js': 'x'.repeat(100),
      'src/b/c.js': 'y'.repeat(50),
      'node_modules/m/i.js': 'z'.repeat(1000),
      '.env': 'SECRET=1',
      'config/id_rsa': 'k',
      '.git/HEAD': 'ref',
    });
    const r = await analyzeContext(dir, { top: 2 });
    expect(r.files).toEqual(['.dockerignore', '.env', '.git/HEAD', 'Dockerfile', 'config/id_rsa', 'package.json', 'src/a.js', 'src/b/c.js']);
    expect(r.excluded).toEqual({ files: 1, bytes: 1000 });
    const sentBytes = r.files.length;
    expect(r.sent.files).toBe(sentBytes);
    expect(r.largestDirectories.map((d) => d.path)).toEqual(['src', 'src/b']);
    expect(r.largestDirectories[0]).toEqual({ path: 'src', files: 2, bytes: 150 });
    const bySource = Object.fromEntries(r.copies.map((c) => [c.source, c]));
    expect(bySource['package.json']).toMatchObject({ line: 2, files: 1, bytes: 2 });
    expect(bySource['src/']).toMatchObject({ line: 3, files: 2, bytes: 150 });
    expect(bySource['/x']).toBeUndefined();
    expect(bySource['https://example.com/f']).toMatchObject({ files: null, note: expect.stringContaining('remote') });
    expect(bySource['$X']).toMatchObject({ files: null });
    expect(bySource['.']).toMatchObject({ line: 7, files: r.sent.files, bytes: r.sent.bytes });
    expect(r.secrets.map((s) => [s.path, s.copiedBy])).toEqual([
      ['.env', [7]],
      ['.git', [7]],
      ['config/id_rsa', [7]],
    ]);
    expect(r.suggestions[0]).toContain('.env, .git, config/id_rsa');
  });

  it('uses <Dockerfile>.dockerignore over .dockerignore', async () => {
    await tree({ 'build/app.Dockerfile': 'FROM x\nCOPY . .\n', 'build/app.Dockerfile.dockerignore': 'b.txt\n', '.dockerignore': 'a.txt\n', 'a.txt': 'a', 'b.txt': 'b' });
    const r = await analyzeContext(dir, { dockerfile: path.join(dir, 'build/app.Dockerfile') });
    expect(r.ignoreFile).toBe(path.join(dir, 'build/app.Dockerfile.dockerignore'));
    expect(r.files).toContain('a.txt');
    expect(r.files).not.toContain('b.txt');
  });

  it('lint finds the same ignore file as context (findIgnoreFile), and none where there is none', async () => {
    await tree({ 'build/app.Dockerfile': 'FROM x\n', 'build/app.Dockerfile.dockerignore': 'b.txt\n', 'build/.dockerignore': 'a.txt\n', 'other/Dockerfile': 'FROM x\n' });
    expect(await findIgnoreFile(path.join(dir, 'build'), path.join(dir, 'build/app.Dockerfile'))).toEqual({ path: path.join(dir, 'build/app.Dockerfile.dockerignore'), text: 'b.txt\n' });
    expect(await findDockerignore(path.join(dir, 'build/app.Dockerfile'))).toBe('b.txt\n');
    await rm(path.join(dir, 'build/app.Dockerfile.dockerignore'));
    expect(await findDockerignore(path.join(dir, 'build/app.Dockerfile'))).toBe('a.txt\n');
    expect(await findDockerignore(path.join(dir, 'other/Dockerfile'))).toBeNull();
  });

  it('decides secrets with the shared table: keystores and .htpasswd are, templates and certificates are not', async () => {
    await tree({
      Dockerfile: 'FROM x\nCOPY . .\n',
      '.env.example': 'A=',
      '.env.sample': 'A=',
      '.env.template': 'A=',
      '.env.dist': 'A=',
      '.env.production': 'A=1',
      'conf/.htpasswd': 'u:$apr1$x',
      'keys/app.p12': 'x',
      'keys/app.jks': 'x',
      'certs/cert.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'certs/tls.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'certs/key.pem': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
      'a/.npmrc': 'registry=https://registry.npmjs.org/\n',
      'b/.npmrc': '//registry.npmjs.org/:_authToken=npm_x\n',
    });
    const r = await analyzeContext(dir);
    expect(r.secrets.map((x) => [x.path, x.kind]).sort()).toEqual([
      ['.env.production', 'environment file'],
      ['b/.npmrc', 'npm credentials'],
      ['certs/key.pem', 'PEM file with a private key'],
      ['conf/.htpasswd', 'password file'],
      ['keys/app.jks', 'keystore'],
      ['keys/app.p12', 'keystore'],
    ]);
  });

  // Root reads everything, so the case cannot be built as root; it is skipped (not passed) there.
  it.skipIf(process.getuid?.() === 0)('reports unreadable directories instead of skipping them silently (skipped as root: root reads everything)', async () => {
    await tree({ 'locked/x': 'x', 'ok.txt': 'o' });
    await chmod(path.join(dir, 'locked'), 0o000);
    const r = await analyzeContext(dir);
    expect(r.problems).toEqual([{ rel: 'locked', message: 'permission denied' }]);
  });

  it('does not suggest excluding what a COPY names explicitly', async () => {
    await tree({ Dockerfile: 'FROM x\nCOPY .npmrc package.json ./\nCOPY . .\n', '.npmrc': 't', 'package.json': '{}', '.env': 'e', 'node_modules/a': 'a' });
    const r = await analyzeContext(dir);
    expect(r.suggestions[0]).toBe('add to .dockerignore: .env, node_modules (whittle context --write-dockerignore)');
    expect(r.suggestions.some((x) => x.includes('matches nothing'))).toBe(false);
  });

  it('warns about a COPY source that matches nothing sent', async () => {
    await tree({ Dockerfile: 'FROM x\nCOPY app.js ./\nCOPY dist/ ./dist\n', '.dockerignore': 'dist\n', 'app.js': 'a', 'dist/x.js': 'x' });
    const r = await analyzeContext(dir);
    expect(r.suggestions.filter((x) => x.includes('matches nothing'))).toEqual(['line 3: COPY dist/ matches nothing that is sent; the build fails there']);
  });

  it('fails with not-found for a missing directory or a named missing Dockerfile', async () => {
    await expect(analyzeContext(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(analyzeContext(dir, { dockerfile: path.join(dir, 'Nope') })).rejects.toBeInstanceOf(WhittleError);
    await expect(analyzeContext(dir)).resolves.toMatchObject({ dockerfile: null });
  });
});

describe('--write-dockerignore', () => {
  it('escapes literal names', () => {
    expect(escapePattern('a*b')).toBe('a\\*b');
    expect(escapePattern('!x')).toBe('\\!x');
    expect(excluded(escapePattern('#h[1].txt'), '#h[1].txt')).toBe(true);
  });
  it('keeps other lines, CRLF, and the block position; adds only new entries', () => {
    const once = withBlock('a\r\n', ['b', 'c']);
    expect(once).toBe(`a\r\n${BLOCK_BEGIN}\r\nb\r\nc\r\n# <<< whittle context <<<\r\n`);
    expect(withBlock(once, ['c'])).toBe(once);
    const withAfter = once + '!b/keep\r\n';
    expect(withBlock(withAfter, ['d'])).toBe(`a\r\n${BLOCK_BEGIN}\r\nb\r\nc\r\nd\r\n# <<< whittle context <<<\r\n!b/keep\r\n`);
    expect(withBlock('x', [])).toBe('x');
  });

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const state = { exitCode: 0 };
    const program = new Command('whittle').exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
    registerContext(program, state);
    try {
      await program.parseAsync(argv, { from: 'user' });
      return { code: state.exitCode, out, err };
    } catch (e) {
      if (e instanceof WhittleError) return { code: 2, out, err: err + `whittle: ${e.message}\n` };
      throw e;
    }
  }

  it('writes the block atomically, is idempotent, and the result excludes what it reported', async () => {
    await tree({ Dockerfile: 'FROM x\nCOPY . .\n', '.env': 'e', 'node_modules/a': 'aaaa', 'app.js': 'x', '.dockerignore': '# mine\nlogs\n' });
    await chmod(path.join(dir, '.dockerignore'), 0o600);
    const first = await cli('context', dir, '--write-dockerignore', '--json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.out) as { wrote: { entries: string[] } };
    expect(report.wrote.entries).toEqual(['.env', 'node_modules']);
    const text = await readFile(path.join(dir, '.dockerignore'), 'utf8');
    expect(text.startsWith('# mine\nlogs\n' + BLOCK_BEGIN)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await stat(path.join(dir, '.dockerignore'))).mode & 0o777).toBe(0o600); // an existing file keeps its mode
    const after = await analyzeContext(dir);
    expect(after.files).toEqual(['.dockerignore', 'Dockerfile', 'app.js']);
    const second = await cli('context', dir, '--write-dockerignore');
    expect(second.out).toContain('nothing to add');
    expect(await readFile(path.join(dir, '.dockerignore'), 'utf8')).toBe(text);
  });

  it('exits 2 with one whittle: line for a missing directory and a bad --top', async () => {
    const r = await cli('context', path.join(dir, 'missing'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^whittle: context directory .*missing: no such directory/);
    expect((await cli('context', dir, '--top', 'x')).code).toBe(2);
  });

  it('prints a text report', async () => {
    await tree({ Dockerfile: 'FROM x\nCOPY src /s\n', 'src/big.bin': 'b'.repeat(2000) });
    const r = await cli('context', dir);
    expect(r.out).toContain('sent:     2 files');
    expect(r.out).toContain('line 2: COPY src  1 file, 2kB');
    expect(r.out).toMatch(/^ +2kB +1 file   src\/$/m);
    expect(r.out).not.toMatch(/\b1 files\b/);
  });
});
