// alignSteps pairs the image's history entries with the Dockerfile instructions that made them. Both
// are in build order, so this is a sequence alignment (dynamic programming, like a diff): the
// history is the base image's entries followed by one entry per instruction of the shipped stages;
// an instruction may have left no entry, and an entry may match no instruction (a base's ONBUILD
// trigger, a step a tool rewrote). Leading entries before the first match are the base image's.
// Matching nothing at all means the Dockerfile did not build this image (or its history was
// rewritten): then nothing is the base's and every entry is unattributed.

/** SKIP_ENTRY is the cost of leaving a history entry (after the base) unattributed. */
const SKIP_ENTRY = 2;
/** SKIP_INSTRUCTION is the cost of an instruction without an entry (rare: both builders record every step of a shipped stage). */
const SKIP_INSTRUCTION = 0.25;

export interface Alignment {
  /** baseCount leading history entries are the base image's. */
  baseCount: number;
  /** for each history entry, the instruction it matched, or null. */
  instructionOf: (number | null)[];
}

/**
 * alignSteps aligns entries 0..entries-1 with instructions 0..instructions-1, where score(e, i) is
 * the match score (> 0) or null when entry e cannot be instruction i's.
 */
export function alignSteps(entries: number, instructions: number, score: (e: number, i: number) => number | null): Alignment {
  const width = instructions + 1;
  // best[e * width + i]: the best total for entries e.. and instructions i..
  const best = new Float64Array((entries + 1) * width);
  const choice = new Uint8Array((entries + 1) * width); // 1 match, 2 skip entry, 3 skip instruction
  const scores = new Map<number, number>();
  for (let e = entries; e >= 0; e--) {
    for (let i = instructions; i >= 0; i--) {
      const at = e * width + i;
      if (e === entries && i === instructions) continue;
      let value = -Infinity;
      let how = 0;
      if (e < entries && i < instructions) {
        const s = score(e, i);
        if (s !== null) {
          scores.set(at, s);
          value = s + best[(e + 1) * width + i + 1]!;
          how = 1;
        }
      }
      if (e < entries && best[(e + 1) * width + i]! - SKIP_ENTRY > value) {
        value = best[(e + 1) * width + i]! - SKIP_ENTRY;
        how = 2;
      }
      if (i < instructions && best[e * width + i + 1]! - SKIP_INSTRUCTION > value) {
        value = best[e * width + i + 1]! - SKIP_INSTRUCTION;
        how = 3;
      }
      best[at] = value;
      choice[at] = how;
    }
  }
  // the base is a free prefix: pick where the Dockerfile's steps begin
  let baseCount = entries;
  let bestTotal = -Infinity;
  for (let e = 0; e <= entries; e++) {
    const total = best[e * width]!;
    if (total > bestTotal) {
      bestTotal = total;
      baseCount = e;
    }
  }
  const instructionOf: (number | null)[] = new Array<number | null>(entries).fill(null);
  let matched = 0;
  for (let e = baseCount, i = 0; e < entries || i < instructions; ) {
    const how = choice[e * width + i];
    if (how === 1) {
      instructionOf[e] = i;
      matched++;
      e++;
      i++;
    } else if (how === 2) e++;
    else if (how === 3) i++;
    else break;
  }
  if (matched === 0) return { baseCount: 0, instructionOf };
  return { baseCount, instructionOf };
}
