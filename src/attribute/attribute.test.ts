import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze/index.js';
import { dir, file, input, whiteout } from '../analyze/testing.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import type { HistoryEntry } from '../image/spec.js';
import type { LayerEntry } from '../layers/entry.js';
import { alignSteps } from './align.js';
import { attribute } from './index.js';
import { instructionText, matchStep } from './match.js';
import { readRecorded } from './recorded.js';

describe('readRecorded', () => {
  it.each([
    ['/bin/sh -c #(nop)  ENV APP=/app MODE=prod', 'ENV', 'APP=/app MODE=prod', 'classic'],
    ['/bin/bash -o pipefail -c #(nop)  STOPSIGNAL SIGTERM', 'STOPSIGNAL', 'SIGTERM', 'classic'],
    ['|1 VER=1.2 /bin/sh -c echo $VER > v.txt', 'RUN', 'echo $VER > v.txt', 'classic'],
    ['/bin/bash -o pipefail -c echo hi | cat > /x', 'RUN', 'echo hi | cat > /x', 'classic'],
    ['/bin/echo exec form', 'RUN', '/bin/echo exec form', 'classic'],
    ['RUN |1 VER=1.2 /bin/sh -c rm big # buildkit', 'RUN', 'rm big', 'buildkit'],
    ['RUN /bin/echo exec form # buildkit', 'RUN', '/bin/echo exec form', 'buildkit'],
    ['COPY a.txt ./ # buildkit', 'COPY', 'a.txt ./', 'buildkit'],
    ['CMD ["cat" "v.txt"]', 'CMD', '["cat" "v.txt"]', 'buildkit'],
    ['', null, '', 'unknown'],
    ['whittle squash: 7 layers', null, 'whittle squash: 7 layers', 'unknown'],
  ])('%s', (createdBy, keyword, body, builder) => {
    const r = readRecorded(createdBy);
    expect([r.keyword, r.body, r.builder]).toEqual([keyword, body, builder]);
  });

  it('keeps the build args a RUN saw and the classic builder hashed sources', () => {
    expect([...readRecorded('|2 A=1 B= /bin/sh -c make').buildArgs]).toEqual([['A', '1'], ['B', '']]);
    const h = `/bin/sh -c #(nop) COPY --chown=1000:1000file:${'a'.repeat(64)} in /app/ `;
    expect(readRecorded(h).hashed).toEqual({ kind: 'file', dest: '/app/' });
  });
});

function textsOf(dockerfile: string, env: Record<string, string> = {}) {
  const model = parseDockerfile(dockerfile);
  return model.stages[0]!.instructions.filter((i) => i.keyword !== 'FROM').map((i) => instructionText(model, i, (n) => env[n], ['/bin/sh', '-c']));
}

describe('matchStep', () => {
  it('matches both builders exactly, whitespace and continuations aside', () => {
    const [run] = textsOf('FROM x\nRUN echo a && \\\n    echo b\n');
    expect(matchStep(readRecorded('/bin/sh -c echo a &&     echo b'), run!)?.confidence).toBe('exact');
    expect(matchStep(readRecorded('RUN /bin/sh -c echo a &&     echo b # buildkit'), run!)?.confidence).toBe('exact');
    expect(matchStep(readRecorded('RUN /bin/sh -c rm -rf /tmp # buildkit'), run!)).toBeNull();
    expect(matchStep(readRecorded('COPY a b # buildkit'), run!)).toBeNull();
  });

  it('expands what the builder expanded (WORKDIR, COPY destinations)', () => {
    const [workdir, copy] = textsOf('FROM x\nWORKDIR $APP\nCOPY a.txt ${APP}/\n', { APP: '/app' });
    expect(matchStep(readRecorded('/bin/sh -c #(nop) WORKDIR /app'), workdir!)?.confidence).toBe('expanded');
    expect(matchStep(readRecorded(`/bin/sh -c #(nop) COPY file:${'b'.repeat(64)} in /app/ `), copy!)?.confidence).toBe('expanded');
    expect(matchStep(readRecorded('COPY a.txt /app/ # buildkit'), copy!)?.confidence).toBe('expanded');
  });

  it('reads the arrays both builders print for CMD, ENTRYPOINT, EXPOSE', () => {
    const [cmd, entry, expose] = textsOf('FROM x\nCMD ["cat", "v.txt"]\nENTRYPOINT node app.js\nEXPOSE 3000 53/udp\n');
    expect(matchStep(readRecorded('CMD ["cat" "v.txt"]'), cmd!)?.confidence).toBe('exact');
    expect(matchStep(readRecorded('/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c" "node app.js"]'), entry!)?.confidence).toBe('exact');
    expect(matchStep(readRecorded('EXPOSE map[3000/tcp:{} 53/udp:{}]'), expose!)?.confidence).toBe('exact');
  });
});

