// The CLI speaks one language: every command's help has the same shape, the same flags mean the
// same thing everywhere, every usage error is one `whittle:` line with exit 2, and a closed pipe
// ends the process quietly.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const COMMANDS = ['analyze', 'lint', 'rules', 'context', 'fix', 'squash', 'strip', 'ls', 'variants'];

function whittle(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/whittle.js', ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const helps = new Map(COMMANDS.map((c) => [c, whittle(c, '--help')]));
/** options lists a help text's option lines as [flags, description]. */
function options(help: string): [string, string][] {
  const section = help.slice(help.indexOf('\nOptions:\n'));
  return [...section.matchAll(/^ {2}(-[^\s,]+(?:, --\S+)?(?: <[^>]+>| \[[^\]]+\])?) {2,}(\S.*)$/gm)].map((m) => [m[1]!, m[2]!]);
}

describe.each(COMMANDS)('whittle %s --help', (command) => {
  const help = helps.get(command)!;

  it('exits 0 with the help on stdout', () => {
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(new RegExp(`^Usage: whittle ${command} `));
  });

  it('starts its description with a capital letter and ends it without a period', () => {
    const description = help.stdout.split('\n\n')[1]!.replace(/\s+/g, ' ').trim();
    expect(description).toMatch(/^[A-Z]/);
    expect(description).not.toMatch(/\.$/);
  });

  it('writes option descriptions in lowercase', () => {
    const opts = options(help.stdout);
    expect(opts.length).toBeGreaterThan(1);
    for (const [flag, text] of opts) expect(text, flag).toMatch(/^[a-z]/);
  });

  it('ends with two or three real examples', () => {
    const tail = help.stdout.slice(help.stdout.lastIndexOf('\nExamples:\n'));
    expect(help.stdout.trimEnd().endsWith(tail.trimEnd())).toBe(true);
    const lines = tail.trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(new RegExp(`^ {2}whittle ${command}( |$)`));
  });

  it('turns an unknown option into one whittle: line and exit 2', () => {
    // squash checks its required -o before unknown options
    const r = whittle(command, ...(command === 'squash' ? ['-o', 'out.tar'] : []), '--no-such-flag');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`whittle: unknown option '--no-such-flag' (see whittle ${command} --help)\n`);
    expect(r.status).toBe(2);
  });
});

describe('one flag vocabulary', () => {
  const has = (command: string, flag: string) => options(helps.get(command)!.stdout).some(([f]) => f.split(/[ ,]+/).includes(flag));
  it.each(COMMANDS)('%s prints its result as JSON with --json', (command) => {
    expect(has(command, '--json')).toBe(true);
  });
  it.each(['analyze', 'context', 'strip', 'ls'])('%s keeps whole paths with --wide', (command) => {
    expect(has(command, '--wide')).toBe(true);
  });
  it.each(['analyze', 'lint'])('%s, which paints, has --no-color', (command) => {
    expect(has(command, '--no-color')).toBe(true);
  });
  it('-f is the format only for lint (hadolint), the Dockerfile for context and variants (as docker build -f), and nothing elsewhere', () => {
    const dashF = COMMANDS.filter((c) => has(c, '-f'));
    expect(dashF.sort()).toEqual(['context', 'lint', 'variants']);
    for (const c of ['context', 'variants']) expect(options(helps.get(c)!.stdout).find(([f]) => f.startsWith('-f'))![0]).toBe('-f, --file <Dockerfile>');
    expect(options(helps.get('lint')!.stdout).find(([f]) => f.startsWith('-f'))![0]).toBe('-f, --format <format>');
  });
});

describe('usage errors', () => {
  it.each([
    [['analyze'], "whittle: missing required argument 'image' (see whittle analyze --help)"],
    [['ls'], "whittle: missing required argument 'image' (see whittle ls --help)"],
    [['strip', 'x', '--compression', 'zip'], "whittle: option '--compression <type>' argument 'zip' is invalid; allowed choices are auto, gzip, none (see whittle strip --help)"],
    [['lint', '--format', 'xml'], "whittle: option '-f, --format <format>' argument 'xml' is invalid; allowed choices are text, json, sarif (see whittle lint --help)"],
    [['context', '--top'], "whittle: option '--top <n>' argument missing (see whittle context --help)"],
    [['squash', 'x'], "whittle: required option '-o, --output <ref>' not specified (see whittle squash --help)"],
    [['analyze', 'a', 'b'], "whittle: too many arguments for 'analyze'; expected 1 argument but got 2 (see whittle analyze --help)"],
    [['analyze', 'x', '--jsn'], "whittle: unknown option '--jsn'; did you mean --json? (see whittle analyze --help)"],
    [['lsit'], "whittle: unknown command 'lsit'; did you mean one of lint, ls? (see whittle --help)"],
    [['help', 'nope'], "whittle: unknown command 'nope' (see whittle --help)"],
    [['context', '--top', 'x'], 'whittle: --top: not a whole number: x'],
  ])('%j', (args, line) => {
    const r = whittle(...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.status).toBe(2);
  });
});

describe('a closed pipe', () => {
  /** run starts whittle with its stdout already closed by the reader, as `whittle … | head -0` would. */
  function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/whittle.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }
  it.each([[['rules']], [['analyze', 'x', '--help']], [['--help']]])('%j ends quietly with status 0', async (args) => {
    const r = await run(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
