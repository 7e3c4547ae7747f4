// A thin client for the OCI distribution API on node:http (http.ts says why not fetch): token and Basic
// auth from `WWW-Authenticate` challenges (credentials reach a token realm only where
// auth.ts mayCarryCredentials allows), manual redirects (Authorization is never forwarded to
// another host: blob storage redirects to S3/CDNs), retries with backoff on 429/5xx and broken
// connections, and one clear error line per failure naming host and repository. Nothing waits
// forever: a request without a body must be answered within timeoutMs (30 s), a body that sends
// nothing for idleTimeoutMs (60 s) is cut off (a blob is then resumed with a Range request), and
// every body is read with its limit applied as it arrives: manifests, tokens and error bodies up to
// a cap, blobs up to their descriptor's size (one byte more is an error), not after.
import { Readable } from 'node:stream';
import { WhittleError } from '../../errors.js';
import { digestOf } from '../../image/digest.js';
import { MediaType } from '../../image/mediatypes.js';
import { findCredentials, mayCarryCredentials, parseChallenge, type Credentials } from './auth.js';
import { hostProblem } from '../../internal/reference-grammar.js';
import { apiHost, isLocalHost } from './name.js';
import { httpRequest, type HttpRequest, type HttpResponse } from './http.js';

export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

export interface ClientOptions {
  /** plain http (and no TLS verification); implied for localhost/127.0.0.1. */
  insecure?: boolean;
  creds?: Credentials;
  /** attempts for idempotent requests; default 4. */
  attempts?: number;
  /** first backoff delay in ms; doubles each attempt. Default 500. */
  backoffMs?: number;
  /** how long to wait for a connection and the response's headers, in ms; default 30 s. */
  timeoutMs?: number;
  /** how long a response body may send nothing before the read is given up (and retried), in ms; default 60 s. */
  idleTimeoutMs?: number;
}

/** Largest token response whittle reads. */
const MAX_TOKEN_RESPONSE = 1 << 20;

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | Readable;
  /** repository the request is about (token scope). */
  repository: string;
  /** push scope: pull,push. */
  push?: boolean;
  /** statuses that are not errors (returned to the caller). */
  ok?: number[];
  /** extra repositories to ask pull access for (cross-repository mounts). */
  alsoPull?: string;
}

/** Largest error explanation (`{"errors":[…]}`) whittle reads. */
const MAX_ERROR_BODY = 64 << 10;

/** manifests and indexes larger than this are refused (distribution itself caps them at 4 MiB). */
const MAX_MANIFEST = 4 << 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The controller of each response's request, so a body that stalls can be cut off. */
const controllers = new WeakMap<HttpResponse, AbortController>();

/** TimeoutError is the reason a request is aborted with when the registry stops answering. */
class TimeoutError extends Error {}

/** sizeText says a limit as users read it: `4 MiB`, `64 KiB`. */
function sizeText(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`;
}

/** seconds says a duration as users read it: `30 s`, or `200 ms` below a second. */
function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * timedRequest sends a request with a deadline (none when timeoutMs is 0) for the connection and the headers;
 * the response's body can be aborted later through its controller (see readBody and openBlob).
 */
async function timedRequest(url: URL, init: Omit<HttpRequest, 'signal'>, timeoutMs: number): Promise<HttpResponse> {
  const ac = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => ac.abort(new TimeoutError(`no answer within ${seconds(timeoutMs)}`)), timeoutMs) : undefined;
  try {
    const res = await httpRequest(url, { ...init, signal: ac.signal });
    controllers.set(res, ac);
    return res;
  } catch (err) {
    if (ac.signal.aborted && ac.signal.reason instanceof TimeoutError) throw ac.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * readBody reads a whole (small) response body: at most `limit` bytes, and never waiting more than
 * idleMs for the next bytes; either breach aborts the request.
 */
async function readBody(res: HttpResponse, limit: number, idleMs: number, what: string): Promise<Uint8Array> {
  const body = res.body;
  if (!body) return new Uint8Array();
  const ac = controllers.get(res);
  const chunks: Buffer[] = [];
  let size = 0;
  const idle = idleWatch(idleMs, (e) => {
    ac?.abort(e);
    body.destroy(e);
  });
  try {
    idle.arm();
    for await (const chunk of body) {
      idle.arm();
      size += (chunk as Buffer).byteLength;
      if (size > limit) {
        ac?.abort();
        throw new WhittleError('bad-archive', `${what}: the response is over the ${sizeText(limit)} limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    throw new WhittleError('network', `${what}: ${(err as Error).message}`, { cause: err });
  } finally {
    idle.stop();
  }
  return Buffer.concat(chunks);
}

