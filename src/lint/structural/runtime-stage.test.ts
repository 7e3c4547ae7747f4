import { describe, expect, it } from 'vitest';
import { fixText } from '../../fix/engine.js';
import { runtimeStage, type RuntimeStageInput } from './runtime-stage.js';

const NODE = ['FROM node:20', 'WORKDIR /app', 'COPY package.json ./', 'COPY node_modules ./node_modules', 'COPY server.js ./', 'ENV PORT=3000', 'EXPOSE 3000', 'CMD ["node", "server.js"]', ''].join('\n');
const GO = ['FROM golang:1.22', 'WORKDIR /src', 'COPY . .', 'RUN go build -o /usr/local/bin/server .', 'EXPOSE 8080', 'CMD ["server"]', ''].join('\n');
const PY = [
  'FROM python:3.11',
  'RUN apt-get update && apt-get install -y --no-install-recommends gcc libffi-dev && rm -rf /var/lib/apt/lists/*',
  'WORKDIR /app',
  'COPY . .',
  'RUN pip install --no-index --find-links wheels -r requirements.txt',
  'EXPOSE 5000',
  'CMD ["python3", "app.py"]',
  '',
].join('\n');

const made = async (input: RuntimeStageInput) => {
  const r = await runtimeStage(input);
  if ('declined' in r) throw new Error(`declined: ${r.declined}`);
  return r;
};
const declined = async (input: RuntimeStageInput) => {
  const r = await runtimeStage(input);
  if (!('declined' in r)) throw new Error(`not declined:\n${r.text}`);
  return r.declined;
};
const unsafe = async (text: string) => (await fixText(text, { only: ['build-tools-in-final-stage'] })).output;

