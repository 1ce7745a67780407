import { pathToFileURL } from 'node:url';
import {
  commonOptions,
  hex,
  parseArgs,
  rfc2822,
  runMain,
  serve,
  type FakeOptions,
  type FakeServer,
  type ReceivedRequest,
  type Reply,
} from './common';

/** A message as the fake Twilio keeps it (the Message resource's fields the adapter reads). */
export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  messaging_service_sid: string | null;
  from: string | null;
  to: string;
  body: string;
  content_sid: string | null;
  status: string;
  direction: 'outbound-api' | 'inbound';
  error_code: number | null;
  error_message: string | null;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  /** Milliseconds behind date_created, for filtering. */
  createdMs: number;
}

/** Settings of a fake Twilio. */
export interface FakeTwilioOptions extends FakeOptions {
  accountSid?: string | undefined;
  authToken?: string | undefined;
  /** When set, basic auth as apiKeySid:authToken is accepted too. */
  apiKeySid?: string | undefined;
  now?: (() => number) | undefined;
}

/** A running fake Twilio. */
export interface FakeTwilio extends FakeServer {
  accountSid: string;
  authToken: string;
  messages: FakeTwilioMessage[];
  /** Seeds a message a customer sent to one of our numbers. */
  addInbound(m: { from: string; to: string; body: string; at?: number | undefined }): FakeTwilioMessage;
  /** Moves a message to a later status, as Twilio would after delivery reports. */
  setStatus(sid: string, status: string, errorCode?: number | null): void;
}

/** The account SID and token a fake Twilio uses unless told otherwise. */
export const FAKE_TWILIO = { accountSid: `AC${'0123456789abcdef'.repeat(2)}`, authToken: 'fake-twilio-auth-token' } as const;

