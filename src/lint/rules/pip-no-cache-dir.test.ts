import rule from './pip-no-cache-dir.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'heredoc with --no-cache-dir', code: 'FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install --no-cache-dir flask\nEOF\n' },
    { name: 'cache removed after the install', code: 'FROM python:3.12-slim\nRUN pip install flask && rm -rf /root/.cache/pip' },
    { name: 'stage ARG without a value takes the global default', code: 'ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install flask' },
    { name: 'export earlier in the same RUN', code: 'FROM python:3.12-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask' },
    { name: 'cache mount on a non-root user\'s cache', code: 'FROM python:3.12-slim\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user flask' },
    { name: 'cache mount on $PIP_CACHE_DIR (value expanded from another ENV)', code: 'FROM python:3.12-slim\nENV CACHE=/var/cache/pip\nENV PIP_CACHE_DIR=$CACHE\nRUN --mount=type=cache,target=/var/cache/pip pip install flask' },
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask',
    { name: 'PIP_NO_CACHE_DIR in ENV', code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask' },
    { name: 'ENV inherited from the stage it is FROM', code: 'FROM python:3.12-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask' },
    { name: 'cache mount', code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask' },
    'FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache/pip',
    'FROM python:3.12-slim\nRUN pip install flask && pip cache purge',
    'FROM python:3.12-slim\nRUN pip freeze',
  ],
  invalid: [
    { name: 'cleanup before the install', code: 'FROM python:3.12-slim\nRUN rm -rf /root/.cache/pip && pip install flask', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN rm -rf /root/.cache/pip && pip install --no-cache-dir flask' },
    { name: 'cleanup in another RUN', code: 'FROM python:3.12-slim\nRUN pip install flask\nRUN rm -rf /root/.cache/pip', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nRUN rm -rf /root/.cache/pip' },
    { name: 'ARG in the base stage does not reach a stage built FROM it', code: 'FROM python:3.12-slim AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask', errors: [{ messageId: 'missing', line: 4 }], output: 'FROM python:3.12-slim AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install --no-cache-dir flask' },
    { name: 'the message names the USER\'s cache', code: 'FROM python:3.12-slim\nUSER app\nRUN pip install --user flask', errors: [{ messageId: 'missing', line: 3, data: { cache: '/home/app/.cache/pip' } }], output: 'FROM python:3.12-slim\nUSER app\nRUN pip install --no-cache-dir --user flask' },
    { name: 'export in a subshell does not reach pip', code: 'FROM python:3.12-slim\nRUN (export PIP_NO_CACHE_DIR=1) && pip install flask', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN (export PIP_NO_CACHE_DIR=1) && pip install --no-cache-dir flask' },
    { code: 'FROM python:3.12-slim\nRUN pip install flask', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask' },
    { code: 'FROM python:3.12-slim\nRUN python3 -m pip install -r requirements.txt', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir -r requirements.txt' },
    { name: 'ENV set only after the RUN', code: 'FROM python:3.12-slim\nRUN pip3 install flask\nENV PIP_NO_CACHE_DIR=1', errors: [{ messageId: 'missing', line: 2 }], output: 'FROM python:3.12-slim\nRUN pip3 install --no-cache-dir flask\nENV PIP_NO_CACHE_DIR=1' },
    { name: 'build-only stage', code: 'FROM python:3.12 AS build\nRUN pip wheel -w /w . && pip install flask\nFROM python:3.12-slim\nCOPY --from=build /w /w', errors: [{ messageId: 'buildStage', line: 2, severity: 'info' }], output: 'FROM python:3.12 AS build\nRUN pip wheel -w /w . && pip install --no-cache-dir flask\nFROM python:3.12-slim\nCOPY --from=build /w /w' },
  ],
});
