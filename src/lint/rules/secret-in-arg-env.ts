import { covers, defineRule, docsPath } from '../define.js';

// Name parts that mark a secret (after splitting on _ and case changes); KEY only with a qualifier,
// so public GPG_KEY fingerprints in official images do not fire.
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pword', 'secret', 'token', 'apikey', 'credential', 'credentials', 'auth']);
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'ssh', 'signing', 'encryption', 'master', 'client']);
const NOT_SECRET_SUFFIX = new Set(['file', 'path', 'dir', 'url', 'uri', 'host', 'port', 'user', 'username', 'name', 'type', 'method', 'enabled', 'env']);

export function looksSecret(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last || NOT_SECRET_SUFFIX.has(last) || parts.includes('public')) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (SECRET_WORDS.has(p)) return true;
    if (p === 'key' && i > 0 && KEY_QUALIFIERS.has(parts[i - 1]!)) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'secret-in-arg-env',
    description: 'ARG or ENV names that look like secrets: their values are stored in the image.',
    category: 'safety',
    severity: 'error',
    messages: {
      secret: '{{kind}} {{name}} looks like a secret: {{where}}; pass it with RUN --mount=type=secret,id={{id}} (docker build --secret id={{id}},…) instead',
    },
    docs: docsPath('secret-in-arg-env'),
    covers: covers({ hadolint: ['DL3064'], trivy: ['DS031'], buildkit: ['SecretsUsedInArgOrEnv'] }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ARG' && inst.keyword !== 'ENV') return;
        for (const p of inst.properties) {
          if (!looksSecret(p.name)) continue;
          ctx.report({
            messageId: 'secret',
            span: p.nameSpan,
            data: {
              kind: inst.keyword,
              name: p.name,
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
