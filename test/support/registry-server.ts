// An in-process registry for the registry tests: a Node http server on 127.0.0.1 (random port)
// that follows the OCI distribution spec for what whittle uses:
//   GET /v2/                                   ping (auth applies)
//   GET|HEAD|PUT|DELETE /v2/<name>/manifests/<tag|digest>   Content-Type, Docker-Content-Digest
//   GET|HEAD /v2/<name>/blobs/<digest>          with Range (206) support
//   POST /v2/<name>/blobs/uploads/              start (202 + Location), monolithic (?digest= and body),
//                                              cross-repository mount (?mount=&from=, 201; 202 when it cannot)
//   PATCH|PUT|GET|DELETE /v2/<name>/blobs/uploads/<id>   chunked (Content-Range checked) and closing PUT ?digest=
//   GET /v2/<name>/tags/list
// Uploaded blobs are digest-verified (400 DIGEST_INVALID); a manifest PUT is refused while a blob
// or manifest it references is missing from the repository (400 MANIFEST_BLOB_UNKNOWN).
// Optional Basic auth, or Bearer token auth with a token endpoint at /token (or on a server of its
// own, another host) that checks Basic credentials and grants the scopes asked for (pull only to
// anonymous clients, when allowed). A fault hook sees every request first and may
// answer with a status, cut the connection mid-body, corrupt the body, redirect, or flood: send far
// more than the body (or never stop), counting in floodBytes what it managed to send.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { cut: true } // send the headers and half the body, then destroy the socket
  | { stall: true } // send the headers and half the body, then nothing more (the socket stays open)
  | { silent: true } // send nothing at all (the socket stays open)
  | { corrupt: true } // flip one byte of the body
  | { redirect: string } // 307 to this URL
  | { flood: number | 'endless'; contentLength?: boolean }; // send this many filler bytes (or never stop) instead of the body, chunked unless contentLength

export interface RegistryRequest {
  method: string;
  url: string;
  path: string;
  authorization?: string;
}

export interface InProcessRegistryOptions {
  basic?: { user: string; pass: string };
  /** anonymous: the token endpoint grants pull scopes without credentials too. */
  bearer?: { user: string; pass: string; service?: string; anonymous?: boolean };
  /** fault sees every request (n counts from 0) before auth and routing; undefined lets it through. */
  fault?: (req: RegistryRequest, n: number) => Fault | undefined;
  /** blobRedirect, after auth: a URL to send a blob GET to instead (storage behind a CDN), or undefined to serve it. */
  blobRedirect?: (digest: string) => string | undefined;
}

interface StoredManifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class InProcessRegistry {
  readonly kind = 'in-process';
  host = '';
  /** every request, in order (after the fault hook let it through or not). */
  readonly requests: RegistryRequest[] = [];
  /** the `service scope` of every token request. */
  readonly tokenRequests: string[] = [];
  /** bytes of filler the flood faults have written to their sockets so far. */
  floodBytes = 0;
  /** where Bearer challenges send clients for a token; this server's /token unless tokenServer() moved it. */
  private realm: string | undefined;
  private server: Server;
  private count = 0;
  private blobs = new Map<string, Buffer>();
  private repoBlobs = new Map<string, Set<string>>();
  private manifests = new Map<string, Map<string, StoredManifest>>(); // repo → tag|digest → manifest
  private uploads = new Map<string, { repo: string; parts: Buffer[]; size: number }>();
  private tokens = new Map<string, string[]>();

