import rule from './curl-pipe-shell.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'command substitution of something else', code: 'FROM debian:12\nRUN sh -c "$(cat /tmp/install.sh)"' },
    'FROM debian:12\nRUN curl -fsSL https://x.io/a.tar.gz | tar -xz',
    'FROM debian:12\nRUN curl -fsSLo install.sh https://x.io/i.sh && echo "abc  install.sh" | sha256sum -c && sh install.sh',
    'FROM debian:12\nRUN echo "curl | sh"',
  ],
  invalid: [
    { name: 'sh -c "$(curl …)"', code: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://x.io/install.sh)"', errors: [{ messageId: 'substitution', line: 2, column: 5, data: { fetch: 'curl', shell: 'sh' } }] },
    { name: 'bash <(wget …)', code: 'FROM debian:12\nRUN bash <(wget -qO- https://x.io/i.sh)', errors: [{ messageId: 'substitution', line: 2, data: { fetch: 'wget', shell: 'bash' } }] },
    { name: 'SHELL with -o pipefail counts as pipefail', code: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl https://x.io/i.sh | bash', errors: [{ messageId: 'pipe', line: 3, data: { fetch: 'curl', shell: 'bash', pipefail: 'a failed download still runs whatever arrived' } }] },
    { name: 'SHELL pipefail is inherited through FROM <stage>', code: 'FROM debian:12 AS base\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nFROM base\nRUN curl https://x.io/i.sh | sh', errors: [{ messageId: 'pipe', line: 4, data: { fetch: 'curl', shell: 'sh', pipefail: 'a failed download still runs whatever arrived' } }] },
    { code: 'FROM debian:12\nRUN curl -fsSL https://x.io/i.sh | sh', errors: [{ messageId: 'pipe', line: 2, column: 5, data: { fetch: 'curl', shell: 'sh', pipefail: 'without `set -o pipefail` a failed download can run a truncated script and the build still passes' } }] },
    { code: 'FROM debian:12\nRUN wget -qO- https://x.io/i.sh | sudo bash -s -- --yes', errors: [{ messageId: 'pipe', line: 2 }] },
    { name: 'with pipefail set', code: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN set -o pipefail && curl https://x.io/i.py | python3', errors: [{ messageId: 'pipe', line: 3, data: { fetch: 'curl', shell: 'python3', pipefail: 'a failed download still runs whatever arrived' } }] },
  ],
});
