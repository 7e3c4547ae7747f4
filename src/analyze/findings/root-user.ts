// root-user: the image runs as root (config User empty, 0, root, 0:0, root:root…).
import type { FindingRule } from './rule.js';

/** isRootUser says whether a config User value means uid 0. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0] ?? '';
  return name === '' || name === '0' || name === 'root';
}

export const rootUser: FindingRule = {
  meta: {
    id: 'root-user',
    title: 'Runs as root',
    severity: 'medium',
    messages: { root: 'The image runs as root (config User is {{user}}).' },
    remedy: 'Add a USER instruction with a non-root user (e.g. USER 65532:65532) in the final stage.',
    removable: false,
  },
  check(ctx, report) {
    const user = ctx.config.config?.User;
    if (isRootUser(user)) report({ messageId: 'root', data: { user: user ? JSON.stringify(user) : 'empty' }, paths: [], layer: null, bytes: 0 });
  },
};
