// Setup file of both vitest configs: a test file's in-process library calls register temporary
// paths (the spool of a docker-daemon: export, scratch directories) for removal at process exit, but
// vitest ends its worker processes without an exit event, so they were never removed (188 spools of
// up to 815 MB were found in /tmp after two sessions). They are removed when each test file ends.
import { afterAll } from 'vitest';
import { removeTemporaries } from '../../src/internal/cleanup.js';

afterAll(() => removeTemporaries());