describe('alignSteps', () => {
  const equal = (entries: string[], instructions: string[]) => alignSteps(entries.length, instructions.length, (e, i) => (entries[e] === instructions[i] ? 4 : null));

  it('gives the leading entries to the base and pairs the rest in order', () => {
    expect(equal(['b1', 'b2', 'x', 'y'], ['x', 'y'])).toEqual({ baseCount: 2, instructionOf: [null, null, 0, 1] });
  });
  it('leaves an entry that matches no instruction unattributed', () => {
    expect(equal(['b1', 'x', 'trigger', 'y'], ['x', 'y'])).toEqual({ baseCount: 1, instructionOf: [null, 0, null, 1] });
  });
  it('gives nothing to the base when nothing matches', () => {
    expect(equal(['b1', 'squashed'], ['x', 'y'])).toEqual({ baseCount: 0, instructionOf: [null, null] });
  });
  it('prefers the later of two equal candidates for a base that ends like the Dockerfile', () => {
    // the base image's own last step is CMD ["bash"]; so is the Dockerfile's last step
    expect(equal(['b1', 'cmd', 'x', 'cmd'], ['x', 'cmd'])).toEqual({ baseCount: 2, instructionOf: [null, null, 0, 1] });
  });
});

const DOCKERFILE = `FROM debian:bookworm AS build
RUN make
FROM debian:bookworm
ENV APP=/app
WORKDIR $APP
RUN apt-get update && apt-get install -y curl
COPY --from=build /out ./out
RUN rm -rf /var/lib/apt/lists/*
CMD ["./out"]
`;

function image(history: HistoryEntry[], layers: LayerEntry[][]) {
  const inp = input(layers, { history, config: { Env: ['PATH=/usr/bin', 'APP=/app'] } });
  return { analysis: analyze(inp), config: inp.config };
}

