// The real-world suite with an engine: `whittle fix` (safe) must not change whether a Dockerfile
// builds. Each case is built before and after the fix on the Debian minbase (no Docker Hub: every FROM
// of a Debian or Ubuntu image is mapped to it) with BuildKit, and both must build or both must fail.
//
// Offline variants of test/real-world/dockerfiles.ts: cases on Debian or Ubuntu bases with no COPY or
// ADD from a context, their RUNs that download with anything but apt (curl, wget, git clone, pip,
// npm…) or carry a heredoc (the engine's built-in Dockerfile frontend reads none, and a `# syntax`
// line would pull one from Docker Hub) dropped; a case with no RUN left is not built. Generated
// cases in the same styles add what the suite cannot show offline: an official-image `set -eux; …;`
// script that installs and then uses what it installed, an install that fails under set -e (the
// fix must keep it failing: an `&& rm -rf /var/lib/apt/lists/*` after it would have let the script go
// on), an optional install after `||`, and a `&&` chain that fails after the install. A control
// builds that unsafe `&&` edit and sees it pass, so the comparison can tell. Cases whose fix changes
// nothing are not built; the rest build two at a time (about three minutes on a 2-core machine).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DockerfileModel, Instruction } from '../../src/dockerfile/model.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { analyzeDockerfile } from '../../src/lint/analysis.js';
import { fixTextSync } from '../../src/fix/engine.js';
import { initShellParser } from '../../src/shell/parser.js';
import { REAL_WORLD } from '../real-world/dockerfiles.js';
import { ensureMinbase } from '../support/engine.js';
import { describeWith } from '../support/tools.js';

const run = promisify(execFile);

interface BuildCase {
  name: string;
  text: string;
  /** the outcome the case was written for (generated cases); the suite's variants are not pinned */
  builds?: boolean;
  /** the fix must change the text (generated cases are written to exercise a fix) */
  fixes?: boolean;
}

const DEBIAN_FAMILY = /^(?:docker\.io\/)?(?:library\/)?(?:debian|ubuntu)(?::|@|$)/;
/** Programs that reach the network other than through apt (git only to clone, fetch or pull). */
const DOWNLOADERS = new Set(['curl', 'wget', 'pip', 'pip3', 'npm', 'npx', 'yarn', 'pnpm', 'go', 'cargo', 'gem', 'composer', 'bundle']);

/** downloads: the RUN runs a program that needs more network than apt (commands read with the shell parser). */
function downloads(model: DockerfileModel, inst: Instruction): boolean {
  const run = analyzeDockerfile(model).runs.find((r) => r.inst === inst);
  if (!run || !run.shell) return true;
  return run.commands.some((c) => DOWNLOADERS.has(c.name) || (c.name === 'git' && ['clone', 'fetch', 'pull'].includes(c.words[1]?.text ?? '')));
}

