// What every container needs whatever program it runs, each kept with its reason: the user and
// group databases, name resolution (nsswitch.conf and the glibc NSS modules it names, hosts,
// resolv.conf), CA certificates (and what SSL_CERT_FILE / SSL_CERT_DIR name), the time zone when
// TZ is set, the loader's cache when a dynamic loader is kept, /tmp (1777), WorkingDir and VOLUME
// targets.
import type { Closure } from './closure.js';
import type { ElfInfo } from '../elf/parse.js';
import { libraryCandidates } from '../elf/search.js';

/** CA_PATHS are where TLS libraries look for trust anchors (OpenSSL, GnuTLS, NSS, Go, Debian, RHEL, Alpine). */
const CA_DIRS = ['etc/ssl/certs', 'etc/pki/tls/certs', 'etc/pki/ca-trust/extracted'];
const CA_FILES = ['etc/ssl/cert.pem', 'etc/pki/tls/cert.pem', 'etc/ssl/openssl.cnf', 'usr/lib/ssl/openssl.cnf', 'usr/lib/ssl/cert.pem', 'usr/lib/ssl/certs'];
const RESOLVER_FILES = ['etc/hosts', 'etc/host.conf', 'etc/resolv.conf', 'etc/gai.conf', 'etc/services', 'etc/protocols'];
/** NSS services built into glibc since 2.34: no module file needed. */
const BUILT_IN_NSS = new Set(['files', 'dns']);

/** nssServices lists the services nsswitch.conf names (`hosts: files [NOTFOUND=return] dns` → files, dns). */
export function nssServices(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '');
    const m = /^\s*[a-z_]+\s*:(.*)$/.exec(line);
    if (!m) continue;
    for (const word of m[1]!.replace(/\[[^\]]*\]/g, ' ').split(/\s+/)) if (/^[a-z0-9_]+$/.test(word)) out.add(word);
  }
  return [...out];
}

function keepTree(c: Closure, dir: string, reason: string): void {
  const root = c.resolves(dir);
  if (root === null) return;
  c.keepResolved(dir, reason);
  const prefix = `${root}/`;
  for (const p of c.tree.keys()) if (p.startsWith(prefix)) c.keepResolved(p, reason);
}

/** libc is the kept glibc libc.so.6 and its ELF facts, when the closure loads one. */
function keptLibc(c: Closure): { path: string; info: ElfInfo } | null {
  for (const p of c.kept.keys()) {
    if (!/(^|\/)libc\.so\.6$/.test(p)) continue;
    const f = c.facts.get(p);
    if (f?.elf && 'info' in f.elf) return { path: p, info: f.elf.info };
  }
  return null;
}

export function keepAlways(c: Closure): void {
  const user = c.config.config?.User;
  const forUser = user ? ` (User ${user})` : '';
  const passwd = c.keepResolved('etc/passwd', `user database${forUser}`);
  const name = user?.split(':')[0];
  if (name && !/^\d+$/.test(name)) {
    const facts = passwd === null ? null : c.factsOf(passwd);
    if (passwd === null) c.warn(`User ${user}: the image has no /etc/passwd to name it`);
    else if (facts && !(facts.text ?? '').split('\n').some((l) => l.startsWith(`${name}:`))) c.warn(`User ${user}: /etc/passwd has no entry for ${name}`);
  }
  c.keepResolved('etc/group', `group database${forUser}`);

  for (const f of RESOLVER_FILES) c.keepResolved(f, 'name resolution');
  for (const d of CA_DIRS) keepTree(c, d, 'CA certificates');
  for (const f of CA_FILES) {
    const r = c.resolves(f);
    if (r === null) continue;
    if (c.tree.get(r)?.type === 'dir') keepTree(c, f, 'CA certificates');
    else c.keepResolved(f, f.endsWith('.cnf') ? 'OpenSSL configuration' : 'CA certificates');
  }
  const certFile = c.env.get('SSL_CERT_FILE');
  if (certFile) {
    if (c.keepResolved(c.relative(certFile), 'SSL_CERT_FILE') === null) c.warn(`SSL_CERT_FILE names ${certFile}, which is not in the image`);
  }
  const certDir = c.env.get('SSL_CERT_DIR');
  if (certDir) for (const d of certDir.split(':').filter((x) => x !== '')) keepTree(c, c.relative(d), 'SSL_CERT_DIR');

  const tz = c.env.get('TZ');
  if (tz) {
    const name = tz.replace(/^:/, '');
    const path = name.startsWith('/') ? name.slice(1) : `usr/share/zoneinfo/${name}`;
    if (c.resolves(path) !== null) c.keepResolved(path, `time zone (TZ=${tz})`);
    else if (/^[A-Za-z_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) c.warn(`TZ=${tz}: the image has no /${path}`);
  }
  c.keepResolved('etc/localtime', 'local time zone');
  c.keepResolved('etc/timezone', 'local time zone');

  // the dynamic loader's cache and the NSS modules libc loads
  const libc = keptLibc(c);
  if (libc) {
    c.keepResolved('etc/ld.so.cache', "the dynamic loader's library cache");
    const nsswitch = c.resolves('etc/nsswitch.conf');
    if (nsswitch) {
      c.keepResolved('etc/nsswitch.conf', 'name service switch configuration');
      const facts = c.factsOf(nsswitch);
      const setup = facts ? c.loaderSetup() : null;
      if (facts && setup) {
        const absent: string[] = [];
        for (const service of nssServices(facts.text ?? '')) {
          const lib = `libnss_${service}.so.2`;
          let found = false;
          for (const cand of libraryCandidates(c.tree, lib, libc, null, setup)) {
            if (c.resolves(cand.path) === null) continue;
            c.traceProgram(cand.path, `NSS module named in nsswitch.conf (${service}; found through ${cand.via})`);
            found = true;
            break;
          }
          if (!found && !BUILT_IN_NSS.has(service)) absent.push(service);
        }
        if (absent.length > 0) c.warn(`nsswitch.conf names NSS services the image has no module for (glibc skips them): ${absent.join(', ')}`);
      }
    }
  }

  c.keepDir('tmp', 'temporary files (mode 1777)', 0o1777);
  const workdir = c.config.config?.WorkingDir;
  if (workdir) c.keepDir(workdir, 'WorkingDir', 0o755);
  for (const v of Object.keys(c.config.config?.Volumes ?? {}).sort()) c.keepDir(v, 'VOLUME', 0o755);
}
