// The help of every command that reads or writes an image lists the transports of the table.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TRANSPORTS } from '../transports/index.js';
import { autoCompressionHelp, referencesHelp } from './image-options.js';

describe('reference help', () => {
  it('lists every transport of the table with its syntax and description', () => {
    const text = referencesHelp();
    for (const t of TRANSPORTS) expect(text).toMatch(new RegExp(`^  ${t.syntax.replace(/[[\]|.*+?^$(){}\\/]/g, '\\$&')} +${t.description.replace(/[[\]|.*+?^$(){}\\/`]/g, '\\$&')}$`, 'm'));
    expect(text).not.toContain('Output (-o)');
    expect(referencesHelp({ fallbackTag: 'squashed' })).toContain('whittle/NAME:squashed');
  });

  it('says what --compression auto writes, from the table', () => {
    expect(autoCompressionHelp()).toBe('none for docker-archive:, docker-daemon: and PATH.tar; gzip for oci:, oci-archive:, docker://');
  });

  it.each(['analyze', 'squash', 'strip'])('whittle %s --help lists them all', (command) => {
    const r = spawnSync(process.execPath, ['bin/whittle.js', command, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const t of TRANSPORTS) expect(r.stdout).toContain(t.syntax);
  });
});
