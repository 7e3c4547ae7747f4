// `-`: a `docker save` stream on standard input (`docker save app | whittle analyze -`). The stream
// is spooled to a temporary file under os.tmpdir() rather than read as it arrives: docker save
// writes manifest.json after the layers, and the image model reads layers more than once
// (analysis, then rewriting), which a stream cannot give. The file is removed when opening fails,
// and otherwise when the process exits (src/internal/spool.ts). An OCI archive on stdin is read too.
import type { Readable } from 'node:stream';
import { WhittleError } from '../../errors.js';
import type { Image } from '../../image/image.js';
import type { SelectOptions } from '../../image/select.js';
import { TarSource } from '../../internal/file-source.js';
import { removeSpool, spool } from '../../internal/spool.js';
import { dockerArchiveImage } from '../tarball/index.js';

/** stdinImage reads the archive on input (default: standard input) and opens its one image. */
export async function stdinImage(reference: string, select: SelectOptions, input: Readable & { isTTY?: boolean } = process.stdin): Promise<Image> {
  if (input.isTTY) throw new WhittleError('usage', 'reading an image from standard input (-), but it is a terminal: pipe `docker save NAME` into it');
  const file = await spool(input, 'whittle-stdin-', 'reading standard input');
  try {
    return await dockerArchiveImage(await TarSource.open(file, 'standard input'), reference, undefined, select);
  } catch (err) {
    removeSpool(file);
    // name the input as the user gave it, not the spool file
    throw err instanceof WhittleError ? new WhittleError(err.code, err.message.split(file).join('standard input'), { cause: err }) : err;
  }
}