/** offlineVariant: the case with the RUNs that need more network than apt dropped, or null when it cannot build offline. */
function offlineVariant(text: string): string | null {
  const model = parseDockerfile(text);
  const names = new Set(model.stages.map((s) => s.name?.toLowerCase()).filter((n): n is string => !!n));
  const drop: [number, number][] = [];
  for (const s of model.stages) {
    if (!names.has(s.image.toLowerCase()) && !DEBIAN_FAMILY.test(s.image)) return null;
  }
  for (const i of model.instructions) {
    if (i.keyword === 'COPY' || i.keyword === 'ADD') return null;
    if (i.keyword !== 'RUN') continue;
    if (i.heredocs.length > 0 || downloads(model, i)) drop.push([i.span.start, i.span.end]);
  }
  if (model.instructions.filter((i) => i.keyword === 'RUN').length === drop.length) return null;
  let out = model.text;
  for (const [start, end] of drop.reverse()) out = out.slice(0, start) + out.slice(end).replace(/^\r?\n/, '');
  return out.replace(/^#\s*syntax=.*\n/m, '');
}

/** onBase puts every FROM that names an image (not a stage) on base, its AS name kept. */
function onBase(text: string, base: string): string {
  const names = new Set(parseDockerfile(text).stages.map((s) => s.name?.toLowerCase()).filter((n): n is string => !!n));
  return text.replace(/^(FROM\s+(?:--platform=\S+\s+)?)(\S+)/gim, (m, from: string, image: string) => (names.has(image.toLowerCase()) ? m : `${from}${base}`));
}

const GENERATED: BuildCase[] = [
  {
    name: 'official-image style: install, then use what was installed (set -eux; …;)',
    text: ['FROM debian:bookworm-slim', 'RUN set -eux; \\', '    apt-get update; \\', '    apt-get install -y jq; \\', "    echo '{\"ok\":true}' | jq -e .ok", 'CMD ["jq", "--version"]', ''].join('\n'),
    builds: true,
    fixes: true,
  },
  {
    name: 'an install that fails under set -e stays failing',
    text: ['FROM debian:bookworm-slim', 'RUN set -eux; \\', '    apt-get update; \\', '    apt-get install -y whittle-no-such-package; \\', '    echo "not reached"', 'CMD ["bash"]', ''].join('\n'),
    builds: false,
    fixes: true,
  },
  {
    name: 'an optional install after || stays optional',
    text: ['FROM debian:bookworm-slim', 'RUN apt-get update; apt-get install -y whittle-no-such-package || echo "optional package missing"', 'CMD ["bash"]', ''].join('\n'),
    builds: true,
    fixes: true,
  },
  {
    name: 'a && chain that fails after the install',
    text: ['FROM debian:bookworm-slim', 'RUN apt-get update \\', ' && apt-get install -y file \\', ' && file --version \\', ' && test -x /usr/bin/whittle-no-such-program', 'CMD ["bash"]', ''].join('\n'),
    builds: false,
    fixes: true,
  },
];

async function builds(dir: string, text: string, tag: string): Promise<{ ok: boolean; log: string }> {
  const file = path.join(dir, `${tag.replace(/\W/g, '-')}.Dockerfile`);
  await writeFile(file, text);
  const env = { ...process.env, DOCKER_BUILDKIT: '1', PATH: `/tmp/cibin:${process.env.PATH ?? ''}` };
  try {
    await run('docker', ['build', '--progress=plain', '-t', tag, '-f', file, path.join(dir, 'context')], { env, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, log: '' };
  } catch (e) {
    const err = e as { stderr?: string };
    return { ok: false, log: (err.stderr ?? String(e)).split('\n').slice(-8).join('\n') };
  } finally {
    await run('docker', ['rmi', '-f', tag]).catch(() => undefined);
  }
}

describeWith(['debian-minbase', 'buildkit'], 'the real-world suite built before and after whittle fix', () => {
  let base = '';
  let dir = '';
  const cases: BuildCase[] = [];
  beforeAll(async () => {
    await initShellParser();
    base = await ensureMinbase();
    dir = await mkdtemp(path.join(tmpdir(), 'whittle-rw-build-'));
    await run('mkdir', [path.join(dir, 'context')]);
  }, 600_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const variants = (): BuildCase[] => {
    if (cases.length > 0) return cases;
    for (const f of REAL_WORLD) {
      const text = offlineVariant(f.text);
      if (text !== null) cases.push({ name: `real-world: ${f.name}`, text });
    }
    return cases.push(...GENERATED), cases;
  };

  it('has offline cases from the suite, and each generated case on the minbase', () => {
    const all = variants();
    console.log(`building ${all.length} cases: ${all.map((c) => c.name).join('; ')}`);
    expect(all.filter((c) => c.name.startsWith('real-world: ')).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((c) => c.builds === false).length).toBeGreaterThanOrEqual(1);
  });

  it('builds or fails the same before and after the fix, for every case', async () => {
    interface Outcome { c: BuildCase; fixed: string; rules: string[]; before: { ok: boolean; log: string }; after: { ok: boolean; log: string } }
    const results: string[] = [];
    const todo: { k: number; c: BuildCase; fixed: string; rules: string[] }[] = [];
    for (const [k, c] of variants().entries()) {
      // the fix sees the Dockerfile as written (its own base); only the build runs on the minbase
      const fixed = fixTextSync(c.text);
      expect(fixed.rejected, c.name).toBeNull();
      if (c.fixes) expect(fixed.output, `${c.name}: the fix changes nothing`).not.toBe(c.text);
      if (fixed.output === c.text) results.push(`${c.name}: the fix changes nothing, not built`);
      else todo.push({ k, c, fixed: fixed.output, rules: fixed.applied.map((a) => a.ruleId) });
    }
    // two cases at a time, each built before and after side by side
    const outcomes: Outcome[] = [];
    const lane = async (): Promise<void> => {
      for (let t = todo.shift(); t; t = todo.shift()) {
        const [before, after] = await Promise.all([builds(dir, onBase(t.c.text, base), `whittle-safe/rw-${t.k}:orig`), builds(dir, onBase(t.fixed, base), `whittle-safe/rw-${t.k}:fixed`)]);
        outcomes.push({ c: t.c, fixed: t.fixed, rules: t.rules, before, after });
      }
    };
    await Promise.all([lane(), lane()]);
    for (const { c, fixed, rules, before, after } of outcomes) {
      results.push(`${c.name}: ${before.ok ? 'builds' : 'fails'} → ${after.ok ? 'builds' : 'fails'} (${rules.join(', ')})`);
      expect(after.ok, `${c.name}\n--- original ${before.ok ? 'built' : 'failed'}:\n${before.log}\n--- fixed:\n${fixed}\n${after.log}`).toBe(before.ok);
      if (c.builds !== undefined) expect(before.ok, `${c.name}: written to ${c.builds ? 'build' : 'fail'}\n${before.log}`).toBe(c.builds);
    }
    console.log(results.join('\n'));
    expect(outcomes.length, 'cases whose fix changed something were built').toBeGreaterThanOrEqual(GENERATED.length + 1);
  }, 600_000);

  it('would see the edit issue 11 reported: `&& rm -rf …` after a failing install inside set -e lets the build pass', async () => {
    // the control for the harness: the unsafe edit of the failing case builds, so a fix that made it would fail the test above
    const failing = GENERATED.find((g) => g.builds === false && g.text.includes('set -eux'))!;
    const unsafe = failing.text.replace('apt-get install -y whittle-no-such-package; \\', 'apt-get install -y whittle-no-such-package && rm -rf /var/lib/apt/lists/*; \\');
    expect(unsafe).not.toBe(failing.text);
    expect((await builds(dir, onBase(unsafe, base), 'whittle-safe/rw-control:unsafe')).ok).toBe(true);
  }, 300_000);
});
