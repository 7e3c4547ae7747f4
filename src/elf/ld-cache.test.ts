import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../../test/support/tools.js';
import { cacheMatches, parseLdCache, writeLdCache } from './ld-cache.js';

describe('parseLdCache', () => {
  it('reads back what writeLdCache encodes, flags included', () => {
    const entries = [
      { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6', flags: 0x0303 },
      { name: 'libz.so.1', path: '/usr/local/lib/libz.so.1', flags: 0x0303 },
      { name: 'libc.so.6', path: '/lib/i386-linux-gnu/libc.so.6', flags: 0x0003 },
    ];
    expect(parseLdCache(writeLdCache(entries))).toEqual(entries);
  });
  it('reads the new table after an old-format one (the compat layout)', () => {
    const fresh = writeLdCache([{ name: 'libm.so.6', path: '/lib/libm.so.6', flags: 0x0303 }]);
    const old = Buffer.alloc(16 + 12);
    old.write('ld.so-1.7.0', 0, 'latin1');
    old.writeUInt32LE(1, 12);
    expect(parseLdCache(Buffer.concat([old, Buffer.alloc(4), fresh]))).toEqual([{ name: 'libm.so.6', path: '/lib/libm.so.6', flags: 0x0303 }]);
  });
  it('refuses what is not a cache, and a truncated one', () => {
    expect(parseLdCache(Buffer.from('hello'))).toBeNull();
    const whole = writeLdCache([{ name: 'libc.so.6', path: '/lib/libc.so.6', flags: 0x0303 }]);
    expect(parseLdCache(whole.subarray(0, 60))).toBeNull();
  });
  it('matches entries to the loader of the same class and machine', () => {
    expect(cacheMatches(0x0303, 64, 62)).toBe(true);
    expect(cacheMatches(0x0003, 64, 62)).toBe(false);
    expect(cacheMatches(0x0003, 32, 3)).toBe(true);
    expect(cacheMatches(0x0a03, 64, 183)).toBe(true);
    expect(cacheMatches(0x0a03, 64, 62)).toBe(false);
  });
});

describeWith(['ldconfig'], 'parseLdCache agrees with ldconfig -p on this machine', () => {
  it.skipIf(!existsSync('/etc/ld.so.cache'))('/etc/ld.so.cache', () => {
    const listed = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^\s+(\S+) \(.*\) => (\S+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    const parsed = parseLdCache(readFileSync('/etc/ld.so.cache'))!;
    expect(parsed).not.toBeNull();
    expect(parsed.map((e) => `${e.name} ${e.path}`)).toEqual(listed);
    expect(listed.length).toBeGreaterThan(10);
  });
});