  constructor(readonly opts: InProcessRegistryOptions = {}) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.error(res, 500, 'UNKNOWN', String(err));
        else res.destroy();
      });
    });
  }

  static async start(opts: InProcessRegistryOptions = {}): Promise<InProcessRegistry> {
    const r = new InProcessRegistry(opts);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', () => resolve()));
    r.host = `127.0.0.1:${(r.server.address() as { port: number }).port}`;
    return r;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test-side access to the storage (independent of whittle's client) ----

  putBlob(repo: string, data: Buffer): string {
    const d = sha256(data);
    this.blobs.set(d, data);
    this.link(repo, d);
    return d;
  }

  putManifest(repo: string, ref: string, body: Buffer, mediaType: string): string {
    const digest = sha256(body);
    const m = { body, mediaType, digest };
    const repoManifests = this.manifests.get(repo) ?? new Map<string, StoredManifest>();
    this.manifests.set(repo, repoManifests);
    repoManifests.set(digest, m);
    if (ref !== digest) repoManifests.set(ref, m);
    return digest;
  }

  /** seed copies the image (or index and its images) tagged `tag` in an OCI layout into repo:tag, as skopeo copy --all --preserve-digests would. */
  seed(layoutDir: string, tag: string, repo: string, repoTag: string): void {
    const blob = (d: string) => readFileSync(join(layoutDir, 'blobs', 'sha256', d.slice('sha256:'.length)));
    const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[] };
    const top = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!top) throw new Error(`${layoutDir}: no ${tag}`);
    const copy = (digest: string, mediaType: string, ref: string) => {
      const body = blob(digest);
      const doc = JSON.parse(body.toString()) as { config?: { digest: string }; layers?: { digest: string }[]; manifests?: { digest: string; mediaType: string }[] };
      for (const child of doc.manifests ?? []) copy(child.digest, child.mediaType, child.digest);
      for (const d of [doc.config?.digest, ...(doc.layers ?? []).map((l) => l.digest)]) if (d) this.putBlob(repo, blob(d));
      this.putManifest(repo, ref, body, mediaType);
    };
    copy(top.digest, top.mediaType, repoTag);
  }

  /** inspect returns what a tag or digest holds: manifest digest and layer digests. */
  inspect(repo: string, ref: string): { Digest: string; Layers: string[]; mediaType: string } {
    const m = this.manifests.get(repo)?.get(ref);
    if (!m) throw new Error(`${repo}:${ref} is not in the registry`);
    const doc = JSON.parse(m.body.toString()) as { layers?: { digest: string }[] };
    return { Digest: m.digest, Layers: (doc.layers ?? []).map((l) => l.digest), mediaType: m.mediaType };
  }

  /** exportLayout writes repo:ref (a manifest, its config and layers) as an OCI layout tagged `tag`. */
  exportLayout(repo: string, ref: string, dir: string, tag: string): void {
    const m = this.manifests.get(repo)?.get(ref);
    if (!m) throw new Error(`${repo}:${ref} is not in the registry`);
    const doc = JSON.parse(m.body.toString()) as { config: { digest: string }; layers: { digest: string }[] };
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    for (const d of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), this.blobs.get(d)!);
    writeFileSync(join(dir, 'blobs', 'sha256', m.digest.slice(7)), m.body);
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const desc = { mediaType: m.mediaType, digest: m.digest, size: m.body.length, annotations: { 'org.opencontainers.image.ref.name': tag } };
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [desc] }));
  }

  getBlob(digest: string): Buffer | undefined {
    return this.blobs.get(digest);
  }

  hasBlobIn(repo: string, digest: string): boolean {
    return this.repoBlobs.get(repo)?.has(digest) ?? false;
  }

  /** corruptBlob flips a byte near the end of a stored blob (storage corruption, not a transport fault). */
  corruptBlob(digest: string): void {
    const b = this.blobs.get(digest);
    if (!b) throw new Error(`no blob ${digest}`);
    const bad = Buffer.from(b);
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff;
    this.blobs.set(digest, bad);
  }

  /** blobServer starts a second server answering GET /<digest> from this storage without any auth, recording the Authorization headers it was sent (a CDN). */
  async blobServer(): Promise<{ host: string; seen: (string | undefined)[]; stop(): Promise<void> }> {
    const seen: (string | undefined)[] = [];
    const s = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const b = this.blobs.get((req.url ?? '').slice(1).split('?')[0]!);
      if (!b) return void res.writeHead(404).end();
      this.sendBody(req, res, b, { 'content-type': 'application/octet-stream' });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return {
      host: `127.0.0.1:${(s.address() as { port: number }).port}`,
      seen,
      stop: async () => {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      },
    };
  }

  /** tokenServer starts a second server (another port: another host) answering /token for this registry, moves the challenges' realm to it, and records the Authorization headers it was sent. */
  async tokenServer(): Promise<{ host: string; seen: (string | undefined)[]; stop(): Promise<void> }> {
    const seen: (string | undefined)[] = [];
    const s = createServer((req, res) => {
      seen.push(req.headers.authorization);
      this.token(req, res, new URL(req.url ?? '/', 'http://x'));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(s.address() as { port: number }).port}`;
    this.realm = `http://${host}/token`;
    return {
      host,
      seen,
      stop: async () => {
        this.realm = undefined;
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      },
    };
  }

  // ---- HTTP ----

  private link(repo: string, digest: string): void {
    const s = this.repoBlobs.get(repo) ?? new Set<string>();
    this.repoBlobs.set(repo, s);
    s.add(digest);
  }

  private error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    const body = JSON.stringify({ errors: [{ code, message }] });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body);
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    return Buffer.concat(parts);
  }

  /** sendBody answers GET/HEAD with a body, honouring Range: bytes=N- and bytes=N-M. */
  private sendBody(req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>, fault?: Fault): void {
    let status = 200;
    let out = body;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start >= body.length || end < start) return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      out = body.subarray(start, end + 1);
      status = 206;
      headers = { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` };
    }
    if (fault && 'flood' in fault && req.method !== 'HEAD') return void this.flood(res, status, headers, fault);
    res.writeHead(status, { ...headers, 'accept-ranges': 'bytes', 'content-length': String(out.length) });
    if (req.method === 'HEAD') return void res.end();
    if (fault && 'stall' in fault) return void res.write(out.subarray(0, out.length >> 1));
    if (fault && 'cut' in fault) {
      res.write(out.subarray(0, out.length >> 1));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (fault && 'corrupt' in fault && out.length > 0) {
      out = Buffer.from(out);
      const i = Math.max(0, out.length - 10);
      out[i] = out[i]! ^ 0xff;
    }
    res.end(out);
  }

  /** flood sends filler instead of a body, as fast as the client reads it (backpressure), until the count is reached, forever, or the client goes. */
  private flood(res: ServerResponse, status: number, headers: Record<string, string>, fault: { flood: number | 'endless'; contentLength?: boolean }): void {
    const total = fault.flood === 'endless' ? Infinity : fault.flood;
    res.writeHead(status, { ...headers, ...(fault.contentLength && total !== Infinity ? { 'content-length': String(total) } : {}) });
    const filler = Buffer.alloc(64 << 10, 'x');
    let sent = 0;
    const pump = () => {
      while (!res.destroyed && sent < total) {
        const chunk = total - sent < filler.length ? filler.subarray(0, total - sent) : filler;
        sent += chunk.length;
        this.floodBytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  }

  /** authorized returns true when the request may go on; otherwise it has answered 401. */
  private authorized(req: IncomingMessage, res: ServerResponse, repo: string | undefined, actions: string[], alsoPull?: string): boolean {
    const auth = req.headers.authorization ?? '';
    if (this.opts.basic) {
      const want = `Basic ${Buffer.from(`${this.opts.basic.user}:${this.opts.basic.pass}`).toString('base64')}`;
      if (auth === want) return true;
      this.error(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="whittle-test"' });
      return false;
    }
    if (this.opts.bearer) {
      const granted = auth.startsWith('Bearer ') ? (this.tokens.get(auth.slice(7)) ?? []) : [];
      const allows = (r: string, a: string) => granted.some((g) => g === '*' || (g.startsWith(`repository:${r}:`) && g.slice(`repository:${r}:`.length).split(',').includes(a)));
      const ok = repo === undefined ? auth.startsWith('Bearer ') && this.tokens.has(auth.slice(7)) : actions.every((a) => allows(repo, a)) && (!alsoPull || allows(alsoPull, 'pull'));
      if (ok) return true;
      let scope = repo === undefined ? '' : `,scope="repository:${repo}:${actions.join(',')}"`;
      if (alsoPull && repo !== undefined) scope = `,scope="repository:${repo}:${actions.join(',')} repository:${alsoPull}:pull"`;
      this.error(res, 401, 'UNAUTHORIZED', 'authentication required', {
        'www-authenticate': `Bearer realm="${this.realm ?? `http://${this.host}/token`}",service="${this.opts.bearer.service ?? 'whittle-test'}"${scope}`,
      });
      return false;
    }
    return true;
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const b = this.opts.bearer;
    if (!b) return this.error(res, 404, 'NOT_FOUND', 'no token service');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    this.tokenRequests.push(`${url.searchParams.get('service')} ${scopes.join(' ')}`);
    const authenticated = req.headers.authorization === `Basic ${Buffer.from(`${b.user}:${b.pass}`).toString('base64')}`;
    if (!authenticated && !(b.anonymous && req.headers.authorization === undefined)) return this.error(res, 401, 'UNAUTHORIZED', 'bad credentials');
    const token = randomUUID();
    // an anonymous client may pull, nothing more
    this.tokens.set(token, authenticated ? scopes : scopes.map((sc) => sc.replace(/:[a-z,]+$/, ':pull')));
    const body = JSON.stringify({ token, access_token: token, expires_in: 300 });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://x');
    const r: RegistryRequest = { method, url: req.url ?? '/', path: url.pathname, authorization: req.headers.authorization };
    this.requests.push(r);
    const fault = this.opts.fault?.(r, this.count++);
    if (fault && 'status' in fault) {
      await this.readBody(req);
      return void res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
    }
    if (fault && 'redirect' in fault) return void res.writeHead(307, { location: fault.redirect }).end();
    if (fault && 'silent' in fault) return;
    res.setHeader('docker-distribution-api-version', 'registry/2.0');

    if (url.pathname === '/token') return fault && 'flood' in fault ? this.flood(res, 200, { 'content-type': 'application/json' }, fault) : this.token(req, res, url);
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (!this.authorized(req, res, undefined, [])) return;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^/v2/(${NAME})/manifests/([^/]+)$`).exec(url.pathname))) {
      const [, repo, ref] = m as unknown as [string, string, string];
      const write = method === 'PUT' || method === 'DELETE';
      if (!this.authorized(req, res, repo, write ? ['pull', 'push'] : ['pull'])) return;
      if (method === 'GET' || method === 'HEAD') {
        const stored = this.manifests.get(repo)?.get(ref);
        if (!stored) return this.error(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${repo}:${ref}`);
        return this.sendBody(req, res, stored.body, { 'content-type': stored.mediaType, 'docker-content-digest': stored.digest }, fault);
      }
      if (method === 'PUT') return this.putManifestHttp(req, res, repo, ref);
      if (method === 'DELETE') {
        const stored = this.manifests.get(repo)?.get(ref);
        if (!stored) return this.error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        for (const [k, v] of this.manifests.get(repo)!) if (v.digest === stored.digest) this.manifests.get(repo)!.delete(k);
        return void res.writeHead(202).end();
      }
      return this.error(res, 405, 'UNSUPPORTED', method);
    }
    if ((m = new RegExp(`^/v2/(${NAME})/blobs/uploads/?$`).exec(url.pathname)) && method === 'POST') {
      const repo = m[1]!;
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (!this.authorized(req, res, repo, ['pull', 'push'], mount && from ? from : undefined)) return;
      if (mount && from && this.repoBlobs.get(from)?.has(mount)) {
        await this.readBody(req);
        this.link(repo, mount);
        return void res.writeHead(201, { location: `/v2/${repo}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': '0' }).end();
      }
      const body = await this.readBody(req);
      const digest = url.searchParams.get('digest');
      if (digest && !mount) return this.finish(res, repo, body, digest); // monolithic POST
      const id = randomUUID();
      this.uploads.set(id, { repo, parts: [], size: 0 });
      return void res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}`, range: '0-0', 'docker-upload-uuid': id, 'content-length': '0' }).end();
    }
    if ((m = new RegExp(`^/v2/(${NAME})/blobs/uploads/([0-9a-f-]+)$`).exec(url.pathname))) {
      const [, repo, id] = m as unknown as [string, string, string];
      if (!this.authorized(req, res, repo, ['pull', 'push'])) return;
      const up = this.uploads.get(id);
      if (!up || up.repo !== repo) {
        await this.readBody(req);
        return this.error(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'upload unknown');
      }
      const rangeHeader = (size: number) => (size > 0 ? `0-${size - 1}` : '0-0');
      if (method === 'GET') return void res.writeHead(204, { range: rangeHeader(up.size), 'docker-upload-uuid': id, location: `/v2/${repo}/blobs/uploads/${id}` }).end();
      if (method === 'DELETE') {
        this.uploads.delete(id);
        return void res.writeHead(204).end();
      }
      const body = await this.readBody(req);
      const cr = req.headers['content-range'];
      if (method === 'PATCH' && cr !== undefined) {
        const cm = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(cr);
        if (!cm || Number(cm[1]) !== up.size || Number(cm[2]) - Number(cm[1]) + 1 !== body.length) {
          return void res.writeHead(416, { range: rangeHeader(up.size), location: `/v2/${repo}/blobs/uploads/${id}` }).end();
        }
      }
      up.parts.push(body);
      up.size += body.length;
      if (method === 'PATCH') return void res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}`, range: rangeHeader(up.size), 'docker-upload-uuid': id, 'content-length': '0' }).end();
      if (method === 'PUT') {
        const digest = url.searchParams.get('digest');
        if (!digest) return this.error(res, 400, 'DIGEST_INVALID', 'no digest');
        this.uploads.delete(id);
        return this.finish(res, repo, Buffer.concat(up.parts), digest);
      }
      return this.error(res, 405, 'UNSUPPORTED', method);
    }
    if ((m = new RegExp(`^/v2/(${NAME})/blobs/([^/]+)$`).exec(url.pathname))) {
      const [, repo, digest] = m as unknown as [string, string, string];
      if (!this.authorized(req, res, repo, ['pull'])) return;
      if (method !== 'GET' && method !== 'HEAD') return this.error(res, 405, 'UNSUPPORTED', method);
      const b = this.blobs.get(digest);
      if (!b || !this.repoBlobs.get(repo)?.has(digest)) {
        if (method === 'HEAD') return void res.writeHead(404).end();
        return this.error(res, 404, 'BLOB_UNKNOWN', `blob unknown: ${digest}`);
      }
      const elsewhere = method === 'GET' ? this.opts.blobRedirect?.(digest) : undefined;
      if (elsewhere) return void res.writeHead(307, { location: elsewhere }).end();
      return this.sendBody(req, res, b, { 'content-type': 'application/octet-stream', 'docker-content-digest': digest }, fault);
    }
    if ((m = new RegExp(`^/v2/(${NAME})/tags/list$`).exec(url.pathname))) {
      const repo = m[1]!;
      if (!this.authorized(req, res, repo, ['pull'])) return;
      const tags = [...(this.manifests.get(repo)?.keys() ?? [])].filter((k) => !DIGEST.test(k)).sort();
      if (!this.manifests.has(repo)) return this.error(res, 404, 'NAME_UNKNOWN', `repository unknown: ${repo}`);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: repo, tags }));
    }
    return this.error(res, 404, 'NOT_FOUND', url.pathname);
  }

  private finish(res: ServerResponse, repo: string, data: Buffer, digest: string): void {
    if (!DIGEST.test(digest)) return this.error(res, 400, 'DIGEST_INVALID', `unsupported digest ${digest}`);
    const actual = sha256(data);
    if (actual !== digest) return this.error(res, 400, 'DIGEST_INVALID', `provided digest ${digest} does not match content ${actual}`);
    this.blobs.set(digest, data);
    this.link(repo, digest);
    res.writeHead(201, { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' }).end();
  }

  private async putManifestHttp(req: IncomingMessage, res: ServerResponse, repo: string, ref: string): Promise<void> {
    const body = await this.readBody(req);
    const digest = sha256(body);
    if (DIGEST.test(ref) && ref !== digest) return this.error(res, 400, 'DIGEST_INVALID', `manifest digest ${digest} is not ${ref}`);
    let doc: { mediaType?: string; config?: { digest: string }; layers?: { digest: string }[]; manifests?: { digest: string }[] };
    try {
      doc = JSON.parse(body.toString()) as typeof doc;
    } catch {
      return this.error(res, 400, 'MANIFEST_INVALID', 'not JSON');
    }
    const mediaType = req.headers['content-type'] ?? doc.mediaType;
    if (!mediaType) return this.error(res, 400, 'MANIFEST_INVALID', 'no media type');
    for (const d of [doc.config?.digest, ...(doc.layers ?? []).map((l) => l.digest)]) {
      if (d && !this.repoBlobs.get(repo)?.has(d)) return this.error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${d}`);
    }
    for (const child of doc.manifests ?? []) {
      if (!this.manifests.get(repo)?.has(child.digest)) return this.error(res, 400, 'MANIFEST_UNKNOWN', `manifest unknown: ${child.digest}`);
    }
    this.putManifest(repo, ref, body, mediaType);
    res.writeHead(201, { location: `/v2/${repo}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' }).end();
  }
}
