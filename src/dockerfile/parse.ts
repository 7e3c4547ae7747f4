// parseDockerfile turns Dockerfile text into the model (model.ts) using dockerfile-ast, which keeps
// ranges for every token, understands the escape directive, heredocs, comments inside line
// continuations and CRLF, and never throws on syntax it does not know.
import {
  DockerfileParser,
  type Instruction as AstInstruction,
  type Argument as AstArgument,
  type Flag as AstFlag,
  type Heredoc as AstHeredoc,
  type Property as AstProperty,
  type JSONArgument,
} from 'dockerfile-ast';
import { LineIndex, type Range, type Span } from './positions.js';
import {
  KNOWN_INSTRUCTIONS,
  type Comment,
  type Directive,
  type DockerfileModel,
  type Flag,
  type Heredoc,
  type Instruction,
  type Property,
  type Stage,
  type Token,
} from './model.js';

/** Instructions whose shell-form words the builder unquotes (BuildKit's ProcessWords). */
const WORD_PROCESSED = new Set(['ADD', 'COPY', 'WORKDIR', 'USER', 'VOLUME', 'EXPOSE', 'STOPSIGNAL']);

/**
 * unquoteWord removes quoting from one word as the builder's shell lexer does, without expanding
 * variables: '…' is literal, "…" keeps its text with the escape character escaping `"`, `$`, the
 * escape character itself and a backquote, and outside quotes the escape character escapes the next
 * character.
 */
export function unquoteWord(raw: string, escape = '\\'): string {
  if (!/['"]/.test(raw) && !raw.includes(escape)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return out + raw.slice(i);
      out += raw.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) {
        if (raw[j] === escape && j + 1 < raw.length && ['"', '$', escape, '`'].includes(raw[j + 1]!)) j++;
        out += raw[j];
      }
      if (j >= raw.length) return out;
      i = j;
    } else if (c === escape && i + 1 < raw.length) {
      out += raw[++i];
    } else out += c;
  }
  return out;
}

const JSON_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD']);

interface AstLike {
  getFlags?: () => AstFlag[];
  getJSONStrings?: () => JSONArgument[];
  getProperties?: () => AstProperty[];
  getHeredocs?: () => AstHeredoc[];
  getTriggerInstruction?: () => AstInstruction | null;
}

