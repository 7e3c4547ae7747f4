// humanBytes prints sizes the way docker does: decimal units (kB, MB, GB), three significant digits.

export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n}B` : `${Number(v.toPrecision(3))}${units[u]}`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