describe('runtimeStage', async () => {
  it('puts a single-stage Node app on distroless nodejs: the WORKDIR copied from the stage, node by its path there', async () => {
    const r = await made({ text: NODE, flavour: 'distroless' });
    expect(r.base).toBe('gcr.io/distroless/nodejs20-debian12');
    expect(r.text).toBe(
      NODE.replace('FROM node:20', 'FROM node:20 AS build') +
        ['FROM gcr.io/distroless/nodejs20-debian12', 'ENV PORT=3000', 'EXPOSE 3000', 'WORKDIR /app', 'COPY --from=build /app /app', 'ENTRYPOINT ["/nodejs/bin/node"]', 'CMD ["server.js"]', ''].join('\n'),
    );
  });

  it('puts it on node:20-alpine with its own command, and reads the Node line from the tag', async () => {
    const r = await made({ text: NODE.replace('node:20', 'node:18-bookworm'), flavour: 'alpine' });
    expect(r.base).toBe('node:18-alpine');
    expect(r.text).toMatch(/FROM node:18-alpine\n[^]*COPY --from=build \/app \/app\nCMD \["node", "server.js"\]\n$/);
  });

  it('turns npm start into node FILE from package.json for distroless, and declines other start scripts with the reason', async () => {
    const text = NODE.replace('CMD ["node", "server.js"]', 'CMD ["npm", "start"]');
    expect((await made({ text, flavour: 'distroless', packageJson: '{"scripts":{"start":"node server.js --port 3000"}}' })).text).toContain('ENTRYPOINT ["/nodejs/bin/node"]\nCMD ["server.js","--port","3000"]\n');
    expect(await declined({ text, flavour: 'distroless', packageJson: '{"scripts":{"start":"nodemon server.js"}}' })).toMatch(/distroless has no npm, and package.json's start script is not `node FILE` \(nodemon server.js\)/);
    expect(await declined({ text, flavour: 'distroless', packageJson: null })).toMatch(/cannot read package.json/);
    // Alpine's node image has npm
    expect((await made({ text, flavour: 'alpine', packageJson: null })).text).toMatch(/CMD \["npm", "start"\]\n$/);
  });

  it('declines a shell-form CMD or HEALTHCHECK for distroless (no shell), not for Alpine', async () => {
    const shellCmd = NODE.replace('CMD ["node", "server.js"]', 'CMD node server.js');
    expect(await declined({ text: shellCmd, flavour: 'distroless' })).toMatch(/^the CMD is in shell form \(CMD node server.js\): distroless has no shell/);
    expect((await made({ text: shellCmd, flavour: 'alpine' })).text).toMatch(/CMD node server.js\n$/);
    const hc = NODE.replace('EXPOSE 3000', 'HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1');
    expect(await declined({ text: hc, flavour: 'distroless' })).toMatch(/HEALTHCHECK is in shell form .*distroless has no shell/);
    const execHc = NODE.replace('EXPOSE 3000', 'HEALTHCHECK --interval=5s CMD ["node", "health.js"]');
    expect((await made({ text: execHc, flavour: 'distroless' })).text).toContain('HEALTHCHECK --interval=5s CMD ["/nodejs/bin/node","health.js"]\n');
  });

  it('declines Alpine where native code was built for glibc: musl breaks native modules', async () => {
    const gyp = NODE.replace('COPY server.js ./', 'RUN apt-get update && apt-get install -y g++ make python3\nCOPY server.js ./');
    expect(await declined({ text: gyp, flavour: 'alpine' })).toMatch(/^musl breaks native modules: the build installs g\+\+/);
    expect(await declined({ text: NODE, flavour: 'alpine', nativeAddon: 'bcrypt' })).toMatch(/^musl breaks native modules: node_modules holds bcrypt's native addon/);
  });

  it('declines a single stage whose RUN changes files the runtime stage would not have', async () => {
    const apt = NODE.replace('COPY server.js ./', 'RUN apt-get update && apt-get install -y imagemagick\nCOPY server.js ./');
    expect(await declined({ text: apt, flavour: 'distroless' })).toMatch(/changes files outside \/app/);
  });

  it('rebases the multi-stage Go split: already distroless, onto alpine:3.20 as a static binary', async () => {
    const split = await unsafe(GO);
    expect(split).toContain('FROM gcr.io/distroless/static-debian12:nonroot');
    expect(await declined({ text: split, flavour: 'distroless' })).toMatch(/already runs on a distroless base/);
    const r = await made({ text: split, flavour: 'alpine' });
    expect(r.base).toBe('alpine:3.20');
    expect(r.text).toBe(split.replace('gcr.io/distroless/static-debian12:nonroot', 'alpine:3.20'));
    // a cgo binary needs glibc: distroless base, not Alpine
    const cgo = GO.replace('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/server .\n', 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/server .\nFROM debian:bookworm-slim\nCOPY --from=build /usr/local/bin/server /usr/local/bin/server\n');
    expect((await made({ text: cgo, flavour: 'distroless' })).text).toContain('FROM gcr.io/distroless/base-debian12\n');
    expect(await declined({ text: cgo, flavour: 'alpine' })).toMatch(/linked against glibc/);
    expect(await declined({ text: GO, flavour: 'distroless' })).toMatch(/not split into a build stage/);
  });

  it('rebases the Python venv split onto distroless python3 (the venv on PYTHONPATH) when the versions match', async () => {
    const split = await unsafe(PY);
    expect(split).toContain('COPY --from=build /opt/venv /opt/venv');
    const r = await made({ text: split, flavour: 'distroless' });
    expect(r.base).toBe('gcr.io/distroless/python3-debian12');
    const runtime = r.text.slice(r.text.lastIndexOf('FROM '));
    expect(runtime).toContain('COPY --from=build /opt/venv /opt/venv\n');
    expect(runtime).not.toContain('ENV PATH=');
    expect(runtime).toMatch(/ENV PYTHONPATH=\/opt\/venv\/lib\/python3.11\/site-packages\nENTRYPOINT \["\/usr\/bin\/python3"\]\nCMD \["app.py"\]\n$/);
    expect(await declined({ text: split.replaceAll('python:3.11', 'python:3.12'), flavour: 'distroless' })).toMatch(/runs Python 3.11; the build stage's Python is 3.12/);
    // gcc built the wheels for glibc
    expect(await declined({ text: split, flavour: 'alpine' })).toMatch(/^musl breaks native modules: the build installs gcc/);
  });

  it('declines a command whittle cannot tie to a stack', async () => {
    expect(await declined({ text: 'FROM debian:bookworm\nCOPY a /app/a\nCMD ["cat", "/app/a"]\n', flavour: 'distroless' })).toMatch(/cannot tell what `cat` needs/);
  });
});
