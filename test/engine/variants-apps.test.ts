// whittle variants on three real apps, as the seeds' tables were made: a Go service, a Flask app and
// the express app. No Docker Hub here, so every base is a stand-in made from the Debian minbase and
// mapped with --base-map: the "full" images are the minbase plus the toolchain from apt, the slim
// ones the minbase plus the runtime, and the distroless-style ones a few files taken from those
// (the program, the libraries ldd lists, passwd and group) with `docker import`. The Alpine bases
// cannot be had, so the alpine rows are declined with the reason. Each app's table is printed
// (docs/variants.md quotes them). Shared bases are built once per file, and removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';
import { DockerEngine } from '../../src/variants/docker-engine.js';
import { VARIANT_MAKERS } from '../../src/variants/makers.js';
import { parseBaseMap } from '../../src/variants/base-map.js';
import { renderText, toJson } from '../../src/variants/render.js';
import { runVariants, type VariantsReport } from '../../src/variants/run.js';
import { formatBytes } from '../../src/analyze/units.js';
import type { Check, VariantRow } from '../../src/variants/types.js';

const PREFIX = 'whittle-varruntime/';
const env = { ...process.env, PATH: `/tmp/cibin:${process.env.PATH ?? ''}`, DOCKER_BUILDKIT: '1' };
const made: string[] = [];

