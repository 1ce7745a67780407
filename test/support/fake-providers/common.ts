import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a fake answers one request with, after it has checked the request's format:
 * - `'ok'` / `{ ok: true, status }`: the provider's success answer (status where the provider reports one);
 * - `{ refuse: code }`: the provider's own refusal with that code (HTTP status as the real API would use, or `httpStatus`);
 * - `{ httpStatus, retryAfter?, body? }`: a bare HTTP answer (429 with Retry-After, 500, 503…);
 * - `'hang'`: never answers (for timeouts); `'drop'`: closes the connection without an answer;
 * - `{ delayMs, then }`: waits, then answers with `then` (default `'ok'`).
 */
export type Answer =
  | 'ok'
  | 'hang'
  | 'drop'
  | { ok: true; status?: string | number }
  | { refuse: number | string; httpStatus?: number; level?: 'top' | 'number' }
  | { httpStatus: number; retryAfter?: string | number; body?: unknown }
  | { delayMs: number; then?: Answer };

/** A request as a fake saw it, parsed. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  contentType: string;
  raw: string;
  /** The body parsed as a form when it was form-encoded. */
  form?: Record<string, string> | undefined;
  /** The body parsed as JSON when it was JSON. */
  json?: unknown;
  /** Which of the provider's endpoints it hit (`send`, `list`, `get`, `status`…), or `unknown`. */
  route: string;
  /** Why the fake refused the request's format, when it did (then no scripted answer was used). */
  rejected?: string | undefined;
}

/** Scripted answers: a queue used by the next valid requests in order, or a function asked for each. */
export type Script = Answer[] | ((req: ReceivedRequest) => Answer | undefined);

/** What every fake returns. */
export interface FakeServer {
  /** Base address, e.g. http://127.0.0.1:41234 — the adapter's `baseUrl`. */
  url: string;
  received: ReceivedRequest[];
  /** Sets the answers for the next requests; see Answer. */
  script(s: Script): void;
  /** Forgets received requests, scripted answers and the provider's state. */
  reset(): void;
  close(): Promise<void>;
}

/** A response a provider's handler chose. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a provider supplies to the shared server. */
export interface FakeHandler {
  /** Checks the request format and routes it: a Reply refuses it (400/401/404 like the real API). */
  check(req: ReceivedRequest): { route: string; refuse?: Reply & { reason: string } };
  /** The provider's answer for a valid request and the answer chosen for it. */
  answer(
    req: ReceivedRequest,
    answer: 'ok' | { ok: true; status?: string | number } | { refuse: number | string; httpStatus?: number; level?: 'top' | 'number' },
  ): Reply;
  /** Extra control endpoints under /__fake/ (seeding inbound messages, setting statuses). */
  control?(name: string, body: unknown): Reply | undefined;
  reset(): void;
}

/** Options every fake takes. */
export interface FakeOptions {
  host?: string | undefined;
  port?: number | undefined;
  /** Added to every answer (benchmarks). */
  latencyMs?: number | undefined;
}

const parseQuery = (search: string) => Object.fromEntries(new URLSearchParams(search));