/** idleWatch fires (with a TimeoutError) when idleMs pass after arm() without another arm() or stop(). */
function idleWatch(idleMs: number, fire: (e: TimeoutError) => void): { arm(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    arm() {
      clearTimeout(timer);
      timer = setTimeout(() => fire(new TimeoutError(`no data for ${seconds(idleMs)}`)), idleMs);
    },
    stop: () => clearTimeout(timer),
  };
}

export class RegistryClient {
  readonly base: string;
  private creds: Credentials | undefined;
  private credsLoaded = false;
  private tokens = new Map<string, string>();
  private basic = false;
  /** the token server credentials were kept from (plain http to another host), said in a 401's error. */
  private withheldFrom: string | undefined;

  constructor(
    readonly host: string,
    private readonly opts: ClientOptions = {},
  ) {
    const problem = hostProblem(host);
    if (problem) throw new WhittleError('bad-reference', `invalid registry host ${JSON.stringify(host)}: ${problem}`);
    const scheme = opts.insecure || isLocalHost(host) ? 'http' : 'https';
    this.base = `${scheme}://${apiHost(host)}`;
    this.creds = opts.creds;
    this.credsLoaded = opts.creds !== undefined;
  }

  private async credentials(): Promise<Credentials | undefined> {
    if (!this.credsLoaded) {
      this.creds = await findCredentials(this.host);
      this.credsLoaded = true;
    }
    return this.creds;
  }

  private scope(o: RequestOptions): string {
    const scopes = [`repository:${o.repository}:${o.push ? 'pull,push' : 'pull'}`];
    if (o.alsoPull) scopes.push(`repository:${o.alsoPull}:pull`);
    return scopes.join(' ');
  }

  private async authHeader(o: RequestOptions): Promise<string | undefined> {
    const token = this.tokens.get(this.scope(o));
    if (token) return `Bearer ${token}`;
    if (this.basic) {
      const c = await this.credentials();
      if (c) return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    }
    return undefined;
  }

  private fail(status: number, what: string, o: RequestOptions, detail = ''): never {
    const where = `${this.host}/${o.repository}`;
    const d = detail ? `: ${detail}` : '';
    if (status === 401 && this.withheldFrom !== undefined) {
      throw new WhittleError(
        'auth',
        `${what}: ${where}: authentication required (401): credentials were withheld from the token server ${this.withheldFrom}, another host than the registry over plain http (see docs/transports.md, Credentials)`,
      );
    }
    if (status === 401) throw new WhittleError('auth', `${what}: ${where}: authentication required or credentials rejected (401)${d}`);
    if (status === 403) throw new WhittleError('auth', `${what}: ${where}: access denied (403)${d}`);
    if (status === 404) throw new WhittleError('not-found', `${what}: ${where}: not found (404)${d}`);
    throw new WhittleError('io', `${what}: ${where}: registry answered ${status}${d}`);
  }

