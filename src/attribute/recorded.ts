// What a builder recorded for one build step in the image config's history (`created_by`), taken
// apart: the instruction keyword and its text, the build args a RUN saw, and the classic builder's
// hashed COPY/ADD sources. Both builders' spellings are read:
//   classic  `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c #(nop) COPY file:<sha256> in /app `,
//            `|1 VER=1.2 /bin/sh -c make` (a RUN; the prefix lists the build args it saw)
//   BuildKit `ENV A=b`, `COPY a.txt ./ # buildkit`, `RUN |1 VER=1.2 /bin/sh -c make # buildkit`
import { SHELL_PREFIX } from '../analyze/instruction.js';

export interface RecordedStep {
  /** Upper-case keyword (RUN for a classic builder's shell command), null when the text names no instruction (docker import's empty entry, a rewriting tool's note). */
  keyword: string | null;
  /** The instruction's text after the keyword; for RUN the script (shell prefix and build args removed). */
  body: string;
  /** Build args a RUN saw (`|2 A=1 B=2` prefix). */
  buildArgs: Map<string, string>;
  /** The classic builder's COPY/ADD: `file:`, `dir:` or `multi:` hashed sources and the destination as written. */
  hashed: { kind: string; dest: string } | null;
  builder: 'buildkit' | 'classic' | 'unknown';
}

const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

function takeBuildArgs(text: string, into: Map<string, string>): string {
  const m = /^\|(\d+) /.exec(text);
  if (!m) return text;
  let rest = text.slice(m[0].length);
  for (let i = 0; i < Number(m[1]); i++) {
    const arg = /^([^=\s]+)=(\S*) /.exec(rest);
    if (!arg) break;
    into.set(arg[1]!, arg[2]!);
    rest = rest.slice(arg[0].length);
  }
  return rest;
}

function keywordStep(text: string, builder: RecordedStep['builder'], buildArgs: Map<string, string>): RecordedStep {
  const m = /^([A-Za-z]+)(?:\s+|$)/.exec(text);
  const keyword = m ? m[1]!.toUpperCase() : null;
  if (keyword === null || !KEYWORDS.has(keyword)) return { keyword: null, body: text, buildArgs, hashed: null, builder: 'unknown' };
  let body = text.slice(m![0].length).trim();
  let hashed: RecordedStep['hashed'] = null;
  if (keyword === 'RUN') {
    body = takeBuildArgs(body, buildArgs);
    const shell = SHELL_PREFIX.exec(body);
    if (shell) body = body.slice(shell[0].length);
  } else if (keyword === 'COPY' || keyword === 'ADD') {
    // flags come first, glued to the source: `--chown=1000:1000file:<sha256> in /app/`
    const h = /(file|dir|multi):[0-9a-f]{64} in (.*)$/.exec(body);
    if (h) hashed = { kind: h[1]!, dest: h[2]!.trim() };
  }
  return { keyword, body: body.trim(), buildArgs, hashed, builder };
}

/** readRecorded takes a history entry's created_by apart. */
export function readRecorded(createdBy: string | null | undefined): RecordedStep {
  const buildArgs = new Map<string, string>();
  const raw = (createdBy ?? '').trim();
  if (raw === '') return { keyword: null, body: '', buildArgs, hashed: null, builder: 'unknown' };
  
  const text = raw.replace(/\s+# buildkit$/, '');
  // the classic builder writes metadata steps as a no-op run by the stage's SHELL
  const nopShell = SHELL_PREFIX.exec(text);
  const nop = nopShell ? /^#\(nop\)\s*/.exec(text.slice(nopShell[0].length)) : null;
  if (nopShell && nop) return keywordStep(text.slice(nopShell[0].length + nop[0].length), 'classic', buildArgs);
  const afterArgs = takeBuildArgs(text, buildArgs);
  const shell = SHELL_PREFIX.exec(afterArgs);
  if (shell) return { keyword: 'RUN', body: afterArgs.slice(shell[0].length).trim(), buildArgs, hashed: null, builder: 'classic' };
  const step = keywordStep(text, 'buildkit', buildArgs);
  // the classic builder records an exec-form RUN as its bare arguments (`/bin/echo exec form`)
  if (step.keyword === null && /^\//.test(text)) return { keyword: 'RUN', body: text, buildArgs, hashed: null, builder: 'classic' };
  return step;
}
