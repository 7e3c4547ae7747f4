// OCI archives (`oci-archive:PATH[:ref]`): an OCI image layout packed in a tar, read in place.
import type { Image } from '../../image/image.js';
import type { SelectOptions } from '../../image/select.js';
import { TarSource } from '../../internal/file-source.js';
import { layoutImage } from '../layout/index.js';

export async function ociArchiveImage(path: string, reference: string, opts: SelectOptions): Promise<Image> {
  return layoutImage(await TarSource.open(path), reference, opts);
}
