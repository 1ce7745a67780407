import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RelayStore } from './store';
import { secretEquals, verifyMetaSignature, verifyTwilioSignature } from './signatures';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, formatCursor, parseCursor, type RelayEvent, type RelayEventsPage } from './types';

/** Largest webhook body the relay reads (Meta's and Twilio's are a few KB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** How long unacknowledged events are kept when nothing else is said. */
export const DEFAULT_KEEP_DAYS = 30;

const DAY = 86_400_000;
const ACK_MAX_BYTES = 4096;
/** A page of events stops adding bodies past this size (it always holds at least one). */
const PAGE_MAX_BYTES = 8 * 1024 * 1024;
const PRUNE_EVERY_MS = 3_600_000;

/** What the relay needs to run; secrets are never logged. */
export interface RelayOptions {
  /** The folder holding the relay's database (created when missing). */
  dataDir: string;
  /** The address to listen on (default 127.0.0.1; 0.0.0.0 inside a container). */
  host?: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** Events not acknowledged after this many days are dropped. */
  keepDays?: number | undefined;
  /** The desktop's Bearer token for `/events`. */
  pullToken: string;
  /** Meta app secret: without it `POST /whatsapp` is not served. */
  appSecret?: string | undefined;
  /** The token typed into Meta's webhook settings: without it `GET /whatsapp` refuses every challenge. */
  verifyToken?: string | undefined;
  /** Twilio auth token: without it (or without publicUrl) `POST /twilio` is not served. */
  twilioToken?: string | undefined;
  /** The address the relay's root is reached at from outside (https://relay.example.com): Twilio signs the full URL. */
  publicUrl?: string | undefined;
  maxBodyBytes?: number | undefined;
  now?: (() => number) | undefined;
  /** One line per request (method, route, status) and per prune; never bodies, numbers, query strings or secrets. */
  log?: ((line: string) => void) | undefined;
}

/** A running relay. */
export interface RelayServer {
  /** http://host:port of the listening socket. */
  url: string;
  port: number;
  /** Drops events older than the retention now; returns how many. */
  prune(): number;
  close(): Promise<void>;
}

type Route = 'whatsapp' | 'twilio' | 'events' | 'ack';
const ROUTES: Record<string, { route: Route; methods: string[] }> = {
  '/whatsapp': { route: 'whatsapp', methods: ['GET', 'POST'] },
  '/twilio': { route: 'twilio', methods: ['POST'] },
  '/events': { route: 'events', methods: ['GET'] },
  '/events/ack': { route: 'ack', methods: ['POST'] },
};

class TooLarge extends Error {}

/** Reads a request body up to `max` bytes; throws TooLarge beyond that (declared or actual). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > max) {
        settled = true;
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
  return status;
}

const fail = (res: http.ServerResponse, status: number, error: string) => send(res, status, { error });

/** Checks the options a relay cannot run without; returns the problems in plain words (empty when fine). */
export function relayOptionProblems(o: RelayOptions): string[] {
  const problems: string[] = [];
  if (!o.dataDir) problems.push('--data: the folder for the relay’s events is required');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) problems.push(`--port: ${String(o.port)} is not a port number (0-65535)`);
  if (!o.pullToken) problems.push('--pull-token (or $OPTIN_RELAY_PULL_TOKEN) is required: the desktop’s key to fetch events');
  else if (o.pullToken.length < 16) problems.push('--pull-token: use at least 16 characters (e.g. openssl rand -hex 24)');
  if (o.keepDays !== undefined && (!Number.isInteger(o.keepDays) || o.keepDays < 1 || o.keepDays > 3650))
    problems.push(`--keep-days: ${String(o.keepDays)} is not a whole number of days from 1 to 3650`);
  if (!o.appSecret && !o.twilioToken) problems.push('nothing to relay: give --app-secret (WhatsApp Cloud API) and/or --twilio-token (Twilio)');
  if (o.twilioToken && !o.publicUrl) problems.push('--twilio-token needs --public-url: Twilio signs the full address it posts to');
  if (o.publicUrl) {
    let u: URL | null = null;
    try {
      u = new URL(o.publicUrl);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash)
      problems.push(`--public-url: ${o.publicUrl} is not an http(s) address without a query (e.g. https://relay.example.com)`);
  }
  if (o.maxBodyBytes !== undefined && (!Number.isInteger(o.maxBodyBytes) || o.maxBodyBytes < 1024))
    problems.push('maxBodyBytes: at least 1024 bytes');
  return problems;
}