  /** authenticate answers a 401; sentBasic says whether the refused request itself carried the Basic credentials (others running at once may have been sent before they were known to be needed). */
  private async authenticate(res: HttpResponse, o: RequestOptions, what: string, sentBasic: boolean): Promise<void> {
    const header = res.headers.get('www-authenticate');
    if (!header) this.fail(401, what, o);
    const { scheme, params } = parseChallenge(header);
    const creds = await this.credentials();
    if (scheme === 'basic') {
      if (!creds || sentBasic) this.fail(401, what, o, creds ? 'credentials rejected' : 'no credentials (use --creds or docker login)');
      this.basic = true;
      return;
    }
    if (scheme !== 'bearer' || !params.realm) this.fail(401, what, o, `unsupported challenge ${JSON.stringify(header)}`);
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch {
      this.fail(401, what, o, `the token realm ${JSON.stringify(params.realm)} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') this.fail(401, what, o, `the token realm ${JSON.stringify(params.realm)} is not an http(s) URL`);
    if (params.service) url.searchParams.set('service', params.service);
    for (const s of this.scope(o).split(' ')) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    // credentials go to the token server only where auth.ts says they may; elsewhere the token is asked for anonymously
    const withheld = creds !== undefined && !mayCarryCredentials(url, new URL(this.base));
    if (creds && !withheld) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    this.withheldFrom = withheld ? url.host : undefined;
    let tr: HttpResponse;
    try {
      // redirects are followed here, not by the HTTP layer: the credentials go on only to the same scheme and host
      for (let hops = 0; ; hops++) {
        tr = await timedRequest(url, { method: 'GET', headers }, this.opts.timeoutMs ?? 30_000);
        const location = tr.headers.get('location');
        if (tr.status < 300 || tr.status >= 400 || !location || hops >= 8) break;
        await tr.body?.cancel().catch(() => undefined);
        const next = new URL(location, url);
        if (next.host !== url.host || (next.protocol !== url.protocol && next.protocol !== 'https:')) delete headers.authorization;
        url = next;
      }
    } catch (err) {
      throw new WhittleError('network', `${what}: token server ${url.host}: ${(err as Error).message}`, { cause: err });
    }
    if (!tr.ok) {
      await tr.body?.cancel().catch(() => undefined);
      this.fail(tr.status, `${what}: token from ${url.host}`, o);
    }
    let j: { token?: string; access_token?: string };
    try {
      j = JSON.parse(Buffer.from(await readBody(tr, MAX_TOKEN_RESPONSE, this.opts.idleTimeoutMs ?? 60_000, `${what}: token from ${url.host}`)).toString('utf8')) as typeof j;
    } catch (err) {
      if (err instanceof WhittleError) throw err;
      throw new WhittleError('io', `${what}: token server ${url.host} sent no JSON`);
    }
    const token = j.token ?? j.access_token;
    if (!token) throw new WhittleError('io', `${what}: token server ${url.host} sent no token`);
    this.tokens.set(this.scope(o), token);
  }

  /** request sends one API request (path under /v2/ or an absolute URL) with auth, redirects and retries. */
  async request(pathOrUrl: string, o: RequestOptions, what: string): Promise<HttpResponse> {
    const attempts = o.body instanceof Readable ? 1 : (this.opts.attempts ?? 4);
    let authTries = 0;
    for (let attempt = 1; ; attempt++) {
      let url = new URL(pathOrUrl, this.base);
      let res: HttpResponse;
      let auth: string | undefined;
      try {
        auth = await this.authHeader(o);
        let sameHost = true;
        for (let hops = 0; ; hops++) {
          const headers: Record<string, string> = { ...o.headers };
          if (auth && sameHost) headers.authorization = auth;
          const init: Omit<HttpRequest, 'signal'> = { method: o.method ?? 'GET', headers, ...(o.body ? { body: o.body } : {}) };
          // an upload's answer comes after its whole body: only requests without one get a deadline
          res = await timedRequest(url, init, o.body ? 0 : (this.opts.timeoutMs ?? 30_000));
          if (res.status >= 300 && res.status < 400 && res.headers.get('location') && hops < 8) {
            await res.body?.cancel();
            const next = new URL(res.headers.get('location')!, url);
            if (next.host !== url.host) sameHost = false;
            url = next;
            continue;
          }
          break;
        }
      } catch (err) {
        if (attempt < attempts) {
          await sleep((this.opts.backoffMs ?? 500) * 2 ** (attempt - 1));
          continue;
        }
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code === 'ECONNREFUSED' ? `cannot connect to ${url.host} (is the registry running? a plain-http registry needs WHITTLE_INSECURE_REGISTRY=1)` : (cause?.message ?? (err as Error).message);
        throw new WhittleError('network', `${what}: ${this.host}/${o.repository}: ${why}`, { cause: err });
      }
      if (res.status === 401 && authTries < 2) {
        authTries++;
        await res.body?.cancel();
        // A refused token is dropped (it may have expired) and a fresh one asked for.
        this.tokens.delete(this.scope(o));
        await this.authenticate(res, o, what, auth?.startsWith('Basic ') ?? false);
        if (o.body instanceof Readable) {
          // the streamed body is spent: the caller retries the whole upload with the fresh token.
          throw new WhittleError('auth', `${what}: ${this.host}/${o.repository}: authorization expired during the upload`);
        }
        attempt--;
        continue;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < attempts) {
        await res.body?.cancel();
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : (this.opts.backoffMs ?? 500) * 2 ** (attempt - 1));
        continue;
      }
      if (res.ok || o.ok?.includes(res.status)) return res;
      let detail = '';
      try {
        // an error's explanation is small: a registry that sends more is not read on
        const body = await readBody(res, MAX_ERROR_BODY, this.opts.idleTimeoutMs ?? 60_000, what);
        const j = JSON.parse(Buffer.from(body).toString('utf8')) as { errors?: { code?: string; message?: string }[] };
        detail = (j.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ');
      } catch {
        /* not JSON */
      }
      this.fail(res.status, what, o, detail);
    }
  }

  /** getManifest fetches a manifest or index by tag or digest; checks the bytes against the digest. */
  async getManifest(repository: string, reference: string): Promise<{ raw: Uint8Array; mediaType: string; digest: string }> {
    const what = `reading manifest ${reference}`;
    const res = await this.request(`/v2/${repository}/manifests/${reference}`, { repository, headers: { accept: MANIFEST_ACCEPT } }, what);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_MANIFEST) {
      await res.body?.cancel();
      throw new WhittleError('bad-archive', `${this.host}/${repository}@${reference}: manifest of ${declared} bytes is over the ${MAX_MANIFEST >> 20} MiB limit`);
    }
    // read with a cap and an idle deadline: a chunked answer that never ends, or stalls, is cut off
    const raw = await readBody(res, MAX_MANIFEST, this.opts.idleTimeoutMs ?? 60_000, `${this.host}/${repository}@${reference}: manifest`);
    const expected = reference.includes(':') ? reference : res.headers.get('docker-content-digest');
    const digest = digestOf(raw, expected?.split(':')[0] ?? 'sha256');
    if (expected && digest !== expected) {
      throw new WhittleError('digest-mismatch', `${this.host}/${repository}@${reference}: manifest hashes to ${digest}, expected ${expected}`);
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { raw, mediaType, digest };
  }

  /** headManifest resolves a tag to a digest (HEAD), or undefined when the registry does not say. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const res = await this.request(`/v2/${repository}/manifests/${reference}`, { repository, method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } }, `resolving ${reference}`);
    return res.headers.get('docker-content-digest') ?? undefined;
  }

  /**
   * openBlob streams a blob (unverified: the image model verifies digests on the bytes received). With
   * size (the descriptor's), the registry is held to it while reading: a Content-Length over it fails
   * before any byte is read, and a body that goes on past it is cut off at its size + 1st byte.
   */
  async openBlob(repository: string, digest: string, size?: number): Promise<Readable> {
    const what = `reading blob ${digest}`;
    const tooLong = (sent: string) =>
      new WhittleError('size-mismatch', `${what}: ${this.host}/${repository}: the registry ${sent} than the ${size} bytes its descriptor says`);
    const open = async (from: number) => {
      const headers: Record<string, string> = from > 0 ? { range: `bytes=${from}-` } : {};
      const res = await this.request(`/v2/${repository}/blobs/${digest}`, { repository, headers }, what);
      if (!res.body) throw new WhittleError('io', `${what}: empty response`);
      if (from > 0 && res.status !== 206) {
        await res.body.cancel();
        throw new WhittleError('network', `${what}: ${this.host}/${repository}: connection broke and the registry cannot resume (no range support)`);
      }
      const declared = res.headers.get('content-length');
      if (size !== undefined && declared !== null && Number(declared) > size - from) {
        controllers.get(res)?.abort();
        await res.body.cancel().catch(() => undefined);
        throw tooLong(`announced ${declared} bytes${from > 0 ? ` from byte ${from} on` : ''} (Content-Length), more`);
      }
      return { stream: res.body as Readable, controller: controllers.get(res) };
    };
    const first = await open(0);
    const attempts = this.opts.attempts ?? 4;
    const idleMs = this.opts.idleTimeoutMs ?? 60_000;
    // A broken connection mid-blob is resumed with a Range request; the bytes are verified downstream.
    const self = this;
    return Readable.from(
      (async function* () {
        let received = 0;
        let { stream, controller } = first;
        for (let attempt = 1; ; attempt++) {
          // a body that sends nothing for idleMs is aborted: the read fails and is resumed (Range) or given up
          const idle = idleWatch(idleMs, (e) => {
            controller?.abort(e);
            stream.destroy(e);
          });
          let over = false;
          try {
            idle.arm();
            for await (const chunk of stream) {
              // only the registry's silence counts, not the time the consumer takes
              idle.stop();
              received += (chunk as Buffer).length;
              if (size !== undefined && received > size) {
                // the descriptor's size + 1st byte has arrived: nothing more is read
                over = true;
                break;
              }
              yield chunk as Buffer;
              idle.arm();
            }
            idle.stop();
            if (!over) return;
          } catch (err) {
            idle.stop();
            stream.destroy();
            if (attempt >= attempts || err instanceof WhittleError) {
              throw new WhittleError('network', `${what}: ${self.host}/${repository}: connection broke after ${received} bytes: ${(err as Error).message}`, { cause: err });
            }
            await sleep((self.opts.backoffMs ?? 500) * 2 ** (attempt - 1));
            ({ stream, controller } = await open(received));
            continue;
          }
          controller?.abort();
          stream.destroy();
          throw tooLong('sent more');
        }
      })(),
      { objectMode: false },
    );
  }

  async hasBlob(repository: string, digest: string, push = false): Promise<boolean> {
    const res = await this.request(`/v2/${repository}/blobs/${digest}`, { repository, push, method: 'HEAD', ok: [404] }, `checking blob ${digest}`);
    return res.status !== 404;
  }
}
