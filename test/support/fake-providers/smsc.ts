import { pathToFileURL } from 'node:url';
import { commonOptions, parseArgs, runMain, serve, type FakeOptions, type FakeServer, type ReceivedRequest, type Reply } from './common';

/** Settings of a fake SMSC.ru. */
export interface FakeSmscOptions extends FakeOptions {
  login?: string | undefined;
  password?: string | undefined;
  /** An API key accepted as `apikey` (or as `psw` with no login). */
  apiKey?: string | undefined;
  now?: (() => number) | undefined;
}

/** A message the fake SMSC.ru took. */
export interface FakeSmscMessage {
  /** The id given with the request (or one the fake made up). */
  id: string;
  /** Digits without +. */
  phone: string;
  text: string;
  sender: string | null;
  status: number;
}

/** A reply a customer sent to the account's number. */
export interface FakeSmscAnswer {
  id: number;
  phone: string;
  toPhone: string;
  message: string;
  receivedMs: number;
}

/** A running fake SMSC.ru. */
export interface FakeSmsc extends FakeServer {
  login: string;
  password: string;
  messages: FakeSmscMessage[];
  answers: FakeSmscAnswer[];
  /** Seeds a customer's reply (phone in any form; digits are kept). */
  addAnswer(a: { from: string; to?: string | undefined; text: string; at?: number | undefined }): FakeSmscAnswer;
  /** Sets a message's status code as SMSC's status table has them (-2 stopped, 1 delivered, 3 expired, 20 undeliverable…). */
  setStatus(id: string, code: number): void;
}

/** The login and password a fake SMSC.ru uses unless told otherwise. */
export const FAKE_SMSC = { login: 'lavka', password: 'fake-smsc-password' } as const;

const error = (code: number, text: string): Reply => ({ status: 200, body: { error: text, error_code: code } });

