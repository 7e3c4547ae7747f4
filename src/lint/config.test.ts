import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config.js';
import { rules } from './rules/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('config', () => {
  it('takes hadolint ids where a rule covers them, in rules and in ignore', () => {
    const c = parseConfig(JSON.stringify({ rules: { DL3009: 'error' }, ignore: ['DL3015', 'consecutive-run'] }), 'x.json', rules);
    expect(c.rules).toEqual({ 'apt-lists-not-removed': 'error', 'apt-no-install-recommends': 'off', 'consecutive-run': 'off' });
    expect(() => parseConfig(JSON.stringify({ ignore: ['DL4242'] }), 'x.json', rules)).toThrow('x.json: unknown rule "DL4242"');
    expect(() => parseConfig(JSON.stringify({ ignore: 'DL3015' }), 'x.json', rules)).toThrow('"ignore" must be an array');
  });

  it('reads rule settings and failLevel', () => {
    expect(parseConfig('{"rules":{"sudo":"off","apk-no-cache":"error"},"failLevel":"error"}', 'c.json', rules)).toEqual({
      path: 'c.json',
      rules: { sudo: 'off', 'apk-no-cache': 'error' },
      failLevel: 'error',
    });
  });

  it.each([
    ['{"rules":{"no-such-rule":"off"}}', /unknown rule "no-such-rule"/],
    ['{"rules":{"sudo":"loud"}}', /rule sudo: "loud" is not one of/],
    ['{"failLevel":"fatal"}', /failLevel: "fatal"/],
    ['[1]', /expected a JSON object/],
    ['{oops', /not valid JSON/],
  ])('rejects %s', (text, re) => {
    expect(() => parseConfig(text, 'c.json', rules)).toThrow(re);
  });

  it('finds .whittle.json in the working directory, and none is fine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-cfg-'));
    dirs.push(dir);
    expect((await loadConfig(rules, undefined, dir)).path).toBeNull();
    await writeFile(join(dir, '.whittle.json'), '{"rules":{"sudo":"info"}}');
    expect((await loadConfig(rules, undefined, dir)).rules).toEqual({ sudo: 'info' });
  });

  it('fails when an explicit --config is missing', async () => {
    await expect(loadConfig(rules, '/nonexistent/whittle.json', '/')).rejects.toThrow(/reading config/);
  });
});
