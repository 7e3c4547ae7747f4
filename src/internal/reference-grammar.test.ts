// The reference grammars, case by case: what each accepts and refuses, and the one error line.
import { describe, expect, it } from 'vitest';
import { checkArchiveTag, checkOciRefName, hostProblem, isOciRefName, isRepositoryPath, isTag, parseDockerName } from './reference-grammar.js';

describe('isTag', () => {
  it.each(['latest', 'v1.2.3', 'V1_x-rc.1', '_x', 'a'.repeat(128)])('accepts %s', (t) => expect(isTag(t)).toBe(true));
  it.each(['', '.x', '-x', 'a b', 'BAD TAG!!', 'a/b', 'a:b', 'a'.repeat(129), 'é'])('refuses %j', (t) => expect(isTag(t)).toBe(false));
});

describe('isRepositoryPath', () => {
  it.each(['app', 'acme/app', 'a.b/c_d/e__f/g--h', 'x0/y1'])('accepts %s', (p) => expect(isRepositoryPath(p)).toBe(true));
  it.each(['', 'App', 'a b', 'a/', '/a', 'a//b', '.a', 'a.', 'a___b', 'a_-b', `${'a'.repeat(256)}`])('refuses %j', (p) => expect(isRepositoryPath(p)).toBe(false));
});

describe('isOciRefName', () => {
  it.each(['v1', 'latest', '1.0', 'example.com/app:1.0', 'a--b', 'a+b@c', 'docker.io/library/x:1'])('accepts %s', (r) => expect(isOciRefName(r)).toBe(true));
  it.each(['', '..', '../../evil', '/etc/passwd', 'a/../b', 'a/./b', 'a//b', 'a/', 'a b', 'a---b', '-a', 'a-', 'x\0y', 'é'])('refuses %j', (r) => expect(isOciRefName(r)).toBe(false));
});

describe('hostProblem', () => {
  it.each(['localhost', 'localhost:5000', 'ghcr.io', 'my-host.example:443', '127.0.0.1:65535', '[::1]', '[::1]:5000', '[fe80::1]:1'])('accepts %s', (h) =>
    expect(hostProblem(h)).toBeUndefined(),
  );
  it.each([
    ['127.0.0.1:99999', 'port "99999" is not a number from 1 to 65535'],
    ['127.0.0.1:0', 'port "0" is not a number from 1 to 65535'],
    ['host:', 'port "" is not a number from 1 to 65535'],
    ['host:5000:1', 'port "5000:1" is not a number from 1 to 65535'],
    ['[::1:15001', 'an IPv6 address opened with [ is not closed with ]'],
    ['[::1]x', '"x" follows the IPv6 address'],
    ['[nope]:5000', '"[nope]" is not an IPv6 address'],
    ['bad_host', '"bad_host" is not a host name (letters, digits and dashes, in labels joined by dots)'],
    ['-a.example', '"-a.example" is not a host name (letters, digits and dashes, in labels joined by dots)'],
    ['a..b', '"a..b" is not a host name (letters, digits and dashes, in labels joined by dots)'],
  ])('refuses %s: %s', (h, why) => expect(hostProblem(h)).toBe(why));
});

describe('parseDockerName', () => {
  it('splits host, path, tag and digest as docker does', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseDockerName('app', 'x')).toEqual({ path: 'app' });
    expect(parseDockerName('acme/app:1', 'x')).toEqual({ path: 'acme/app', tag: '1' });
    expect(parseDockerName('localhost:5000/app', 'x')).toEqual({ host: 'localhost:5000', path: 'app' });
    expect(parseDockerName(`[::1]:5000/a/b:t@${d}`, 'x')).toEqual({ host: '[::1]:5000', path: 'a/b', tag: 't', digest: d });
  });
  it.each([
    ['127.0.0.1:99999/x', 'w: invalid registry host "127.0.0.1:99999": port "99999" is not a number from 1 to 65535'],
    ['x:BAD TAG!!', 'w: malformed tag "BAD TAG!!" (a tag is up to 128 letters, digits, _ . -, not starting with . or -)'],
    ['Upper/x', 'w: invalid repository name "Upper/x" (lowercase letters and digits, separated by . _ __ or dashes, components joined by /; at most 255 characters)'],
    ['x@sha256:short', 'w: malformed digest "sha256:short" (algorithm:hex, e.g. sha256:…)'],
  ])('refuses %s with one bad-reference line', (name, message) => {
    expect(() => parseDockerName(name, 'w')).toThrow(expect.objectContaining({ code: 'bad-reference', message }));
  });
});

describe('checks', () => {
  it('refuses a digest in a tag and a path as a ref name', () => {
    expect(() => checkArchiveTag(`app@sha256:${'a'.repeat(64)}`, 'w')).toThrow('w: a tag cannot hold a digest');
    expect(() => checkArchiveTag('app:1', 'w')).not.toThrow();
    expect(() => checkOciRefName('../../evil', 'w')).toThrow(/^w: invalid ref name "\.\.\/\.\.\/evil"/);
    expect(() => checkOciRefName('v1', 'w')).not.toThrow();
  });
});
