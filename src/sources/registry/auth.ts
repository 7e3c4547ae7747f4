// Registry credentials: `--creds user:pass`, WHITTLE_REGISTRY_USER/WHITTLE_REGISTRY_PASSWORD, then
// the user's docker config.json (`auths`, `credHelpers`, `credsStore` through `docker-credential-*`).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCreds, type Credentials } from '../../internal/credentials.js';

export type { Credentials } from '../../internal/credentials.js';

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function configKeys(host: string): string[] {
  if (host === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

async function runHelper(helper: string, server: string): Promise<Credentials | undefined> {
  const { execFile } = await import('node:child_process'); // loaded only when config.json names a helper
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const j = JSON.parse(stdout) as { Username?: string; Secret?: string };
        resolve(j.Secret ? { username: j.Username ?? '', password: j.Secret } : undefined);
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(server);
  });
}

/** findCredentials looks credentials for host up in the environment and docker's config.json. */
export async function findCredentials(host: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  if (env.WHITTLE_REGISTRY_USER !== undefined) {
    return { username: env.WHITTLE_REGISTRY_USER, password: env.WHITTLE_REGISTRY_PASSWORD ?? '' };
  }
  const dir = env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const keys = configKeys(host);
  for (const k of keys) {
    const helper = config.credHelpers?.[k];
    if (helper) return runHelper(helper, k);
  }
  for (const k of keys) {
    const a = config.auths?.[k];
    if (!a) continue;
    if (a.auth) {
      const c = parseCreds(Buffer.from(a.auth, 'base64').toString('utf8'));
      if (c.username || c.password) return c;
    }
    if (a.username !== undefined) return { username: a.username, password: a.password ?? '' };
  }
  if (config.credsStore) {
    for (const k of keys) {
      const c = await runHelper(config.credsStore, k);
      if (c) return c;
    }
  }
  return undefined;
}

/**
 * mayCarryCredentials tells whether Basic credentials meant for the registry at `registry` may be sent
 * to the token realm `realm`: over HTTPS, or to the registry's own host and port no less securely
 * than the registry itself is spoken to. Never over plain http to another host, where anyone on the
 * way could read them and where the registry's challenge alone decided they go.
 */
export function mayCarryCredentials(realm: URL, registry: URL): boolean {
  if (realm.protocol === 'https:') return true;
  return realm.protocol === 'http:' && realm.host === registry.host && registry.protocol === 'http:';
}

/** parseChallenge reads `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const p of (m?.[2] ?? '').matchAll(re)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme, params };
}
