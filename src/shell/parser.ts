// Loads tree-sitter-bash (WebAssembly) once, lazily, and parses shell text with it. The wasm files are
// resolved through Node's module resolution so this works both from src/ (tests) and from dist/.
//
// The grammar's lexer is one huge wasm function. V8 first runs it as Liftoff (baseline) code, and
// once it is hot, recompiles it with TurboFan: on this 2-core machine that stalls the event loop for
// ~400 ms right after the first parse, which was most of `whittle lint FILE`'s 0.58 s. Liftoff code is
// fast enough for shell scripts of Dockerfiles: with `--liftoff-only` (set before the grammar is
// compiled; it applies to WebAssembly only, and only tree-sitter uses it here) one file lints in
// ~0.17 s and bench/lint.mjs's 1,000 files in 1.08 s instead of 1.36 s.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let ready: Promise<Parser> | null = null;
let parser: Parser | null = null;

/** initShellParser loads the bash grammar; call (and await) it before parseShell. Idempotent. */
export function initShellParser(): Promise<Parser> {
  ready ??= (async () => {
    setFlagsFromString('--liftoff-only');
    const require = createRequire(import.meta.url);
    const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const p = new Parser();
    p.setLanguage(bash);
    parser = p;
    return p;
  })();
  return ready;
}

/** shellParserReady tells whether initShellParser has completed, so parseShell can answer. */
export function shellParserReady(): boolean {
  return parser !== null;
}

/** parseShell parses bash text; null only if initShellParser has not completed. */
export function parseShell(text: string): Tree | null {
  return parser?.parse(text) ?? null;
}
