import { covers, defineRule, docsPath } from '../define.js';
import { expandVars, parseImageRef } from '../helpers.js';
import { suggestSlimBase } from '../structural/index.js';
import { debianReleaseOf, debianSlimFor, slimTag } from '../../knowledge/base-images.js';

interface Advice {
  suggest: string;
  saving: string;
  caveat: string;
}

/** Images whose size is their toolchain. */
const TOOLCHAIN_IMAGES = new Set(['golang', 'rust', 'openjdk', 'eclipse-temurin', 'maven', 'gradle', 'buildpack-deps']);

const MUSL = 'the alpine variant uses musl libc: prebuilt glibc binaries and some native modules/wheels break there; -slim keeps glibc';
const NO_SHELL = 'distroless and scratch have no shell or package manager: no RUN after FROM, no `docker exec sh`';

function advice(name: string, tag: string): Advice | null {
  const t = tag.toLowerCase();
  if (/(?:^|-)(?:slim|alpine|distroless|minimal|micro|nano|tiny|chiseled)(?:\d|$|-)/.test(t)) return null;
  const v = tag === '' ? '' : tag;
  switch (name) {
    case 'debian':
      return { suggest: `debian:${slimTag('debian', v)}`, saving: '~45 MB less (no docs, man pages or locales)', caveat: 'slim drops man pages, docs and some utilities; apt-get the few you need' };
    case 'ubuntu':
      return { suggest: `${debianSlimFor('')} or a distroless image`, saving: 'ubuntu has no slim variant; debian-slim is ~30 MB smaller', caveat: NO_SHELL };
    case 'buildpack-deps':
      return { suggest: debianSlimFor(v), saving: 'buildpack-deps carries compilers and headers (~300-800 MB)', caveat: NO_SHELL };
    case 'node':
      return { suggest: `node:${slimTag('node', v)}${debianReleaseOf(v) ? '' : ` or node:${v ? `${v}-` : ''}alpine`}`, saving: 'the full image is ~1 GB, -slim ~200 MB, -alpine ~130 MB', caveat: MUSL };
    case 'python':
      return { suggest: `python:${slimTag('python', v)}${debianReleaseOf(v) ? '' : ` or python:${v ? `${v}-` : ''}alpine`}`, saving: 'the full image is ~1 GB, -slim ~130 MB', caveat: MUSL };
    case 'ruby':
      return { suggest: `ruby:${slimTag('ruby', v)}${debianReleaseOf(v) ? '' : ` or ruby:${v ? `${v}-` : ''}alpine`}`, saving: 'the full image is ~900 MB, -slim ~200 MB', caveat: MUSL };
    case 'golang':
      return { suggest: 'gcr.io/distroless/static (or scratch) with a CGO_ENABLED=0 binary', saving: 'golang is ~800 MB of toolchain; a static Go binary needs no OS at all', caveat: NO_SHELL };
    case 'rust':
      return { suggest: `${debianSlimFor(v)}, gcr.io/distroless/cc, or scratch for a static musl binary`, saving: 'rust is ~1.4 GB of toolchain', caveat: NO_SHELL };
    case 'openjdk':
    case 'eclipse-temurin':
    case 'maven':
    case 'gradle':
      if (/jre/.test(t)) return null;
      return { suggest: 'eclipse-temurin:<version>-jre (or gcr.io/distroless/java)', saving: 'a JDK or build tool image is 300-700 MB; a JRE is ~200 MB', caveat: NO_SHELL };
    default:
      return null;
  }
}

export default defineRule({
  meta: {
    id: 'heavy-base-image',
    description: 'The image that ships builds on a full-size base that has a much smaller variant.',
    category: 'base',
    severity: 'info',
    hasSuggestions: true,
    messages: {
      heavy: '{{image}} is a heavy base ({{saving}}); consider {{suggest}} (caveat: {{caveat}})',
    },
    docs: docsPath('heavy-base-image'),
    covers: covers({}),
  },
  create(ctx) {
    const globals = new Map<string, string>();
    // an ARG without a default is set by --build-arg: its value (the tag) is unknown, not empty
    for (const a of ctx.model.globalArgs) for (const p of a.properties) if (p.value !== null) globals.set(p.name, p.value);
    return {
      stage(facts) {
        const s = facts.stage;
        if (!facts.ships || s.baseStage !== null || !s.imageSpan) return;
        const image = expandVars(s.image, (n) => globals.get(n));
        if (image.includes('$')) return;
        const ref = parseImageRef(image);
        if (!ref.official) return;
        // a toolchain image with no command of its own is a CI or builder image: its toolchain is the point
        const runs = s.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
        if (!runs && TOOLCHAIN_IMAGES.has(ref.name)) return;
        const a = advice(ref.name, ref.tag ?? '');
        if (a) ctx.report({ messageId: 'heavy', span: s.imageSpan, data: { image, ...a }, suggest: () => suggestSlimBase(ctx.facts, s.imageSpan!.start, 'heavy') });
      },
    };
  },
});
