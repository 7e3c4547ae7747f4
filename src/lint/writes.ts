// Which directory trees a RUN fills with files, for rules that judge a later RUN rewriting them
// (recursive-chown-after-copy: `chown -R` over a tree an earlier RUN created ships its files twice).
// Written by hand: it knows only commands whose destination is plain on the command line (git clone,
// tar -x -C, unzip -d, cp, mv, curl -o, wget -O/-P, pip --target/--prefix, venv, and the package
// installs that fill node_modules or vendor in the current directory), follows `cd` between
// commands, and leaves out what it cannot read (words with $VARIABLES, commands that only run on some
// paths), so a caller can trust every path it lists.
import type { ShellCommand, Word } from '../shell/commands.js';
import { hasOption, normPath, positionals } from './helpers.js';
import type { RunInfo } from './types.js';

const GIT_CLONE_VALUES = ['-b', '--branch', '--depth', '-c', '--config', '-o', '--origin', '--reference', '-j', '--jobs', '--filter', '--template', '--separate-git-dir', '-u', '--upload-pack'];

/** optionValue: the value of `--long=v`, `--long v`, `-s v` or `-sv`; null when absent. */
function optionValue(c: ShellCommand, longs: readonly string[], shorts: readonly string[]): Word | null {
  for (let i = 1; i < c.words.length; i++) {
    const w = c.words[i]!;
    if (w.text === '--') break;
    for (const l of longs) {
      if (w.text === l) return c.words[i + 1] ?? null;
      if (w.text.startsWith(`${l}=`)) return { ...w, text: w.text.slice(l.length + 1) };
    }
    for (const s of shorts) {
      if (w.text === s) return c.words[i + 1] ?? null;
      if (w.text.startsWith(s) && w.text.length > s.length && !w.text.startsWith('--')) return { ...w, text: w.text.slice(s.length) };
    }
  }
  return null;
}

function extracts(c: ShellCommand): boolean {
  const first = c.words[1]?.text ?? '';
  return hasOption(c, ['extract', 'get'], 'x') || /^[A-Za-wyz]*x[A-Za-z]*$/.test(first);
}

/** filled returns the trees one command writes files into, relative paths resolved against cwd. */
function filled(c: ShellCommand, cwd: string): Word[] | string[] {
  const pos = (values: readonly string[] = []): Word[] => positionals(c, values);
  const verb = pos()[0]?.text;
  switch (c.name) {
    case 'git': {
      if (verb !== 'clone') return [];
      const p = pos(GIT_CLONE_VALUES);
      if (p.length >= 3) return [p[2]!];
      const url = p[1]?.text;
      const base = url?.replace(/\/+$/, '').replace(/^.*[/:]/, '').replace(/\.git$/, '');
      return base && p[1]!.literal ? [normPath(base, cwd)] : [];
    }
    case 'tar': {
      if (!extracts(c)) return [];
      const dir = optionValue(c, ['--directory'], ['-C']);
      return dir ? [dir] : [cwd];
    }
    case 'unzip': {
      const dir = optionValue(c, [], ['-d']);
      return dir ? [dir] : [cwd];
    }
    case 'cp':
    case 'mv': {
      const t = optionValue(c, ['--target-directory'], ['-t']);
      if (t) return [t];
      const p = pos();
      return p.length >= 2 ? [p[p.length - 1]!] : [];
    }
    case 'curl': {
      const out = optionValue(c, ['--output'], ['-o']);
      if (out) return [out];
      const dir = optionValue(c, ['--output-dir'], []);
      return dir ? [dir] : hasOption(c, ['remote-name'], 'O') ? [cwd] : [];
    }
    case 'wget': {
      const out = optionValue(c, ['--output-document'], ['-O']);
      if (out) return out.text === '-' ? [] : [out];
      const dir = optionValue(c, ['--directory-prefix'], ['-P']);
      return dir ? [dir] : [cwd];
    }
    case 'pip':
    case 'pip3': {
      if (verb !== 'install') return [];
      const dir = optionValue(c, ['--target', '--prefix', '--root'], ['-t']);
      return dir ? [dir] : [];
    }
    case 'python':
    case 'python3': {
      const m = c.words.findIndex((w) => w.text === '-m');
      if (m < 0 || c.words[m + 1]?.text !== 'venv') return [];
      const dir = c.words.slice(m + 2).find((w) => !w.text.startsWith('-'));
      return dir ? [dir] : [];
    }
    case 'virtualenv': {
      const p = pos();
      return p.length > 0 ? [p[p.length - 1]!] : [];
    }
    case 'npm':
    case 'pnpm':
      if (hasOption(c, ['global'], 'g') || c.words.some((w) => w.text === '--location=global')) return [];
      return ['install', 'i', 'ci', 'add'].includes(verb ?? '') ? [normPath('node_modules', cwd)] : [];
    case 'yarn':
      return verb === undefined || verb === 'install' || verb === 'add' ? [normPath('node_modules', cwd)] : [];
    case 'composer':
      return verb === 'install' || verb === 'require' ? [normPath('vendor', cwd)] : [];
    default:
      return [];
  }
}

/**
 * treesWritten lists the absolute paths a RUN writes files under, in command order. workdir is the
 * RUN's WORKDIR; `cd` with a literal path moves it for the commands after (not inside subshells).
 */
export function treesWritten(run: RunInfo, workdir: string): string[] {
  const out: string[] = [];
  let cwd = workdir;
  for (const c of run.commands) {
    if (c.name === 'cd') {
      const to = positionals(c)[0];
      if (c.conditional || c.subshell || c.nested) continue;
      if (!to || !to.literal || to.text === '-' || to.text.startsWith('~')) return out;
      cwd = normPath(to.text, cwd);
      continue;
    }
    if (c.conditional || c.fallback) continue;
    for (const w of filled(c, cwd)) {
      if (typeof w === 'string') out.push(w);
      else if (w.literal && w.text !== '' && !w.text.startsWith('-')) out.push(normPath(w.text, cwd));
    }
  }
  return out;
}