/**
 * Starts the relay: receives Meta's and Twilio's webhooks, checks their signatures, stores each one durably before
 * answering 200, and serves them to the desktop holding the pull token until it acknowledges them (DOMAIN §9.2).
 * Forwarding headers (X-Forwarded-For, X-Forwarded-Host, X-Real-IP…) are never read: nothing depends on them.
 */
export async function startRelay(o: RelayOptions): Promise<RelayServer> {
  const problems = relayOptionProblems(o);
  if (problems.length) throw new Error(problems.join('; '));
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const keepDays = o.keepDays ?? DEFAULT_KEEP_DAYS;
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const publicBase = o.publicUrl?.replace(/\/+$/, '');
  const store = RelayStore.open(o.dataDir);

  const prune = () => {
    const n = store.prune(now() - keepDays * DAY);
    if (n) log(`pruned ${n} event(s) older than ${keepDays} day(s)`);
    return n;
  };

  const authorized = (req: http.IncomingMessage): boolean => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return !!m && secretEquals(m[1]!, o.pullToken);
  };

  const verify = (res: http.ServerResponse, url: URL): number => {
    const q = url.searchParams;
    const token = q.get('hub.verify_token');
    const challenge = q.get('hub.challenge');
    if (!o.verifyToken || q.get('hub.mode') !== 'subscribe' || token === null || !secretEquals(token, o.verifyToken))
      return fail(res, 403, 'the verify token does not match');
    if (!challenge || challenge.length > 256) return fail(res, 400, 'hub.challenge is missing or too long');
    return send(res, 200, challenge, 'text/plain; charset=utf-8');
  };

  const whatsapp = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<number> => {
    if (!o.appSecret) return fail(res, 404, 'WhatsApp is not set up on this relay (no app secret)');
    const raw = await readBody(req, maxBody);
    if (!verifyMetaSignature(req.headers['x-hub-signature-256'] as string | undefined, raw, o.appSecret))
      return fail(res, 401, 'X-Hub-Signature-256 is missing or does not match the body');
    const text = raw.toString('utf8');
    try {
      JSON.parse(text);
    } catch {
      return fail(res, 400, 'the body is not JSON');
    }
    store.append('whatsapp', text, now());
    return send(res, 200, { stored: true });
  };

  const twilio = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<number> => {
    if (!o.twilioToken || !publicBase) return fail(res, 404, 'Twilio is not set up on this relay (no auth token)');
    const raw = await readBody(req, maxBody);
    const params = [...new URLSearchParams(raw.toString('utf8')).entries()];
    const signedUrl = `${publicBase}${req.url ?? ''}`;
    if (!verifyTwilioSignature(req.headers['x-twilio-signature'] as string | undefined, signedUrl, params, o.twilioToken))
      return fail(res, 401, 'X-Twilio-Signature is missing or does not match');
    if (!params.length) return fail(res, 400, 'the body has no form fields');
    const fields: Record<string, string> = {};
    for (const [k, v] of params) if (!(k in fields)) fields[k] = v;
    store.append('twilio', JSON.stringify(fields), now());
    // An empty TwiML answer: Twilio sends no automatic reply of its own.
    return send(res, 200, '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 'text/xml; charset=utf-8');
  };

  const events = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): number => {
    if (!authorized(req)) return fail(res, 401, 'a valid pull token is required (Authorization: Bearer …)');
    const afterText = url.searchParams.get('after');
    const limitText = url.searchParams.get('limit');
    let after = 0;
    if (afterText) {
      const c = parseCursor(afterText);
      if (!c) return fail(res, 400, `after: ${afterText.slice(0, 80)} is not a cursor this relay gave out`);
      // A cursor from another data folder (the relay's data was wiped or replaced): serve everything again.
      after = c.instance === store.instance ? c.id : 0;
    }
    let limit = DEFAULT_PAGE_LIMIT;
    if (limitText !== null) {
      if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_PAGE_LIMIT)
        return fail(res, 400, `limit: ${limitText.slice(0, 20)} is not a whole number from 1 to ${MAX_PAGE_LIMIT}`);
      limit = Number(limitText);
    }
    const page = store.page(after, limit, PAGE_MAX_BYTES);
    const out: RelayEventsPage = {
      events: page.events.map((e): RelayEvent => {
        let body: unknown;
        try {
          body = JSON.parse(e.body);
        } catch {
          body = e.body;
        }
        return { id: String(e.id), source: e.source, receivedAt: e.receivedAt, body };
      }),
      cursor: formatCursor(store.instance, page.events.length ? page.events[page.events.length - 1]!.id : after),
      more: page.more,
    };
    return send(res, 200, out);
  };

  const ack = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<number> => {
    if (!authorized(req)) return fail(res, 401, 'a valid pull token is required (Authorization: Bearer …)');
    const raw = await readBody(req, ACK_MAX_BYTES);
    let cursor: unknown;
    try {
      cursor = (JSON.parse(raw.toString('utf8')) as { cursor?: unknown } | null)?.cursor;
    } catch {
      return fail(res, 400, 'the body must be JSON: {"cursor": "…"}');
    }
    const c = typeof cursor === 'string' ? parseCursor(cursor) : null;
    if (!c) return fail(res, 400, 'cursor: expected the cursor of a page of events');
    if (c.instance !== store.instance) return fail(res, 409, 'cursor: it comes from another data folder of this relay; pull again');
    if (c.id > store.lastId()) return fail(res, 409, 'cursor: it is ahead of every event this relay has stored');
    return send(res, 200, { acknowledged: store.ack(c.id) });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      url = new URL('http://relay.invalid/');
    }
    const entry = Object.hasOwn(ROUTES, url.pathname) ? ROUTES[url.pathname] : undefined;
    let status: number;
    try {
      if (!entry) status = fail(res, 404, 'not found');
      else if (!entry.methods.includes(method)) {
        res.setHeader('allow', entry.methods.join(', '));
        status = fail(res, 405, `${method} is not allowed here`);
      } else if (entry.route === 'whatsapp') status = method === 'GET' ? verify(res, url) : await whatsapp(req, res);
      else if (entry.route === 'twilio') status = await twilio(req, res);
      else if (entry.route === 'events') status = events(req, res, url);
      else status = await ack(req, res);
    } catch (e) {
      if (e instanceof TooLarge) {
        res.setHeader('connection', 'close');
        status = fail(res, 413, `the body is larger than ${entry?.route === 'ack' ? ACK_MAX_BYTES : maxBody} bytes`);
        // Whatever more the client sends is read and dropped for a moment so it sees the answer, then cut off.
        req.resume();
        setTimeout(() => req.socket.destroy(), 2_000).unref();
      } else if (res.headersSent || req.destroyed) {
        status = 0;
      } else {
        status = fail(res, 500, 'the relay could not handle this request; try again');
        log(`error: ${e instanceof Error ? e.message : 'unknown'}`);
      }
    }
    log(`${method} ${entry ? url.pathname : '(other path)'} ${status || 'aborted'}`);
  };

  const server = http.createServer((req, res) => void handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    store.close();
    throw e;
  }
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();

  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed = false;
  return {
    url: `http://${hostForUrl}:${addr.port}`,
    port: addr.port,
    prune,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
      store.close();
    },
  };
}
