// Installing a project's production dependencies into a staging directory with the project's own
// package manager, from its lock file only (`npm ci --omit=dev`, `yarn install --frozen-lockfile
// --production`, `pnpm install --frozen-lockfile --prod`), and running a build script (`npm run
// NAME`) in a staging copy with dev dependencies. The project directory itself is never written.
// Local `file:` dependencies are copied along at the same relative place, so their specs resolve.
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { WhittleError, wrap } from '../errors.js';
import type { PackageManager, Project } from './project.js';

interface Command {
  cmd: string;
  args: string[];
}

/** installCommand is the frozen-lockfile install of manager, production only or with dev dependencies. */
export function installCommand(manager: PackageManager, production: boolean): Command {
  switch (manager) {
    case 'npm':
      return { cmd: 'npm', args: ['ci', ...(production ? ['--omit=dev'] : []), '--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=error'] };
    case 'yarn':
      return { cmd: 'yarn', args: ['install', '--frozen-lockfile', '--non-interactive', ...(production ? ['--production=true'] : [])] };
    case 'pnpm':
      return { cmd: 'pnpm', args: ['install', '--frozen-lockfile', ...(production ? ['--prod'] : [])] };
  }
}

/** runTool runs a package manager in cwd; a failure is one error with the tool's last output lines. */
export async function runTool(command: Command, cwd: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { spawn } = await import('node:child_process'); // loaded only when a tool runs: a warm build runs none
  return new Promise((resolve, reject) => {
    const child = spawn(command.cmd, command.args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => {
      if ((err as { code?: string }).code === 'ENOENT') {
        reject(new WhittleError('not-found', `${what}: ${command.cmd} is not on PATH (the project's lock file is ${command.cmd}'s)`));
      } else reject(wrap(what, err));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve();
      // the tool's last lines, on the one error line
      const tail = output
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .slice(-4)
        .join(' | ');
      reject(new WhittleError('io', `${what}: \`${command.cmd} ${command.args.join(' ')}\` failed (exit ${code})${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** localSpecs are the directories and tarballs the project's `file:` dependencies name, relative to it. */
export function localSpecs(project: Project, withDev: boolean): string[] {
  const pkg = project.pkg as Record<string, unknown>;
  const groups = ['dependencies', 'optionalDependencies', ...(withDev ? ['devDependencies'] : [])];
  const out = new Set<string>();
  for (const g of groups) {
    const deps = pkg[g];
    if (!deps || typeof deps !== 'object') continue;
    for (const spec of Object.values(deps as Record<string, unknown>)) {
      if (typeof spec === 'string' && spec.startsWith('file:')) out.add(path.normalize(spec.slice(5)));
    }
  }
  return [...out].sort();
}

/** commonParent is the deepest directory holding every path. */
function commonParent(paths: readonly string[]): string {
  let parts = paths[0]!.split(path.sep);
  for (const p of paths.slice(1)) {
    const q = p.split(path.sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}

const skipInstalled = (src: string) => !/[\\/](node_modules|\.git)$/.test(src);

/**
 * stage copies into staging what an install in the project needs: `files` (relative to the project,
 * e.g. package.json and the lock file, or everything) and the project's local `file:` dependencies.
 * It returns the staged project directory (below staging when a dependency lives outside the project).
 */
export async function stage(project: Project, staging: string, files: readonly string[], withDev: boolean): Promise<string> {
  const locals = localSpecs(project, withDev).map((rel) => path.resolve(project.dir, rel));
  const root = commonParent([project.dir, ...locals.map((l) => path.dirname(l))]);
  const stagedProject = path.join(staging, path.relative(root, project.dir));
  await mkdir(stagedProject, { recursive: true });
  try {
    for (const f of files) await cp(path.join(project.dir, f), path.join(stagedProject, f), { recursive: true, filter: skipInstalled, verbatimSymlinks: true });
    for (const l of locals) {
      const to = path.join(staging, path.relative(root, l));
      if (to.startsWith(stagedProject + path.sep) && files.some((f) => f === '.' || to.startsWith(path.join(stagedProject, f)))) continue;
      await cp(l, to, { recursive: true, filter: skipInstalled, verbatimSymlinks: true });
    }
  } catch (err) {
    throw wrap('staging the project', err);
  }
  return stagedProject;
}

/** installProduction installs the production dependencies of project into a staged copy; it returns the staged directory. */
export async function installProduction(project: Project, staging: string, extraFiles: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const files = ['package.json', project.lockFile, ...extraFiles];
  const dir = await stage(project, staging, files, false);
  await runTool(installCommand(project.manager, true), dir, 'installing production dependencies', env);
  return dir;
}

/** runBuildScript copies the project (without node_modules and .git), installs every dependency and runs `npm run NAME` (or the yarn/pnpm equivalent); it returns the staged directory. */
export async function runBuildScript(project: Project, staging: string, name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (typeof project.pkg.scripts?.[name] !== 'string') throw new WhittleError('usage', `--build-script ${name}: package.json has no script named ${JSON.stringify(name)}`);
  const dir = await stage(project, staging, ['.'], true);
  await runTool(installCommand(project.manager, false), dir, 'installing dependencies for the build script', env);
  await runTool({ cmd: project.manager, args: ['run', name] }, dir, `running the build script ${name}`, env);
  return dir;
}
