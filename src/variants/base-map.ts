// --base-map FROM=TO: the variants build from a temporary copy of each Dockerfile whose FROM
// lines (and COPY --from=IMAGE) name TO where they named FROM, for offline and mirrored setups.
import { WhittleError } from '../errors.js';

export type BaseMap = ReadonlyMap<string, string>;

/** parseBaseMap reads the repeated --base-map FROM=TO values. */
export function parseBaseMap(values: readonly string[]): BaseMap {
  const map = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1 || /\s/.test(v)) throw new WhittleError('usage', `--base-map needs FROM=TO (two image references), got ${JSON.stringify(v)}`);
    map.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return map;
}

const FROM_LINE = /^([ \t]*FROM[ \t]+(?:--[^\s]+[ \t]+)*)([^\s]+)/gim;
const COPY_FROM = /(^[ \t]*COPY[ \t]+(?:--[^\s]+[ \t]+)*?--from=)([^\s]+)/gim;

/** applyBaseMap rewrites the image references of FROM and COPY --from that the map names. */
export function applyBaseMap(text: string, map: BaseMap): string {
  if (map.size === 0) return text;
  const swap = (_: string, head: string, ref: string) => head + (map.get(ref) ?? ref);
  return text.replace(FROM_LINE, swap).replace(COPY_FROM, swap);
}
