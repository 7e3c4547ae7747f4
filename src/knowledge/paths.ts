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
 * GlobTable finds the first entry of a table whose globs match a path, with one regular expression
 * for the whole table (analyze runs it over every file of an image).
 */
export class GlobTable<T> {
  private readonly any: RegExp;
  private readonly sets: { item: T; set: GlobSet }[];
  constructor(entries: readonly { item: T; include: readonly string[]; exclude?: readonly string[] }[]) {
    this.any = anyGlob(entries.flatMap((e) => e.include));
    this.sets = entries.map((e) => ({ item: e.item, set: new GlobSet(e.include, e.exclude) }));
  }
  find(path: string): T | undefined {
    if (!this.any.test(path)) return undefined;
    return this.sets.find((s) => s.set.test(path))?.item;
  }
}
