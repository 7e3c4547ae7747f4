import { covers, defineRule, docsPath } from '../define.js';
import { aptVerb } from '../helpers.js';
import type { ShellCommand, Word } from '../../shell/commands.js';
import type { Span } from '../../dockerfile/positions.js';

/** Environment variables that switch verification off, with the values that do it. */
const ENV_OFF: Record<string, RegExp> = {
  NODE_TLS_REJECT_UNAUTHORIZED: /^0$/,
  PYTHONHTTPSVERIFY: /^0$/,
  // git turns verification off when the variable is set at all, whatever the value.
  GIT_SSL_NO_VERIFY: /^/,
  NPM_CONFIG_STRICT_SSL: /^(?:false|0)$/i,
  npm_config_strict_ssl: /^(?:false|0)$/i,
  YARN_STRICT_SSL: /^(?:false|0)$/i,
  PIP_TRUSTED_HOST: /./,
};

interface Finding {
  what: string;
  span: Span;
}

function check(c: ShellCommand): Finding | null {
  const words = c.words;
  const at = (pred: (w: Word) => boolean, what: string): Finding | null => {
    const w = words.find(pred);
    return w ? { what, span: w.span } : null;
  };
  const t = (w: Word): string => w.text;
  switch (c.name) {
    case 'curl':
      return at((w) => t(w) === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(t(w)), 'curl --insecure/-k');
    case 'wget':
      return at((w) => t(w) === '--no-check-certificate', 'wget --no-check-certificate');
    case 'git':
      return at((w) => /^http\.sslverify=(?:false|0)$/i.test(t(w)) || (/^http\.sslverify$/i.test(t(w)) && /^(?:false|0)$/i.test(words[words.indexOf(w) + 1]?.text ?? '')), 'git http.sslVerify false');
    case 'apk':
      return at((w) => t(w) === '--allow-untrusted', 'apk --allow-untrusted');
    case 'rpm': {
      const RPM_OFF = /^--no(?:signature|digest|verify|filedigest)$/;
      return at((w) => RPM_OFF.test(t(w)), `rpm ${words.find((w) => RPM_OFF.test(w.text))?.text ?? ''}`);
    }
    case 'yum':
    case 'dnf':
    case 'tdnf':
    case 'microdnf':
    case 'zypper':
    case 'yum-config-manager':
    case 'dnf-3':
      // --nogpgcheck, zypper --no-gpg-checks, and --setopt=[repo.]sslverify=0|false|no (also via config-manager).
      return at((w) => /^--(?:nogpgcheck|no-gpg-checks)$/.test(t(w)) || /^--setopt=(?:[^=\s]+\.)?sslverify=(?:0|false|no)$/i.test(t(w)), `${c.name} ${words.find((w) => /gpg|sslverify/i.test(w.text))?.text ?? ''}`);
    case 'pip':
    case 'pip3':
      // --trusted-host on any pip command, or `pip config set global.trusted-host …`.
      return at((w) => t(w) === '--trusted-host' || t(w).startsWith('--trusted-host=') || /^(?:[\w-]+\.)?trusted-host$/.test(t(w)), 'pip --trusted-host');
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      const text = words.map(t).join(' ');
      if (/strict-ssl(?:\s+|=)(?:false|0)\b/i.test(text)) return at((w) => /strict-ssl/i.test(t(w)), `${c.name} strict-ssl false`);
      return null;
    }
    default: {
      // python -m pip … --trusted-host
      if (/^python(?:\d+(?:\.\d+)?)?$/.test(c.name) && words.some((w, i) => w.text === '-m' && /^pip\d?$/.test(words[i + 1]?.text ?? ''))) {
        return at((w) => t(w) === '--trusted-host' || t(w).startsWith('--trusted-host='), 'pip --trusted-host');
      }
      if (aptVerb(c) !== null) {
        return at(
          (w) => /^--(?:allow-unauthenticated|allow-insecure-repositories|force-yes)$/.test(t(w)) || /Verify-Peer\s*=\s*"?(?:false|0)|AllowInsecureRepositories\s*=\s*"?(?:true|1)|AllowUnauthenticated\s*=\s*"?(?:true|1)/i.test(t(w)),
          `${c.name} ${words.find((w) => /allow|force-yes|verify/i.test(w.text))?.text ?? ''}`,
        );
      }
      // Config written with echo/printf/sed: `sslverify=0` into yum.conf, `strict-ssl=false` into .npmrc.
      if (c.name === 'echo' || c.name === 'printf' || c.name === 'sed') {
        return at((w) => /sslverify\s*=\s*(?:0|false)|strict-ssl\s*=\s*false|check_certificate\s*=\s*off/i.test(t(w)), `${c.name} writing ${words.find((w) => /ssl|certificate/i.test(w.text))?.text ?? ''}`);
      }
      return null;
    }
  }
}

export default defineRule({
  meta: {
    id: 'tls-verification-disabled',
    description: 'TLS certificate or package signature checks turned off (curl -k, --no-check-certificate, --allow-unauthenticated, strict-ssl false…).',
    category: 'safety',
    severity: 'error',
    messages: {
      command: '{{what}} turns off certificate or signature verification: anyone on the network path can substitute what gets installed; fix the CA bundle or the repository key instead',
      env: '{{name}}={{value}} turns off TLS verification for every later step{{persist}}; fix the CA bundle (COPY the corporate CA and run update-ca-certificates) instead',
    },
    docs: docsPath('tls-verification-disabled'),
    covers: covers({
      // Checked against checkov's dockerfile graph checks (CKV2_DOCKER_2 … CKV2_DOCKER_16).
      checkov: ['CKV2_DOCKER_2', 'CKV2_DOCKER_3', 'CKV2_DOCKER_4', 'CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CKV2_DOCKER_11', 'CKV2_DOCKER_12', 'CKV2_DOCKER_13', 'CKV2_DOCKER_14', 'CKV2_DOCKER_15', 'CKV2_DOCKER_16'],
    }),
  },
  create(ctx) {
    return {
      instruction(inst) {
        if (inst.keyword !== 'ENV' && inst.keyword !== 'ARG') return;
        for (const p of inst.properties) {
          const re = ENV_OFF[p.name];
          if (re && p.value !== null && re.test(p.value)) {
            ctx.report({ messageId: 'env', span: p.span, data: { name: p.name, value: p.value, persist: inst.keyword === 'ENV' ? ' and in every container run from the image' : '' } });
          }
        }
      },
      run(run) {
        for (const c of run.commands) {
          const f = check(c);
          if (f) ctx.report({ messageId: 'command', span: f.span, data: { what: f.what.trim() } });
          for (const [name, value] of c.assignments) {
            const re = ENV_OFF[name];
            if (re && re.test(value)) ctx.report({ messageId: 'env', span: c.span, data: { name, value, persist: '' } });
          }
        }
      },
    };
  },
});
