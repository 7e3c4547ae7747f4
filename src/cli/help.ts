// The end of every command's help: an `Examples:` section of real invocations, in one format.

/** examples renders the `Examples:` section added with addHelpText('after', …). */
export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`; // commander ends each text with a newline
}
