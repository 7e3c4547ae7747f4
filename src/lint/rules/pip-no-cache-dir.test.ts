import rule from './pip-no-cache-dir.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask',
    { name: 'PIP_NO_CACHE_DIR in ENV', code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask' },
    { name: 'ENV inherited from the stage it is FROM', code: 'FROM python:3.12-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask' },
    { name: 'cache mount', code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask' },
    'FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache/pip',
    'FROM python:3.12-slim\nRUN pip install flask && pip cache purge',
    'FROM python:3.12-slim\nRUN pip freeze',
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\nRUN pip install flask', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask' },
    { code: 'FROM python:3.12-slim\nRUN python3 -m pip install -r requirements.txt', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir -r requirements.txt' },
    { name: 'ENV set only after the RUN', code: 'FROM python:3.12-slim\nRUN pip3 install flask\nENV PIP_NO_CACHE_DIR=1', errors: [{ messageId: 'missing', line: 2 }] },
    { name: 'build-only stage', code: 'FROM python:3.12 AS build\nRUN pip wheel -w /w . && pip install flask\nFROM python:3.12-slim\nCOPY --from=build /w /w', errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }] },
  ],
});
