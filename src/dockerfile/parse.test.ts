import { describe, expect, it } from 'vitest';
import { parseDockerfile, unquoteWord } from './parse.js';
import { runScript } from './script.js';
import { stageGraph } from './stages.js';
import { LineIndex } from './positions.js';

describe('LineIndex', () => {
  it('round-trips offsets and positions, CRLF included', () => {
    const idx = new LineIndex('ab\r\ncd\nef');
    expect(idx.positionAt(4)).toEqual({ line: 1, character: 0 });
    expect(idx.offsetAt({ line: 2, character: 1 })).toBe(8);
    expect(idx.positionAt(2)).toEqual({ line: 0, character: 2 });
    expect(idx.offsetAt({ line: 0, character: 99 })).toBe(2);
    expect(idx.lineText(0)).toBe('ab');
  });
});

describe('parseDockerfile', () => {
  it('keeps the spaces inside exec-form strings', () => {
    const m = parseDockerfile('FROM debian:12\nRUN ["sh", "-c", "apt-get update && echo \\"a b\\""]\n');
    expect(m.instructions[1]!.json!.map((t) => t.value)).toEqual(['sh', '-c', 'apt-get update && echo "a b"']);
  });

  it('resolves FROM $ARG to an earlier stage through ARG defaults before the first FROM', () => {
    const m = parseDockerfile('ARG BASE=builder\nARG OTHER\nFROM alpine:3.20 AS builder\nFROM ${BASE}\nFROM ${OTHER:-builder}\nFROM $OTHER\n');
    expect(m.stages.map((s) => s.baseStage)).toEqual([null, 0, 0, null]);
    expect(stageGraph(m, undefined).ships).toEqual([false, false, false, true]);
    expect(stageGraph(parseDockerfile('ARG BASE=builder\nFROM alpine:3.20 AS builder\nFROM ${BASE}\n')).ships).toEqual([true, true]);
  });

  it('keeps flags, JSON args, properties and stage membership', () => {
    const m = parseDockerfile('ARG V=1\nFROM --platform=$BUILDPLATFORM node:20 AS Build\nENV A=1 B="two words"\nCOPY --from=build --link ["a", "b"]\nFROM build\n');
    expect(m.globalArgs).toHaveLength(1);
    expect(m.stages.map((s) => [s.name, s.image, s.baseStage])).toEqual([
      ['build', 'node:20', null],
      [null, 'build', 0],
    ]);
    const from = m.instructions[1]!;
    expect(from.flags.map((f) => [f.name, f.value])).toEqual([['platform', '$BUILDPLATFORM']]);
    expect(m.instructions[2]!.properties.map((p) => [p.name, p.value])).toEqual([
      ['A', '1'],
      ['B', 'two words'],
    ]);
    const copy = m.instructions[3]!;
    expect(copy.json?.map((t) => t.value)).toEqual(['a', 'b']);
    expect(copy.flags.map((f) => f.name)).toEqual(['from', 'link']);
    expect(m.text.slice(copy.json![0]!.span.start, copy.json![0]!.span.end)).toBe('"a"');
  });

  it('keeps unknown instructions instead of failing', () => {
    const m = parseDockerfile('FROM x\nFROBNICATE a b\nRUN true\n');
    expect(m.instructions.map((i) => [i.keyword, i.known])).toEqual([
      ['FROM', true],
      ['FROBNICATE', false],
      ['RUN', true],
    ]);
  });

  it('reads the escape directive', () => {
    expect(parseDockerfile('# escape=`\nFROM x\n').escape).toBe('`');
    expect(parseDockerfile('FROM x\n').escape).toBe('\\');
  });

  it.each(['', '\n\n', '#!/bin/sh\n\x00\x01', 'RUN', '{"json": true}', 'FROM', '\\\n\\\n'])('never throws on %j', (text) => {
    expect(() => parseDockerfile(text)).not.toThrow();
  });
});

