import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { Dispatch } from '../../shared/contract/dispatch';

/** Options of the local HTTP host. */
export interface HostOptions {
  dispatch: Dispatch;
  /** Folder of the renderer built for HTTP (out/web); without it only the API is served. */
  staticDir?: string;
  port?: number;
  /** Loopback only unless a kiosk deployment says otherwise. */
  host?: string;
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

const MAX_BODY = 5 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Start the host; resolves with the server and the URL it listens on. */
export async function startHost(options: HostOptions): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const staticRoot = options.staticDir ? resolve(options.staticDir) : null;
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } }), 'application/json');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST')
        return send(res, 405, JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'use POST' } }), 'application/json');
      // Another site in the person's browser must not drive the register: same origin and JSON only.
      const origin = req.headers.origin;
      if (origin && origin !== `http://${req.headers.host ?? ''}`)
        return send(
          res,
          403,
          JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'cross-origin request refused' } }),
          'application/json',
        );
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(
          res,
          415,
          JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'send application/json' } }),
          'application/json',
        );
      let input: unknown;
      try {
        const body = await readBody(req);
        input = body ? JSON.parse(body) : {};
      } catch {
        return send(
          res,
          400,
          JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'the request body is not valid JSON' } }),
          'application/json',
        );
      }
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const result = await options.dispatch(method, input);
      return send(res, 200, JSON.stringify(result), 'application/json');
    }
    if (!staticRoot || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, 'not found', 'text/plain');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
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
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // Browsers keep connections alive; closing must not wait for them.
        server.closeAllConnections();
      }),
  };
}
