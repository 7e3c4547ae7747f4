// The strace output parser of minify --probe, on lines strace 6.1 printed (`-f -qq -y -e
// trace=%file,%process,fchdir -e signal=none`, and without -y): successful calls of every kind
// kept, ENOENT reported apart, /proc /sys /dev left out, relative paths resolved through the
// working directory (chdir, fchdir, inherited at fork), calls split by other processes' lines
// joined, and quoted paths with C escapes decoded.
import { describe, expect, it } from 'vitest';
import { parseStrace, splitCall, unescape } from './strace-parse.js';

const touched = (text: string, cwd?: string) => {
  const t = parseStrace(text, cwd !== undefined ? { cwd } : {});
  return Object.fromEntries([...t.touched].map(([p, v]) => [p, [...v.calls].sort().join(',') + (v.follow ? '' : ' (nofollow)')]));
};

describe('parseStrace', () => {
  it('keeps successful opens, stats, execs and readlinks, with -y annotations', () => {
    const text = [
      '9     execve("/usr/bin/sh", ["sh", "-c", "cd /etc; cat passwd >/dev/null; "...], 0x7ffc5e0c6660 /* 3 vars */) = 0',
      '9     access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)',
      '9     openat(AT_FDCWD</tmp>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>',
      '9     newfstatat(3</etc/ld.so.cache>, "", {st_mode=S_IFREG|0644, st_size=4711, ...}, AT_EMPTY_PATH) = 0',
      '9     openat(AT_FDCWD</tmp>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>',
      '9     newfstatat(AT_FDCWD</tmp>, "/usr/local/bin/cat", 0x7ffe795c0b90, 0) = -1 ENOENT (No such file or directory)',
      '9     newfstatat(AT_FDCWD</tmp>, "/usr/bin/cat", {st_mode=S_IFREG|0755, st_size=44016, ...}, 0) = 0',
      '9     statx(AT_FDCWD</tmp>, "/", AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT, STATX_MODE, {stx_mask=STATX_TYPE|STATX_MODE, stx_mode=S_IFDIR|0755, ...}) = 0',
      '9     statx(AT_FDCWD</tmp>, "/bin", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_MODE, {stx_mask=STATX_TYPE, stx_mode=S_IFLNK|0777, ...}) = 0',
      '9     readlink("/bin", "usr/bin", 64)   = 7',
      '9     readlinkat(AT_FDCWD</tmp>, "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 4096) = 42',
      '9     openat(AT_FDCWD</tmp>, "/proc/filesystems", O_RDONLY|O_CLOEXEC) = 3</proc/filesystems>',
      '9     openat(AT_FDCWD</tmp>, "/dev/null", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</dev/null>',
      '9     statfs("/sys/fs/selinux", 0x7fff8e427d90) = -1 ENOENT (No such file or directory)',
      '9     stat("/etc/hosts", {st_mode=S_IFREG|0644, st_size=174, ...}) = 0',
      '9     lstat("/etc/localtime", {st_mode=S_IFLNK|0777, st_size=27, ...}) = 0',
      '9     openat(AT_FDCWD</tmp>, "/etc/secret", O_RDONLY) = -1 EACCES (Permission denied)',
      '9     exit_group(0)                     = ?',
      '9     +++ exited with 0 +++',
    ].join('\n');
    const t = parseStrace(text, { cwd: '/tmp' });
    expect(touched(text, '/tmp')).toEqual({
      '/usr/bin/sh': 'execve',
      '/etc/ld.so.cache': 'openat',
      '/lib/x86_64-linux-gnu/libc.so.6': 'openat',
      '/usr/bin/cat': 'newfstatat',
      '/': 'statx',
      '/bin': 'readlink,statx (nofollow)',
      '/lib64/ld-linux-x86-64.so.2': 'readlinkat (nofollow)',
      '/etc/hosts': 'stat',
      '/etc/localtime': 'lstat (nofollow)',
    });
    expect([...t.notFound].sort()).toEqual(['/etc/ld.so.preload', '/usr/local/bin/cat']);
    expect(t.executed).toEqual(['/usr/bin/sh']);
  });

  it('joins unfinished and resumed halves of -f output, and gives a child its parent\'s working directory', () => {
    const text = [
      '9     chdir("/etc")                     = 0',
      '9     vfork( <unfinished ...>',
      '10    execve("/usr/bin/cat", ["cat", "passwd"], 0x55c86cbed928 /* 5 vars */ <unfinished ...>',
      '9     <... vfork resumed>)              = 10',
      '9     wait4(-1,  <unfinished ...>',
      '10    <... execve resumed>)             = 0',
      '10    openat(AT_FDCWD, "passwd", O_RDONLY) = 3',
      '10    openat(AT_FDCWD, "../app/../app/./data/x", O_RDONLY <unfinished ...>',
      '9     <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 10',
      '10    <... openat resumed>)             = 4',
      '9     clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 11',
      '11    chdir("/srv")                     = 0',
      '9     openat(AT_FDCWD, "group", O_RDONLY) = 3',
      '11    openat(AT_FDCWD, "site/index.html", O_RDONLY) = 3',
      '11    fchdir(5</var/lib>) = 0',
      '11    openat(AT_FDCWD, "state", O_RDONLY) = 3',
      '11    openat(7</opt/app>, "conf.json", O_RDONLY) = 3</opt/app/conf.json>',
      '11    openat(8, "lost.json", O_RDONLY) = 3',
    ].join('\n');
    const t = parseStrace(text, { cwd: '/' });
    expect(touched(text)).toEqual({
      '/etc': 'chdir',
      '/usr/bin/cat': 'execve',
      '/etc/passwd': 'openat',
      '/app/data/x': 'openat',
      '/srv': 'chdir',
      '/etc/group': 'openat',
      '/srv/site/index.html': 'openat',
      '/var/lib/state': 'openat',
      '/opt/app/conf.json': 'openat',
    });
    expect(t.unresolved).toBe(1);
  });

  it("leaves out the loader's stat of a search directory after it failed to find a library there", () => {
    const text = [
      '8     openat(AT_FDCWD</app>, "/usr/bin/x86_64/libnode.so.108", O_RDONLY|O_CLOEXEC) = -1 ENOTDIR (Not a directory)',
      '8     newfstatat(AT_FDCWD</app>, "/usr/bin/x86_64", {st_mode=S_IFREG|0755, st_size=27216, ...}, 0) = 0',
      '8     openat(AT_FDCWD</app>, "/usr/bin/libnode.so.108", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
      '8     newfstatat(AT_FDCWD</app>, "/usr/bin", {st_mode=S_IFDIR|0755, st_size=4096, ...}, 0) = 0',
      '8     openat(AT_FDCWD</app>, "/lib/x86_64-linux-gnu/libnode.so.108", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libnode.so.108>',
      // a stat after a failed open of something else is the program's own
      '8     openat(AT_FDCWD</app>, "/app/config.local.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
      '8     newfstatat(AT_FDCWD</app>, "/app/config.json", {st_mode=S_IFREG|0644, st_size=2, ...}, 0) = 0',
    ].join('\n');
    expect(touched(text)).toEqual({ '/lib/x86_64-linux-gnu/libnode.so.108': 'openat', '/app/config.json': 'newfstatat' });
  });

  it('without -y: relative paths follow the tracked working directory, WorkingDir first', () => {
    const text = ['42 openat(AT_FDCWD, "run.sh", O_RDONLY|O_CLOEXEC) = 3', '42 chdir("data") = 0', '42 openat(AT_FDCWD, "answer.txt", O_RDONLY) = 3'].join('\n');
    expect(touched(text, '/app')).toEqual({ '/app/run.sh': 'openat', '/app/data': 'chdir', '/app/data/answer.txt': 'openat' });
    // no PID column (strace without -f)
    expect(touched('open("/etc/passwd", O_RDONLY) = 3\n', '/')).toEqual({ '/etc/passwd': 'open' });
  });

  it('decodes quoted paths with escapes, in arguments and in -y annotations', () => {
    const text = [
      '9     openat(AT_FDCWD</etc>, "/tmp/a b\\"\\nc", O_RDONLY) = 3</tmp/a b\\"\\nc>',
      '11    openat(AT_FDCWD</tmp/d\\76\\303\\251>, "f", O_RDONLY) = 3</tmp/d\\76\\303\\251/f>',
      '12    openat(AT_FDCWD</tmp>, "d>\\303\\251/g", O_RDONLY) = 3</tmp/d\\76\\303\\251/g>',
      '13    openat(AT_FDCWD, "/x\\x41\\\\y", O_RDONLY) = 3',
    ].join('\n');
    expect(Object.keys(touched(text))).toEqual(['/tmp/a b"\nc', '/tmp/d>é/f', '/tmp/d>é/g', '/xA\\y']);
  });

  it('unescape and splitCall', () => {
    expect(unescape('\\303\\251t\\303\\251')).toBe('été');
    expect(unescape('a\\tb\\\\c\\"')).toBe('a\tb\\c"');
    const c = splitCall('AT_FDCWD</a,b>, "x,\\"y", {st_mode=S_IFREG|0644, ...}, 0) = 0');
    expect(c!.args.map((a) => a.string ?? a.annotation ?? a.raw)).toEqual(['/a,b', 'x,"y', '{st_mode=S_IFREG|0644, ...}', '0']);
    expect(c!.rest).toBe(' = 0');
    expect(splitCall('AT_FDCWD, "/x"')).toBeNull();
  });
});
