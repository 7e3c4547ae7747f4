import { describe, expect, it } from 'vitest';
import { archiveTag } from './archive-tag.js';

describe('archiveTag', () => {
  it.each([
    [['app:1'], '/out/x.tar', 'squashed', 'app:1'],
    [['docker.io/library/alpine:3.20'], '/out/x.tar', 'squashed', 'docker.io/library/alpine:3.20'],
    [['v1'], '/out/My App.tar', 'squashed', 'whittle/my-app:squashed'], // an OCI ref name is no image tag
    [[], '/out/Build_2.tar', 'stripped', 'whittle/build-2:stripped'],
    [[], '/out/.tar', 'stripped', 'whittle/image:stripped'],
    [[`app@sha256:${'a'.repeat(64)}`], '/out/x.tar.gz', 'squashed', 'whittle/x:squashed'],
    [[], '/out/x.tar', undefined, undefined],
  ])('tags %j written to %s (%s) as %s', (tags, path, fallback, expected) => {
    expect(archiveTag(tags, path, fallback)).toBe(expected);
  });
});
