// minify --probe without an engine: the kit holds this machine's strace, its loader and every
// library it needs (found by whittle's ELF and ld.so.cache readers), runnable by any user, and is
// removed by dispose; the Wrap runs the container's command and each exec'd command under it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWith } from '../../test/support/tools.js';
import { registeredTemporaries } from '../internal/cleanup.js';
import { makeProbeKit, sameMachine } from './probe-kit.js';
import { containerArgv, ptraceRefused, traceWrap } from './probe.js';

describe('probe kit', () => {
  itWith(['strace', 'readelf'], "copies strace, its loader and exactly the libraries readelf says it needs (recursively), mode 0755; dispose removes it", async () => {
    const kit = await makeProbeKit();
    try {
      expect(registeredTemporaries()).toContain(kit.dir);
      const libs = readdirSync(join(kit.dir, 'lib')).sort();
      // readelf's DT_NEEDED of strace and of each library, as an independent reader
      const needed = new Set<string>();
      const pending = [join(kit.dir, 'strace')];
      while (pending.length) {
        const out = spawnSync('readelf', ['-d', pending.pop()!], { encoding: 'utf8' }).stdout;
        for (const m of out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
          if (!needed.has(m[1]!)) {
            needed.add(m[1]!);
            pending.push(join(kit.dir, 'lib', m[1]!));
          }
        }
      }
      // libc names the loader in its DT_NEEDED: it is in lib/ as well as the launcher
      expect(libs).toEqual([...needed].sort());
      expect(kit.launcher[0]).toMatch(/^\/\.whittle-probe\/ld-[^/]+$/);
      expect(kit.launcher.slice(1)).toEqual(['--library-path', '/.whittle-probe/lib', '/.whittle-probe/strace']);
      for (const f of ['strace', kit.launcher[0]!.slice('/.whittle-probe/'.length)]) expect(statSync(join(kit.dir, f)).mode & 0o777).toBe(0o755);
      expect(statSync(kit.dir).mode & 0o777).toBe(0o755);
      // the kit runs on its own libraries
      const r = spawnSync(join(kit.dir, kit.launcher[0]!.slice('/.whittle-probe/'.length)), ['--library-path', join(kit.dir, 'lib'), join(kit.dir, 'strace'), '-V'], { encoding: 'utf8' });
      expect(r.stdout).toMatch(/strace -- version/);
      expect(sameMachine(kit, process.arch === 'x64' ? 'amd64' : process.arch)).toBe(true);
      expect(sameMachine(kit, process.arch === 'x64' ? 's390x' : 'amd64')).toBe(false);
    } finally {
      await kit.dispose();
    }
    expect(existsSync(kit.dir)).toBe(false);
    expect(registeredTemporaries()).not.toContain(kit.dir);
  });
});

describe('traceWrap', () => {
  const kit = { dir: '/host/kit', launcher: ['/.whittle-probe/ld-linux-x86-64.so.2', '--library-path', '/.whittle-probe/lib', '/.whittle-probe/strace'] };
  const config = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Entrypoint: ['/entry.sh'], Cmd: ['serve'] } } as never;
  const strace = ['-f', '-qq', '-y', '-e', 'trace=%file,%process,fchdir', '-e', 'signal=none'];
  it('mounts the kit read-only and the trace directory, replaces the entrypoint by the loader, and runs Entrypoint with Cmd or the check\'s arguments', () => {
    const traced: string[][] = [];
    const w = traceWrap(kit, '/host/out', config, false, traced);
    expect(w.runFlags).toEqual(['-v', '/host/kit:/.whittle-probe:ro', '-v', '/host/out:/.whittle-probe-out', '--entrypoint', '/.whittle-probe/ld-linux-x86-64.so.2']);
    expect(w.run(null)).toEqual(['--library-path', '/.whittle-probe/lib', '/.whittle-probe/strace', ...strace, '-o', '/.whittle-probe-out/main', '--', '/entry.sh', 'serve']);
    expect(w.run(['check', '--fast'])).toEqual(['--library-path', '/.whittle-probe/lib', '/.whittle-probe/strace', ...strace, '-o', '/.whittle-probe-out/main', '--', '/entry.sh', 'check', '--fast']);
    expect(w.exec(['/bin/sh', '-c', 'test -f /ok'])).toEqual([...kit.launcher, ...strace, '-o', '/.whittle-probe-out/exec-0', '--', '/bin/sh', '-c', 'test -f /ok']);
    expect(w.exec(['/bin/sh', '-c', 'test -f /ok']).at(-5)).toBe('/.whittle-probe-out/exec-1');
    expect(traced).toEqual([['/entry.sh', 'serve'], ['/entry.sh', 'check', '--fast'], ['/bin/sh', '-c', 'test -f /ok']]);
    expect(traceWrap(kit, '/host/out', config, true, []).runFlags.slice(-2)).toEqual(['--cap-add', 'SYS_PTRACE']);
  });
  it('containerArgv: Entrypoint, then the arguments in place of Cmd', () => {
    expect(containerArgv({ config: { Cmd: ['a'] } } as never, null)).toEqual(['a']);
    expect(containerArgv({ config: { Cmd: ['a'] } } as never, ['b'])).toEqual(['b']);
    expect(containerArgv({ config: { Entrypoint: ['e'], Cmd: ['a'] } } as never, null)).toEqual(['e', 'a']);
    expect(() => traceWrap(kit, '/o', { config: {} } as never, false, []).run(null)).toThrow(/no Entrypoint or Cmd/);
  });
});

describe('ptraceRefused', () => {
  it('finds the line strace prints under a seccomp profile that denies ptrace', () => {
    // what strace 6.1 printed in a container run with --security-opt seccomp= denying ptrace
    const stderr = [
      '/.whittle-probe/strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted',
      '/.whittle-probe/strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted',
      '/.whittle-probe/strace: PTRACE_SETOPTIONS: Operation not permitted',
      '/.whittle-probe/strace: detach: waitpid(8): No child processes',
    ].join('\n');
    expect(ptraceRefused(stderr)).toBe('/.whittle-probe/strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted');
    expect(ptraceRefused('cat: /x: Operation not permitted\n')).toBeNull();
  });
});
