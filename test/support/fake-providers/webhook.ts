import { pathToFileURL } from 'node:url';
import { commonOptions, parseArgs, runMain, serve, type FakeOptions, type FakeServer, type ReceivedRequest } from './common';

/** Settings of a fake webhook receiver. */
export interface FakeWebhookOptions extends FakeOptions {
  /** The path messages are POSTed to (default /hook). */
  path?: string | undefined;
  /** When set, `Authorization: Bearer <token>` is required. */
  token?: string | undefined;
}

/** A message the receiver took, once per idempotency key. */
export interface FakeWebhookMessage {
  id: string;
  to: string;
  text: string;
  channel: string;
  purpose: string;
  batch: number;
  idempotencyKey: string;
}

/** A running fake webhook receiver. */
export interface FakeWebhook extends FakeServer {
  /** The full address to configure as the webhook's `url`. */
  hookUrl: string;
  messages: FakeWebhookMessage[];
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function problem(req: ReceivedRequest): string | null {
  const b = req.json;
  if (!isObj(b)) return 'the body must be a JSON object';
  if (typeof b.to !== 'string' || !/^\+[1-9]\d{6,14}$/.test(b.to)) return 'to must be E.164 with the plus';
  if (typeof b.text !== 'string' || !b.text) return 'text is required';
  if (b.channel !== 'sms' && b.channel !== 'whatsapp') return 'channel must be sms or whatsapp';
  if (b.purpose !== 'marketing' && b.purpose !== 'service') return 'purpose must be marketing or service';
  if (typeof b.batch !== 'number' || !Number.isInteger(b.batch)) return 'batch must be an integer';
  if (typeof b.idempotencyKey !== 'string' || !b.idempotencyKey) return 'idempotencyKey is required';
  if (req.headers['idempotency-key'] !== b.idempotencyKey) return 'the Idempotency-Key header must equal idempotencyKey';
  return null;
}

/** Starts a fake receiver of the webhook protocol (see electron/core/sending/providers/webhook.ts); repeats are dropped by key. */
export async function startFakeWebhook(opts: FakeWebhookOptions = {}): Promise<FakeWebhook> {
  const hookPath = opts.path ?? '/hook';
  const messages: FakeWebhookMessage[] = [];
  const byKey = new Map<string, FakeWebhookMessage>();
  let seq = 0;
  const fake = await serve(
    {
      check(req) {
        if (req.path !== hookPath || req.method !== 'POST')
          return { route: 'unknown', refuse: { status: 404, body: { error: 'not found' }, reason: 'path' } };
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`)
          return { route: 'send', refuse: { status: 401, body: { error: 'unauthorized' }, reason: 'auth' } };
        if (req.contentType !== 'application/json')
          return { route: 'send', refuse: { status: 415, body: { error: 'send JSON' }, reason: 'content-type' } };
        const bad = problem(req);
        if (bad) return { route: 'send', refuse: { status: 400, body: { error: bad }, reason: bad } };
        return { route: 'send' };
      },
      answer(req, a) {
        const b = req.json as Omit<FakeWebhookMessage, 'id'>;
        if (typeof a === 'object' && 'refuse' in a) {
          if (a.refuse === 'opted_out') return { status: a.httpStatus ?? 422, body: { optedOut: true, message: `recipient ${b.to} opted out` } };
          if (a.refuse === 'invalid_number') return { status: a.httpStatus ?? 422, body: { invalidNumber: true, message: `no such number ${b.to}` } };
          return { status: a.httpStatus ?? Number(a.refuse), body: { error: `refused (${String(a.refuse)})` } };
        }
        const seen = byKey.get(b.idempotencyKey);
        if (seen) return { status: 200, body: { id: seen.id, duplicate: true } };
        const m: FakeWebhookMessage = {
          id: `wh-${++seq}`,
          to: b.to,
          text: b.text,
          channel: b.channel,
          purpose: b.purpose,
          batch: b.batch,
          idempotencyKey: b.idempotencyKey,
        };
        messages.push(m);
        byKey.set(m.idempotencyKey, m);
        return { status: 202, body: { id: m.id } };
      },
      control(name) {
        if (name === 'messages') return { status: 200, body: messages };
        return undefined;
      },
      reset() {
        messages.length = 0;
        byKey.clear();
        seq = 0;
      },
    },
    opts,
  );
  return Object.assign(fake, { hookUrl: `${fake.url}${hookPath}`, messages });
}

/**
 * Starts a fake webhook receiver from a command line: `--path /hook --token T --port --host --latency-ms --answers`
 * (or FAKE_WEBHOOK_PATH, FAKE_WEBHOOK_TOKEN, FAKE_PORT…); prints its URL (and hookUrl) as JSON.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<FakeWebhook> {
  const args = parseArgs(argv);
  const fake = await startFakeWebhook({
    ...commonOptions(args, env),
    path: args.path ?? env.FAKE_WEBHOOK_PATH,
    token: args.token ?? env.FAKE_WEBHOOK_TOKEN,
  });
  await runMain('webhook', fake, { hookUrl: fake.hookUrl }, args);
  return fake;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
