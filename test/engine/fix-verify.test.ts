// whittle fix --verify against a real engine: a deliberately wasteful Dockerfile on a Debian minbase
// (no Docker Hub: test/support/engine.ts builds the base with mmdebstrap) is fixed, both versions
// are built with the legacy builder, and the fixed image must be smaller, with fewer layers, the same
// runtime config, and an app that still answers the same. Every image the builds made is gone after.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFix } from '../../src/cli/fix.js';
import { fixTextSync } from '../../src/fix/engine.js';
import { verifyFixes, verifySteps, type BuiltImage, type VerifyReport } from '../../src/fix/verify.js';
import { GO_RUNTIME_BASE } from '../../src/lint/structural/multi-stage-go.js';
import { initShellParser } from '../../src/shell/parser.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';


function docker(...args: [string, ...(string | { input: string })[]]): string {
  const last = args[args.length - 1];
  const input = typeof last === 'object' ? last.input : undefined;
  const argv = args.filter((a): a is string => typeof a === 'string');
  return execFileSync('docker', argv, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

function exists(id: string): boolean {
  try {
    docker('image', 'inspect', id);
    return true;
  } catch {
    return false;
  }
}

/** outcome logs what each rule saved and checks that every image the builds made is gone again. */
function outcome(report: VerifyReport, what: string): { orig: BuiltImage; fixed: BuiltImage; saved: Record<string, number> } {
  const orig = report.original!;
  const fixed = report.steps[report.steps.length - 1]!.image;
  const saved = Object.fromEntries(report.steps.map((s) => [s.rule, s.saved]));
  console.log(`fix --verify (${what}) saved: ${JSON.stringify(saved)}; ${orig.size} → ${fixed.size} bytes, ${orig.layers} → ${fixed.layers} layers`);
  for (const id of [orig.id, ...report.steps.map((s) => s.image.id)]) expect(exists(id)).toBe(false);
  return { orig, fixed, saved };
}

/** unsafeSplit applies every fix, the structural ones too, and checks the multi-stage split is among them. */
function unsafeSplit(original: string): { result: ReturnType<typeof fixTextSync>; steps: ReturnType<typeof verifySteps> } {
  const options = { unsafe: true };
  const result = fixTextSync(original, options);
  expect(result.rejected).toBeNull();
  expect(result.applied.map((a) => a.ruleId)).toContain('build-tools-in-final-stage');
  return { result, steps: verifySteps(result, options) };
}

/** removeImages removes images a test made for itself (bases, stand-ins), whether or not they were built. */
function removeImages(...refs: string[]): void {
  spawnSync('docker', ['rmi', '-f', ...refs], { stdio: 'ignore' });
}

describeWith(['debian-minbase'], 'fix --verify with an engine', () => {
  let base = '';
  let dir = '';
  beforeAll(async () => {
    await initShellParser();
    base = await ensureMinbase();
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-fixverify-'));
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app', 'run.sh'), '#!/bin/sh\necho "app answers on port $2 in $APP_MODE as $(id -un)"\n', { mode: 0o755 });
    // 4 MB the chown -R would copy into a second layer.
    await writeFile(path.join(dir, 'app', 'data.bin'), randomBytes(4_000_000));
  }, 600_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const wasteful = () =>
    [
      `FROM ${base}`,
      'RUN apt-get update',
      'RUN apt-get install -y curl',
      'COPY app /app',
      'RUN chown -R nobody:nogroup /app',
      'ENV APP_MODE=production',
      'EXPOSE 8080',
      'WORKDIR /app',
      'USER nobody',
      'CMD /app/run.sh --port 8080',
      '',
    ].join('\n');

  it('builds a smaller image with the same runtime config whose app still answers', async () => {
    const original = wasteful();
    const result = fixTextSync(original);
    expect(result.rejected).toBeNull();
    const answers: string[] = [];
    const report = await verifyFixes({
      context: dir,
      original,
      steps: verifySteps(result),
      // The app's answer, and who owns what COPY (--chown) and chown -R touched: /app itself too.
      probe: async (id) => {
        const out = docker('run', '--rm', '--network', 'none', id).trim();
        answers.push(out);
        return `${out}\n${docker('run', '--rm', '--network', 'none', '--entrypoint', 'stat', id, '-c', '%U:%G %a %n', '/app', '/app/run.sh', '/app/data.bin')}`;
      },
    });
    expect(report.reason).toBeNull();
    expect(report.status).toBe('ok');
    expect(answers).toEqual(['app answers on port 8080 in production as nobody', 'app answers on port 8080 in production as nobody']);
    expect(report.probed!.fixed).toBe(report.probed!.original);
    expect(report.probed!.fixed).toContain('nobody:nogroup 755 /app\n');
    const fixed = report.steps[report.steps.length - 1]!.image;
    const orig = report.original!;
    expect(fixed.size).toBeLessThan(orig.size);
    expect(fixed.layers).toBeLessThan(orig.layers);
    expect(report.configDiffs).toEqual([]);
    expect(fixed.config.cmd).toEqual(['/app/run.sh', '--port', '8080']);
    expect(orig.config.cmd).toEqual(['/bin/sh', '-c', '/app/run.sh --port 8080']);
    const saved = Object.fromEntries(report.steps.map((s) => [s.rule, s.saved]));
    console.log(`fix --verify saved: ${JSON.stringify(saved)}; ${orig.size} → ${fixed.size} bytes, ${orig.layers} → ${fixed.layers} layers`);
    expect(report.steps.map((s) => s.rule).sort()).toEqual(
      ['apt-archives-not-cleaned', 'apt-lists-not-removed', 'apt-no-install-recommends', 'consecutive-run', 'json-args-recommended', 'recursive-chown-after-copy'],
    );
    expect(saved['apt-lists-not-removed']).toBeGreaterThan(10_000_000);
    // the minbase (mmdebstrap) has no docker-clean hook: apt keeps every .deb it downloaded
    expect(saved['apt-archives-not-cleaned']).toBeGreaterThan(10_000_000);
    // curl recommends ca-certificates (and so openssl)
    expect(saved['apt-no-install-recommends']).toBeGreaterThan(1_000_000);
    expect(saved['recursive-chown-after-copy']).toBeGreaterThanOrEqual(4_000_000);
    expect(report.steps.reduce((n, s) => n + s.saved, 0)).toBe(orig.size - fixed.size);
    // Nothing the builds made is left; the base is.
    for (const id of [orig.id, ...report.steps.map((s) => s.image.id)]) expect(exists(id)).toBe(false);
    expect(exists(base)).toBe(true);
  }, 600_000);

  it('the CLI reports per-rule savings, exits 0 and writes the verified file', async () => {
    const f = path.join(dir, 'Dockerfile.small');
    const text = `FROM ${base}\nRUN mkdir /srv/a\nRUN rm -f /etc/motd && touch /srv/a/b\nCMD ls /srv/a\n`;
    await writeFile(f, text);
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const state = { exitCode: 0 };
    const program = new Command('whittle').exitOverride();
    registerFix(program, state);
    try {
      await program.parseAsync(['fix', f, '--verify', '--write', '--context', dir], { from: 'user' });
    } finally {
      vi.restoreAllMocks();
    }
    // the base's one layer, plus one per RUN
    expect(err).toMatch(/^verify: original: .*, 3 layers$/m);
    expect(err).toMatch(/^verify: \+ consecutive-run: .*, 2 layers, saved /m);
    expect(err).toMatch(/^verify: fixed: .*, 2 layers; saved .*, 1 fewer layer$/m);
    expect(err).toMatch(/^verify: ok: /m);
    expect(state.exitCode).toBe(0);
    expect(await readFile(f, 'utf8')).toBe(`FROM ${base}\nRUN mkdir /srv/a \\\n    && rm -f /etc/motd && touch /srv/a/b\nCMD ["ls", "/srv/a"]\n`);
  }, 600_000);

  it('a Node app (the host\'s node and npm copied onto the minbase) still answers after the fixes', async () => {
    const ctx = await mkdtemp(path.join(tmpdir(), 'whittle-fixverify-node-'));
    try {
      // node and npm from the host: no registry is reachable from the build.
      await cp(await realpath(process.execPath), path.join(ctx, 'node'));
      const npmCli = await realpath(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
      await cp(path.resolve(path.dirname(npmCli), '..'), path.join(ctx, 'npm'), { recursive: true });
      // A dependency as a local tarball, installed offline.
      await mkdir(path.join(ctx, 'pkg', 'package'), { recursive: true });
      await writeFile(path.join(ctx, 'pkg', 'package', 'package.json'), '{"name":"greet","version":"1.0.0","main":"index.js"}\n');
      await writeFile(path.join(ctx, 'pkg', 'package', 'index.js'), 'module.exports = (who) => `hello ${who}`;\n');
      await mkdir(path.join(ctx, 'app'));
      execFileSync('tar', ['czf', path.join(ctx, 'app', 'greet-1.0.0.tgz'), '-C', path.join(ctx, 'pkg'), 'package']);
      await writeFile(path.join(ctx, 'app', 'package.json'), '{"name":"app","version":"1.0.0","private":true,"dependencies":{"greet":"file:greet-1.0.0.tgz"}}\n');
      await writeFile(
        path.join(ctx, 'app', 'server.js'),
        "const http = require('http');\nconst greet = require('greet');\n" +
          "http.createServer((req, res) => res.end(`${greet(process.env.WHO)} from uid ${process.getuid()}\\n`)).listen(3000, '127.0.0.1');\n",
      );
      // 3 MB of assets the chown -R would store twice.
      await writeFile(path.join(ctx, 'app', 'assets.bin'), randomBytes(3_000_000));
      const original = [
        `FROM ${base}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm',
        'COPY app /app',
        'RUN chown -R nobody:nogroup /app',
        'WORKDIR /app',
        'RUN npm install --offline --no-audit --no-fund',
        'RUN npm ls greet',
        'ENV WHO=world',
        'EXPOSE 3000',
        'USER nobody',
        'CMD node server.js',
        '',
      ].join('\n');
      const result = fixTextSync(original);
      expect(result.rejected).toBeNull();
      expect(new Set(result.applied.map((a) => a.ruleId))).toEqual(new Set(['recursive-chown-after-copy', 'node-package-cache', 'json-args-recommended'])); // npm ls deletes nothing: the RUNs stay apart
      // The probe starts the image's own CMD and asks the app from inside the container.
      const ask = async (id: string): Promise<string> => {
        const cid = docker('run', '-d', '--network', 'none', id).trim();
        try {
          for (let i = 0; i < 150; i++) {
            try {
              return docker('exec', cid, 'node', '-e', "require('http').get('http://127.0.0.1:3000/', (r) => r.pipe(process.stdout)).on('error', () => process.exit(1))").trim();
            } catch {
              await new Promise((r) => setTimeout(r, 200));
            }
          }
          return 'no answer';
        } finally {
          docker('rm', '-f', cid);
        }
      };
      const report = await verifyFixes({ context: ctx, original, steps: verifySteps(result), probe: ask });
      expect(report.reason).toBeNull();
      expect(report.probed).toEqual({ original: 'hello world from uid 65534', fixed: 'hello world from uid 65534' });
      const orig = report.original!;
      const fixed = report.steps[report.steps.length - 1]!.image;
      console.log(`fix --verify (node app) saved: ${JSON.stringify(Object.fromEntries(report.steps.map((s) => [s.rule, s.saved])))}; ${orig.size} → ${fixed.size} bytes, ${orig.layers} → ${fixed.layers} layers`);
      expect(orig.size - fixed.size).toBeGreaterThanOrEqual(3_000_000);
      expect(fixed.layers).toBe(orig.layers - 1); // the chown RUN goes (COPY --chown); npm install and npm ls stay apart
      for (const id of [orig.id, ...report.steps.map((s) => s.image.id)]) expect(exists(id)).toBe(false);
    } finally {
      await rm(ctx, { recursive: true, force: true });
    }
  }, 600_000);

  it('--unsafe splits a one-stage Node build: devDependencies and make stay in the builder, the app still answers', async () => {
    const ctx = await mkdtemp(path.join(tmpdir(), 'whittle-fixverify-split-'));
    const nodeBase = `whittle-test/node-base:${randomBytes(4).toString('hex')}`;
    try {
      // A Node base image: the host's node and npm on the minbase (no registry reaches the build).
      await mkdir(path.join(ctx, 'base'));
      await cp(await realpath(process.execPath), path.join(ctx, 'base', 'node'));
      const npmCli = await realpath(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
      await cp(path.resolve(path.dirname(npmCli), '..'), path.join(ctx, 'base', 'npm'), { recursive: true });
      await writeFile(path.join(ctx, 'base', 'Dockerfile'), `FROM ${base}\nCOPY node /usr/local/bin/node\nCOPY npm /usr/local/lib/node_modules/npm\nRUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm\n`);
      docker('build', '-q', '-t', nodeBase, path.join(ctx, 'base'));
      // The app: a runtime dependency, and a devDependency (its bin builds dist/, 5 MB of payload
      // that only the build needs) run by make from `npm run build`.
      const app = path.join(ctx, 'app');
      const pack = async (name: string, files: Record<string, string | Buffer>): Promise<void> => {
        const dir = path.join(ctx, 'pkg', name, 'package');
        await mkdir(dir, { recursive: true });
        for (const [f, body] of Object.entries(files)) await writeFile(path.join(dir, f), body, { mode: 0o755 });
        execFileSync('tar', ['czf', path.join(app, `${name}-1.0.0.tgz`), '-C', path.join(ctx, 'pkg', name), 'package']);
      };
      await mkdir(path.join(app, 'src'), { recursive: true });
      await pack('greet', { 'package.json': '{"name":"greet","version":"1.0.0","main":"index.js"}\n', 'index.js': 'module.exports = (who) => `hello ${who}`;\n' });
      await pack('buildtool', {
        'package.json': '{"name":"buildtool","version":"1.0.0","bin":{"buildtool":"cli.js"}}\n',
        'cli.js': "#!/usr/bin/env node\nconst fs = require('fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync(process.argv[3], '// built\\n' + fs.readFileSync(process.argv[2], 'utf8'));\n",
        'payload.bin': randomBytes(5_000_000),
      });
      await writeFile(
        path.join(app, 'package.json'),
        JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { build: 'make' }, dependencies: { greet: 'file:greet-1.0.0.tgz' }, devDependencies: { buildtool: 'file:buildtool-1.0.0.tgz' } }) + '\n',
      );
      await writeFile(path.join(app, 'Makefile'), 'dist/server.js: src/server.js\n\tbuildtool src/server.js dist/server.js\n');
      await writeFile(
        path.join(app, 'src', 'server.js'),
        "const http = require('http');\nconst greet = require('greet');\n" +
          "let dev = 'no';\ntry { require.resolve('buildtool/package.json'); dev = 'yes'; } catch {}\n" +
          "http.createServer((req, res) => res.end(`${greet(process.env.WHO)}, devDependencies: ${dev}\\n`)).listen(3000, '127.0.0.1');\n",
      );
      const original = [
        `FROM ${nodeBase}`,
        'RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*',
        'WORKDIR /app',
        'COPY package.json greet-1.0.0.tgz buildtool-1.0.0.tgz ./',
        'RUN npm install --offline --no-audit --no-fund',
        'COPY . .',
        'RUN npm run build',
        'ENV WHO=world',
        'EXPOSE 3000',
        'CMD ["node", "dist/server.js"]',
        '',
      ].join('\n');
      const { result, steps } = unsafeSplit(original);
      // a base of its own proves no npm version: the prune is --production, which every npm accepts
      expect(result.output).toContain('RUN npm prune --production\n');
      expect(result.output).toContain('COPY --from=build /app /app\n');
      const ask = async (id: string): Promise<string> => {
        const cid = docker('run', '-d', '--network', 'none', id).trim();
        try {
          for (let i = 0; i < 150; i++) {
            try {
              const answer = docker('exec', cid, 'node', '-e', "require('http').get('http://127.0.0.1:3000/', (r) => r.pipe(process.stdout)).on('error', () => process.exit(1))").trim();
              const tools = docker('exec', cid, 'sh', '-c', 'command -v make || echo no make').trim();
              return `${answer}; ${tools}`;
            } catch {
              await new Promise((r) => setTimeout(r, 200));
            }
          }
          return 'no answer';
        } finally {
          docker('rm', '-f', cid);
        }
      };
      const answers: string[] = [];
      const report = await verifyFixes({ context: app, original, steps, probe: async (id) => {
        const a = await ask(id);
        answers.push(a);
        return a.replace(/; .*$/, '').replace(/devDependencies: \w+/, 'devDependencies: ?');
      } });
      expect(report.reason).toBeNull();
      expect(report.status).toBe('ok');
      // Same answer from the app; the original shipped make and the devDependency, the fixed image neither.
      expect(answers[0]).toBe('hello world, devDependencies: yes; /usr/bin/make');
      expect(answers[answers.length - 1]).toBe('hello world, devDependencies: no; no make');
      expect(report.configDiffs).toEqual([]);
      const { saved } = outcome(report, '--unsafe, one-stage node build');
      expect(saved['build-tools-in-final-stage']).toBeGreaterThan(5_000_000);
    } finally {
      removeImages(nodeBase);
      await rm(ctx, { recursive: true, force: true });
    }
  }, 600_000);

  it('--unsafe splits a one-stage Python build: the C extension is compiled in the builder, the venv ships without gcc', async () => {
    const ctx = await mkdtemp(path.join(tmpdir(), 'whittle-fixverify-py-'));
    const pyBase = `whittle-test/python-base:${randomBytes(4).toString('hex')}`;
    try {
      // A Python base like the official image: python3 with venv and pip, pip allowed outside a venv.
      docker('build', '-q', '-t', pyBase, '-f', '-', ctx, {
        input: `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip python3-setuptools && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED\n`,
      });
      const app = path.join(ctx, 'app');
      await mkdir(path.join(app, 'ext'), { recursive: true });
      await writeFile(
        path.join(app, 'ext', 'setup.py'),
        "from setuptools import setup, Extension\nsetup(name='fastgreet', version='1.0', ext_modules=[Extension('fastgreet', ['fastgreet.c'])])\n",
      );
      await writeFile(
        path.join(app, 'ext', 'fastgreet.c'),
        '#include <Python.h>\n' +
          'static PyObject *greet(PyObject *self, PyObject *args) { const char *who; if (!PyArg_ParseTuple(args, "s", &who)) return NULL; return PyUnicode_FromFormat("hello %s from C", who); }\n' +
          'static PyMethodDef methods[] = {{"greet", greet, METH_VARARGS, NULL}, {NULL, NULL, 0, NULL}};\n' +
          'static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fastgreet", NULL, -1, methods};\n' +
          'PyMODINIT_FUNC PyInit_fastgreet(void) { return PyModule_Create(&module); }\n',
      );
      await writeFile(path.join(app, 'app.py'), "import os, shutil, fastgreet\nprint(f\"{fastgreet.greet(os.environ['WHO'])}; gcc: {shutil.which('gcc') or 'none'}\")\n");
      const original = [
        `FROM ${pyBase}`,
        'ENV WHO=world',
        'RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev python3-dev && rm -rf /var/lib/apt/lists/*',
        'WORKDIR /app',
        'COPY ext ./ext',
        'RUN pip install --no-cache-dir --no-index --no-build-isolation ./ext',
        'COPY app.py .',
        'CMD ["python3", "app.py"]',
        '',
      ].join('\n');
      const { result, steps } = unsafeSplit(original);
      expect(result.output).toContain('COPY --from=build /opt/venv /opt/venv\n');
      const answers: string[] = [];
      const report = await verifyFixes({ context: app, original, steps, probe: async (id) => {
        const out = docker('run', '--rm', '--network', 'none', id).trim();
        answers.push(out);
        return out.replace(/; gcc: .*$/, '');
      } });
      expect(report.reason).toBeNull();
      expect(report.status).toBe('ok');
      expect(answers[0]).toBe('hello world from C; gcc: /usr/bin/gcc');
      expect(answers[answers.length - 1]).toBe('hello world from C; gcc: none');
      // PATH gains the venv; nothing else of the runtime config changes.
      expect(report.configDiffs).toEqual([]);
      const { fixed, saved } = outcome(report, '--unsafe, one-stage python build');
      expect(fixed.config.env.find((e) => e.startsWith('PATH='))).toMatch(/^PATH=\/opt\/venv\/bin:/);
      expect(saved['build-tools-in-final-stage']).toBeGreaterThan(20_000_000);
    } finally {
      removeImages(pyBase);
      await rm(ctx, { recursive: true, force: true });
    }
  }, 900_000);

  it('--unsafe splits a one-stage Go build: the static binary alone on distroless, the app answers the same', async () => {
    const ctx = await mkdtemp(path.join(tmpdir(), 'whittle-fixverify-go-'));
    const hex = randomBytes(4).toString('hex');
    // No Docker Hub: an "official" golang image made from Debian's golang-go on the minbase, under a
    // local tag, and a stand-in for distroless static nonroot (passwd, group, /tmp) unless the engine has it.
    const goTag = `golang:whittle-test-${hex}`;
    const runtimeMade = !exists(GO_RUNTIME_BASE);
    try {
      docker('build', '-q', '-t', goTag, '-f', '-', ctx, {
        input: `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends golang-go && rm -rf /var/lib/apt/lists/*\n`,
      });
      if (runtimeMade) {
        const root = path.join(ctx, 'distroless');
        await mkdir(path.join(root, 'etc'), { recursive: true });
        await mkdir(path.join(root, 'tmp'));
        await writeFile(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
        await writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
        await writeFile(path.join(root, 'Dockerfile'), 'FROM scratch\nCOPY etc /etc\nCOPY tmp /tmp\nUSER 65532\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
        docker('build', '-q', '-t', GO_RUNTIME_BASE, root);
      }
      const app = path.join(ctx, 'app');
      await mkdir(app);
      await writeFile(path.join(app, 'go.mod'), 'module example.com/app\n\ngo 1.19\n');
      await writeFile(path.join(app, 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Printf("hello %s from go\\n", os.Getenv("WHO"))\n}\n');
      const original = [`FROM ${goTag}`, 'WORKDIR /src', 'COPY . .', 'RUN go build -o /usr/local/bin/app .', 'ENV WHO=world', 'CMD ["app"]', ''].join('\n');
      const { result, steps } = unsafeSplit(original);
      expect(result.output).toContain(`FROM ${GO_RUNTIME_BASE}\nCOPY --from=build /usr/local/bin/app /usr/local/bin/app\n`);
      const report = await verifyFixes({ context: app, original, steps, probe: async (id) => docker('run', '--rm', '--network', 'none', id).trim() });
      expect(report.reason).toBeNull();
      expect(report.status).toBe('ok');
      expect(report.probed).toEqual({ original: 'hello world from go', fixed: 'hello world from go' });
      // the new base brings its user: reported, not a failure
      expect(report.configNotes?.some((n) => n.includes('USER: ""'))).toBe(true);
      const { orig, fixed } = outcome(report, '--unsafe, one-stage go build');
      expect(fixed.size).toBeLessThan(10_000_000);
      expect(orig.size - fixed.size).toBeGreaterThan(100_000_000);
    } finally {
      removeImages(goTag, ...(runtimeMade ? [GO_RUNTIME_BASE] : []));
      await rm(ctx, { recursive: true, force: true });
    }
  }, 900_000);
});