const E164 = /^\+[1-9]\d{6,14}$/;
const errorBody = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** Starts a fake Twilio Programmable Messaging API (create, list, fetch messages). */
export async function startFakeTwilio(opts: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? FAKE_TWILIO.accountSid;
  const authToken = opts.authToken ?? FAKE_TWILIO.authToken;
  const now = opts.now ?? Date.now;
  const messages: FakeTwilioMessage[] = [];
  const prefix = `/2010-04-01/Accounts/${accountSid}`;

  const newMessage = (
    m: Partial<FakeTwilioMessage> & { to: string; body: string; direction: FakeTwilioMessage['direction'] },
    at = now(),
  ): FakeTwilioMessage => {
    const msg: FakeTwilioMessage = {
      sid: `SM${hex(32)}`,
      account_sid: accountSid,
      messaging_service_sid: null,
      from: null,
      content_sid: null,
      status: 'queued',
      error_code: null,
      error_message: null,
      date_created: rfc2822(at),
      date_sent: m.direction === 'inbound' ? rfc2822(at) : null,
      date_updated: rfc2822(at),
      createdMs: at,
      ...m,
    };
    messages.push(msg);
    return msg;
  };
  const view = (m: FakeTwilioMessage) => {
    const { createdMs: _createdMs, ...rest } = m;
    return { ...rest, api_version: '2010-04-01', num_segments: '1', num_media: '0', uri: `${prefix}/Messages/${m.sid}.json` };
  };

  const authorized = (req: ReceivedRequest): boolean => {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Basic ')) return false;
    const [user, ...pass] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
    return (user === accountSid || (!!opts.apiKeySid && user === opts.apiKeySid)) && pass.join(':') === authToken;
  };

  const checkSend = (f: Record<string, string>): { code: number; message: string } | null => {
    const to = f.To ?? '';
    if (!to) return { code: 21604, message: "A 'To' phone number is required." };
    const wa = to.startsWith('whatsapp:');
    if (!E164.test(wa ? to.slice(9) : to)) return { code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
    if (!f.From && !f.MessagingServiceSid) return { code: 21603, message: "A 'From' phone number or MessagingServiceSid is required." };
    if (f.From && f.From.startsWith('whatsapp:') !== wa)
      return { code: 21910, message: "Invalid 'From' and 'To' pair. From and To should be of the same channel." };
    if (f.MessagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(f.MessagingServiceSid))
      return { code: 21701, message: 'The Messaging Service does not exist.' };
    if (f.Body !== undefined && f.ContentSid !== undefined) return { code: 35127, message: 'Body and ContentSid cannot be used together.' };
    if (f.ContentVariables !== undefined && f.Body !== undefined)
      return { code: 35127, message: 'Body and ContentVariables cannot be used together.' };
    if (f.ContentSid !== undefined && !/^HX[0-9a-fA-F]{32}$/.test(f.ContentSid)) return { code: 21655, message: 'The ContentSid is invalid.' };
    if (f.ContentVariables !== undefined) {
      let ok = false;
      try {
        const v: unknown = JSON.parse(f.ContentVariables);
        ok = !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
      } catch {
        ok = false;
      }
      if (!ok) return { code: 21656, message: 'The ContentVariables parameter is invalid.' };
    }
    if (!f.Body && !f.ContentSid && !f.MediaUrl) return { code: 21602, message: 'Message body is required.' };
    if ((f.Body ?? '').length > 1600) return { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
    return null;
  };

  const list = (q: Record<string, string>): Reply => {
    const size = Math.min(1000, Math.max(1, Number(q.PageSize ?? 50)));
    const page = Math.max(0, Number(q.Page ?? 0));
    const day = (s: string | undefined) => (s ? Date.parse(`${s}T00:00:00Z`) : NaN);
    const after = day(q['DateSent>']);
    const before = day(q['DateSent<']);
    const sentAt = (m: FakeTwilioMessage) => Date.parse(m.date_sent ?? m.date_created);
    const rows = messages
      .filter((m) => (q.To === undefined || m.to === q.To) && (q.From === undefined || m.from === q.From))
      .filter((m) => (Number.isNaN(after) || sentAt(m) >= after) && (Number.isNaN(before) || sentAt(m) < before + 86_400_000))
      .sort((a, b) => b.createdMs - a.createdMs);
    const slice = rows.slice(page * size, page * size + size);
    const base = new URLSearchParams(Object.entries(q).filter(([k]) => k !== 'Page' && k !== 'PageToken'));
    const uri = (p: number) => `${prefix}/Messages.json?${new URLSearchParams([...base, ['Page', String(p)], ['PageToken', `PA${p}`]])}`;
    return {
      status: 200,
      body: {
        messages: slice.map(view),
        page,
        page_size: size,
        start: page * size,
        end: page * size + slice.length - 1,
        uri: uri(page),
        first_page_uri: uri(0),
        previous_page_uri: page > 0 ? uri(page - 1) : null,
        next_page_uri: (page + 1) * size < rows.length ? uri(page + 1) : null,
      },
    };
  };

  const fake = await serve(
    {
      check(req) {
        if (!req.path.startsWith('/2010-04-01/Accounts/'))
          return { route: 'unknown', refuse: { status: 404, body: errorBody(404, 20404, 'The requested resource was not found'), reason: 'path' } };
        if (!authorized(req)) return { route: 'unknown', refuse: { status: 401, body: errorBody(401, 20003, 'Authenticate'), reason: 'auth' } };
        if (!req.path.startsWith(`${prefix}/`))
          return {
            route: 'unknown',
            refuse: { status: 404, body: errorBody(404, 20404, 'The requested resource was not found'), reason: 'account' },
          };
        const rest = req.path.slice(prefix.length);
        if (rest === '/Messages.json' && req.method === 'POST') {
          if (req.contentType !== 'application/x-www-form-urlencoded' || !req.form)
            return {
              route: 'send',
              refuse: { status: 400, body: errorBody(400, 21604, "A 'To' phone number is required."), reason: 'content-type' },
            };
          const bad = checkSend(req.form);
          if (bad) return { route: 'send', refuse: { status: 400, body: errorBody(400, bad.code, bad.message), reason: `${bad.code}` } };
          return { route: 'send' };
        }
        if (rest === '/Messages.json' && req.method === 'GET') return { route: 'list' };
        if (/^\/Messages\/[A-Za-z0-9]+\.json$/.test(rest) && req.method === 'GET') return { route: 'get' };
        return { route: 'unknown', refuse: { status: 405, body: errorBody(405, 20004, 'Method not allowed'), reason: 'method' } };
      },
      answer(req, a) {
        if (req.route === 'list') return list(req.query);
        if (req.route === 'get') {
          const sid = req.path
            .split('/')
            .pop()!
            .replace(/\.json$/, '');
          const m = messages.find((x) => x.sid === sid);
          return m
            ? { status: 200, body: view(m) }
            : { status: 404, body: errorBody(404, 20404, `The requested resource ${req.path} was not found`) };
        }
        const f = req.form!;
        if (typeof a === 'object' && 'refuse' in a) {
          const code = Number(a.refuse);
          const status = a.httpStatus ?? (code === 20003 ? 401 : code === 20429 ? 429 : 400);
          return { status, body: errorBody(status, code, `Fake refusal ${code} for the 'To' number ${f.To ?? ''}.`) };
        }
        const msg = newMessage({
          to: f.To!,
          from: f.From ?? null,
          messaging_service_sid: f.MessagingServiceSid ?? null,
          body: f.Body ?? `[content ${f.ContentSid}]`,
          content_sid: f.ContentSid ?? null,
          direction: 'outbound-api',
          status: typeof a === 'object' && a.status !== undefined ? String(a.status) : f.MessagingServiceSid ? 'accepted' : 'queued',
        });
        return { status: 201, body: view(msg) };
      },
      control(name, body) {
        if (name === 'inbound') return { status: 201, body: view(fake_.addInbound(body as { from: string; to: string; body: string; at?: number })) };
        if (name === 'status') {
          const b = body as { sid: string; status: string; errorCode?: number | null };
          fake_.setStatus(b.sid, b.status, b.errorCode);
          return { status: 204 };
        }
        if (name === 'messages') return { status: 200, body: messages.map(view) };
        return undefined;
      },
      reset() {
        messages.length = 0;
      },
    },
    opts,
  );
  const fake_: FakeTwilio = Object.assign(fake, {
    accountSid,
    authToken,
    messages,
    addInbound(m: { from: string; to: string; body: string; at?: number | undefined }) {
      return newMessage({ from: m.from, to: m.to, body: m.body, direction: 'inbound', status: 'received' }, m.at ?? now());
    },
    setStatus(sid: string, status: string, errorCode?: number | null) {
      const m = messages.find((x) => x.sid === sid);
      if (!m) throw new Error(`no message ${sid}`);
      m.status = status;
      m.error_code = errorCode ?? null;
      m.date_updated = rfc2822(now());
    },
  });
  return fake_;
}

/**
 * Starts a fake Twilio from a command line: `--account-sid --auth-token --api-key-sid --port --host --latency-ms
 * --answers '<JSON Answer[]>'` (or FAKE_TWILIO_ACCOUNT_SID, FAKE_TWILIO_AUTH_TOKEN, FAKE_PORT…); prints its URL as JSON.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<FakeTwilio> {
  const args = parseArgs(argv);
  const fake = await startFakeTwilio({
    ...commonOptions(args, env),
    accountSid: args['account-sid'] ?? env.FAKE_TWILIO_ACCOUNT_SID,
    authToken: args['auth-token'] ?? env.FAKE_TWILIO_AUTH_TOKEN,
    apiKeySid: args['api-key-sid'] ?? env.FAKE_TWILIO_API_KEY_SID,
  });
  await runMain('twilio', fake, { accountSid: fake.accountSid, authToken: fake.authToken }, args);
  return fake;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
