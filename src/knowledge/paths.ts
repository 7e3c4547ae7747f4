// Path patterns for the knowledge tables: image paths are written relative to the image root
// (`var/lib/apt/lists/**`), as globs — `**` any number of directories, `*` and `?` within one name.
// Read by every table in src/knowledge and by their consumers (analyze findings, strip categories,
// lint rules) so that one pattern means the same thing everywhere.

/** globSource is the regular-expression source of a glob, unanchored and without capturing groups. */
function globSource(glob: string): string {
  const g = glob.replace(/^\/+/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}

/** pathGlob turns a glob (`**` any depth, `*` and `?` within one name) into an anchored RegExp; a leading `/` is ignored. */
export function pathGlob(glob: string): RegExp {
  return new RegExp(`^${globSource(glob)}$`);
}

/**
 * alternativesSource is the source of an alternation of globs, with the globs that share a literal
 * first name grouped under it (`usr/(?:bin/gcc|bin/g++|lib/gcc/**)`), recursively: a path that does
 * not start with `usr/` is then refused once instead of once per glob (analyze tests every path of
 * an image against tables of dozens of globs).
 */
function alternativesSource(globs: readonly string[]): string {
  const groups = new Map<string, string[]>();
  const single: string[] = [];
  for (const g of globs) {
    const slash = g.indexOf('/');
    const head = slash > 0 ? g.slice(0, slash) : '';
    if (head === '' || /[*?]/.test(head)) single.push(globSource(g));
    else {
      const tails = groups.get(head);
      if (tails) tails.push(g.slice(slash + 1));
      else groups.set(head, [g.slice(slash + 1)]);
    }
  }
  const grouped = [...groups].map(([head, tails]) =>
    tails.length === 1 ? globSource(`${head}/${tails[0]}`) : `${globSource(head)}/(?:${alternativesSource(tails)})`,
  );
  return [...grouped, ...single].join('|');
}

/** anyGlob is one anchored RegExp matching any of the globs (never matching for none). */
function anyGlob(globs: readonly string[]): RegExp {
  return globs.length === 0 ? /(?!)/ : new RegExp(`^(?:${alternativesSource(globs.map((g) => g.replace(/^\/+/, '')))})$`);
}

/** HOMES are the home directories a per-user path is looked for under: root's and /home/<user>'s. */
export const HOMES: readonly string[] = ['root', 'home/*'];

/** inHomes writes a home-relative path (`.cache/pip/**`) once per home directory (`root/.cache/pip/**`, `home/*\/.cache/pip/**`). */
export function inHomes(rel: string): string[] {
  return HOMES.map((h) => `${h}/${rel}`);
}

/** GlobSet matches a path against include globs minus exclude globs. */
export class GlobSet {
  private readonly include: RegExp;
  private readonly exclude: RegExp;
  constructor(include: readonly string[], exclude: readonly string[] = []) {
    this.include = anyGlob(include);
    this.exclude = anyGlob(exclude);
  }
  test(path: string): boolean {
    return this.include.test(path) && !this.exclude.test(path);
  }
}

/**
 * GlobTable finds the first entry of a table whose globs match a path, testing every path against
 * the whole table at once first (analyze runs it over every file of an image): one RegExp for the
 * globs that start with a literal name, which refuses a path of another first name at its first
 * characters, and for each glob that may match at any depth (`**\/node_modules/node-gyp/**`) a
 * search for the text it cannot match without (`node_modules/node-gyp/`) before its RegExp, since
 * in an alternation such a glob is tried at every slash of every path.
 */
export class GlobTable<T> {
  private readonly headed: RegExp;
  private readonly anywhere: { needle: string; glob: RegExp }[];
  private readonly sets: { item: T; set: GlobSet }[];
  constructor(entries: readonly { item: T; include: readonly string[]; exclude?: readonly string[] }[]) {
    const globs = entries.flatMap((e) => e.include).map((g) => g.replace(/^\/+/, ''));
    this.headed = anyGlob(globs.filter(hasLiteralHead));
    this.anywhere = globs.filter((g) => !hasLiteralHead(g)).map((g) => ({ needle: requiredText(g), glob: pathGlob(g) }));
    this.sets = entries.map((e) => ({ item: e.item, set: new GlobSet(e.include, e.exclude) }));
  }
  find(path: string): T | undefined {
    if (!this.mayMatch(path)) return undefined;
    return this.sets.find((s) => s.set.test(path))?.item;
  }
  /** mayMatch says whether any include glob of the table matches path. */
  private mayMatch(path: string): boolean {
    if (this.headed.test(path)) return true;
    for (const a of this.anywhere) if (path.includes(a.needle) && a.glob.test(path)) return true;
    return false;
  }
}

/** hasLiteralHead says whether a glob starts with a literal name and a slash (`usr/…`, not `**\/…`, `*.pem` or `go`). */
function hasLiteralHead(glob: string): boolean {
  const slash = glob.indexOf('/');
  return slash > 0 && !/[*?]/.test(glob.slice(0, slash));
}

/** requiredText is the longest literal text every path a glob matches contains (`**\/a/b/**`: `a/b/`; `**` may match nothing, with the slash after it). */
function requiredText(glob: string): string {
  return glob.split(/\*\*\/|\*\*|\*|\?/).reduce((a, b) => (b.length > a.length ? b : a), '');
}
