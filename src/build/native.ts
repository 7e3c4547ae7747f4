// Native addons (`.node` files) checked against the base before an image is written: the ELF
// machine against the base's architecture, the C library the addon links (glibc's libc.so.6 or
// musl's libc.musl-*.so.1) against the base's loader, and the newest GLIBC_2.x symbol version it
// needs against the base's glibc. A mismatch names the package: an image that would crash at start
// is never written.
import { readFile } from 'node:fs/promises';
import { WhittleError, wrap } from '../errors.js';
import { isElf, parseElf } from '../elf/parse.js';
import type { BaseFacts } from './base-facts.js';

/** ELF e_machine values and the OCI architecture each one is. */
const MACHINES: Record<number, string> = { 3: '386', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390x', 40: 'arm', 62: 'amd64', 183: 'arm64', 243: 'riscv64', 258: 'loong64' };

export interface AddonFacts {
  architecture: string;
  libc: 'glibc' | 'musl' | 'unknown';
  /** the newest GLIBC_2.x version the addon asks for (e.g. "2.34"). */
  glibc?: string;
}

/** addonFacts reads an addon's ELF header and dynamic section; null when it is not ELF. */
export function addonFacts(data: Buffer): AddonFacts | null {
  if (!isElf(data) || data.length < 20) return null;
  const le = data[5] === 1;
  const machine = le ? data.readUInt16LE(18) : data.readUInt16BE(18);
  let architecture = MACHINES[machine] ?? `elf-machine-${machine}`;
  if (architecture === 'ppc64' && le) architecture = 'ppc64le';
  const info = parseElf(data);
  const needed = info?.needed ?? [];
  const libc = needed.some((n) => /^libc\.musl-.*\.so\.1$/.test(n)) || /ld-musl/.test(info?.interpreter ?? '')
    ? 'musl'
    : needed.includes('libc.so.6')
      ? 'glibc'
      : 'unknown';
  const facts: AddonFacts = { architecture, libc };
  if (libc === 'glibc') {
    let best: [number, number] | null = null;
    for (const m of data.toString('latin1').matchAll(/GLIBC_2\.(\d+)(?:\.(\d+))?/g)) {
      const v: [number, number] = [Number(m[1]), Number(m[2] ?? 0)];
      if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
    }
    if (best) facts.glibc = `2.${best[0]}${best[1] ? `.${best[1]}` : ''}`;
  }
  return facts;
}

/** packageOf names the package a node_modules path belongs to. */
export function packageOf(rel: string): string {
  const parts = rel.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return rel;
  const first = parts[at + 1]!;
  return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** addonProblem says what is wrong with an addon on base, or null. */
export function addonProblem(facts: AddonFacts, base: BaseFacts): string | null {
  const baseArch = base.architecture === 'x86_64' ? 'amd64' : base.architecture === 'aarch64' ? 'arm64' : base.architecture;
  if (facts.architecture !== baseArch) return `it is built for ${facts.architecture}, the base is ${baseArch}`;
  if (facts.libc !== 'unknown' && base.libc !== 'unknown' && facts.libc !== base.libc) return `it links ${facts.libc}, the base has ${base.libc}`;
  if (facts.libc !== 'unknown' && base.libc === 'unknown') return `it links ${facts.libc}, the base has no C library loader`;
  if (facts.glibc && base.glibcVersion && compareVersions(facts.glibc, base.glibcVersion) > 0) return `it needs glibc ${facts.glibc}, the base has ${base.glibcVersion}`;
  return null;
}

export interface Addon {
  /** the addon's path in the image. */
  rel: string;
  facts: AddonFacts;
}

/** readAddons reads the ELF facts of every `.node` file (abs on disk, rel in the image); files that are not ELF are left out. */
export async function readAddons(files: readonly { abs: string; rel: string }[]): Promise<Addon[]> {
  const out: Addon[] = [];
  for (const a of files) {
    const data = await readFile(a.abs).catch((err) => {
      throw wrap(`reading ${a.abs}`, err);
    });
    const facts = addonFacts(data);
    if (facts) out.push({ rel: a.rel, facts });
  }
  return out;
}

/** checkAddons fails on the first addon that cannot load on base, naming its package. */
export function checkAddons(addons: readonly Addon[], base: BaseFacts): void {
  for (const a of addons) {
    const problem = addonProblem(a.facts, base);
    if (problem) {
      throw new WhittleError(
        'unsupported',
        `the native addon ${a.rel} of package ${packageOf(a.rel)} cannot load on the base: ${problem}; install the dependencies on a matching platform (or rebuild the package for it) or choose a base that matches`,
      );
    }
  }
}
