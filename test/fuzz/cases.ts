// One fuzzing case: a generated input written to a scratch directory, the whittle command that
// reads it, and the property check (harness.ts). fuzz.test.ts and scripts/fuzz.mjs run many of
// these from a seed; regressions.ts replays the inputs that once failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomDockerArchive, randomOciLayout, type GeneratedImage } from './image-gen.js';
import { randomContextFiles, randomDockerfile, randomDockerignore } from './dockerfile-gen.js';
import { freshDir, runCliInProcess, runCliProcess, violations, type Outcome } from './harness.js';
import { Random } from './random.js';

export type Generator = 'docker-archive' | 'oci' | 'dockerfile' | 'dockerignore';
export type Command = 'analyze' | 'ls' | 'squash' | 'strip' | 'lint' | 'fix' | 'context';

/** COMMANDS says which commands read each generator's inputs (the first is the cheapest). */
export const COMMANDS: Record<Generator, Command[]> = {
  'docker-archive': ['analyze', 'ls', 'squash', 'strip'],
  oci: ['analyze', 'ls', 'squash', 'strip'],
  dockerfile: ['lint', 'fix'],
  dockerignore: ['context'],
};

/** Input is what a case hands to whittle: an image, or a Dockerfile with its context. */
export type Input =
  | { kind: 'image'; image: GeneratedImage }
  | { kind: 'dockerfile'; text: string | Buffer; dockerignore?: string; context?: string[] };

/** generate builds the input of one case from its seed. */
export function generate(gen: Generator, seed: number): Input {
  const r = new Random(seed);
  switch (gen) {
    case 'docker-archive':
      return { kind: 'image', image: randomDockerArchive(r) };
    case 'oci':
      return { kind: 'image', image: randomOciLayout(r) };
    case 'dockerfile':
      return { kind: 'dockerfile', text: randomDockerfile(r) };
    case 'dockerignore':
      return { kind: 'dockerfile', text: randomDockerfile(r), dockerignore: randomDockerignore(r), context: randomContextFiles(r) };
  }
}

function writeFiles(root: string, files: Map<string, Buffer>): void {
  for (const [name, data] of files) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
}

export interface CaseResult {
  outcome: Outcome;
  problems: string[];
  argv: string[];
}

/**
 * runCase writes input under work (emptied first), runs command on it and checks the property.
 * inProcess false runs the built CLI as a child process.
 */
export async function runCase(input: Input, command: Command, work: string, inProcess = true): Promise<CaseResult> {
  freshDir(work);
  const tmp = freshDir(join(work, 'tmp'));
  const outDir = freshDir(join(work, 'out'));
  let argv: string[];
  let output: string | undefined;
  if (input.kind === 'image') {
    let ref: string;
    if (input.image.kind === 'docker-archive') {
      writeFileSync(join(work, 'image.tar'), input.image.archive!);
      ref = `docker-archive:${join(work, 'image.tar')}`;
    } else {
      writeFiles(join(work, 'layout'), input.image.files!);
      ref = `oci:${join(work, 'layout')}:x`;
    }
    output = 'out.tar';
    argv =
      command === 'analyze' ? ['analyze', ref, '--json']
      : command === 'ls' ? ['ls', ref, '--json']
      : command === 'squash' ? ['squash', ref, '-o', join(outDir, output), '--json']
      : ['strip', ref, '-o', join(outDir, output), '--json'];
    if (command === 'analyze' || command === 'ls') output = undefined;
  } else {
    const ctx = join(work, 'ctx');
    mkdirSync(ctx);
    for (const f of input.context ?? []) {
      mkdirSync(dirname(join(ctx, f)), { recursive: true });
      writeFileSync(join(ctx, f), 'x');
    }
    writeFileSync(join(ctx, 'Dockerfile'), input.text);
    if (input.dockerignore !== undefined) writeFileSync(join(ctx, '.dockerignore'), input.dockerignore);
    argv =
      command === 'lint' ? ['lint', join(ctx, 'Dockerfile'), '--json']
      : command === 'fix' ? ['fix', join(ctx, 'Dockerfile'), '--json']
      : ['context', ctx, '--json'];
  }
  const outcome = inProcess ? await runCliInProcess(argv, tmp) : await runCliProcess(argv, tmp);
  const problems = violations(outcome, { tmp, ...(output !== undefined ? { outDir, output } : {}) });
  return { outcome, problems, argv };
}
