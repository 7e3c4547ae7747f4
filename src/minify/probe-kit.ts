// The tracer minify --probe puts into the original's container: this machine's `strace`, its
// dynamic loader and the libraries it needs, copied into one directory that is bind-mounted
// read-only at /.whittle-probe, so that the probe runs in any image — one without a shell or a C
// library (distroless, a static binary on scratch) too — and without a privileged container. The
// loader runs strace with `--library-path`, which (unlike LD_LIBRARY_PATH) the traced program does
// not inherit. The libraries are found with whittle's own ELF reader and ld.so.cache reader over
// the host's files (src/elf), never by running ldd. The directory is registered with the cleanup
// registry (src/internal/cleanup.ts) and removed by dispose, or when the run is interrupted.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import type { FinalTree } from '../analyze/resolve.js';
import { parseLdCache } from '../elf/ld-cache.js';
import { parseElf, type ElfInfo } from '../elf/parse.js';
import { libraryCandidates } from '../elf/search.js';
import { WhittleError, wrap } from '../errors.js';
import { registerTemporary, unregisterTemporary } from '../internal/cleanup.js';

/** KIT_DIR is where the kit is mounted in the container; OUT_DIR where strace writes its traces. */
export const KIT_DIR = '/.whittle-probe';
export const OUT_DIR = '/.whittle-probe-out';

/** STRACE_OPTIONS: follow forks, no attach/exit notes, the calls that name paths and start processes, fds shown with their paths (-y). */
export const STRACE_OPTIONS = ['-f', '-qq', '-y', '-e', 'trace=%file,%process,fchdir', '-e', 'signal=none'] as const;

export interface ProbeKit {
  /** the host directory holding strace, its loader and lib/. */
  dir: string;
  /** ELF class and machine of strace: the image must be of the same to be traced. */
  bits: 32 | 64;
  machine: number;
  /** what runs strace in the container: the loader with --library-path, or strace itself when it is static. */
  launcher: string[];
  dispose(): Promise<void>;
}

const executable = async (p: string) => {
  try {
    const s = await stat(p);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
};

/** findStrace looks strace up on this machine's PATH. */
async function findStrace(env: NodeJS.ProcessEnv): Promise<string> {
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (!dir.startsWith('/')) continue;
    const p = join(dir, 'strace');
    if (await executable(p)) return p;
  }
  throw new WhittleError('unsupported', '--probe traces the original with strace, which is not installed on this machine (Debian: apt-get install strace)');
}

async function elfOf(path: string, what: string): Promise<ElfInfo> {
  const data = await readFile(path).catch((err) => {
    throw wrap(`--probe: reading ${what} ${path}`, err);
  });
  const info = parseElf(data);
  if (!info) throw new WhittleError('unsupported', `--probe: ${what} ${path} is not an ELF file whittle can read`);
  return info;
}

/** hostLibraries finds, in the loader's order over this machine's files, every library strace needs (recursively): soname → host path. */
async function hostLibraries(strace: string, info: ElfInfo): Promise<Map<string, string>> {
  const cacheBytes = await readFile('/etc/ld.so.cache').catch(() => null);
  const setup = { cache: cacheBytes ? parseLdCache(cacheBytes) : null, confDirs: cacheBytes ? null : [], libraryPath: [] };
  const none: FinalTree = new Map();
  const found = new Map<string, string>();
  const exe = { path: strace.slice(1), info };
  const queue: { path: string; info: ElfInfo }[] = [exe];
  while (queue.length > 0) {
    const object = queue.shift()!;
    for (const name of object.info.needed) {
      if (found.has(name)) continue;
      let at: { path: string; info: ElfInfo } | null = null;
      for (const c of libraryCandidates(none, name, object, exe, setup)) {
        const host = `/${c.path}`;
        if (!(await stat(host).then((s) => s.isFile(), () => false))) continue;
        const lib = parseElf(await readFile(host));
        if (!lib || lib.bits !== info.bits || lib.machine !== info.machine) continue;
        at = { path: c.path, info: lib };
        break;
      }
      if (!at) throw new WhittleError('unsupported', `--probe: ${name}, needed by /${object.path}, is not on this machine`);
      found.set(name, `/${at.path}`);
      queue.push(at);
    }
  }
  return found;
}

/** makeProbeKit copies this machine's strace, its loader and libraries into a new directory (mode 0755, so any container user can run them). */
export async function makeProbeKit(opts: { tmpDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProbeKit> {
  const strace = await findStrace(opts.env ?? process.env);
  const info = await elfOf(strace, 'strace');
  const libs = await hostLibraries(strace, info);
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'whittle-probe-kit-')).catch((err) => {
    throw wrap('creating a temporary directory', err);
  });
  registerTemporary(dir);
  const dispose = async () => {
    await rm(dir, { recursive: true, force: true });
    unregisterTemporary(dir);
  };
  try {
    await mkdir(join(dir, 'lib'));
    await copyFile(strace, join(dir, 'strace'));
    await chmod(join(dir, 'strace'), 0o755);
    for (const [name, host] of libs) await copyFile(host, join(dir, 'lib', name));
    let launcher = [`${KIT_DIR}/strace`];
    if (info.interpreter) {
      const loader = basename(info.interpreter);
      await copyFile(info.interpreter, join(dir, loader));
      await chmod(join(dir, loader), 0o755);
      launcher = [`${KIT_DIR}/${loader}`, '--library-path', `${KIT_DIR}/lib`, `${KIT_DIR}/strace`];
    }
    await chmod(join(dir, 'lib'), 0o755);
    await chmod(dir, 0o755);
    return { dir, bits: info.bits, machine: info.machine, launcher, dispose };
  } catch (err) {
    await dispose();
    throw wrap('--probe: copying strace and its libraries', err);
  }
}

/** ARCHITECTURES maps an image config's architecture to the ELF class and machine of its programs. */
const ARCHITECTURES: Record<string, readonly [32 | 64, number]> = {
  amd64: [64, 62],
  arm64: [64, 183],
  '386': [32, 3],
  arm: [32, 40],
  ppc64le: [64, 21],
  s390x: [64, 22],
  riscv64: [64, 243],
};

/** sameMachine says whether the kit's strace can trace programs of an image of this architecture. */
export function sameMachine(kit: Pick<ProbeKit, 'bits' | 'machine'>, architecture: string | undefined): boolean {
  const a = architecture ? ARCHITECTURES[architecture] : undefined;
  return a === undefined || (a[0] === kit.bits && a[1] === kit.machine);
}
