import { describe, expect, it } from 'vitest';
import { nodeMajorOfTag, npmKnowsOmit } from './node-images.js';

describe('nodeMajorOfTag and npmKnowsOmit', () => {
  it.each([
    ['20', 20, true],
    ['20.11.1-bookworm-slim', 20, true],
    ['14-alpine', 14, false],
    ['15', 15, true],
    ['iron-alpine', 20, true],
    ['fermium', 14, false],
    ['gallium-bullseye', 16, true],
    ['lts', Infinity, true],
    ['lts-bookworm-slim', Infinity, true],
    ['current-alpine', Infinity, true],
    [null, Infinity, true],
    ['bookworm-slim', Infinity, true],
    ['alpine3.11', null, false],
    ['jessie', null, false],
    ['${NODE_VERSION}-slim', null, false],
    ['7a0daa74', null, false],
  ] as const)('%s → %s (omit: %s)', (tag, major, omit) => {
    expect(nodeMajorOfTag(tag)).toBe(major);
    expect(npmKnowsOmit(tag)).toBe(omit);
  });
});
