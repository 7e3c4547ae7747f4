// The Dockerfile model every rule reads: instructions with flags, arguments and heredocs located by
// document offsets, grouped into build stages. Built by parse.ts from dockerfile-ast.
import type { LineIndex, Span } from './positions.js';

/** KNOWN_INSTRUCTIONS are the keywords BuildKit's Dockerfile frontend accepts. */
export const KNOWN_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** KNOWN_FLAGS lists the `--flag`s each instruction accepts in current Dockerfile syntax. */
export const KNOWN_FLAGS: Readonly<Record<string, readonly string[]>> = {
  FROM: ['platform'],
  RUN: ['mount', 'network', 'security', 'device'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude', 'unpack'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

/** Token is one argument word: its value and where it is. */
export interface Token {
  value: string;
  span: Span;
}

export interface Flag {
  name: string;
  /** null for a bare flag such as `--link`. */
  value: string | null;
  span: Span;
  nameSpan: Span;
}

/** Property is one `name=value` (or legacy `name value`) of ENV, ARG or LABEL. */
export interface Property {
  name: string;
  value: string | null;
  span: Span;
  nameSpan: Span;
  valueSpan: Span | null;
}

export interface Heredoc {
  name: string;
  /** The body between the `<<NAME` line and the terminator, '' when empty. */
  content: string;
  contentSpan: Span | null;
}

export interface Instruction {
  /** Position in the file's instruction list. */
  index: number;
  /** Upper-case keyword as written (unknown keywords too). */
  keyword: string;
  known: boolean;
  span: Span;
  keywordSpan: Span;
  /** The text after the keyword and the flags, null when there is none. */
  argsSpan: Span | null;
  args: Token[];
  flags: Flag[];
  /** Exec (JSON) form strings for RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD, null for shell form. */
  json: Token[] | null;
  properties: Property[];
  heredocs: Heredoc[];
  /** Index of the stage the instruction belongs to; -1 before the first FROM. */
  stage: number;
  /** For ONBUILD: the trigger instruction, keyword and arguments re-located inside this one. */
  trigger: Instruction | null;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased like BuildKit does, or null. */
  name: string | null;
  nameSpan: Span | null;
  from: Instruction;
  /** The image reference as written (`node:20-slim`, `${BASE}`, `build`). */
  image: string;
  imageSpan: Span | null;
  /** When FROM names an earlier stage, that stage's index. */
  baseStage: number | null;
  instructions: Instruction[];
}

export interface Directive {
  name: string;
  value: string;
  span: Span;
}

export interface Comment {
  /** Text after `#`, trimmed. */
  text: string;
  span: Span;
  line: number;
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  escape: string;
  directives: Directive[];
  instructions: Instruction[];
  stages: Stage[];
  /** ARGs before the first FROM (usable in FROM lines). */
  globalArgs: Instruction[];
  comments: Comment[];
}