describe('runScript', () => {
  const script = (text: string) => {
    const m = parseDockerfile(text);
    const run = m.instructions.find((i) => i.keyword === 'RUN')!;
    return { m, s: runScript(m, run) };
  };

  it('joins continuations, drops comment lines inside them and maps back to the document', () => {
    const { m, s } = script('FROM x\nRUN a \\\n  # note\n  && b\n');
    expect(s!.text).toBe('a   && b');
    const b = s!.text.indexOf('b');
    expect(m.text[s!.map[b]!]).toBe('b');
    expect(m.lines.positionAt(s!.map[b]!)).toEqual({ line: 3, character: 5 });
  });

  it('honours a backtick escape character', () => {
    const { s } = script('# escape=`\nFROM x\nRUN a `\n  b\n');
    expect(s!.text).toBe('a   b');
  });

  it('uses the heredoc body as the script for RUN <<EOF', () => {
    const { s } = script('FROM x\nRUN <<EOF\nset -e\napt-get update\nEOF\n');
    expect(s!.text).toBe('set -e\napt-get update');
    expect(s!.heredoc).toBe(true);
  });

  it('skips heredoc bodies with a non-shell interpreter', () => {
    expect(script('FROM x\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n').s).toBeNull();
  });

  it('parses `RUN cat <<EOF > file` as shell with the heredoc as data', () => {
    const { s } = script('FROM x\nRUN cat <<EOF > /etc/x\nrm -rf /\nEOF\n');
    expect(s!.heredoc).toBe(false);
    expect(s!.text.startsWith('cat <<EOF > /etc/x')).toBe(true);
  });

  it('returns null for exec form', () => {
    expect(script('FROM x\nRUN ["a", "b"]\n').s).toBeNull();
  });
});

describe('stageGraph', () => {
  const text = 'FROM a AS deps\nFROM a AS build\nCOPY --from=deps /x /x\nFROM build AS test\nFROM b AS final\nCOPY --from=build /app /app\nRUN --mount=from=deps,target=/d true\n';
  it('ships the final stage and its FROM ancestors; COPY --from stages are build-only', () => {
    const g = stageGraph(parseDockerfile(text));
    expect(g.final).toBe(3);
    expect(g.ships).toEqual([false, false, false, true]);
    expect(g.used).toEqual([true, true, false, true]);
  });
  it('follows --target', () => {
    const g = stageGraph(parseDockerfile(text), 'test');
    expect(g.final).toBe(2);
    expect(g.ships).toEqual([false, true, true, false]);
    expect(g.used).toEqual([true, true, true, false]);
  });
  it('reports an unknown target', () => {
    expect(stageGraph(parseDockerfile(text), 'nope').targetFound).toBe(false);
  });
});

describe('unquoteWord (the builder\'s quote removal, variables left alone)', () => {
  it.each([
    ['"file.tgz"', '\\', 'file.tgz'],
    ["'a b.txt'", '\\', 'a b.txt'],
    ['pre"mid"post', '\\', 'premidpost'],
    ['"a\\"b"', '\\', 'a"b'],
    ['"a\\nb"', '\\', 'a\\nb'],
    ["'$HOME'", '\\', '$HOME'],
    ['"$HOME/x"', '\\', '$HOME/x'],
    ['a\\ b', '\\', 'a b'],
    ['"C:\\x"', '`', 'C:\\x'],
    ['a`"b', '`', 'a"b'],
    ['plain/path', '\\', 'plain/path'],
  ])('%s (escape %s) → %s', (raw, escape, want) => {
    expect(unquoteWord(raw, escape)).toBe(want);
  });

  it('gives COPY and ADD words as the builder sees them, other instructions as written', () => {
    const m = parseDockerfile('FROM alpine\nADD "app.tgz" \'/opt/app/\'\nRUN echo "x"\n');
    expect(m.instructions[1]!.args.map((a) => a.value)).toEqual(['app.tgz', '/opt/app/']);
    expect(m.instructions[2]!.args.map((a) => a.value)).toEqual(['echo', '"x"']);
  });
});