function docker(args: string[], input?: string | Buffer): string {
  return execFileSync('docker', args, { encoding: 'utf8', env, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

/** build builds a Dockerfile text (in context dir, default an empty one) as a tag of this file's. */
async function build(tag: string, dockerfile: string, dir?: string): Promise<string> {
  const ctx = dir ?? (await mkdtemp(path.join(tmpdir(), 'whittle-varruntime-ctx-')));
  try {
    docker(['build', '-q', '-t', tag, '-f', '-', ctx], dockerfile);
  } finally {
    if (!dir) await rm(ctx, { recursive: true, force: true });
  }
  made.push(tag);
  return tag;
}

/** distrolessFrom makes a distroless-style base: what `script` lists (one path a line, in a container of `from`), tar'd with symlinks followed, then imported. */
function distrolessFrom(tag: string, from: string, script: string, changes: string[]): string {
  const tar = execFileSync('docker', ['run', '--rm', '--network', 'none', from, 'sh', '-c', `set -e; { ${script}; } | tar -chf - -T - 2>/dev/null`], { env, maxBuffer: 1 << 30 });
  docker(['import', ...changes.flatMap((c) => ['--change', c]), '-', tag], tar);
  made.push(tag);
  return tag;
}

const LDD = (bin: string) => `ldd ${bin} | grep -o '/[^ ]*'`;
const IDS = 'printf "%s\\n" /etc/passwd /etc/group';
const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function variants(context: string, baseMap: string[], check: Check): Promise<{ report: VariantsReport; rows: VariantRow[]; text: string }> {
  const engine = new DockerEngine({ context, env });
  try {
    const report = await runVariants({
      dockerfile: await import('node:fs/promises').then((fs) => fs.readFile(path.join(context, 'Dockerfile'), 'utf8')),
      engine,
      makers: VARIANT_MAKERS,
      check,
      runs: 1,
      baseMap: parseBaseMap(baseMap),
      context,
      tagPrefix: `whittle-variants-${process.pid}-vr`,
      log: (l) => process.stderr.write(`variants: ${l}\n`),
    });
    const text = renderText(report);
    console.log(text);
    return { report, rows: (JSON.parse(JSON.stringify(toJson(report))) as { variants: VariantRow[] }).variants, text };
  } finally {
    await engine.cleanup();
  }
}

const row = (rows: VariantRow[], id: string) => rows.find((r) => r.id === id)!;
const passing = (rows: VariantRow[]) => rows.filter((r) => r.status === 'passed');

afterAll(() => {
  for (const tag of made.reverse()) {
    try {
      docker(['rmi', tag]);
    } catch {
      /* in use by another of this file's images, or gone */
    }
  }
});

/** workDir gives a describe block a temporary directory for its app, made before its own hooks run and removed after its tests. */
function workDir(name: string): { path: string } {
  const d = { path: '' };
  beforeAll(async () => {
    d.path = await mkdtemp(path.join(tmpdir(), `whittle-varruntime-${name}-`));
  });
  afterAll(async () => {
    if (d.path) await rm(d.path, { recursive: true, force: true });
  });
  return d;
}

describeWith(['debian-minbase'], 'whittle variants on a Go service', () => {
  const work = workDir('go');
  let maps: string[];

  beforeAll(async () => {
    const minbase = await ensureMinbase();
    const dir = work.path;
    const golang = await build(`${PREFIX}golang:full`, `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends golang-go && rm -rf /var/lib/apt/lists/*\n`);
    // distroless static: passwd, group and /tmp, nothing else
    const root = path.join(dir, 'static');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await mkdir(path.join(root, 'tmp'));
    await writeFile(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    await writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', root, 'etc', 'tmp']);
    docker(['import', '--change', 'USER 65532', '--change', PATH_ENV, '-', `${PREFIX}static:1`], tar);
    made.push(`${PREFIX}static:1`);
    const app = path.join(dir, 'app');
    await mkdir(app);
    await writeFile(path.join(app, 'go.mod'), 'module example.com/hello\n\ngo 1.19\n');
    await writeFile(
      path.join(app, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() {\n\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello from go") })\n\tif err := http.ListenAndServe(":8080", nil); err != nil {\n\t\tpanic(err)\n\t}\n}\n',
    );
    await writeFile(path.join(app, 'Dockerfile'), ['FROM golang:1.22', 'WORKDIR /src', 'COPY . .', 'RUN CGO_ENABLED=0 go build -o /usr/local/bin/server .', 'EXPOSE 8080', 'CMD ["server"]', ''].join('\n'));
    maps = [`golang:1.22=${golang}`, `gcr.io/distroless/static-debian12:nonroot=${PREFIX}static:1`, `gcr.io/distroless/static-debian12=${PREFIX}static:1`];
  });


  it('splits onto a static runtime, and the smallest passing variant is under 1/50 of as-is', async () => {
    const { report, rows } = await variants(path.join(work.path, 'app'), maps, { kind: 'http', port: 8080, path: '/' });
    expect(row(rows, 'as-is').status, row(rows, 'as-is').reason ?? '').toBe('passed');
    expect(row(rows, 'multi-stage').status, row(rows, 'multi-stage').reason ?? '').toBe('passed');
    expect(row(rows, 'multi-stage').dockerfile).toContain('FROM gcr.io/distroless/static-debian12:nonroot\n');
    expect(row(rows, 'distroless')).toMatchObject({ status: 'declined', reason: 'the final stage already runs on a distroless base (gcr.io/distroless/static-debian12:nonroot)' });
    // alpine:3.20 would take the same static binary; the engine cannot get it here
    expect(row(rows, 'alpine').status).toBe('declined');
    expect(row(rows, 'alpine').reason).toMatch(/^its base alpine:3\.20 is not in the engine and cannot be pulled: /);
    for (const r of passing(rows)) expect(r.check!.answer, r.id).toBe('200\nhello from go\n');
    const smallest = row(rows, report.smallest!);
    expect(smallest.sizes!.uncompressed).toBeLessThan(row(rows, 'as-is').sizes!.uncompressed / 50);
  }, 900_000);
});

/** wheels.py turns the Debian-packaged modules it is given into py3-none-any wheels in /out (PyPI is not reachable). */
const WHEELS_PY = `
import importlib.metadata as md, importlib.util, os, sys, zipfile
for name in sys.argv[1:]:
    spec = importlib.util.find_spec(name)
    top = spec.submodule_search_locations[0]
    version = md.version(name)
    dist = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(f"/out/{name}-{version}-py3-none-any.whl", "w") as z:
        record = []
        for base, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for f in files:
                full = os.path.join(base, f)
                arc = os.path.join(name, os.path.relpath(full, top))
                z.write(full, arc)
                record.append(arc)
        z.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n")
        z.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\\nGenerator: whittle-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
        z.writestr(f"{dist}/RECORD", "".join(f"{r},,\\n" for r in record + [f"{dist}/METADATA", f"{dist}/WHEEL", f"{dist}/RECORD"]))
`;
const FLASK_DEPS = ['flask', 'werkzeug', 'jinja2', 'markupsafe', 'itsdangerous', 'click'];

describeWith(['debian-minbase'], 'whittle variants on a Flask app', () => {
  const work = workDir('flask');
  let maps: string[];

  beforeAll(async () => {
    const minbase = await ensureMinbase();
    const dir = work.path;
    const slim = await build(`${PREFIX}python:slim`, `FROM ${minbase}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip && rm -rf /var/lib/apt/lists/* && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED\n`);
    const full = await build(`${PREFIX}python:full`, `FROM ${slim}\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev python3-dev libffi-dev && rm -rf /var/lib/apt/lists/*\n`);
    // distroless python3: the interpreter, the libraries it links, the standard library; not what its extension modules link (libffi)
    const distroless = distrolessFrom(`${PREFIX}distroless-python:1`, slim, `${LDD('/usr/bin/python3.11')}; echo /usr/bin/python3.11; echo /usr/bin/python3; find /usr/lib/python3.11 -path '*/dist-packages' -prune -o -type f -print; ${IDS}`, [PATH_ENV, 'ENTRYPOINT ["/usr/bin/python3.11"]']);
    const app = path.join(dir, 'app');
    await mkdir(path.join(app, 'wheels'), { recursive: true });
    await mkdir(path.join(app, 'ext'));
    const flaskDeb = await build(`${PREFIX}python:flask-deb`, `FROM ${slim}\nRUN apt-get update && apt-get install -y --no-install-recommends python3-flask && rm -rf /var/lib/apt/lists/*\n`);
    await writeFile(path.join(dir, 'wheels.py'), WHEELS_PY);
    const whl = execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${dir}:/in:ro`, flaskDeb, 'sh', '-c', `mkdir /out && python3 /in/wheels.py ${FLASK_DEPS.join(' ')} && tar -cf - -C /out .`], { env, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-xf', '-', '-C', path.join(app, 'wheels')], { input: whl });
    await writeFile(path.join(app, 'requirements.txt'), FLASK_DEPS.join('\n') + '\n');
    // a compiled module linking libffi: the distroless-style runtime lacks it
    await writeFile(path.join(app, 'ext', 'setup.py'), "from setuptools import setup, Extension\nsetup(name='fastffi', version='1.0', ext_modules=[Extension('fastffi', ['fastffi.c'], libraries=['ffi'])])\n");
    await writeFile(
      path.join(app, 'ext', 'fastffi.c'),
      '#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#include <ffi.h>\nstatic PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong((long)ffi_type_sint32.size * 10 + 2); }\nstatic PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};\nstatic struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "fastffi", NULL, -1, methods};\nPyMODINIT_FUNC PyInit_fastffi(void) { return PyModule_Create(&mod); }\n',
    );
    await writeFile(path.join(app, 'app.py'), "import fastffi\nfrom flask import Flask\n\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n    return f'hello from flask {fastffi.answer()}\\n'\n\nif __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n");
    await writeFile(
      path.join(app, 'Dockerfile'),
      [
        'FROM python:3.11',
        'RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev python3-dev libffi-dev && rm -rf /var/lib/apt/lists/*',
        'WORKDIR /app',
        'COPY . .',
        'RUN pip install --no-index --find-links wheels -r requirements.txt ./ext',
        'EXPOSE 5000',
        'CMD ["python3", "app.py"]',
        '',
      ].join('\n'),
    );
    maps = [`python:3.11=${full}`, `python:3.11-slim=${slim}`, `gcr.io/distroless/python3-debian12=${distroless}`];
  });


  it('passes slim, multi-stage, cache-order and minified, and marks the runtime that lacks a library failed with the app\'s error', async () => {
    const { rows } = await variants(path.join(work.path, 'app'), maps, { kind: 'http', port: 5000, path: '/' });
    // cache-order copies ./ext and wheels before the install; minified keeps what Python imports from pip's /usr/local/lib/python3.11/dist-packages, with the extension's libffi
    for (const id of ['as-is', 'multi-stage', 'slim-base', 'cache-order', 'minified']) expect(row(rows, id).status, `${id}: ${row(rows, id).reason}`).toBe('passed');
    for (const r of passing(rows)) expect(r.check!.answer, r.id).toBe('200\nhello from flask 42\n');
    expect(row(rows, 'cache-order').dockerfile).toMatch(/\nCOPY requirements\.txt \.\/\nCOPY wheels \.\/wheels\nCOPY ext \.\/ext\nRUN pip install [^\n]*--find-links wheels -r requirements\.txt \.\/ext\nCOPY \. \.\n/);
    expect(row(rows, 'multi-stage').dockerfile).toContain('COPY --from=build /opt/venv /opt/venv');
    // distroless: the venv on PYTHONPATH under the runtime's own python; the compiled module needs libffi, which it lacks
    const d = row(rows, 'distroless');
    expect(d.dockerfile).toMatch(/FROM gcr.io\/distroless\/python3-debian12\n[^]*ENV PYTHONPATH=\/opt\/venv\/lib\/python3.11\/site-packages\nENTRYPOINT \["\/usr\/bin\/python3"\]\nCMD \["app.py"\]\n$/);
    expect(d.status).toBe('failed');
    expect(d.reason).toMatch(/ImportError: libffi\.so\.8: cannot open shared object file/);
    expect(row(rows, 'alpine')).toMatchObject({ status: 'declined' });
    expect(row(rows, 'alpine').reason).toMatch(/^musl breaks native modules: the build installs gcc/);
    expect(row(rows, 'slim-base').sizes!.uncompressed).toBeLessThan(row(rows, 'as-is').sizes!.uncompressed);
  }, 1_200_000);
});

describeWith(['debian-minbase'], 'whittle variants on the express app', () => {
  const work = workDir('express');
  let maps: string[];

  beforeAll(async () => {
    const minbase = await ensureMinbase();
    const dir = work.path;
    const app = path.join(dir, 'app');
    await mkdir(app);
    // the npm registry answers the host, not containers: node_modules and npm itself come from here
    await writeFile(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'hello-express', version: '1.0.0', private: true, scripts: { build: 'node build.js', start: 'node server.js' }, dependencies: { express: '4.21.2' } }, null, 2) + '\n',
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'ignore' });
    const npmDir = path.join(dir, 'npm');
    await mkdir(npmDir);
    execFileSync('npm', ['pack', 'npm@10.9.2', '--loglevel=error'], { cwd: npmDir, stdio: 'ignore' });
    execFileSync('sh', ['-c', 'mv npm-*.tgz npm.tgz'], { cwd: npmDir });
    // slim: node and npm (offline, as a mirrored setup would be) and the node user, as node:20-slim; full: slim plus the toolchain node-gyp needs, as node:20
    const slim = await build(
      `${PREFIX}node:slim`,
      [
        `FROM ${minbase}`,
        'RUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/* && useradd --uid 1000 --create-home --shell /bin/bash node',
        'ADD npm.tgz /usr/local/lib/',
        'RUN mkdir -p /usr/local/lib/node_modules && mv /usr/local/lib/package /usr/local/lib/node_modules/npm && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm',
        'ENV npm_config_offline=true npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false',
        '',
      ].join('\n'),
      npmDir,
    );
    const full = await build(`${PREFIX}node:full`, `FROM ${slim}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*\n`);
    // distroless nodejs: node at /nodejs/bin/node, the libraries it links, the builtins Debian's node
    // keeps outside its binary (/usr/share/nodejs: cjs-module-lexer, acorn, undici…), passwd and group
    const distroless = distrolessFrom(`${PREFIX}distroless-node:1`, full, `mkdir -p /nodejs/bin && cp /usr/bin/node /nodejs/bin/node && echo /nodejs/bin/node && ${LDD('/usr/bin/node')} && find /usr/share/nodejs -type f && ${IDS}`, [PATH_ENV, 'ENTRYPOINT ["/nodejs/bin/node"]']);
    await writeFile(path.join(app, 'build.js'), "require('fs').writeFileSync('build-info.json', JSON.stringify({ built: 'yes' }));\n");
    await writeFile(
      path.join(app, 'server.js'),
      "const express = require('express');\nconst info = require('./build-info.json');\nconst app = express();\napp.get('/', (req, res) => res.send(`hello from express, built: ${info.built}\\n`));\napp.listen(3000);\n",
    );
    await writeFile(
      path.join(app, 'Dockerfile'),
      ['FROM node:20', 'WORKDIR /app', 'COPY package.json package-lock.json ./', 'COPY node_modules ./node_modules', 'RUN npm install', 'COPY server.js build.js ./', 'RUN npm run build', 'EXPOSE 3000', 'CMD ["node", "server.js"]', ''].join('\n'),
    );
    maps = [`node:20=${full}`, `node:20-slim=${slim}`, `gcr.io/distroless/nodejs20-debian12=${distroless}`];
  });


  it('orders as the seeds: as-is ≥ multi-stage > slim > distroless-style ≥ minified; every passing variant answers; JSON is the table', async () => {
    const { rows, text } = await variants(path.join(work.path, 'app'), maps, { kind: 'http', port: 3000, path: '/' });
    const size = (id: string) => {
      const r = row(rows, id);
      expect(r.status, `${id}: ${r.reason}`).toBe('passed');
      return r.sizes!.uncompressed;
    };
    expect(size('as-is')).toBeGreaterThanOrEqual(size('multi-stage'));
    expect(size('multi-stage')).toBeGreaterThan(size('slim-base'));
    expect(size('slim-base')).toBeGreaterThan(size('distroless'));
    expect(size('distroless')).toBeGreaterThanOrEqual(size('minified'));
    expect(row(rows, 'distroless').dockerfile).toMatch(/FROM gcr.io\/distroless\/nodejs20-debian12\nWORKDIR \/app\nCOPY --from=build \/app \/app\nEXPOSE 3000\nENTRYPOINT \["\/nodejs\/bin\/node"\]\nCMD \["server.js"\]\n$/);
    expect(row(rows, 'alpine').reason).toMatch(/^its base node:20-alpine is not in the engine and cannot be pulled: /);
    for (const r of passing(rows)) expect(r.check!.answer, r.id).toBe('200\nhello from express, built: yes\n');
    // the terminal table says what the JSON says, row for row
    for (const r of rows) {
      const line = text.split('\n').find((l) => l.startsWith(`${r.id} `) || l === r.id)!;
      expect(line, r.id).toBeDefined();
      const cells = line.replace(/ \*/, '').split(/\s{2,}/);
      expect(cells[1], r.id).toBe(r.status);
      if (r.sizes) expect(cells.slice(2, 4), r.id).toEqual([formatBytes(r.sizes.uncompressed), formatBytes(r.sizes.compressed)]);
      if (r.reason) expect(text).toContain(`${r.id} (${r.status}): ${r.reason}`);
    }
  }, 1_200_000);
});

describe('the stand-in bases', () => {
  it('are never the shared minbase', () => expect(made.every((t) => t.startsWith(PREFIX))).toBe(true));
});
