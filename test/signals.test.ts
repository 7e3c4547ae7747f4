// An interrupted run leaves nothing behind: the built CLI is stopped at named points of squash,
// strip, analyze from stdin, fix --write and context --write-dockerignore (the test-only hook
// WHITTLE_TEST_PAUSE_AT, src/internal/test-pause.ts), where it holds temporary files; SIGINT, SIGTERM
// and SIGHUP then end it with 130, 143 and 129, and its output directory, TMPDIR and working
// directory hold nothing new.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dir, dockerArchiveMembers, file, ociLayout, seeded, writeDir, writeTar } from './support/image-writer.js';
import { expectClean, interrupt, listAll, sandbox, SIGNALS, STATUS } from './support/interrupt.js';

const root = mkdtempSync(join(tmpdir(), 'whittle-signals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let layout: string;
let archive: string;
beforeAll(async () => {
  // big enough that the merged layer fills several of the writer's 4 MiB buffers
  const img = await buildImage([
    [dir('usr/'), dir('usr/share/'), dir('usr/share/doc/'), dir('usr/share/doc/pkg/'), file('usr/share/doc/pkg/README', seeded(20_000, 1)), file('big-a', seeded(6 << 20, 2))],
    [file('big-b', seeded(6 << 20, 3))],
  ]);
  layout = writeDir(join(root, 'src-layout'), ociLayout(img, { refName: 'v1' }).files);
  archive = await writeTar(join(root, 'src.tar'), dockerArchiveMembers(img, 'whittle-signals/app:1'));
});

const squashCases: { point: string; output: string; temporary: RegExp }[] = [
  { point: 'layer-writing', output: 'out/squashed.tar', temporary: /out\/\.whittle-layer\..*\.tmp$/ },
  { point: 'layer-written', output: 'out/squashed.tar', temporary: /out\/\.whittle-layer\..*\.tmp$/ },
  { point: 'output-writing', output: 'out/squashed.tar', temporary: /out\/\.squashed\.tar\..*\.tmp$/ },
  { point: 'output-writing', output: 'oci:out/layout:v1', temporary: /out\/\.layout\..*\.tmp\/blobs/ },
  { point: 'layer-writing', output: 'oci:out/layout:v1', temporary: /out\/\.whittle-layer\..*\.tmp$/ },
];

describe('an interrupted squash', () => {
  for (const c of squashCases) {
    for (const signal of SIGNALS) {
      it(`${signal} at ${c.point} (-o ${c.output}): status ${STATUS[signal]}, nothing left`, async () => {
        const box = sandbox(root);
        const output = c.output.replace('out/', `${box.out}/`);
        const r = await interrupt(box, ['squash', `oci:${layout}:v1`, '-o', output], c.point, signal);
        expectClean(r, signal, [], c.temporary);
      });
    }
  }
});

describe('an interrupted strip', () => {
  const cases = [
    { point: 'layer-written', args: [], temporary: /tmp\/whittle-strip-/ },
    { point: 'layer-writing', args: ['--squash'], temporary: /out\/\.whittle-layer\..*\.tmp$/ },
    { point: 'output-writing', args: [], temporary: /out\/\.stripped\.tar\..*\.tmp$/ },
  ];
  for (const c of cases) {
    for (const signal of SIGNALS) {
      it(`${signal} at ${c.point} ${c.args.join(' ')}: status ${STATUS[signal]}, nothing left`, async () => {
        const box = sandbox(root);
        const r = await interrupt(box, ['strip', archive, ...c.args, '-o', join(box.out, 'stripped.tar')], c.point, signal);
        expectClean(r, signal, [], c.temporary);
      });
    }
  }
});

describe('an interrupted read from standard input', () => {
  it('SIGINT while the stream is still arriving: status 130, the partial spool is gone', async () => {
    const box = sandbox(root);
    const child = spawn(process.execPath, [resolve('bin/whittle.js'), 'analyze', '-'], { cwd: box.cwd, env: { ...process.env, TMPDIR: box.tmp }, stdio: ['pipe', 'ignore', 'pipe'] });
    const closed = new Promise<number | null>((done) => child.on('close', done));
    const data = readFileSync(archive);
    child.stdin.on('error', () => undefined).write(data.subarray(0, data.length >> 1)); // half, and the pipe stays open
    let partial: string[] = [];
    for (let i = 0; i < 500 && partial.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      partial = listAll(box.tmp).filter((p) => /^whittle-stdin-[^/]+\/spool$/.test(p) && statSync(join(box.tmp, p)).size > 0);
    }
    expect(partial).toHaveLength(1);
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect([...listAll(box.tmp), ...listAll(box.out), ...listAll(box.cwd)]).toEqual([]);
  }, 30_000);

  for (const signal of SIGNALS) {
    it(`${signal} once the stream is spooled: status ${STATUS[signal]}, the spool is gone`, async () => {
      const box = sandbox(root);
      const r = await interrupt(box, ['analyze', '-'], 'spooled', signal, archive);
      expectClean(r, signal, [], /tmp\/whittle-stdin-.*\/spool$/);
    });
  }
});

describe('an interrupted write in place', () => {
  for (const signal of SIGNALS) {
    it(`fix --write, ${signal} before the rename: status ${STATUS[signal]}, the Dockerfile unchanged`, async () => {
      const box = sandbox(root);
      const text = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n';
      writeFileSync(join(box.out, 'Dockerfile'), text);
      const r = await interrupt(box, ['fix', join(box.out, 'Dockerfile'), '--write'], 'output-writing', signal);
      expectClean(r, signal, ['out/Dockerfile'], /out\/\.Dockerfile\..*\.tmp$/);
      expect(readFileSync(join(box.out, 'Dockerfile'), 'utf8')).toBe(text);
    });

    it(`context --write-dockerignore, ${signal} before the rename: status ${STATUS[signal]}, no .dockerignore`, async () => {
      const box = sandbox(root);
      writeFileSync(join(box.out, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
      writeFileSync(join(box.out, '.env'), 'TOKEN=x\n');
      const r = await interrupt(box, ['context', box.out, '--write-dockerignore'], 'output-writing', signal);
      expectClean(r, signal, ['out/.env', 'out/Dockerfile'], /out\/\.\.dockerignore\..*\.tmp$/);
    });
  }
});
