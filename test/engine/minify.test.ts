// whittle minify on real images built FROM the Debian minbase (test/support/engine.ts): a dynamically
// linked C program resolving a name and reading the CA certificates, a static program on the full
// base, and a shell entrypoint calling curl and jq. Each minified image runs in the engine and
// answers as the original does; the sizes are printed for docs/minify.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-minify-engine-'));
const made: string[] = [];
afterAll(() => {
  if (made.length) spawnSync('docker', ['rmi', '-f', ...made], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
});

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`whittle ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const PROGRAM = `#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  int rc = getaddrinfo("localhost", "443", &hints, &res);
  if (rc != 0) { printf("getaddrinfo: %s\\n", gai_strerror(rc)); return 1; }
  char buf[64];
  inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof buf);
  printf("localhost=%s\\n", buf);
  struct passwd *pw = getpwuid(0);
  printf("uid0=%s\\n", pw ? pw->pw_name : "?");
  FILE *f = fopen("/etc/ssl/certs/ca-certificates.crt", "r");
  int certs = 0;
  char line[256];
  while (f && fgets(line, sizeof line, f)) if (strstr(line, "BEGIN CERTIFICATE")) certs++;
  printf("bundle certificates: %s\\n", certs > 100 ? "over 100" : "too few");
  DIR *d = opendir("/etc/ssl/certs");
  int pem = 0, readable = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (!strstr(e->d_name, ".pem")) continue;
    pem++;
    char path[512];
    snprintf(path, sizeof path, "/etc/ssl/certs/%s", e->d_name);
    FILE *c = fopen(path, "r");
    if (c) { readable++; fclose(c); }
  }
  printf("pem files: %s, all readable: %s\\n", pem > 100 ? "over 100" : "too few", pem == readable ? "yes" : "no");
  return 0;
}
`;

const STATIC = `#include <stdio.h>
int main(void) { FILE *f = fopen("/etc/passwd", "r"); char line[256]; if (f && fgets(line, sizeof line, f)) fputs(line, stdout); puts("static ok"); return 0; }
`;

const ENTRY = `#!/bin/sh
set -e
curl --version | head -1 | cut -d' ' -f1-2
jq --version
echo '{"a":[1,2,3]}' | jq -c '.a | map(. * 2)'
exec "$@"
`;

const NODE_APP: Record<string, string> = {
  'index.mjs': [
    "import { createRequire } from 'node:module';",
    "import { greet } from './lib/greet.js';",
    "import data from './lib/data.cjs';",
    'const require = createRequire(import.meta.url);',
    "const ms = require('ms');",
    "const conf = require('./lib/conf.json');",
    'console.log(greet(conf.name), ms("2 days"), data.answer, typeof fetch);',
  ].join('\n'),
  'package.json': '{"name":"app","type":"module"}',
  'greet.js': 'export function greet(n) { return `hello ${n}`; }\n',
  'data.cjs': 'module.exports = { answer: 42 };\n',
  'conf.json': '{"name":"world"}',
};

/** build builds a Dockerfile in its own context directory with the given files and returns its tag. */
function build(name: string, dockerfile: string, files: Record<string, string | Buffer> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data, { mode: 0o755 });
  const tag = `whittle-minify/${name}:src`;
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  made.push(tag);
  return tag;
}

/** minified minifies a tag through a docker-archive with its own tag, loads it, and returns the tag and the JSON report. */
function minified(tag: string, ...flags: string[]) {
  const out = join(tmp, `${tag.replace(/\W+/g, '-')}.tar`);
  const to = tag.replace(/:src$/, ':min');
  const report = JSON.parse(whittle('minify', `docker-daemon:${tag}`, '--json', '-o', `docker-archive:${out}:${to}`, ...flags)) as {
    kept: { path: string; reasons: string[] }[];
    warnings: string[];
    after: { bytes: number };
  };
  execFileSync('docker', ['load', '-q', '-i', out]);
  made.push(to);
  return { tag: to, report };
}

const run = (tag: string, ...args: string[]) => spawnSync('docker', ['run', '--rm', tag, ...args], { encoding: 'utf8' });
const size = (tag: string) => Number(execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' }).trim());
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
function report(name: string, a: string, b: string) {
  process.stdout.write(`minify ${name}: ${mb(size(a))} → ${mb(size(b))}\n`);
}

describeWith(['debian-minbase', 'gcc-static'], 'whittle minify on images built from the Debian minbase', () => {
  let base = '';
  beforeAll(async () => {
    base = await ensureMinbase();
    mkdirSync(join(tmp, 'gcc'));
    writeFileSync(join(tmp, 'gcc', 'probe.c'), PROGRAM);
    writeFileSync(join(tmp, 'gcc', 'static.c'), STATIC);
    execFileSync('gcc', ['-O2', '-o', join(tmp, 'gcc', 'probe'), join(tmp, 'gcc', 'probe.c')]);
    execFileSync('gcc', ['-O2', '-static', '-o', join(tmp, 'gcc', 'static'), join(tmp, 'gcc', 'static.c')]);
  }, 600_000);

  it('a dynamically linked C program: name resolution (NSS) and the CA certificates work after minify', () => {
    const tag = build(
      'cprog',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*\nCOPY probe /usr/local/bin/probe\nUSER nobody\nCMD ["probe"]\n`,
      { probe: readFileSync(join(tmp, 'gcc', 'probe')) },
    );
    const { tag: min, report: r } = minified(tag);
    const before = run(tag);
    const after = run(min);
    expect(before.stdout).toBe('localhost=127.0.0.1\nuid0=root\nbundle certificates: over 100\npem files: over 100, all readable: yes\n');
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    expect(run(min, 'id').status).not.toBe(0); // only what the closure holds
    const paths = r.kept.map((k) => k.path);
    expect(paths).toContain('/usr/local/bin/probe');
    expect(paths.find((p) => /libnss_files\.so\.2$/.test(p))).toBeDefined();
    expect(paths).not.toContain('/usr/bin/apt-get');
    report('C program (getaddrinfo, CA certificates)', tag, min);
  }, 900_000);

  it('a static program on the full base: only the program, certificates, users and a few small files remain', () => {
    const tag = build(
      'static',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*\nCOPY static /usr/local/bin/static\nENTRYPOINT ["/usr/local/bin/static"]\n`,
      { static: readFileSync(join(tmp, 'gcc', 'static')) },
    );
    const { tag: min, report: r } = minified(tag);
    expect(run(min).stdout).toBe(run(tag).stdout);
    expect(run(min).stdout).toMatch(/^root:x:0:0:.*\nstatic ok\n$/);
    const files = r.kept.filter((k) => !k.reasons.every((why) => why === 'directory on the way to a kept path'));
    const unexpected = files
      .map((k) => k.path)
      .filter((p) => !/^\/(usr\/local\/bin\/static|etc\/(passwd|group|hosts|host\.conf|resolv\.conf|gai\.conf|localtime|timezone|services|protocols)|etc\/ssl(\/.*)?|usr\/share\/ca-certificates(\/.*)?|usr\/lib\/ssl(\/.*)?|usr\/share\/zoneinfo\/.*|tmp)$/.test(p));
    expect(unexpected).toEqual([]);
    expect(r.kept.map((k) => k.path)).not.toContain('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(size(min)).toBeLessThan(5_000_000);
    report('static program on the full base', tag, min);
  }, 900_000);

  it('a shell entrypoint calling curl and jq: both, their libraries and the commands of the script are kept, and it runs', () => {
    const tag = build(
      'curljq',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends curl jq ca-certificates && rm -rf /var/lib/apt/lists/*\nCOPY entry.sh /usr/local/bin/entry.sh\nENTRYPOINT ["/usr/local/bin/entry.sh"]\nCMD ["echo", "done"]\n`,
      { 'entry.sh': ENTRY },
    );
    const { tag: min, report: r } = minified(tag);
    const before = run(tag);
    const after = run(min);
    expect(before.stdout).toMatch(/^curl \d+\.\d+\.\d+\njq-1\.\d+.*\n\[2,4,6\]\ndone\n$/);
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    const paths = r.kept.map((k) => k.path);
    for (const p of ['/usr/bin/curl', '/usr/bin/jq', '/usr/bin/head', '/usr/bin/cut', '/usr/bin/dash']) expect(paths).toContain(p);
    expect(paths.find((p) => /libcurl\.so\.4\./.test(p))).toBeDefined();
    expect(paths.find((p) => /libjq\.so\.1\./.test(p))).toBeDefined();
    expect(r.kept.find((k) => k.path === '/usr/bin/jq')!.reasons).toContain('called by /usr/local/bin/entry.sh:4');
    report('shell entrypoint calling curl and jq', tag, min);
  }, 900_000);

  it("a Node app on Debian's node (ESM entry importing CommonJS, a module from /usr/share/nodejs, JSON): runs the same", () => {
    const tag = build(
      'nodeapp',
      `FROM ${base}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs node-ms && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n` +
        'COPY index.mjs package.json /app/\nCOPY greet.js data.cjs conf.json /app/lib/\nRUN echo \'{"type":"module"}\' > /app/lib/package.json\nCMD ["node", "index.mjs"]\n',
      NODE_APP,
    );
    const { tag: min, report: r } = minified(tag);
    const before = run(tag);
    const after = run(min);
    expect(before.stdout).toBe('hello world 172800000 42 function\n');
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(before.stdout);
    const paths = r.kept.map((k) => k.path);
    for (const p of ['/app/index.mjs', '/app/lib/greet.js', '/app/lib/data.cjs', '/app/lib/conf.json', '/usr/share/nodejs/ms/index.js', '/usr/share/nodejs/cjs-module-lexer/dist/lexer.js']) expect(paths).toContain(p);
    expect(paths.find((p) => /libnode\.so\.\d+$/.test(p))).toBeDefined();
    expect(paths).not.toContain('/usr/share/nodejs/acorn-jsx/index.js');
    report("Node app on Debian's node", tag, min);
  }, 900_000);
});
