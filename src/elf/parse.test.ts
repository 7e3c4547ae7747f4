import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../../test/support/tools.js';
import { isElf, parseElf } from './parse.js';


/** readelfFacts is what binutils says: interpreter, NEEDED, RUNPATH/RPATH. */
function readelfFacts(path: string) {
  const program = execFileSync('readelf', ['-lW', path], { encoding: 'utf8' });
  const dynamic = execFileSync('readelf', ['-dW', path], { encoding: 'utf8' });
  const interpreter = /\[Requesting program interpreter: (.+)\]/.exec(program)?.[1];
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
  const runpath = /\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[(.+)\]/.exec(dynamic)?.[1];
  return { interpreter, needed, searchPath: runpath ? runpath.split(':') : [] };
}

const SAMPLES = ['/bin/ls', '/usr/bin/gzip', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libz.so.1', process.execPath].filter((p) => existsSync(p));

describeWith(['readelf'], 'parseElf agrees with readelf', () => {
  it.each(SAMPLES)('%s', (path) => {
    const real = realpathSync(path);
    const info = parseElf(readFileSync(real));
    expect(info).not.toBeNull();
    const expected = readelfFacts(real);
    expect(info!.interpreter).toBe(expected.interpreter);
    expect(info!.needed).toEqual(expected.needed);
    expect(info!.searchPath).toEqual(expected.searchPath);
    expect(info!.needed.length).toBeGreaterThan(0);
  });
});

describe('parseElf on what is not a dynamic ELF file', () => {
  it('returns null for text and for a truncated header', () => {
    expect(parseElf(Buffer.from('#!/bin/sh\necho hi\n'))).toBeNull();
    expect(parseElf(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBeNull();
    expect(isElf(Buffer.from('\x7fELF'))).toBe(true);
  });
  it('reads no libraries from a cut-off file instead of throwing', () => {
    const ls = readFileSync(realpathSync('/bin/ls'));
    const cut = parseElf(ls.subarray(0, 2000));
    expect(cut === null || cut.needed.length === 0).toBe(true);
  });
});
