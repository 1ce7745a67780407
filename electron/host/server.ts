import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { Dispatch } from '../../shared/contract/dispatch';
import { apiError, type ErrorCode, type MessageKey, type MessageParams } from '../../shared/contract/errors';

/** Options of the local HTTP host. */
export interface HostOptions {
  dispatch: Dispatch;
  /** Folder of the renderer built for HTTP (out/web); without it only the API is served. */
  staticDir?: string;
  port?: number;
  /** Loopback only unless a kiosk deployment says otherwise. */
  host?: string;
  /**
   * The per-launch secret every /api call must carry as `Authorization: Bearer <secret>` (at least 32 characters);
   * 32 random bytes as base64url when not given. Tests and the e2e setup pass their own to know it.
   */
  secret?: string;
  /** The largest request body accepted, in bytes (default 5 MB). */
  maxBodyBytes?: number;
}

/** A running host. */
export interface RunningHost {
  server: Server;
  /** The served origin, e.g. http://127.0.0.1:5178. */
  url: string;
  /** This launch's secret. */
  secret: string;
  /** The address to open in the browser: the origin with the secret in the fragment (never sent to a server, never in a Referer). */
  openUrl: string;
  close: () => Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Same policy as the Electron window: nothing but our own origin. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The request body limit unless the options give another. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

const MIN_SECRET_LENGTH = 32;

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  // Never any Access-Control-* header: the API is for the page this host serves, and no other origin.
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

/** The host's own refusal, before the contract: an AppError-shaped answer by key (the page translates it). */
function refuse(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  key: MessageKey,
  params?: MessageParams,
  extra: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify({ ok: false, error: apiError(code, key, params) }), 'application/json', extra);
}

/** "5 MB (5242880 bytes)": a limit as a person reads it, with the exact figure. */
export function describeLimit(bytes: number): string {
  const unit = bytes >= 1024 * 1024 ? [1024 * 1024, 'MB'] : bytes >= 1024 ? [1024, 'KB'] : [1, 'bytes'];
  const amount = Math.round((bytes / (unit[0] as number)) * 10) / 10;
  return unit[1] === 'bytes' ? `${bytes} bytes` : `${amount} ${unit[1] as string} (${bytes} bytes)`;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A path with its percent-escapes decoded; null when they are malformed (a lone %, %ZZ, a broken UTF-8 sequence). */
function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Whether `given` is the secret, in time that does not depend on where they differ (both are hashed to one length). */
function sameSecret(given: string, secret: Buffer): boolean {
  return timingSafeEqual(digest(given), secret);
}

/** The `Host` values a browser sends for the served address: the loopback names, and the bound address itself. */
function servedHosts(boundHost: string, port: number): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const bound = boundHost.includes(':') ? `[${boundHost.toLowerCase()}]` : boundHost.toLowerCase();
  // A wildcard bind serves every address, but only the loopback names are known to be this machine's.
  if (bound !== '0.0.0.0' && bound !== '[::]' && !names.includes(bound)) names.push(bound);
  const hosts = new Set(names.map((n) => `${n}:${port}`));
  // Browsers leave out the default port.
  if (port === 80) for (const n of names) hosts.add(n);
  return hosts;
}

/** A new per-launch secret: 32 random bytes, base64url. */
export function newHostSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Start the host; resolves with the server, the URL it listens on and the address to open (carrying the secret). */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const staticRoot = options.staticDir ? resolve(options.staticDir) : null;
  const secret = options.secret ?? newHostSecret();
  if (secret.length < MIN_SECRET_LENGTH || !/^[\x21-\x7e]+$/.test(secret))
    throw new Error(`the host secret must be at least ${MIN_SECRET_LENGTH} printable characters without spaces`);
  const secretDigest = digest(secret);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const boundHost = options.host ?? '127.0.0.1';
  // Known once the port is: the Host values answered, and the origin the page is served from.
  let allowedHosts = new Set<string>();
  let base = '';

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'INTERNAL', 'door.internal');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example whose name now points here sends `Host: evil.example`. Only names of the
    // address being served are answered, for the page as well as the API.
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(hostHeader))
      return refuse(res, 403, 'VALIDATION_FAILED', 'host.badHost', { host: hostHeader.slice(0, 100), address: base });
    const target = req.url ?? '/';
    if (!target.startsWith('/')) return refuse(res, 400, 'VALIDATION_FAILED', 'host.badPath');
    const pathname = target.replace(/[?#].*$/s, '');
    const path = decodePath(pathname);
    if (path === null) return refuse(res, 400, 'VALIDATION_FAILED', 'host.badEncoding');
    if (path.startsWith('/api/')) {
      // Another site in the person's browser must not drive the register: the page's own origin exactly, when a
      // browser names one (the Host is already one of ours, so this is the served origin).
      const origin = req.headers.origin;
      if (origin !== undefined && origin.toLowerCase() !== `http://${hostHeader}`) return refuse(res, 403, 'VALIDATION_FAILED', 'host.crossOrigin');
      // Any process on this machine can reach the port; only the page opened with this launch's secret may call.
      const m = /^Bearer ([\x21-\x7e]+)$/.exec(req.headers.authorization ?? '');
      if (!m || !sameSecret(m[1]!, secretDigest))
        return refuse(res, 401, 'UNAUTHORIZED', 'host.noKey', { address: `${base}/#k=…` }, { 'WWW-Authenticate': 'Bearer realm="optin-desk"' });
      if (req.method !== 'POST') return refuse(res, 405, 'VALIDATION_FAILED', 'host.usePost', undefined, { Allow: 'POST' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415, 'VALIDATION_FAILED', 'host.sendJson');
      const tooLarge = () => refuse(res, 413, 'VALIDATION_FAILED', 'host.tooLarge', { limit: describeLimit(maxBody) }, { Connection: 'close' });
      if (Number(req.headers['content-length'] ?? 0) > maxBody) return tooLarge();
      let body: string;
      try {
        body = await readBody(req, maxBody);
      } catch (err) {
        if (err instanceof BodyTooLarge) return tooLarge();
        throw err;
      }
      let input: unknown;
      try {
        input = body ? JSON.parse(body) : {};
      } catch {
        return refuse(res, 400, 'VALIDATION_FAILED', 'host.notJson');
      }
      const result = await options.dispatch(path.slice('/api/'.length), input);
      return send(res, 200, JSON.stringify(result), 'application/json');
    }
    if (!staticRoot || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, 'not found', 'text/plain');
    const rel = normalize(path).replace(/^([/\\])+/, '');
    let file = join(staticRoot, rel);
    if (!file.startsWith(staticRoot)) return send(res, 403, 'forbidden', 'text/plain');
    const info = await stat(file).catch(() => null);
    // Client-side routes fall back to the app shell.
    if (!info || info.isDirectory()) file = join(staticRoot, 'index.html');
    const data = await readFile(file).catch(() => null);
    if (!data) return send(res, 404, 'build the renderer first: npm run build:web', 'text/plain');
    return send(res, 200, data, MIME[extname(file)] ?? 'application/octet-stream');
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, boundHost, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  allowedHosts = servedHosts(boundHost, port);
  base = `http://${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${port}`;
  return {
    server,
    url: base,
    secret,
    openUrl: `${base}/#k=${secret}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // Browsers keep connections alive; closing must not wait for them.
        server.closeAllConnections();
      }),
  };
}
