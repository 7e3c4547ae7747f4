// `whittle minify --probe`: the lines of the text report and the `probe` object of --json — what
// the traced run of the original did, how many of the image's paths it touched, and the paths the
// probe added that the static trace missed (src/minify/probe.ts runs it).
import { counted } from '../internal/plural.js';
import type { MinifyPlan } from '../minify/index.js';
import type { ProbeRun } from '../minify/probe.js';

function outcome(run: ProbeRun): string {
  const t = run.transcript;
  if (t.status !== undefined) return t.status === null ? 'no HTTP answer' : `HTTP ${t.status}`;
  if (t.healthy !== undefined) return t.healthy ? 'healthy' : 'not healthy';
  return t.exitCode === null ? 'no exit' : `exit ${t.exitCode}`;
}

/** formatProbe renders the probe as the lines of the text report. */
export function formatProbe(run: ProbeRun, plan: MinifyPlan): string[] {
  const added = plan.probe?.added ?? [];
  const lines = [
    `probe: traced ${JSON.stringify(run.command)}${run.exec ? ` and the HEALTHCHECK ${JSON.stringify(run.exec)}` : ''} in the original${run.capAdd ? ' (with --cap-add SYS_PTRACE)' : ''}: ${outcome(run)}; ${counted(plan.probe?.touched ?? 0, 'path', 'paths')} of the image touched, ${run.trace.notFound.size} looked for and not found`,
  ];
  if (added.length === 0) lines.push('probe: added nothing the static trace missed');
  else {
    lines.push(`probe: added ${counted(added.length, 'path', 'paths')} the static trace missed:`);
    for (const p of added) lines.push(`  ${p} (${(plan.kept.get(p.slice(1)) ?? []).join('; ')})`);
  }
  return lines;
}

/** probeJson is the probe as --json gives it. */
export function probeJson(run: ProbeRun, plan: MinifyPlan) {
  return {
    added: plan.probe?.added ?? [],
    touched: plan.probe?.touched ?? 0,
    command: run.command,
    ...(run.exec ? { exec: run.exec } : {}),
    ...(run.capAdd ? { capAdd: ['SYS_PTRACE'] } : {}),
    original: run.transcript,
    notFound: [...run.trace.notFound].sort(),
  };
}