const BASE: [HistoryEntry, LayerEntry[]][] = [
  [{ created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' }, [dir('usr/'), file('usr/bin/bash', 1_000_000)]],
  [{ created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true }, []],
];

describe('attribute', () => {
  const built: [HistoryEntry, LayerEntry[]][] = [
    ...BASE,
    [{ created_by: '/bin/sh -c #(nop)  ENV APP=/app', empty_layer: true }, []],
    [{ created_by: '/bin/sh -c #(nop) WORKDIR /app' }, [dir('app/')]],
    [{ created_by: '/bin/sh -c apt-get update && apt-get install -y curl' }, [file('var/lib/apt/lists/deb_Packages', 40_000), file('usr/bin/curl', 300_000)]],
    [{ created_by: `/bin/sh -c #(nop) COPY file:${'e'.repeat(64)} in ./out ` }, [file('app/out', 5_000)]],
    [{ created_by: '/bin/sh -c rm -rf /var/lib/apt/lists/*' }, [whiteout('var/lib/apt/lists/deb_Packages')]],
    [{ created_by: '/bin/sh -c #(nop)  CMD ["./out"]', empty_layer: true }, []],
  ];
  const history = built.map(([h]) => h);
  const layers = built.filter(([h]) => h.empty_layer !== true).map(([, l]) => l);

  it('ties every layer to its line, the base to FROM, and nothing to a stage that does not ship', () => {
    const { analysis, config } = image(history, layers);
    const a = attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile' });
    const at = (line: number) => a.lines.find((l) => l.line === line)!;
    expect(a.base).toMatchObject({ line: 3, image: 'debian:bookworm', layers: [0], bytes: 1_000_000 });
    expect(at(3).confidence).toBe('base');
    expect(at(2)).toMatchObject({ ships: false, bytes: 0, layers: [], confidence: null });
    expect(at(5)).toMatchObject({ confidence: 'expanded', layers: [1] });
    expect(at(6)).toMatchObject({ confidence: 'exact', layers: [2], bytes: 340_000, wastedBytes: 40_000 });
    expect(at(7)).toMatchObject({ confidence: 'expanded', layers: [3], bytes: 5_000 });
    expect(at(8)).toMatchObject({ confidence: 'exact', layers: [4] });
    expect(at(9)).toMatchObject({ confidence: 'exact', layers: [] });
    expect(a.unattributed).toEqual({ history: [], layers: [], bytes: 0, wastedBytes: 0 });
    expect(a.ranked.slice(0, 3)).toEqual([3, 6, 7]);
    // the analyze finding about the deleted apt lists is on the line that added them
    expect(at(6).findings.map((f) => f.id)).toContain('deleted-later');
    // the layer bytes add up
    const total = a.lines.reduce((s, l) => s + l.bytes, 0) + a.unattributed.bytes;
    expect(total).toBe(analysis.sizes.docker);
  });

  it('joins lint findings to their line', () => {
    const { analysis, config } = image(history, layers);
    const a = attribute({
      analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile',
      diagnostics: [{ ruleId: 'apt-lists-not-removed', severity: 'warning', messageId: 'x', message: 'apt lists', data: {}, range: { start: { line: 5, character: 0 }, end: { line: 5, character: 3 } }, offsets: [DOCKERFILE.indexOf('RUN apt-get'), DOCKERFILE.indexOf('RUN apt-get') + 3] }],
    });
    expect(a.lines.find((l) => l.line === 6)!.findings).toContainEqual(expect.objectContaining({ source: 'lint', id: 'apt-lists-not-removed' }));
  });

  it('reports a squashed image as unattributed, not misassigned', () => {
    const squashed: HistoryEntry[] = [{ created_by: 'whittle squash: merged 5 layers' }];
    const { analysis, config } = image(squashed, [layers.flat()]);
    const a = attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile' });
    expect(a.base).toBeNull();
    expect(a.lines.every((l) => l.bytes === 0)).toBe(true);
    expect(a.unattributed.layers).toEqual([0]);
    expect(a.unattributed.bytes).toBe(analysis.sizes.docker);
    expect(a.warnings.join()).toMatch(/no history entry of the image matches/);
  });

  it('warns and attributes no layer bytes when the history does not account for the layers', () => {
    // the RUN's empty_layer flag is wrong: 4 non-empty entries for 5 layers
    const wrong = history.map((h) => (h.created_by?.startsWith('/bin/sh -c rm') ? { ...h, empty_layer: true } : h));
    const { analysis, config } = image(wrong, layers);
    const a = attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile' });
    expect(a.warnings.join()).toMatch(/4 entries that made layers for 5 layers/);
    expect(a.unattributed.layers).toHaveLength(5);
    expect(a.lines.find((l) => l.line === 6)!.confidence).toBe('exact');
  });

  it('accepts an image without history', () => {
    const { analysis, config } = image([], layers);
    const a = attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile' });
    expect(a.unattributed.layers).toHaveLength(5);
    expect(a.warnings.join()).toMatch(/no history/);
  });

  it('refuses a --target that names no stage with a usage error', () => {
    const { analysis, config } = image([], [[file('a', 1)]]);
    expect(() => attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile', target: 'nope' })).toThrow(expect.objectContaining({ code: 'usage' }));
  });

  it('attributes to the --target stage', () => {
    const buildOnly: HistoryEntry[] = [...BASE.map(([h]) => h), { created_by: 'RUN /bin/sh -c make # buildkit' }];
    const { analysis, config } = image(buildOnly, [BASE[0]![1], [file('out', 7)]]);
    const a = attribute({ analysis, config, model: parseDockerfile(DOCKERFILE), file: 'Dockerfile', target: 'build' });
    expect(a.target).toBe('build');
    expect(a.lines.find((l) => l.line === 2)).toMatchObject({ ships: true, confidence: 'exact', bytes: 7 });
    expect(a.lines.find((l) => l.line === 6)).toMatchObject({ ships: false, bytes: 0 });
    expect(a.base?.line).toBe(1);
  });
});

describe('measureDiagnostics', () => {
  it('gives a cache rule the cache files the line\'s layers carry, and a RUN split the waste of its RUNs', async () => {
    const { measureDiagnostics } = await import('./measure.js');
    const history: HistoryEntry[] = [
      { created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' },
      { created_by: '/bin/sh -c apt-get update' },
      { created_by: '/bin/sh -c rm -rf /var/lib/apt/lists/*' },
    ];
    const layers = [[file('usr/bin/bash', 1_000)], [file('var/lib/apt/lists/deb_Packages', 40_000), file('var/lib/apt/lists/lock', 0), file('usr/bin/x', 7)], [whiteout('var/lib/apt/lists/deb_Packages')]];
    const inp = input(layers, { history });
    const analysis = analyze(inp);
    const text = 'FROM debian\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n';
    const diag = (ruleId: string, line: number) => ({ ruleId, severity: 'warning' as const, messageId: 'x', message: 'm', data: {}, range: { start: { line, character: 0 }, end: { line, character: 3 } }, offsets: [0, 3] as [number, number] });
    const d = [diag('apt-lists-not-removed', 1), diag('consecutive-run', 2), diag('heavy-base-image', 0), diag('add-instead-of-copy', 1)];
    const attribution = attribute({ analysis, config: inp.config, model: parseDockerfile(text), file: 'Dockerfile' });
    const measured = measureDiagnostics(d, attribution, inp, (x) => x.range.start.line + 1);
    expect(measured.get(d[0]!)).toBe(40_000);
    expect(measured.get(d[1]!)).toBe(40_000);
    expect(measured.get(d[2]!)).toBe(1_000);
    expect(measured.has(d[3]!)).toBe(false);
  });
});
