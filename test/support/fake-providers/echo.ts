import { serve, type FakeOptions, type FakeServer, type ReceivedRequest, type Reply } from './common';

/** The provider kinds that send over HTTP (the file hand-off has no server to echo). */
export type EchoKind = 'twilio' | 'whatsapp-cloud' | 'smsru' | 'webhook';

/**
 * How the echo writes the request into its answer:
 * - `plain`: as text (headers, then the body as sent: an api_id appears URL-encoded in a form body);
 * - `json`: as a JSON document inside the message string (the secret appears JSON-escaped);
 * - `base64`: the plain text base64-encoded (the secret at any byte alignment; Twilio's Basic value twice encoded);
 * - `url`: the plain text percent-encoded (the secret URL-encoded, a form body's api_id encoded twice).
 */
export type EchoEncoding = 'plain' | 'json' | 'base64' | 'url';

/** Settings of an echoing fake provider. */
export interface FakeEchoOptions extends FakeOptions {
  encoding?: EchoEncoding | undefined;
  /** `refuse` (default): the provider's own error with the echo as its message; `accept`: a success whose message id is the echo. */
  mode?: 'refuse' | 'accept' | undefined;
}

/** A running echoing fake. */
export interface FakeEcho extends FakeServer {
  kind: EchoKind;
  /** The address to configure: the webhook's `url`, or the other kinds' `baseUrl`. */
  target: string;
  /** The echo text each answer carried, before the provider's JSON wrapped it. */
  echoes: string[];
  setEncoding(e: EchoEncoding): void;
  setMode(m: 'refuse' | 'accept'): void;
}

/** The request as text: the Authorization header and the body first (so they survive any cut), then every other header. */
export function requestText(req: ReceivedRequest): string {
  const query = new URLSearchParams(req.query).toString();
  const others = Object.entries(req.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${k}: ${v}`);
  return [
    `authorization: ${req.headers.authorization ?? '(none)'}`,
    `body: ${req.raw}`,
    `${req.method} ${req.path}${query ? `?${query}` : ''}`,
    ...others,
  ].join('\n');
}

function encode(req: ReceivedRequest, encoding: EchoEncoding): string {
  const text = requestText(req);
  switch (encoding) {
    case 'plain':
      return text;
    case 'json':
      return JSON.stringify({ authorization: req.headers.authorization ?? null, body: req.raw, form: req.form ?? null, headers: req.headers });
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'url':
      return encodeURIComponent(text);
  }
}

/** The provider's own error answer carrying `echo` as the message its adapter reads and keeps. */
function refusal(kind: EchoKind, echo: string): Reply {
  switch (kind) {
    case 'twilio':
      // 21617 ("the concatenated message body exceeds the 1600 character limit"): a plain failure of this message.
      return { status: 400, body: { code: 21617, message: echo, more_info: 'https://www.twilio.com/docs/errors/21617', status: 400 } };
    case 'whatsapp-cloud':
      return { status: 400, body: { error: { message: echo, type: 'OAuthException', code: 100, error_data: { details: echo } } } };
    case 'smsru':
      return { status: 200, body: { status: 'ERROR', status_code: 203, status_text: echo } };
    case 'webhook':
      return { status: 422, body: { error: 'refused', message: echo } };
  }
}

/** A success whose message id is the echo (a provider that puts the request into its id). */
function acceptance(kind: EchoKind, req: ReceivedRequest, echo: string): Reply {
  switch (kind) {
    case 'twilio':
      return { status: 201, body: { sid: echo, status: 'queued' } };
    case 'whatsapp-cloud':
      return { status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: echo }] } };
    case 'smsru': {
      const to = req.form?.to ?? '';
      return { status: 200, body: { status: 'OK', status_code: 100, sms: { [to]: { status: 'OK', status_code: 100, sms_id: echo } } } };
    }
    case 'webhook':
      return { status: 202, body: { id: echo } };
  }
}

/**
 * A fake provider of any HTTP kind that echoes the whole request it got (every header and the body) back in its
 * answer, the way a misconfigured gateway or a hostile endpoint might — to prove no secret survives into what the
 * register keeps, prints or exports. Every path is answered; status queries (Twilio, SMS.ru) are echoed too.
 */
export async function startEchoProvider(kind: EchoKind, opts: FakeEchoOptions = {}): Promise<FakeEcho> {
  let encoding: EchoEncoding = opts.encoding ?? 'plain';
  let mode = opts.mode ?? 'refuse';
  const echoes: string[] = [];
  const fake = await serve(
    {
      check: () => ({ route: 'echo' }),
      answer(req) {
        const echo = encode(req, encoding);
        echoes.push(echo);
        if (kind === 'smsru' && req.path === '/sms/status') return { status: 200, body: { status: 'ERROR', status_code: 200, status_text: echo } };
        if (kind === 'twilio' && req.method === 'GET')
          return { status: 200, body: { sid: 'SM0', status: 'failed', error_code: echo, messages: [], next_page_uri: null } };
        return mode === 'accept' ? acceptance(kind, req, echo) : refusal(kind, echo);
      },
      reset: () => {
        echoes.length = 0;
      },
    },
    opts,
  );
  return Object.assign(fake, {
    kind,
    target: kind === 'webhook' ? `${fake.url}/hook` : fake.url,
    echoes,
    setEncoding: (e: EchoEncoding) => {
      encoding = e;
    },
    setMode: (m: 'refuse' | 'accept') => {
      mode = m;
    },
  });
}