/** Starts an HTTP server for one provider on 127.0.0.1, port 0 unless given. */
export async function serve(handler: FakeHandler, opts: FakeOptions = {}): Promise<FakeServer> {
  const received: ReceivedRequest[] = [];
  let queue: Answer[] = [];
  let fn: ((req: ReceivedRequest) => Answer | undefined) | null = null;

  const write = (res: http.ServerResponse, reply: Reply) => {
    if (res.destroyed) return;
    const isText = typeof reply.body === 'string';
    const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...reply.headers,
    });
    res.end(payload);
  };

  const perform = (req: ReceivedRequest, res: http.ServerResponse, a: Answer): void => {
    if (a === 'hang') return;
    if (a === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (typeof a === 'object' && 'delayMs' in a) {
      setTimeout(() => perform(req, res, a.then ?? 'ok'), a.delayMs);
      return;
    }
    if (typeof a === 'object' && 'httpStatus' in a && !('refuse' in a)) {
      const headers: Record<string, string> = {};
      if (a.retryAfter !== undefined) headers['retry-after'] = String(a.retryAfter);
      write(res, { status: a.httpStatus, body: a.body ?? { error: `HTTP ${a.httpStatus}` }, headers });
      return;
    }
    write(res, handler.answer(req, a));
  };

  const server = http.createServer((r, res) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => {
      const url = new URL(r.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') headers[k] = v;
      const contentType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let form: Record<string, string> | undefined;
      let json: unknown;
      if (contentType === 'application/x-www-form-urlencoded') form = parseQuery(raw);
      if (contentType === 'application/json') {
        try {
          json = JSON.parse(raw);
        } catch {
          json = undefined;
        }
      }

      if (url.pathname.startsWith('/__fake/')) {
        const name = url.pathname.slice('/__fake/'.length);
        let body: unknown = undefined;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          write(res, { status: 400, body: { error: 'control bodies are JSON' } });
          return;
        }
        if (name === 'received') return write(res, { status: 200, body: received });
        if (name === 'script' && Array.isArray(body)) {
          queue = body as Answer[];
          fn = null;
          return write(res, { status: 204 });
        }
        if (name === 'reset') {
          fake.reset();
          return write(res, { status: 204 });
        }
        const reply = handler.control?.(name, body);
        return write(res, reply ?? { status: 404, body: { error: `no control endpoint ${name}` } });
      }

      const req: ReceivedRequest = {
        method: r.method ?? 'GET',
        path: url.pathname,
        query: parseQuery(url.search),
        headers,
        contentType,
        raw,
        form,
        json,
        route: 'unknown',
      };
      received.push(req);
      const checked = handler.check(req);
      req.route = checked.route;
      if (checked.refuse) {
        req.rejected = checked.refuse.reason;
        write(res, checked.refuse);
        return;
      }
      const scripted = fn ? fn(req) : queue.shift();
      const a: Answer = scripted ?? 'ok';
      if (opts.latencyMs) setTimeout(() => perform(req, res, a), opts.latencyMs);
      else perform(req, res, a);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  const fake: FakeServer = {
    url: `http://${host}:${addr.port}`,
    received,
    script(s) {
      if (typeof s === 'function') {
        fn = s;
        queue = [];
      } else {
        queue = [...s];
        fn = null;
      }
    },
    reset() {
      received.length = 0;
      queue = [];
      fn = null;
      handler.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging answers keep their sockets open; close them so the server can stop.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** Parses `--key value` pairs (and `--key=value`) from a command line. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        out[a.slice(2)] = next;
        i++;
      } else out[a.slice(2)] = '1';
    }
  }
  return out;
}

/**
 * Runs a started fake as a process: prints `{"kind","url",…settings}` as one JSON line on stdout, applies `--answers`
 * (a JSON array of Answer), and stops on SIGTERM/SIGINT or when stdin closes (the parent went away).
 */
export async function runMain(kind: string, fake: FakeServer, settings: Record<string, unknown>, args: Record<string, string>): Promise<void> {
  if (args.answers) fake.script(JSON.parse(args.answers) as Answer[]);
  process.stdout.write(JSON.stringify({ kind, url: fake.url, ...settings }) + '\n');
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (args['exit-on-stdin-close'] === '1') process.stdin.on('end', stop).resume();
}

/** Options common to every fake's `main`, from `--host --port --latency-ms` or FAKE_HOST/FAKE_PORT/FAKE_LATENCY_MS. */
export function commonOptions(args: Record<string, string>, env: NodeJS.ProcessEnv): FakeOptions {
  const n = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return { host: args.host ?? env.FAKE_HOST, port: n(args.port ?? env.FAKE_PORT), latencyMs: n(args['latency-ms'] ?? env.FAKE_LATENCY_MS) };
}

/** Twilio-style RFC 2822 date. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** A random hex string of n digits. */
export function hex(n: number): string {
  let s = '';
  while (s.length < n)
    s += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
}
