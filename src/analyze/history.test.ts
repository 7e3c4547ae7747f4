import { describe, expect, it } from 'vitest';
import { mapHistory } from './history.js';
import { instructionOf } from './instruction.js';

describe('mapHistory', () => {
  it('skips empty_layer entries', () => {
    const r = mapHistory(
      [{ created_by: 'ADD base' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN x' }, { created_by: 'CMD y', empty_layer: true }],
      2,
    );
    expect(r.layers.map((l) => [l.createdBy, l.historyIndex])).toEqual([['ADD base', 0], ['RUN x', 2]]);
    expect(r.warning).toBeNull();
  });

  it.each([
    ['fewer entries than layers', [{ created_by: 'ADD base' }], 2, [['ADD base', 0], [null, null]]],
    ['more entries than layers', [{ created_by: 'a' }, { created_by: 'b' }, { created_by: 'c' }], 2, [['a', 0], ['b', 1]]],
  ] as const)('degrades and warns with %s', (_name, history, layers, expected) => {
    const r = mapHistory([...history], layers);
    expect(r.layers.map((l) => [l.createdBy, l.historyIndex])).toEqual(expected);
    expect(r.warning).toMatch(/mapped in order/);
  });

  it('warns when there is no history', () => {
    expect(mapHistory(undefined, 1).warning).toMatch(/no history/);
  });
});

describe('instructionOf', () => {
  it.each([
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'],
    ['/bin/sh -c #(nop) COPY file:abc in /app ', 'COPY file:abc in /app'],
    ['/bin/sh -c apt-get update', 'RUN apt-get update'],
    ['|1 V=2 /bin/sh -c make', 'RUN make'],
    ['RUN /bin/sh -c npm ci # buildkit', 'RUN npm ci'],
    ['RUN |1 VER=1.2 /bin/sh -c echo $VER > v # buildkit', 'RUN echo $VER > v'],
    ['/bin/bash -o pipefail -c curl -fsS x | sh', 'RUN curl -fsS x | sh'],
    ['RUN ["/app/setup", "--fast"] # buildkit', 'RUN ["/app/setup", "--fast"]'],
    ['COPY . . # buildkit', 'COPY . .'],
  ])('%s → %s', (createdBy, expected) => {
    expect(instructionOf(createdBy)).toBe(expected);
  });
});
