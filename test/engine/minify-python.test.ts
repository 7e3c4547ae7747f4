// whittle minify on Python images built FROM the Debian minbase (test/support/engine.ts) with
// Debian's python3-flask: a Flask app run as `python3 /app/app.py`, the same app served by the
// `flask` console script (a setuptools script that finds its entry point in Flask's metadata), and
// a pip-style console script in a virtual environment. Each is minified with --check-http, which
// runs the original and the minified image and compares the HTTP answers; the sizes are printed
// for docs/minify.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-python-'));
const made: string[] = [];
afterAll(() => {
  if (made.length) spawnSync('docker', ['rmi', '-f', ...made], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

const APP = `import json
from importlib.metadata import version

from flask import Flask, render_template
from markupsafe import escape

from greeting import greet

app = Flask(__name__)


@app.route("/")
def index():
    return json.dumps({"greeting": greet("world"), "flask": version("flask"), "escaped": str(escape("<b>"))}, sort_keys=True)


@app.route("/page")
def page():
    return render_template("page.html", name="<python>")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)
`;

const GREETING = 'def greet(name):\n    return f"hello {name}"\n';

/** SERVER and SERVE: a package of a virtual environment and the console script pip would write for it. */
const SERVER = `from flask import Flask

app = Flask("venvapp")


@app.route("/")
def index():
    return {"from": "venv"}


def main():
    app.run(host="0.0.0.0", port=8080)
`;
const SERVE = `#!/opt/venv/bin/python3
import re
import sys
from venvapp.server import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
`;

/** build builds a Dockerfile in its own context directory with the given files and returns its tag. */
function build(name: string, dockerfile: string, files: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
  const tag = `whittle-pyminify/${name}:src`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  made.push(tag);
  return tag;
}

interface Report {
  kept: { path: string; reasons: string[] }[];
  warnings: string[];
  verify?: { status: string; difference: string | null; original: { status?: number | null; body?: string }; minified: { status?: number | null; body?: string; stderr: string } };
}

/** minified minifies a tag with --check-http through a docker-archive with its own tag, loads it, and returns the tag and the JSON report. */
function minified(tag: string, ...flags: string[]) {
  const out = join(tmp, `${tag.replace(/\W+/g, '-')}.tar`);
  const to = tag.replace(/:src$/, ':min');
  const r = spawnSync(process.execPath, ['bin/whittle.js', 'minify', `docker-daemon:${tag}`, '--json', '-o', `docker-archive:${out}:${to}`, ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`whittle minify ${tag} exited ${r.status}: ${r.stderr}\n${r.stdout.slice(0, 4000)}`);
  execFileSync('docker', ['load', '-q', '-i', out]);
  made.push(to);
  return { tag: to, report: JSON.parse(r.stdout) as Report };
}

const size = (tag: string) => Number(execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' }).trim());
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
function report(name: string, a: string, b: string) {
  process.stdout.write(`minify ${name}: ${mb(size(a))} → ${mb(size(b))}\n`);
}

/** run runs a command in /app in a fresh container of the image (its entrypoint replaced). */
const run = (tag: string, ...args: string[]) => spawnSync('docker', ['run', '--rm', '-w', '/app', '--entrypoint', args[0]!, tag, ...args.slice(1)], { encoding: 'utf8' });

describeWith(['debian-minbase'], 'whittle minify on a Python Flask app built from the Debian minbase', () => {
  let base = '';
  let flask = '';
  beforeAll(async () => {
    base = await ensureMinbase();
    flask = build(
      'flask',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends python3-flask && rm -rf /var/lib/apt/lists/*\n` +
        'COPY app.py greeting.py /app/\nCOPY templates /app/templates\nUSER nobody\nEXPOSE 8080\nCMD ["python3", "/app/app.py"]\n',
      { 'app.py': APP, 'greeting.py': GREETING, 'templates/page.html': '<p>{{ name }}</p>' },
    );
  }, 900_000);

  it('python3 /app/app.py: the minified image answers HTTP as the original does, with the modules it imports and nothing of apt', () => {
    const { tag: min, report: r } = minified(flask, '--check-http', '8080/', '--check-timeout', '90');
    expect(r.verify).toMatchObject({ status: 'ok', difference: null, original: { status: 200 }, minified: { status: 200 } });
    expect(JSON.parse(r.verify!.minified.body!)).toMatchObject({ greeting: 'hello world', escaped: '&lt;b&gt;', flask: expect.stringMatching(/^2\./) });
    expect(r.verify!.minified.body).toBe(r.verify!.original.body);
    const kept = new Map(r.kept.map((k) => [k.path, k.reasons]));
    const DIST = '/usr/lib/python3/dist-packages';
    for (const p of ['/usr/bin/python3', '/usr/bin/python3.11', '/app/app.py', '/app/greeting.py', `${DIST}/flask/__init__.py`, `${DIST}/jinja2/__init__.py`, `${DIST}/werkzeug/serving.py`, `${DIST}/Flask-2.2.2.egg-info/PKG-INFO`, '/usr/lib/python3.11/encodings/utf_8.py', '/usr/lib/python3.11/os.py']) {
      expect(kept.has(p), p).toBe(true);
    }
    expect(kept.get('/app/greeting.py')).toContain('imported by /app/app.py:7');
    expect(kept.get(`${DIST}/markupsafe/__init__.py`)).toContain('imported by /app/app.py:5');
    // markupsafe's C speedups, an extension module, with its ELF needs
    expect([...kept.keys()].find((p) => /markupsafe\/_speedups\.cpython-311-x86_64-linux-gnu\.so$/.test(p))).toBeDefined();
    for (const p of ['/usr/bin/apt-get', '/usr/lib/python3.11/unused.py', '/usr/lib/python3.11/turtle.py', '/usr/lib/python3.11/ensurepip/__init__.py', '/usr/lib/python3.11/idlelib/__init__.py', '/usr/lib/python3.11/lib2to3/__init__.py']) {
      expect(kept.has(p), p).toBe(false);
    }
    // the template, read by path at run time, is kept with the app's directory (Flask imports by computed names)
    expect(kept.get('/app/templates/page.html')?.[0]).toMatch(/^in the app's directory \(sys\.path\[0\]\), kept whole: \/usr\/lib\/python3\/dist-packages\/.* imports a computed name$/);
    // the template page renders the same in both (Jinja2 and MarkupSafe at run time), through Flask's test client
    const page = (tag: string) => run(tag, 'python3', '-c', 'from app import app; print(app.test_client().get("/page").data.decode())');
    const before = page(flask);
    const after = page(min);
    expect(before.stdout).toBe('<p>&lt;python&gt;</p>\n');
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    report('Python Flask app (python3 /app/app.py)', flask, min);
  }, 900_000);

  it('the flask console script (a setuptools entry-point script) serving the same app', () => {
    const cli = build('flask-cli', `FROM ${flask}\nCMD ["flask", "--app", "/app/app.py", "run", "--host", "0.0.0.0", "--port", "8080"]\n`);
    const { tag: min, report: r } = minified(cli, '--check-http', '8080/', '--check-timeout', '90');
    expect(r.verify).toMatchObject({ status: 'ok', difference: null, original: { status: 200 }, minified: { status: 200 } });
    expect(r.verify!.minified.body).toBe(r.verify!.original.body);
    const kept = new Map(r.kept.map((k) => [k.path, k.reasons]));
    expect(kept.get('/usr/lib/python3/dist-packages/flask/cli.py')).toContainEqual(expect.stringMatching(/^entry point console_scripts\/flask of Flask, loaded by \/usr\/bin\/flask:\d+$/));
    expect(kept.get('/app/greeting.py')).toContain('imported by /app/app.py:7');
    report('Python Flask app (the flask console script)', cli, min);
  }, 900_000);

  it("a pip-style console script in a virtual environment (system site-packages included) serving a Flask app of the venv's own package", () => {
    const venv = build(
      'flask-venv',
      `FROM ${flask}\nUSER root\nRUN python3 -m venv --without-pip --system-site-packages /opt/venv && mkdir /opt/venv/lib/python3.11/site-packages/venvapp\n` +
        'COPY server.py /opt/venv/lib/python3.11/site-packages/venvapp/\nRUN touch /opt/venv/lib/python3.11/site-packages/venvapp/__init__.py\n' +
        'COPY serve /opt/venv/bin/serve\nRUN chmod 755 /opt/venv/bin/serve\nENV PATH=/opt/venv/bin:$PATH\nUSER nobody\nCMD ["serve"]\n',
      { 'server.py': SERVER, serve: SERVE },
    );
    const { tag: min, report: r } = minified(venv, '--check-http', '8080/', '--check-timeout', '90');
    expect(r.verify).toMatchObject({ status: 'ok', difference: null, original: { status: 200 }, minified: { status: 200 } });
    expect(JSON.parse(r.verify!.minified.body!)).toEqual({ from: 'venv' });
    const kept = new Map(r.kept.map((k) => [k.path, k.reasons]));
    expect(kept.get('/opt/venv/pyvenv.cfg')).toEqual(['pyvenv.cfg of the virtual environment /usr/bin/python3.11 starts in']);
    expect(kept.get('/opt/venv/lib/python3.11/site-packages/venvapp/server.py')).toEqual(['imported by /opt/venv/bin/serve:4']);
    expect(kept.has('/opt/venv/bin/python3')).toBe(true);
    expect(kept.has('/usr/lib/python3/dist-packages/flask/app.py')).toBe(true);
    expect(kept.has('/opt/venv/bin/activate')).toBe(false);
    report('Python Flask app (a console script in a venv)', venv, min);
  }, 900_000);
});
