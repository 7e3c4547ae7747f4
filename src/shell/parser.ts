// Loads tree-sitter-bash (WebAssembly) once, lazily, and parses shell text with it. The wasm files are
// resolved through Node's module resolution so this works both from src/ (tests) and from dist/.
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let ready: Promise<Parser> | null = null;
let parser: Parser | null = null;

/** initShellParser loads the bash grammar; call (and await) it before parseShell. Idempotent. */
export function initShellParser(): Promise<Parser> {
  ready ??= (async () => {
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
