// The caveats printed with the table, from what whittle read of each variant: its Dockerfile's
// final base and the image config it built. They name what decides between variants beyond size:
// no shell in a distroless-style runtime (shell-form HEALTHCHECK, CMD, ENTRYPOINT break), `npm
// start` where the runtime has no npm, musl vs glibc native modules on Alpine, and the user a
// variant runs as (files copied without --chown stay root's).
import { finalBase } from '../fix/verify.js';
import type { Measured, RuntimeInfo, VariantRow } from './types.js';

export interface Caveat {
  variant: string;
  kind: 'no-shell' | 'no-npm' | 'musl' | 'user';
  message: string;
}

const SHELLLESS = /(?:^|\/)(?:distroless|scratch$|static(?:$|[:@-])|chiseled)|(?:^|[:-])(?:distroless|chiseled|static)(?:$|[-.])/;
const NATIVE = /\b(?:npm|yarn|pnpm|pip3?|gem|bundle|cargo)\b|node_modules|\.node\b|\.whl\b/;

function isShellForm(argv: string[] | null): boolean {
  return argv !== null && argv.length >= 2 && /(?:^|\/)(?:sh|bash|ash|dash)$/.test(argv[0]!) && argv[1] === '-c';
}

function isRoot(user: string): boolean {
  return user === '' || user === 'root' || user === '0' || user.startsWith('0:') || user.startsWith('root:');
}

/** caveatsOf lists one variant's caveats, given the as-is image config to compare the user with. */
export function caveatsOf(row: VariantRow, dockerfile: string, config: RuntimeInfo, asIs: RuntimeInfo | null): Caveat[] {
  const out: Caveat[] = [];
  const base = finalBase(dockerfile) ?? '';
  const add = (kind: Caveat['kind'], message: string) => out.push({ variant: row.id, kind, message });
  if (SHELLLESS.test(base)) {
    if (config.healthcheck?.[0] === 'CMD-SHELL') add('no-shell', `the runtime ${base} has no shell: the shell-form HEALTHCHECK cannot run`);
    if (isShellForm(config.entrypoint) || isShellForm(config.cmd)) add('no-shell', `the runtime ${base} has no shell: a shell-form CMD or ENTRYPOINT cannot start`);
  }
  const command = [...(config.entrypoint ?? []), ...(config.cmd ?? [])].join(' ');
  if (/(?:^|[\s/])npm\s+(?:start|run)\b/.test(command) && (SHELLLESS.test(base) || !/(?:^|\/)node(?::|$)/.test(base))) {
    add('no-npm', `the command runs npm (${command}) on ${base}, which may not have npm: start node directly`);
  }
  if (/(?:^|\/)alpine(?::|$)|-alpine/.test(base) && NATIVE.test(dockerfile)) {
    add('musl', `${base} uses musl libc: native modules or wheels built for glibc fail to load; rebuild them in an Alpine stage`);
  }
  if (asIs && config.user !== asIs.user) {
    add('user', `runs as ${JSON.stringify(config.user || 'root')} where as-is runs as ${JSON.stringify(asIs.user || 'root')}: files copied without --chown stay root's, writes to them fail`);
  } else if (row.id === 'as-is' && isRoot(config.user)) {
    add('user', 'runs as root: whatever breaks into the app is root in the container');
  }
  return out;
}

/** caveatsFor lists the caveats of every built variant, in table order. */
export function caveatsFor(rows: readonly VariantRow[], measured: ReadonlyMap<number, Measured>): Caveat[] {
  const asIsText = rows.find((r) => r.id === 'as-is')?.dockerfile ?? '';
  const asIsConfig = measured.get(rows.findIndex((r) => r.id === 'as-is'))?.config ?? null;
  return rows.flatMap((row, k) => {
    const m = measured.get(k);
    return m ? caveatsOf(row, row.dockerfile ?? asIsText, m.config, asIsConfig) : [];
  });
}
