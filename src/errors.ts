// WhittleError is the one error class of the library: a string code, a message that names the step
// ("reading manifest.json: …"), and the underlying cause. The CLI prints `whittle: <message>` for it
// and exits 2; anything else is a bug and gets a stack trace.

/** ErrorCode classifies what went wrong, so callers can react without parsing messages. */
export type ErrorCode =
  | 'usage' // bad flags or arguments
  | 'bad-reference' // an image reference or transport that cannot be parsed
  | 'not-found' // a file, directory, image or tag that does not exist
  | 'bad-archive' // a tar, JSON document or layout that is malformed
  | 'truncated' // input ended before it should have
  | 'digest-mismatch' // content does not hash to the digest that names it
  | 'size-mismatch' // content is not the size its descriptor states
  | 'missing-blob' // a blob named by a manifest or config is absent
  | 'unsupported-media-type' // a media type whittle does not read
  | 'unsafe-path' // path traversal, absolute or escaping paths and links
  | 'no-matching-platform' // an index has no manifest for the requested platform
  | 'unsupported' // a valid input whittle does not handle (yet)
  | 'auth' // a registry or engine refused the credentials (401, 403) or had none
  | 'network' // a registry, token server or engine could not be reached, or the connection broke
  | 'limit' // the output would pass a size the user set (--max-output)
  | 'io'; // the operating system refused (permissions, disk full)

export class WhittleError extends Error {
  override readonly name = 'WhittleError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** isWhittleError narrows unknown errors, including ones that crossed a worker boundary. */
export function isWhittleError(err: unknown): err is WhittleError {
  return err instanceof WhittleError;
}

/** describeCause renders a low-level error (ENOENT, zlib, JSON) as a short lowercase phrase. */
export function describeCause(err: unknown): string {
  if (err instanceof WhittleError) return err.message;
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (e.code === 'ENOENT') return 'no such file or directory';
    if (e.code === 'EACCES') return 'permission denied';
    if (e.code === 'EISDIR') return 'is a directory';
    if (e.code === 'ENOTDIR') return 'not a directory';
    if (e.code === 'ENOSPC') return 'no space left on device';
    if (e.code === 'Z_BUF_ERROR' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') return 'unexpected end of data';
    if (typeof e.message === 'string') return e.message.replace(/^[A-Z]/, (c) => c.toLowerCase());
  }
  return String(err);
}

/** wrap turns any error into a WhittleError whose message starts with the step that failed. */
export function wrap(step: string, err: unknown, code: ErrorCode = 'io'): WhittleError {
  if (err instanceof WhittleError) {
    return new WhittleError(err.code, `${step}: ${err.message}`, { cause: err });
  }
  const c = (err as { code?: unknown } | null)?.code;
  const mapped: ErrorCode =
    c === 'ENOENT' || c === 'ENOTDIR' ? 'not-found' : c === 'Z_BUF_ERROR' ? 'truncated' : code;
  return new WhittleError(mapped, `${step}: ${describeCause(err)}`, { cause: err });
}
