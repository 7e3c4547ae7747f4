// Reads what `strace -f` wrote about a run (minify --probe): the paths the processes opened,
// stat'ed, exec'd, readlink'd… successfully, and those they looked for and did not find (ENOENT).
// Written by hand: no npm package parses strace's output. It handles what `-f` and `-y` print: a
// PID before each line, a call split into `<unfinished ...>` and `<... NAME resumed>` halves by
// other processes' lines, fds annotated with their paths (`3</etc>`, `AT_FDCWD</app>`), and
// strings in C's escapes (`\"`, `\n`, octal `\303\251`, `\x41`). A relative path is resolved
// against the directory fd's annotation when there is one, else the process's working directory,
// followed through chdir and fchdir and inherited at fork, clone and vfork (shared with CLONE_FS).
// The dynamic loader's stat of a search directory, right after it failed to open a library in it,
// is left out (a file of that name is no part of the run).

export interface TouchedPath {
  /** the calls that succeeded on it (openat, execve, newfstatat, …). */
  calls: Set<string>;
  /** some call followed a symlink in its last component (open, stat); false when all were lstat, readlink, unlink… */
  follow: boolean;
}

export interface ParsedTrace {
  /** absolute, normalized paths some call succeeded on. */
  touched: Map<string, TouchedPath>;
  /** absolute paths a call looked for and got ENOENT. */
  notFound: Set<string>;
  /** programs execve'd successfully, in order. */
  executed: string[];
  /** relative paths whose directory could not be told (a dirfd without its -y annotation). */
  unresolved: number;
}

export interface ParseOptions {
  /** the first process's working directory (the container's WorkingDir; default /). */
  cwd?: string;
  /** paths left out (default: /proc, /sys, /dev and what is under them). */
  ignore?: (path: string) => boolean;
}

/** PATH_CALLS: for each call, the index of its directory-fd argument (-1: none), of its path argument, and whether it follows a symlink in the last component. */
const PATH_CALLS: Record<string, readonly [dirfd: number, path: number, follow: boolean]> = {
  open: [-1, 0, true],
  creat: [-1, 0, true],
  openat: [0, 1, true],
  openat2: [0, 1, true],
  stat: [-1, 0, true],
  stat64: [-1, 0, true],
  lstat: [-1, 0, false],
  lstat64: [-1, 0, false],
  newfstatat: [0, 1, true],
  fstatat64: [0, 1, true],
  statx: [0, 1, true],
  access: [-1, 0, true],
  faccessat: [0, 1, true],
  faccessat2: [0, 1, true],
  readlink: [-1, 0, false],
  readlinkat: [0, 1, false],
  execve: [-1, 0, true],
  execveat: [0, 1, true],
  chdir: [-1, 0, true],
  truncate: [-1, 0, true],
  truncate64: [-1, 0, true],
  statfs: [-1, 0, true],
  statfs64: [-1, 0, true],
  getxattr: [-1, 0, true],
  lgetxattr: [-1, 0, false],
  listxattr: [-1, 0, true],
  llistxattr: [-1, 0, false],
  chmod: [-1, 0, true],
  fchmodat: [0, 1, true],
  chown: [-1, 0, true],
  lchown: [-1, 0, false],
  fchownat: [0, 1, true],
  utime: [-1, 0, true],
  utimes: [-1, 0, true],
  utimensat: [0, 1, true],
  futimesat: [0, 1, true],
  unlink: [-1, 0, false],
  unlinkat: [0, 1, false],
  rmdir: [-1, 0, false],
  rename: [-1, 0, false],
  renameat: [0, 1, false],
  renameat2: [0, 1, false],
  link: [-1, 0, false],
  linkat: [0, 1, false],
  inotify_add_watch: [-1, 1, true],
  name_to_handle_at: [0, 1, true],
};

const FORKS = new Set(['clone', 'clone3', 'fork', 'vfork']);
const STATS = new Set(['stat', 'stat64', 'newfstatat', 'fstatat64', 'statx']);

const IGNORED = /^\/(proc|sys|dev)(\/|$)/;

