// Reading what the user points `whittle lint` at: a Dockerfile path, a directory holding one, or `-`
// for stdin; refusing empty and binary input with one clear message; finding the .dockerignore that
// BuildKit would use when the Dockerfile's directory is the build context.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { findIgnoreFile } from '../context/dockerignore.js';
import { MAX_DOCKERFILE_BYTES, checkDockerfileSize } from '../context/dockerfile-size.js';
import { WhittleError, wrap } from '../errors.js';
import { requireRegularFile } from '../internal/regular-file.js';

export interface DockerfileInput {
  file: string;
  text: string;
  /** null when there is none beside the Dockerfile; undefined when unknown (stdin). */
  dockerignore: string | null | undefined;
  /** names at the top of the build context (the Dockerfile's directory); undefined for stdin. */
  contextEntries?: string[];
  /** the build context directory (the Dockerfile's); undefined for stdin. */
  contextDir?: string;
}

/**
 * decodeDockerfile turns bytes into text, or throws 'unsupported' for empty or binary data: the one
 * check of `whittle lint` and `whittle fix`. A leading BOM is dropped unless keepBom (fix keeps
 * every byte it does not edit).
 */
export function decodeDockerfile(bytes: Uint8Array, file: string, opts: { keepBom?: boolean } = {}): string {
  checkDockerfileSize(bytes.length, file);
  if (bytes.length === 0) throw new WhittleError('unsupported', `${file}: empty file, not a Dockerfile`);
  if (bytes.subarray(0, 8192).includes(0)) throw new WhittleError('unsupported', `${file}: binary data, not a Dockerfile`);
  let text: string;
  try {
    // The decoder drops a leading BOM unless told to keep it (ignoreBOM: pass it through as text).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: opts.keepBom === true }).decode(bytes);
  } catch (err) {
    throw new WhittleError('unsupported', `${file}: not UTF-8 text, not a Dockerfile`, { cause: err });
  }
  if (text.trim() === '') throw new WhittleError('unsupported', `${file}: empty file, not a Dockerfile`);
  return text;
}

/** findDockerignore reads the ignore file a build with the Dockerfile's directory as its context uses (src/context/dockerignore.ts). */
export async function findDockerignore(dockerfile: string): Promise<string | null> {
  return (await findIgnoreFile(dirname(dockerfile), dockerfile))?.text ?? null;
}

/** readStdin reads standard input, stopping one byte past MAX_DOCKERFILE_BYTES (enough to refuse it). */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_DOCKERFILE_BYTES) break;
  }
  return Buffer.concat(chunks);
}

export async function readDockerfileInput(arg: string): Promise<DockerfileInput> {
  if (arg === '-') return { file: '<stdin>', text: decodeDockerfile(await readStdin(), '<stdin>'), dockerignore: undefined };
  let path = arg;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'Dockerfile');
  } catch (err) {
    throw wrap(`reading ${arg}`, err);
  }
  let bytes: Uint8Array;
  await requireRegularFile(path, 'a Dockerfile');
  try {
    const size = (await stat(path)).size;
    if (size > MAX_DOCKERFILE_BYTES) checkDockerfileSize(size, path);
    bytes = await readFile(path);
  } catch (err) {
    throw err instanceof WhittleError ? err : wrap(`reading ${path}`, err);
  }
  const contextEntries = await readdir(dirname(path)).catch(() => undefined);
  return { file: path, text: decodeDockerfile(bytes, path), dockerignore: await findDockerignore(path), ...(contextEntries ? { contextEntries, contextDir: dirname(path) } : {}) };
}
