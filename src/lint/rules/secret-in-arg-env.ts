import { covers, defineRule, docsPath } from '../define.js';

// Name parts that mark a secret (after splitting on _ and case changes); KEY only with a qualifier,
// so public GPG_KEY fingerprints in official images do not fire. Names run words together too
// (LDAP_ROOTPASS, DBPASSWORD): a part that is a role word followed by a secret word counts.
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pword', 'pass', 'secret', 'token', 'apikey', 'credential', 'credentials', 'auth']);
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'ssh', 'signing', 'encryption', 'master', 'client', 'license', 'licence', 'product', 'activation', 'app', 'service', 'account']);
const NOT_SECRET_SUFFIX = new Set(['file', 'path', 'dir', 'url', 'uri', 'host', 'port', 'user', 'username', 'name', 'type', 'method', 'enabled', 'env', 'version', 'mode', 'timeout', 'provider', 'plugin', 'realm', 'scheme', 'server', 'endpoint', 'domain', 'required', 'length', 'policy', 'ttl', 'expiry', 'header']);
/** Words that, run together with a secret word (ROOTPASS, DBPASSWORD, ADMINTOKEN), name whose secret it is. */
const ROLE_WORDS = ['root', 'admin', 'db', 'user', 'app', 'master', 'mysql', 'postgres', 'pg', 'redis', 'mongo', 'ldap', 'smtp', 'mail', 'api', 'access', 'client', 'bot', 'bearer', 'refresh', 'session', 'keystore', 'truststore', 'store', 'key', 'cert', 'vnc', 'rpc'];
/** Secret words that may end a run-together part; `pass` alone would match bypass or compass. */
const RUN_TOGETHER = ['password', 'passwd', 'pass', 'pwd', 'secret', 'token'];

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter(Boolean);
}

/** secretWordsIn names what makes a variable name look like a secret (`PASSWORD`, `ROOT PASS`, `LICENSE KEY`), or null. */
export function secretWordsIn(name: string): string | null {
  const parts = words(name);
  const last = parts[parts.length - 1];
  if (!last || NOT_SECRET_SUFFIX.has(last) || parts.includes('public')) return null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (SECRET_WORDS.has(p)) return p.toUpperCase();
    if (p === 'key' && i > 0 && KEY_QUALIFIERS.has(parts[i - 1]!)) return `${parts[i - 1]!.toUpperCase()} KEY`;
    for (const role of ROLE_WORDS) {
      if (!p.startsWith(role)) continue;
      const rest = p.slice(role.length);
      if (RUN_TOGETHER.includes(rest)) return `${role.toUpperCase()} ${rest.toUpperCase()}`;
    }
  }
  return null;
}

export function looksSecret(name: string): boolean {
  return secretWordsIn(name) !== null;
}

/** An ENV value that cannot be a secret: empty, a version, a boolean or small number, a path, or only a variable reference. */
function harmlessValue(value: string): boolean {
  const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
  return v === '' || /^v?\d+(?:\.\d+)+(?:[-+][\w.]+)?$/.test(v) || /^(?:true|false|yes|no|on|off|\d{1,3})$/i.test(v) || /^\/[\w./-]*$/.test(v) || /^\$\{?\w+\}?$/.test(v);
}

export default defineRule({
  meta: {
    id: 'secret-in-arg-env',
    description: 'ARG or ENV names that look like secrets: their values are stored in the image.',
    category: 'safety',
    severity: 'error',
    messages: {
      secret: '{{kind}} {{name}} looks like a secret ({{word}} in its name): {{where}}; pass it with RUN --mount=type=secret,id={{id}} (docker build --secret id={{id}},…) instead',
    },
    docs: docsPath('secret-in-arg-env'),
    covers: covers({ hadolint: ['DL3064'], trivy: ['DS031'], buildkit: ['SecretsUsedInArgOrEnv'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ARG' && inst.keyword !== 'ENV') return;
        for (const p of inst.properties) {
          const word = secretWordsIn(p.name);
          if (word === null) continue;
          // ENV stores its value: a version, a flag or a path is not a secret. An ARG's default is
          // only a placeholder for the --build-arg value, so its name decides.
          if (inst.keyword === 'ENV' && p.value !== null && harmlessValue(p.value)) continue;
          ctx.report({
            messageId: 'secret',
            span: p.nameSpan,
            data: {
              kind: inst.keyword,
              name: p.name,
              word,
              id: p.name.toLowerCase().replace(/_/g, '-'),
              where:
                inst.keyword === 'ENV'
                  ? 'ENV values are saved in the image config, readable by anyone who can pull the image (docker inspect)'
                  : 'build-arg values are recorded in the image history and provenance of every layer that uses them',
            },
          });
        }
      },
    };
  },
});