/** unescape decodes a C-escaped string body (strace's quoting) to text, byte by byte. */
export function unescape(body: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i]!;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27, '\\': 92, '"': 34, "'": 39, '?': 63 };
    if (n in simple) bytes.push(simple[n]!);
    else if (n === 'x' && /^[0-9a-fA-F]{1,2}/.test(body.slice(i + 1))) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(hex, 16));
      i += hex.length;
    } else if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length - 1;
    } else bytes.push(...Buffer.from(n, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Arg is one top-level argument: its raw text, the string it is (when quoted), and an fd's -y annotation. */
interface Arg {
  raw: string;
  string?: string;
  annotation?: string;
}

/** splitCall reads `ARGS) = RET…` after `NAME(`: the top-level arguments and what follows the closing parenthesis; null when it does not close. */
export function splitCall(text: string): { args: Arg[]; rest: string } | null {
  const args: Arg[] = [];
  let depth = 0;
  let start = 0;
  let str: string | undefined;
  let annotation: string | undefined;
  const push = (end: number) => {
    const raw = text.slice(start, end).trim();
    if (raw !== '' || args.length > 0) args.push({ raw, ...(str !== undefined ? { string: str } : {}), ...(annotation !== undefined ? { annotation } : {}) });
    str = undefined;
    annotation = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 0 && str === undefined) str = unescape(text.slice(i + 1, j));
      i = j;
    } else if (c === '<' && depth === 0 && /(\d|AT_FDCWD)$/.test(text.slice(start, i))) {
      const end = text.indexOf('>', i);
      if (end < 0) return null;
      annotation = unescape(text.slice(i + 1, end));
      i = end;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) {
        push(i);
        return { args, rest: text.slice(i + 1) };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  return null;
}

interface Cwd {
  path: string;
}

/** join resolves p against dir, lexically (.., ., repeated slashes). */
function join(dir: string, p: string): string {
  const parts: string[] = [];
  for (const part of (p.startsWith('/') ? p : `${dir}/${p}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

const LINE = /^(?:(\d+)\s+)?(.*)$/;
const CALL = /^([a-z_][a-z0-9_]*)\((.*)$/s;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>(.*)$/s;
const UNFINISHED = /\s*<unfinished \.\.\.>\s*$/;
const RESULT = /^\s*=\s*(-?\d+|0x[0-9a-f]+|\?)(?:<[^>]*>)?(?:\s+([A-Z][A-Z0-9_]+))?/;

/** parseStrace reads the output of `strace -f [-y] -e trace=%file,%process…`. */
export function parseStrace(text: string, opts: ParseOptions = {}): ParsedTrace {
  const parser = straceParser(opts);
  for (const line of text.split('\n')) parser.line(line);
  return parser.result();
}

/** straceParser reads strace's output a line at a time (a long run's trace is not held whole). */
export function straceParser(opts: ParseOptions = {}): { line(text: string): void; result(): ParsedTrace } {
  const ignore = opts.ignore ?? ((p: string) => IGNORED.test(p));
  const out: ParsedTrace = { touched: new Map(), notFound: new Set(), executed: [], unresolved: 0 };
  const initial: Cwd = { path: join('/', opts.cwd ?? '/') };
  const cwds = new Map<string, Cwd>();
  const pending = new Map<string, string>(); // pid → the first half of an unfinished call
  const failedOpen = new Map<string, string>(); // pid → the path its last call failed to open
  const forking: string[] = []; // pids inside an unfinished fork-family call, latest last
  let lastForker: string | null = null;
  let forkShares = false;

  const cwdOf = (pid: string): Cwd => {
    let c = cwds.get(pid);
    if (!c) {
      // a child's first line can come before its parent's fork returns
      const parent = forking[forking.length - 1] ?? lastForker;
      const from = parent !== null ? cwds.get(parent) : undefined;
      c = from ? (forkShares ? from : { path: from.path }) : cwds.size === 0 ? initial : { path: initial.path };
      cwds.set(pid, c);
    }
    return c;
  };

  const handle = (pid: string, name: string, body: string) => {
    const call = splitCall(body);
    if (!call) return;
    const result = RESULT.exec(call.rest);
    if (!result) return;
    const ret = result[1]!;
    const ok = ret !== '?' && !ret.startsWith('-');
    const cwd = cwdOf(pid);
    if (FORKS.has(name)) {
      const i = forking.lastIndexOf(pid);
      if (i >= 0) forking.splice(i, 1);
      if (ok && /^\d+$/.test(ret) && !cwds.has(ret)) cwds.set(ret, /CLONE_FS/.test(body) ? cwd : { path: cwd.path });
      return;
    }
    if (name === 'fchdir') {
      const fd = call.args[0];
      if (ok && fd?.annotation?.startsWith('/')) cwd.path = join('/', fd.annotation);
      return;
    }
    const spec = PATH_CALLS[name];
    if (!spec) return;
    const [dirArg, pathArg, follows] = spec;
    const p = call.args[pathArg]?.string;
    if (p === undefined || p === '') return; // AT_EMPTY_PATH: the fd's own file, recorded when it was opened
    let base = cwd.path;
    if (!p.startsWith('/') && dirArg >= 0) {
      const d = call.args[dirArg]!;
      if (d.annotation?.startsWith('/')) base = d.annotation;
      else if (!/^AT_FDCWD/.test(d.raw)) {
        out.unresolved++;
        return;
      }
    }
    const path = join(base, p);
    if (ignore(path)) return;
    const opening = name === 'open' || name === 'openat' || name === 'openat2';
    if (!ok) {
      if (result[2] === 'ENOENT') out.notFound.add(path);
      if (opening) failedOpen.set(pid, path);
      return;
    }
    // the dynamic loader, not finding a library in a search directory, stats the directory; a
    // file of that name (/usr/bin/x86_64 for an $ORIGIN hwcap directory) is no part of the run
    const lastFailed = failedOpen.get(pid);
    failedOpen.delete(pid);
    if (STATS.has(name) && lastFailed !== undefined && lastFailed.startsWith(`${path}/`) && !lastFailed.slice(path.length + 1).includes('/')) return;
    const nofollow = /AT_SYMLINK_NOFOLLOW|O_NOFOLLOW/.test(call.args.filter((a) => a.string === undefined).map((a) => a.raw).join(',')) || (name === 'linkat' && !/AT_SYMLINK_FOLLOW/.test(body));
    let t = out.touched.get(path);
    if (!t) out.touched.set(path, (t = { calls: new Set(), follow: false }));
    t.calls.add(name);
    if (follows && !nofollow) t.follow = true;
    if (name === 'chdir') cwd.path = path;
    if (name === 'execve' || name === 'execveat') out.executed.push(path);
  };

  const line = (raw: string) => {
    const m = LINE.exec(raw.trimEnd());
    if (!m || m[2] === '') return;
    const pid = m[1] ?? '0';
    const rest = m[2]!;
    const resumed = RESUMED.exec(rest);
    if (resumed) {
      const first = pending.get(pid);
      pending.delete(pid);
      if (first === undefined) return;
      const name = resumed[1]!;
      const call = CALL.exec(first);
      if (call && call[1] === name) handle(pid, name, call[2]! + resumed[2]!);
      return;
    }
    const call = CALL.exec(rest);
    if (!call) return; // +++ exited +++, --- SIGNAL ---, strace's own messages
    const name = call[1]!;
    if (UNFINISHED.test(rest)) {
      pending.set(pid, rest.replace(UNFINISHED, ''));
      cwdOf(pid);
      if (FORKS.has(name)) {
        forking.push(pid);
        lastForker = pid;
        forkShares = /CLONE_FS/.test(rest);
      }
      return;
    }
    if (FORKS.has(name)) {
      lastForker = pid;
      forkShares = /CLONE_FS/.test(rest);
    }
    handle(pid, name, call[2]!);
  };
  return { line, result: () => out };
}

/** mergeTraces puts the traces of several processes (a container's and its `docker exec`s') together. */
export function mergeTraces(traces: readonly ParsedTrace[]): ParsedTrace {
  const out: ParsedTrace = { touched: new Map(), notFound: new Set(), executed: [], unresolved: 0 };
  for (const t of traces) {
    for (const [p, v] of t.touched) {
      const m = out.touched.get(p);
      if (!m) out.touched.set(p, { calls: new Set(v.calls), follow: v.follow });
      else {
        for (const c of v.calls) m.calls.add(c);
        m.follow ||= v.follow;
      }
    }
    for (const p of t.notFound) out.notFound.add(p);
    out.executed.push(...t.executed);
    out.unresolved += t.unresolved;
  }
  return out;
}
