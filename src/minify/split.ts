// `--split`: which kept paths form the app layer; the rest forms the system layer beneath it. The
// rule is chosen so that two apps on the same base that need the same system files get the same
// system layer, byte for byte (and so one blob in a registry or an engine):
// - the app is every kept path under WorkingDir (unless WorkingDir is `/`), and under the entry's
//   own package: for each file the entrypoint names (its program, and files named in its
//   arguments) that lies outside the system directories, the nearest directory above it holding a
//   package.json (or, for Python, a pyproject.toml, setup.py or setup.cfg), else, for a Python
//   script, its own directory (sys.path[0], where its modules are), else its folder under /opt,
//   /srv or /home (`/opt/NAME`), else the file itself;
// - the system layer is everything else: the interpreter and programs on the system directories
//   (/bin, /sbin, /lib*, /usr — /usr/local included —, /etc, /var, /tmp…), their libraries, what
//   every container needs, and the directories on the way to the app's paths.
import type { FinalTree } from '../analyze/resolve.js';
import type { ImageConfig } from '../image/spec.js';

const SYSTEM = /^(?:bin|sbin|lib(?:32|64|x32)?|usr|etc|var|tmp|run|dev|proc|sys|root)(?:\/|$)/;
/** PROJECT_FILES mark the root of a Node or Python project. */
const PROJECT_FILES = ['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg'];
const ENTRY_REASONS = new Set(['the entrypoint', "named in the entrypoint's arguments"]);

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** packageRoot is the directory the entry file belongs to as a package, or the file itself. */
function packageRoot(tree: FinalTree, file: string): string {
  for (let d = parentOf(file); d !== ''; d = parentOf(d)) if (PROJECT_FILES.some((f) => tree.has(`${d}/${f}`))) return d;
  if (file.endsWith('.py') && parentOf(file) !== '') return parentOf(file);
  const m = /^(?:opt|srv|home)\/[^/]+/.exec(file);
  return m ? m[0] : file;
}

/** appRoots lists the directories (and files) whose kept paths form the app layer. */
export function appRoots(kept: ReadonlyMap<string, readonly string[]>, tree: FinalTree, config: ImageConfig): string[] {
  const roots = new Set<string>();
  const workdir = (config.config?.WorkingDir ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (workdir !== '') roots.add(workdir);
  for (const [path, reasons] of kept) {
    if (SYSTEM.test(path) || !reasons.some((r) => ENTRY_REASONS.has(r))) continue;
    roots.add(packageRoot(tree, path));
  }
  // a root inside another adds nothing
  return [...roots].filter((r) => ![...roots].some((o) => o !== r && r.startsWith(`${o}/`))).sort();
}

/**
 * splitKept parts the kept paths (in their order) into the system part and the app part. A
 * directory kept only as the way to the app's paths goes with the app, so the system part is the
 * same for every app that needs the same system files; the app part repeats the directories on its
 * way down (with their own metadata), so it extracts on its own.
 */
export function splitKept(kept: ReadonlyMap<string, readonly string[]>, roots: readonly string[]): { system: string[]; app: string[] } {
  const inApp = (p: string) => roots.some((r) => p === r || p.startsWith(`${r}/`));
  const paths = [...kept.keys()];
  const needed = new Set<string>(); // directories on the way to a system path
  for (const p of paths) if (!inApp(p)) for (let d = parentOf(p); d !== ''; d = parentOf(d)) needed.add(d);
  const wayOnly = (p: string) => kept.get(p)!.every((r) => r === 'directory on the way to a kept path') && !needed.has(p);
  const onTheWay = new Set<string>();
  for (const p of paths) if (inApp(p)) for (let d = parentOf(p); d !== '' && !inApp(d); d = parentOf(d)) onTheWay.add(d);
  return {
    system: paths.filter((p) => !inApp(p) && !wayOnly(p)),
    app: paths.filter((p) => inApp(p) || onTheWay.has(p)),
  };
}
