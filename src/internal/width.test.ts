import { describe, expect, it } from 'vitest';
import { elideMiddle, terminalWidth, useColor, wrapWords } from './width.js';

describe('terminalWidth', () => {
  it.each([
    ['a terminal with columns', { isTTY: true, columns: 132 }, {}, 132],
    ['a terminal with columns, COLUMNS ignored', { isTTY: true, columns: 132 }, { COLUMNS: '60' }, 132],
    ['a terminal without columns uses COLUMNS', { isTTY: true }, { COLUMNS: '60' }, 60],
    ['a terminal without columns or COLUMNS is 80', { isTTY: true }, {}, 80],
    ['a pipe without COLUMNS: no limit', { isTTY: false }, {}, null],
    ['a pipe with COLUMNS', {}, { COLUMNS: '100' }, 100],
    ['a pipe with a bad COLUMNS: no limit', {}, { COLUMNS: 'wide' }, null],
    ['a pipe with COLUMNS=0: no limit', {}, { COLUMNS: '0' }, null],
  ])('%s', (_, stream, env, want) => {
    expect(terminalWidth(stream, env)).toBe(want);
  });
});

describe('useColor', () => {
  it.each([
    [undefined, true, {}, true],
    [true, true, {}, true],
    [false, true, {}, false],
    [undefined, false, {}, false],
    [undefined, true, { NO_COLOR: '1' }, false],
    [undefined, true, { NO_COLOR: '' }, true],
  ])('flag %s, tty %s, env %j → %s', (flag, tty, env, want) => {
    expect(useColor(flag, { isTTY: tty }, env)).toBe(want);
  });
});

describe('wrapWords', () => {
  it.each([
    ['fits', 'remove the cache', 20, {}, ['remove the cache']],
    ['breaks at spaces', 'remove the apt cache in the same RUN', 16, {}, ['remove the apt', 'cache in the', 'same RUN']],
    ['hanging indent', 'remove the apt cache in the same RUN', 16, { indent: 4 }, ['remove the apt', '    cache in the', '    same RUN']],
    ['first line starts later', 'aa bb cc dd', 10, { first: 6, indent: 2 }, ['aa', '  bb cc dd']],
    ['a long word stays whole', 'see /var/lib/apt/lists/deb.debian.org_debian now', 12, { indent: 2 }, ['see', '  /var/lib/apt/lists/deb.debian.org_debian', '  now']],
    ['no width: the text as it is', 'a  b  c', null, { indent: 4 }, ['a  b  c']],
    ['fits: spacing kept', 'a  b', 10, {}, ['a  b']],
    ['wrapped: spacing collapsed', 'aa  bb  cc', 6, {}, ['aa bb', 'cc']],
  ] as const)('%s', (_, text, width, opts, want) => {
    const lines = wrapWords(text, width, opts);
    expect(lines).toEqual(want);
    for (const l of lines) if (width !== null && !l.trim().includes('/')) expect(l.length).toBeLessThanOrEqual(width);
  });
});

describe('elideMiddle', () => {
  it.each([
    ['usr/bin/env', 20, 'usr/bin/env'],
    ['usr/bin/env', null, 'usr/bin/env'],
    ['var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages', 40, 'var/lib/apt/lis…in_binary-amd64_Packages'],
    ['abcdefghij', 5, 'a…hij'],
    ['abcdefghij', 1, '…j'],
  ])('%s in %s', (text, width, want) => {
    const out = elideMiddle(text, width);
    expect(out).toBe(want);
    if (width !== null && width >= 2) expect(out.length).toBeLessThanOrEqual(width);
  });
});
