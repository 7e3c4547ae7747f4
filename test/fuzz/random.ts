// A small deterministic PRNG for the fuzzing suite, written by hand so that a seed printed by a
// failing run replays the same inputs on any machine and Node version (Math.random cannot be
// seeded). mulberry32: 32-bit state, good enough spread for choosing input shapes.

/** Random draws deterministic choices from a 32-bit seed. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** next returns a float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** int returns an integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** chance is true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** weighted picks a key of table with probability proportional to its weight. */
  weighted<K extends string>(table: Record<K, number>): K {
    const entries = Object.entries(table) as [K, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      if ((r -= w) < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }

  /** bytes returns n pseudo-random bytes. */
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }

  /** fork derives an independent generator, so one part of an input can change without shifting the rest. */
  fork(): Random {
    return new Random(this.int(0, 0xffffffff));
  }
}

/** caseSeed derives the seed of case i of a run, so any single case can be replayed alone. */
export function caseSeed(runSeed: number, i: number): number {
  return (Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}
