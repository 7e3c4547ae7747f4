// SARIF 2.1.0 for GitHub code scanning: tool.driver.rules carries every rule (id, descriptions,
// default level, and a helpUri to its docs page when the docs have a public address); results carry
// 1-based physicalLocation regions in UTF-16 code units (SARIF's default column kind, the same units
// as JavaScript strings).
//
// SARIF requires helpUri and informationUri to be absolute URIs. The docs pages live in the
// repository named by package.json's `repository` field; without one there is no public address, so
// the rules carry no helpUri and `help.text` names the page by its path in the package
// (`docs/rules/<id>.md`).
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintResult } from '../engine.js';
import type { Rule, Severity } from '../types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  /** whittle's version, for tool.driver.version. */
  version: string;
  /** Repository web address (`https://github.com/o/r`) for informationUri; null when unknown. */
  homepage?: string | null;
  /** Absolute URL that a rule's docs path (`docs/rules/<id>.md`) is appended to; null when unknown. */
  docsBase?: string | null;
}

/** RepositoryLinks are the web addresses derived from a package.json `repository` field. */
export interface RepositoryLinks {
  homepage: string;
  docsBase: string;
}

/**
 * repositoryLinks turns package.json's `repository` ("github:o/r", "o/r", "gitlab:o/r",
 * "git+https://github.com/o/r.git", "git@github.com:o/r.git", or { url, directory }) into the
 * repository's web address and the base that docs paths are appended to (files at the default
 * branch). Hosts whose file URLs whittle does not know give null.
 */
export function repositoryLinks(repository: unknown): RepositoryLinks | null {
  let spec: unknown = repository;
  let directory = '';
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
    const r = spec as { url?: unknown; directory?: unknown };
    spec = r.url;
    if (typeof r.directory === 'string') directory = r.directory.replace(/^\/+|\/+$/g, '');
  }
  if (typeof spec !== 'string' || spec.trim() === '') return null;
  const s = spec.trim();
  let host: string | undefined;
  let path: string | undefined;
  let m = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(s);
  if (m) {
    host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[m[1] as 'github' | 'gitlab' | 'bitbucket'];
    path = m[2];
  } else if ((m = /^([\w.-]+\/[\w.-]+)$/.exec(s))) {
    host = 'github.com'; // npm's shorthand for GitHub
    path = m[1];
  } else if ((m = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(s)) || (m = /^[^@/]+@([^:/]+):(.+)$/.exec(s))) {
    host = m[1]!.toLowerCase();
    path = m[2];
  }
  if (!host || !path) return null;
  path = path.replace(/\.git$/, '').replace(/\/+$/, '');
  if (!/^[\w.-]+(?:\/[\w.-]+)+$/.test(path)) return null;
  const homepage = `https://${host}/${path}`;
  const sub = directory ? `${directory}/` : '';
  if (host === 'github.com') return { homepage, docsBase: `${homepage}/blob/HEAD/${sub}` };
  if (host === 'gitlab.com') return { homepage, docsBase: `${homepage}/-/blob/HEAD/${sub}` };
  if (host === 'bitbucket.org') return { homepage, docsBase: `${homepage}/src/HEAD/${sub}` };
  return null;
}

/** artifactUri: a relative path as a relative URI reference, an absolute path as a file: URI. */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}

export function toSarif(results: readonly LintResult[], rules: readonly Rule[], options: SarifOptions): object {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const docsBase = options.docsBase ?? null;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'whittle',
            version: options.version,
            ...(options.homepage ? { informationUri: options.homepage } : {}),
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)(\w)/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              ...(docsBase ? { helpUri: docsBase + r.meta.docs } : {}),
              help: { text: docsBase ? `See ${docsBase + r.meta.docs}` : `See ${r.meta.docs} in the whittle package.` },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { category: r.meta.category, tags: [r.meta.category] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.ruleId,
            ...(index.has(d.ruleId) ? { ruleIndex: index.get(d.ruleId) } : {}),
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(r.file) },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}

export function formatSarif(results: readonly LintResult[], rules: readonly Rule[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(results, rules, options), null, 2)}\n`;
}
