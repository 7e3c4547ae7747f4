// Public API of the Dockerfile linter, for src/index.ts to re-export.
export { lintText, lintTextSync, type LintOptions, type LintResult, type RuleSetting } from './engine.js';
export { rules } from './rules/index.js';
export { applyEdits } from './edits.js';
export { defineRule, renderMessage } from './define.js';
export { loadConfig, parseConfig, type LintConfig, type FailLevel } from './config.js';
export { readDockerfileInput, decodeDockerfile, type DockerfileInput } from './input.js';
export { formatText } from './format/text.js';
export { formatJson, toJson, JSON_FORMAT_VERSION } from './format/json.js';
export { formatSarif, toSarif } from './format/sarif.js';
export type { Diagnostic, Edit, Fixer, ReportDescriptor, Rule, RuleContext, RuleMeta, RuleVisitor, RunInfo, Severity, StageFacts, Covers, Category } from './types.js';
export { parseDockerfile } from '../dockerfile/parse.js';
export type { DockerfileModel, Instruction, Stage } from '../dockerfile/model.js';