export function parseDockerfile(text: string): DockerfileModel {
  const lines = new LineIndex(text);
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const span = (r: Range | null | undefined): Span | null => (r ? lines.spanOf(r) : null);
  const must = (r: Range): Span => lines.spanOf(r);

  const token = (a: AstArgument): Token => ({ value: a.getValue(), span: must(a.getRange()) });
  // The builder removes quotes from the words of these instructions (`ADD "file.tgz" /x/` adds
  // file.tgz), so their values are the words the builder sees; variables stay unexpanded.
  const word = (a: AstArgument): Token => ({ value: unquoteWord(a.getValue(), escape), span: must(a.getRange()) });

  const convert = (inst: AstInstruction, index: number, stage: number): Instruction => {
    const x = inst as unknown as AstLike;
    const keyword = inst.getKeyword().toUpperCase();
    const flags: Flag[] = (x.getFlags?.() ?? []).map((f) => ({
      name: f.getName(),
      value: f.getValue(),
      span: must(f.getRange()),
      nameSpan: must(f.getNameRange()),
    }));
    let json: Token[] | null = null;
    if (JSON_FORM.has(keyword) && x.getJSONStrings) {
      const args = inst.getArgumentsContent()?.trim() ?? '';
      if (args.startsWith('[') && args.endsWith(']')) {
        // getJSONValue() drops the spaces inside a string ("apt-get update" → "apt-getupdate"), so
        // decode the string's own text; fall back to it only when the text is not plain JSON.
        json = x.getJSONStrings().map((j) => {
          const span = must(j.getRange());
          return { value: jsonString(text.slice(span.start, span.end)) ?? j.getJSONValue(), span };
        });
      }
    }
    const properties: Property[] =
      keyword === 'ENV' || keyword === 'ARG' || keyword === 'LABEL'
        ? (x.getProperties?.() ?? []).map((p) => ({
            name: p.getName(),
            value: p.getValue(),
            span: must(p.getRange()),
            nameSpan: must(p.getNameRange()),
            valueSpan: span(p.getValueRange()),
          }))
        : [];
    const heredocs: Heredoc[] = (x.getHeredocs?.() ?? []).map((h) => {
      const contentSpan = span(h.getContentRange());
      return {
        name: h.getName(),
        content: contentSpan ? text.slice(contentSpan.start, contentSpan.end) : '',
        contentSpan,
      };
    });
    let trigger: Instruction | null = null;
    if (keyword === 'ONBUILD') {
      const t = x.getTriggerInstruction?.();
      if (t) trigger = convert(t, index, stage);
    }
    return {
      index,
      keyword,
      known: KNOWN_INSTRUCTIONS.has(keyword),
      span: must(inst.getRange()),
      keywordSpan: must(inst.getInstructionRange()),
      argsSpan: span(inst.getArgumentsRange()),
      args: inst.getArguments().map(WORD_PROCESSED.has(keyword) ? word : token),
      flags,
      json,
      properties,
      heredocs,
      stage,
      trigger,
    };
  };

  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  const byName = new Map<string, number>();
  // ARG defaults before the first FROM: BuildKit expands them in FROM, so `FROM ${BASE}` with
  // `ARG BASE=build` builds on the stage named build.
  const globalDefaults = new Map<string, string>();
  for (const inst of ast.getInstructions()) {
    const keyword = inst.getKeyword().toUpperCase();
    const stageIndex = keyword === 'FROM' ? stages.length : stages.length - 1;
    const converted = convert(inst, instructions.length, stageIndex);
    instructions.push(converted);
    if (keyword === 'FROM') {
      const image = converted.args[0];
      const asWord = converted.args[1];
      const nameTok = asWord && asWord.value.toUpperCase() === 'AS' ? converted.args[2] : undefined;
      const name = nameTok ? nameTok.value.toLowerCase() : null;
      const base = image ? byName.get(expandArgs(image.value, globalDefaults).toLowerCase()) : undefined;
      stages.push({
        index: stageIndex,
        name,
        nameSpan: nameTok?.span ?? null,
        from: converted,
        image: image?.value ?? '',
        imageSpan: image?.span ?? null,
        baseStage: base ?? null,
        instructions: [converted],
      });
      if (name !== null && !byName.has(name)) byName.set(name, stageIndex);
    } else if (stageIndex >= 0) {
      stages[stageIndex]!.instructions.push(converted);
    } else if (keyword === 'ARG') {
      globalArgs.push(converted);
      for (const p of converted.properties) if (p.value !== null) globalDefaults.set(p.name, p.value);
    }
  }

  const comments: Comment[] = ast.getComments().map((c) => {
    const s = must(c.getRange());
    return { text: c.getContent().trim(), span: s, line: lines.positionAt(s.start).line };
  });
  // dockerfile-ast reads any leading `# word … = value` line as a directive; BuildKit only knows
  // `# key=value` with a one-word key. Anything else (e.g. `# whittle global ignore=…`) is a comment.
  const directives: Directive[] = [];
  for (const d of ast.getDirectives()) {
    const span = must(d.getRange());
    const raw = text.slice(span.start, span.end);
    if (/^#\s*[A-Za-z][A-Za-z0-9]*\s*=/.test(raw)) {
      directives.push({ name: d.getName().toLowerCase(), value: d.getValue(), span });
    } else {
      comments.push({ text: raw.replace(/^#/, '').trim(), span, line: lines.positionAt(span.start).line });
    }
  }
  comments.sort((a, b) => a.span.start - b.span.start);

  return { text, lines, escape, directives, instructions, stages, globalArgs, comments };
}

function jsonString(raw: string): string | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** expandArgs substitutes $NAME, ${NAME} and ${NAME:-default} from ARG defaults; unknown names stay. */
function expandArgs(text: string, values: ReadonlyMap<string, string>): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const v = values.get((a ?? b)!);
    if (v !== undefined && v !== '') return v;
    return def ?? m;
  });
}

/** flag finds an instruction's flag by name (last one wins, as in BuildKit). */
export function flag(inst: Instruction, name: string): Flag | undefined {
  for (let i = inst.flags.length - 1; i >= 0; i--) if (inst.flags[i]!.name === name) return inst.flags[i];
  return undefined;
}
