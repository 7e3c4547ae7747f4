// A plain HTTP client for the Docker (or Podman-compatible) engine API over its unix socket,
// or tcp:// without TLS; DOCKER_HOST is respected. No dockerode: three endpoints are all we need.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { WhittleError } from '../../errors.js';

export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
  /** for messages. */
  display: string;
}

export function engineAddress(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const dh = env.DOCKER_HOST;
  if (!dh) return { socketPath: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' };
  if (dh.startsWith('unix://')) return { socketPath: dh.slice('unix://'.length), display: dh };
  if (dh.startsWith('tcp://') || dh.startsWith('http://')) {
    const u = new URL(dh.replace(/^tcp:/, 'http:'));
    return { host: u.hostname, port: Number(u.port || 2375), display: dh };
  }
  throw new WhittleError('unsupported', `DOCKER_HOST=${dh}: only unix:// and tcp:// (without TLS) engines are supported`);
}

export interface EngineResponse {
  status: number;
  body: IncomingMessage;
}

/** engineRequest sends one request; connection failures become one clear line. timeoutMs bounds waiting for the answer's headers (default: no bound). */
export async function engineRequest(
  addr: EngineAddress,
  method: string,
  path: string,
  body?: Readable,
  headers: Record<string, string> = {},
  timeoutMs?: number,
): Promise<EngineResponse> {
  // node:http loads with the first request to an engine, not with every command that could make one
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        path,
        headers: { host: 'docker', ...headers },
        ...(addr.socketPath ? { socketPath: addr.socketPath } : { host: addr.host, port: addr.port }),
      },
      (res) => {
        req.setTimeout(0);
        resolve({ status: res.statusCode ?? 0, body: res });
      },
    );
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? `no Docker engine is running at ${addr.display} (start one, or set DOCKER_HOST)`
          : err.code === 'EACCES'
            ? `permission denied on ${addr.display} (are you in the docker group?)`
            : `${addr.display}: ${err.message}`;
      reject(new WhittleError(err.code === 'EACCES' ? 'auth' : 'network', why, { cause: err }));
    });
    if (body) {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    } else req.end();
  });
}

export async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** engineMessage extracts the engine's `{"message": …}` error text. */
export async function engineMessage(res: EngineResponse): Promise<string> {
  const text = (await readAll(res.body)).toString('utf8');
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.trim();
  } catch {
    return text.trim();
  }
}
