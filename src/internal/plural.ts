// Counting words in messages: "1 file", "2 files", "1 secret-looking file ships". Used by analyze's
// finding messages (fillMessage's `{{key|one|many}}` placeholder) and `whittle context`'s text output.

/** plural picks one or many by n: plural(1, 'file', 'files') = 'file'. */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** counted writes n with the word that agrees with it: counted(1, 'file', 'files') = '1 file'. */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${plural(n, one, many)}`;
}
