// DOCKER_HOST parsing for the engine transport (no engine needed).
import { describe, expect, it } from 'vitest';
import { engineAddress } from '../src/sources/daemon/engine.js';

describe('engineAddress', () => {
  it('defaults to /var/run/docker.sock', () => {
    expect(engineAddress({})).toEqual({ socketPath: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' });
  });
  it('respects unix:// and tcp:// DOCKER_HOST', () => {
    expect(engineAddress({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }).socketPath).toBe('/run/user/1000/podman/podman.sock');
    expect(engineAddress({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toMatchObject({ host: '127.0.0.1', port: 2375 });
  });
  it('refuses what it cannot speak', () => {
    expect(() => engineAddress({ DOCKER_HOST: 'ssh://me@host' })).toThrow(/only unix:\/\/ and tcp:\/\//);
  });
});
