// The one HTTP exchange of the registry client, on node:http and node:https instead of the global
// fetch: fetch is undici, which a process loads and initializes on its first call (its bundle, then
// the llhttp WebAssembly parser), tens of milliseconds of CPU before the first request; a warm build
// to a registry makes about ten small requests, and undici's set-up was most of its time beyond
// node's own start (docs/build.md, Figures). It does what client.ts asked of fetch and no more: one
// request, no redirects followed (the client follows them itself), an AbortSignal that cuts off the
// connection and the headers' wait as well as a body being read, connections kept alive between
// requests (the agents' idle sockets do not hold the process open).
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { Readable } from 'node:stream';

/** ResponseHeaders reads a response's headers by case-insensitive name, as fetch's Headers does. */
export class ResponseHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  /** get is the header's value (several joined with ", "), or null when absent. */
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
}

/** ResponseBody is the response's bytes as a stream; cancel stops reading it (the connection is closed unless the body is already complete). */
export type ResponseBody = Readable & { cancel(reason?: unknown): Promise<void> };

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: ResponseHeaders;
  /** null for a HEAD request or a 204/304, as fetch gives. */
  body: ResponseBody | null;
}

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | Readable;
  signal: AbortSignal;
}

let agents: { http?: Agent; https?: Agent } = {};

async function agentFor(protocol: string): Promise<{ request: (url: URL, o: RequestOptions) => ClientRequest; agent: Agent }> {
  if (protocol === 'https:') {
    // node:https (and TLS) loads only for a registry reached over https
    const https = await import('node:https');
    agents.https ??= new https.Agent({ keepAlive: true });
    return { request: (url, o) => https.request(url, o), agent: agents.https };
  }
  const http = await import('node:http');
  agents.http ??= new http.Agent({ keepAlive: true });
  return { request: (url, o) => http.request(url, o), agent: agents.http };
}

/** closeIdleConnections drops the kept-alive connections (tests that stop a server use it). */
export function closeIdleConnections(): void {
  agents.http?.destroy();
  agents.https?.destroy();
  agents = {};
}

/** asBody gives an IncomingMessage the cancel fetch's bodies have. */
function asBody(res: IncomingMessage): ResponseBody {
  const body = res as unknown as ResponseBody;
  body.cancel = async (reason?: unknown) => {
    if (res.complete) {
      res.resume(); // already all here: drained, the connection goes back to the agent
      return;
    }
    res.destroy(reason instanceof Error ? reason : undefined);
  };
  return body;
}

/** httpRequest sends one request and resolves with the response once its headers arrive. */
export async function httpRequest(url: URL, init: HttpRequest): Promise<HttpResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported URL scheme ${url.protocol}`);
  const { request, agent } = await agentFor(url.protocol);
  const headers: Record<string, string> = { ...init.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (init.body instanceof Uint8Array && !has('content-length')) headers['content-length'] = String(init.body.byteLength);
  else if (init.body === undefined && !has('content-length') && init.method !== 'GET' && init.method !== 'HEAD') headers['content-length'] = '0';
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = request(url, { method: init.method, headers, agent, signal: init.signal });
    req.on('error', (err) => reject(new Error(err.message, { cause: err })));
    req.on('response', (res) => {
      res.on('error', () => undefined); // a cut-off body fails its reader; unread, it must not end the process
      const status = res.statusCode ?? 0;
      const empty = init.method === 'HEAD' || status === 204 || status === 304;
      if (empty) res.resume();
      // an abort (a deadline) after the headers shows on the body as an error
      resolve({ status, ok: status >= 200 && status < 300, headers: new ResponseHeaders(res.headers), body: empty ? null : asBody(res) });
    });
    if (init.body instanceof Readable) {
      init.body.on('error', (err) => req.destroy(err));
      init.body.pipe(req);
    } else req.end(init.body);
  });
}
