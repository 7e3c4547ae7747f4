// Secret files: which file names hold credentials (private keys, keystores, credential and password
// files, environment files), which look alike but are not secrets (environment templates, public CA
// certificates and their links, files a package ships), and which directories are secrets as a whole
// (.git, .ssh). Read by `whittle context` (src/context/analyze.ts, which can also read a file's
// content and so refine a name-based guess) and by analyze's secrets finding
// (src/analyze/findings/secrets.ts, which sees only paths).

export interface SecretFileRule {
  /** what the file is, in words (shown by `whittle context`). */
  kind: string;
  /** matched against a slash-separated path without a leading `/` (context- or image-root-relative). */
  path: RegExp;
  /**
   * when set, a file whose content is known is a secret only if the content matches (an .npmrc
   * without a token, a .pem holding only certificates); without the content the name decides.
   */
  content?: RegExp;
}

const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** SECRET_FILES, first match wins. */
export const SECRET_FILES: readonly SecretFileRule[] = [
  { kind: 'environment file', path: /(?:^|\/)\.env(?:\.[^/]+)?$/ },
  { kind: 'SSH private key', path: /(?:^|\/)id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/ },
  { kind: 'SSH host private key', path: /(?:^|\/)ssh_host_[a-z0-9]+_key$/ },
  { kind: 'private key', path: /\.key$/i },
  { kind: 'PEM file with a private key', path: /\.pem$/i, content: PRIVATE_KEY_PEM },
  { kind: 'keystore', path: /\.(?:p12|pfx|jks|keystore)$/i },
  { kind: 'npm credentials', path: /(?:^|\/)\.npmrc$/, content: /(?:_authToken|_auth|_password)\s*=/ },
  { kind: 'PyPI credentials', path: /(?:^|\/)\.pypirc$/, content: /^\s*password\s*[=:]/m },
  { kind: 'netrc credentials', path: /(?:^|\/)\.netrc$/ },
  { kind: 'AWS credentials', path: /(?:^|\/)\.aws\/credentials$/ },
  { kind: 'Docker registry credentials', path: /(?:^|\/)\.docker\/config\.json$/, content: /"(?:auth|identitytoken|registrytoken)"\s*:\s*"[^"]/ },
  { kind: 'git credentials', path: /(?:^|\/)\.git-credentials$/ },
  { kind: 'credentials file', path: /(?:^|\/)(?:credentials|service-account|secrets?)\.json$/i },
  { kind: 'password file', path: /(?:^|\/)\.htpasswd$/ },
];

export interface NotSecretRule {
  why: string;
  path: RegExp;
}

/** NOT_SECRETS are paths a SECRET_FILES name matches that are not secrets (when the content is unknown). */
export const NOT_SECRETS: readonly NotSecretRule[] = [
  { why: 'environment template', path: /(?:^|\/)\.env\.(?:example|sample|template|dist)$/i },
  {
    why: 'public CA certificates',
    path: /(?:^|\/)(?:etc\/ssl\/certs|usr\/lib\/ssl\/certs|etc\/pki\/tls\/certs|etc\/pki\/ca-trust|etc\/ca-certificates|usr\/local\/share\/ca-certificates)\/|(?:^|\/)(?:ca-certificates\.crt|ca-bundle\.crt)$/,
  },
  // cert.pem, cacert.pem, fullchain.pem, server-cert.pem, ca.pem, ca-bundle.pem, key.pub.pem: certificates or public keys by name
  { why: 'certificate or public key', path: /(?:^|\/)(?:[^/]*[._-])?(?:cert|cacert|certificate|chain|fullchain|ca|bundle|crt|pub|public|pubkey)\.pem$/i },
  { why: 'shipped by a package', path: /(?:^|\/)(?:usr\/share|usr\/lib\/python[^/]*|usr\/local\/lib\/python[^/]*|node_modules|site-packages|dist-packages)\// },
];

/** SECRET_DIRS are directories that are secrets as a whole: one finding for the directory. */
export const SECRET_DIRS: readonly { name: string; kind: string }[] = [
  { name: '.git', kind: 'git repository (history may hold secrets)' },
  { name: '.ssh', kind: 'SSH directory' },
];

/** ANY_SECRET matches every path some SECRET_FILES rule matches (and a few more): one test for the common case of none. */
const ANY_SECRET = new RegExp(SECRET_FILES.map((r) => r.path.source).join('|'), 'i');

/**
 * secretKind says what secret a file is, or null when it is none. With content (the file's text, or
 * its first bytes), rules that look inside decide by it; without, the name decides and NOT_SECRETS
 * take out templates, CA certificates and packaged files.
 */
export function secretKind(path: string, content?: string): string | null {
  if (!ANY_SECRET.test(path)) return null;
  const rule = SECRET_FILES.find((r) => r.path.test(path));
  if (!rule) return null;
  if (rule.content && content !== undefined) return rule.content.test(content) ? rule.kind : null;
  if (NOT_SECRETS.some((n) => n.path.test(path))) return null;
  return rule.kind;
}

/** isSecretPath says whether a path names a file that holds credentials (by name alone). */
export function isSecretPath(path: string): boolean {
  return secretKind(path) !== null;
}

/** needsContent says whether secretKind would decide differently with the file's content (read it first). */
export function needsContent(path: string): boolean {
  return SECRET_FILES.find((r) => r.path.test(path))?.content !== undefined;
}

/** secretDir returns the secret directory a path is or lies in (`src/.git` for `src/.git/HEAD`), or null. */
export function secretDir(path: string): { dir: string; name: string; kind: string } | null {
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const d = SECRET_DIRS.find((s) => s.name === parts[i]);
    if (d) return { dir: parts.slice(0, i + 1).join('/'), name: d.name, kind: d.kind };
  }
  return null;
}
