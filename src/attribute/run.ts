// attributeDockerfile: parse and lint the Dockerfile (as `whittle lint` would, with its context), then
// attribute the analysis to its lines. A --target that names no stage is a usage error.
import type { Analysis } from '../analyze/index.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { WhittleError } from '../errors.js';
import type { ImageConfig } from '../image/spec.js';
import { lintText } from '../lint/engine.js';
import type { DockerfileInput } from '../lint/input.js';
import { attribute, type Attribution } from './index.js';

export async function attributeDockerfile(analysis: Analysis, config: ImageConfig, input: DockerfileInput, target?: string): Promise<Attribution> {
  const model = parseDockerfile(input.text);
  if (model.stages.length === 0) throw new WhittleError('unsupported', `${input.file}: no FROM instruction, not a Dockerfile`);
  const lint = await lintText(input.text, {
    file: input.file,
    ...(target !== undefined ? { target } : {}),
    ...(input.dockerignore !== undefined ? { dockerignore: input.dockerignore } : {}),
    ...(input.contextEntries ? { contextEntries: input.contextEntries } : {}),
    ...(input.contextDir ? { contextDir: input.contextDir } : {}),
  });
  if (!lint.targetFound) throw new WhittleError('usage', `--target ${target}: ${input.file} has no such stage`);
  return attribute({ analysis, config, model, file: input.file, ...(target !== undefined ? { target } : {}), diagnostics: lint.diagnostics });
}
