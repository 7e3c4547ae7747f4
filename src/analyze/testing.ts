// Builders of synthetic LayerEntry arrays and AnalysisInputs for the analysis tests.
import type { LayerEntry } from '../layers/entry.js';
import type { AnalysisInput } from './index.js';

export function file(path: string, size: number, extra: Partial<LayerEntry> = {}): LayerEntry {
  return { path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, mtime: 0, ...extra };
}
export function dir(path: string, extra: Partial<LayerEntry> = {}): LayerEntry {
  return { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0, ...extra };
}
export function link(path: string, target: string): LayerEntry {
  return { path, type: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkTarget: target };
}
export function symlink(path: string, target: string): LayerEntry {
  return { path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtime: 0, linkTarget: target };
}
export function whiteout(path: string): LayerEntry {
  return { path, type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, whiteout: 'file' };
}
export function opaque(path: string): LayerEntry {
  return { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0, whiteout: 'opaque' };
}

/** input wraps entry lists into an AnalysisInput with made-up stats (blob = tar / 2, tar = content + 512 per entry). */
export function input(layers: LayerEntry[][], config: Partial<AnalysisInput['config']> = {}): AnalysisInput {
  return {
    reference: 'example:latest',
    configDigest: 'sha256:' + 'c'.repeat(64),
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, ...config },
    layers: layers.map((entries, i) => {
      const tar = entries.reduce((s, e) => s + 512 + e.size, 1024);
      return {
        entries,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        stats: { digest: `sha256:${String(i).repeat(64).slice(0, 64)}`, size: Math.floor(tar / 2), diffId: `sha256:${'d'.repeat(64)}`, uncompressedSize: tar, compression: 'gzip' },
      };
    }),
  };
}
