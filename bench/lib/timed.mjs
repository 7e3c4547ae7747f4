// timed runs a command under /usr/bin/time -v: wall seconds, CPU seconds (user + system), peak RSS
// (MB) and its stdout. It throws when the command fails. The one timer of the benches.
import { spawnSync } from 'node:child_process';

export function timed(cmd, args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const cpu = ['User', 'System'].reduce((t, k) => t + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN), 0);
  return { seconds, cpu, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}
