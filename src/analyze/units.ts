// Sizes and ratios for people. formatBytes is whittle's one byte formatter: the analyze report and
// every CLI command (through src/cli/format.ts) print sizes with it.

/**
 * formatBytes prints sizes the way `docker images` does: decimal units (1 kB = 1000 B), three
 * significant digits, no space: 789B, 45.6kB, 1.23MB, 988MB. It refers to nothing outside its
 * body: the report page runs its source text (src/report/html.ts), under whatever name a bundler
 * gave it.
 */
export function formatBytes(n: number): string {
  const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
  if (!Number.isFinite(n)) return String(n);
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  if (u === 0) return `${n}B`;
  let shown = Number(v.toPrecision(3));
  if (shown >= 1000 && u < UNITS.length - 1) {
    shown = Number((shown / 1000).toPrecision(3)); // 999.5 kB rounds to 1 MB, not 1000 kB
    u++;
  }
  return `${n < 0 ? '-' : ''}${shown}${UNITS[u]}`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