/** SMSC's "dd.mm.yyyy hh:mm:ss" in Moscow time (UTC+3). */
function moscow(ms: number): string {
  const d = new Date(ms + 3 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Starts a fake SMSC.ru (sys/send.php, sys/status.php, sys/get.php?get_answers=1, all with fmt=3). */
export async function startFakeSmsc(opts: FakeSmscOptions = {}): Promise<FakeSmsc> {
  const login = opts.login ?? FAKE_SMSC.login;
  const password = opts.password ?? FAKE_SMSC.password;
  const now = opts.now ?? Date.now;
  const messages: FakeSmscMessage[] = [];
  const answers: FakeSmscAnswer[] = [];
  let seq = 1000;
  let answerSeq = 5000;
  const params = (req: ReceivedRequest): Record<string, string> => ({ ...req.query, ...req.form });
  const authorized = (p: Record<string, string>) =>
    (p.login === login && p.psw === password) || (!!opts.apiKey && (p.apikey === opts.apiKey || (!p.login && p.psw === opts.apiKey)));

  const fake = await serve(
    {
      check(req) {
        const route =
          req.path === '/sys/send.php' ? 'send' : req.path === '/sys/status.php' ? 'status' : req.path === '/sys/get.php' ? 'answers' : 'unknown';
        if (route === 'unknown') return { route, refuse: { status: 404, body: 'Not Found', reason: 'path' } };
        if (req.method === 'POST' && req.raw && req.contentType !== 'application/x-www-form-urlencoded')
          return { route, refuse: { ...error(1, 'parameters error'), reason: 'content-type' } };
        const p = params(req);
        if (!authorized(p)) return { route, refuse: { ...error(2, 'authorise error'), reason: 'auth' } };
        if (p.fmt !== '3') return { route, refuse: { status: 200, body: 'ERROR = 1 (parameters error)', reason: 'fmt=3 missing' } };
        if (route === 'send') {
          if (!p.phones) return { route, refuse: { ...error(1, 'parameters error'), reason: 'phones' } };
          if (!p.mes) return { route, refuse: { ...error(1, 'parameters error'), reason: 'mes' } };
          if (p.id !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(p.id)) return { route, refuse: { ...error(1, 'parameters error'), reason: 'id' } };
        } else if (route === 'status') {
          if (!p.phone || !p.id) return { route, refuse: { ...error(1, 'parameters error'), reason: 'phone/id' } };
        } else if (p.get_answers !== '1') return { route, refuse: { ...error(1, 'parameters error'), reason: 'get_answers' } };
        return { route };
      },
      answer(req, a) {
        const p = params(req);
        if (req.route === 'answers') {
          const after = Number(p.after_id ?? 0);
          const hours = Math.min(168, Number(p.hour ?? 24));
          const cnt = Math.min(10_000, Number(p.cnt ?? 1000));
          const list = answers
            .filter((x) => x.id > after && x.receivedMs >= now() - hours * 3_600_000)
            .filter((x) => !p.to_phone || x.toPhone === p.to_phone)
            .sort((x, y) => x.id - y.id)
            .slice(0, cnt);
          return {
            status: 200,
            body: list.map((x) => ({ id: x.id, received: moscow(x.receivedMs), phone: x.phone, to_phone: x.toPhone, sent: 0, message: x.message })),
          };
        }
        if (req.route === 'status') {
          const m = messages.find((x) => x.id === p.id && x.phone === p.phone!.replace(/\D/g, ''));
          if (!m) return { status: 200, body: { status: -3, last_date: '', last_timestamp: 0, err: 0 } };
          return { status: 200, body: { status: m.status, last_date: moscow(now()), last_timestamp: Math.floor(now() / 1000), err: 0 } };
        }
        if (typeof a === 'object' && 'refuse' in a) {
          const code = Number(a.refuse);
          return error(code, `fake refusal ${code}`);
        }
        const phones = p.phones!.split(/[,;]/).map((x) => x.replace(/\D/g, ''));
        if (phones.some((x) => x.length < 10)) return error(7, 'invalid number');
        const id = p.id ?? String(++seq);
        const status = typeof a === 'object' && a.status !== undefined ? Number(a.status) : -1;
        for (const phone of phones) messages.push({ id, phone, text: p.mes!, sender: p.sender ?? null, status });
        return { status: 200, body: { id: /^\d+$/.test(id) ? Number(id) : id, cnt: phones.length } };
      },
      control(name, body) {
        if (name === 'answer') return { status: 201, body: fake_.addAnswer(body as { from: string; to?: string; text: string; at?: number }) };
        if (name === 'status') {
          const b = body as { id: string; code: number };
          fake_.setStatus(b.id, b.code);
          return { status: 204 };
        }
        if (name === 'messages') return { status: 200, body: messages };
        return undefined;
      },
      reset() {
        messages.length = 0;
        answers.length = 0;
      },
    },
    opts,
  );
  const fake_: FakeSmsc = Object.assign(fake, {
    login,
    password,
    messages,
    answers,
    addAnswer(a: { from: string; to?: string | undefined; text: string; at?: number | undefined }) {
      const answer = {
        id: ++answerSeq,
        phone: a.from.replace(/\D/g, ''),
        toPhone: (a.to ?? '').replace(/\D/g, ''),
        message: a.text,
        receivedMs: a.at ?? now(),
      };
      answers.push(answer);
      return answer;
    },
    setStatus(id: string, code: number) {
      const m = messages.filter((x) => x.id === id);
      if (!m.length) throw new Error(`no message ${id}`);
      for (const x of m) x.status = code;
    },
  });
  return fake_;
}

/**
 * Starts a fake SMSC.ru from a command line: `--login --password --api-key --port --host --latency-ms --answers`
 * (or FAKE_SMSC_LOGIN, FAKE_SMSC_PASSWORD, FAKE_PORT…); prints its URL as JSON.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<FakeSmsc> {
  const args = parseArgs(argv);
  const fake = await startFakeSmsc({
    ...commonOptions(args, env),
    login: args.login ?? env.FAKE_SMSC_LOGIN,
    password: args.password ?? env.FAKE_SMSC_PASSWORD,
    apiKey: args['api-key'] ?? env.FAKE_SMSC_API_KEY,
  });
  await runMain('smsc', fake, { login: fake.login, password: fake.password }, args);
  return fake;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
