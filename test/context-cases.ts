// Table of tricky .dockerignore cases shared by the unit tests and the engine comparison test.
// Each case builds the same small tree; `sent` is what Docker's rules say arrives (checked against
// the engine by test/engine/context.test.ts, so a wrong expectation here fails there too).

export const TREE: readonly string[] = [
  'Dockerfile',
  'app.js',
  'README.md',
  'notes.txt',
  '.env',
  '.env.local',
  'a/b/c.txt',
  'a/b/keep.txt',
  'a/x.md',
  'docs/guide.md',
  'docs/keep.md',
  'node_modules/pkg/index.js',
  'node_modules/pkg/README.md',
  'src/main.js',
  'src/lib/util.js',
  'src/lib/util.test.js',
  'logs/app.log',
  'tmp/cache/x.bin',
  'weird name.txt',
  '#hash.txt',
  '!bang.txt',
];

export interface IgnoreCase {
  name: string;
  ignore: string;
}

export const CASES: readonly IgnoreCase[] = [
  { name: 'empty', ignore: '' },
  { name: 'directory name', ignore: 'node_modules\n' },
  { name: 'trailing slash', ignore: 'node_modules/\n' },
  { name: 'leading slash', ignore: '/docs\n' },
  { name: 'star one level', ignore: '*.md\n' },
  { name: 'double star any depth', ignore: '**/*.md\n' },
  { name: 'double star suffix', ignore: 'src/**\n' },
  { name: 're-include', ignore: '*.md\n!README.md\n' },
  { name: 'last match wins', ignore: '!README.md\n*.md\n' },
  { name: 're-include inside excluded dir', ignore: 'a\n!a/b/keep.txt\n' },
  { name: 're-include with double star', ignore: '**/*.md\n!docs/keep.md\n' },
  { name: 'exclude everything but', ignore: '*\n!src\n!Dockerfile\n' },
  { name: 'comments and spaces', ignore: '# comment\n  logs  \n\n   # not a comment\n' },
  { name: 'question mark', ignore: 'a/?.md\n' },
  { name: 'character class', ignore: '[lt]*\n' },
  { name: 'env files', ignore: '.env*\n' },
  { name: 'double star middle', ignore: 'src/**/*.test.js\n' },
  { name: 'dot and clean', ignore: './tmp/../logs\n./a/./b\n' },
  { name: 'escaped hash and bang', ignore: '\\#hash.txt\n\\!bang.txt\n' },
  { name: 'space in name', ignore: 'weird name.txt\n' },
  { name: 'crlf lines', ignore: 'logs\r\ntmp\r\n' },
  { name: 'exclusion after dir re-include', ignore: 'node_modules\n!node_modules/pkg\nnode_modules/pkg/README.md\n' },
  { name: 'double star prefix file', ignore: '**/keep*\n' },
  { name: 'bare double star', ignore: '**\n!src/main.js\n' },
  { name: 'wildcard re-include cannot reach into a skipped dir', ignore: 'a\n!**/keep.txt\n' },
  { name: 'nested excluded dir re-include', ignore: 'a/b\n!a/b/keep.txt\n' },
  { name: 'Dockerfile and .dockerignore excluded', ignore: 'Dockerfile\n.dockerignore\n*.md\n' },
  { name: 'negated class caret', ignore: '[^R]*.md\n' },
  { name: 'negated class bang', ignore: '[!R]*.md\n' },
  { name: 'utf8 bom', ignore: '\ufefflogs\n' },
  { name: 'parent segments beyond root', ignore: '../logs\n' },
];
