import { pathToFileURL } from 'node:url';
import { commonOptions, parseArgs, runMain, serve, type FakeOptions, type FakeServer, type ReceivedRequest, type Reply } from './common';

/** Settings of a fake SMS.ru. */
export interface FakeSmsruOptions extends FakeOptions {
  apiId?: string | undefined;
  /** Sender names the account has approved; any name is accepted when unset. */
  senders?: string[] | undefined;
}

/** A message the fake SMS.ru took. */
export interface FakeSmsruMessage {
  id: string;
  to: string;
  text: string;
  from: string | null;
  test: boolean;
  statusCode: number;
}

/** A running fake SMS.ru. */
export interface FakeSmsru extends FakeServer {
  apiId: string;
  messages: FakeSmsruMessage[];
  /** Sets a message's delivery status code (103 delivered, 104 expired…). */
  setStatus(id: string, code: number): void;
  /** The account's stop-list: digits without + → the note SMS.ru keeps with the entry. */
  stoplist: Map<string, string>;
}

/** The api_id a fake SMS.ru uses unless told otherwise. */
export const FAKE_SMSRU = { apiId: '00000000-FAKE-SMSR-U000-000000000000' } as const;

// Texts as SMS.ru words them (sms.ru/api/send, sms.ru/api/status).
const TEXTS: Record<number, string> = {
  [-1]: 'Сообщение не найдено',
  100: 'Запрос выполнен или сообщение находится в нашей очереди',
  101: 'Сообщение передается оператору',
  102: 'Сообщение отправлено (в пути)',
  103: 'Сообщение доставлено',
  104: 'Не может быть доставлено: время жизни истекло',
  108: 'Не может быть доставлено: отклонено',
  150: 'Не может быть доставлено: не найден маршрут на данный номер',
  200: 'Неправильный api_id',
  201: 'Не хватает средств на лицевом счету',
  202: 'Неправильно указан номер телефона получателя, либо на него нет маршрута',
  203: 'Нет текста сообщения',
  204: 'Отправитель не согласован с оператором этого номера: подайте заявку в разделе «Отправители»',
  207: 'На этот номер (или один из номеров) нельзя отправлять сообщения, либо указано более 100 номеров в списке получателей',
  209: 'Вы добавили этот номер (или один из номеров) в стоп-лист',
  211: 'Метод не найден',
  215: 'Этот номер находится в стоп-листе SMS.RU (от получателя поступала жалоба на спам)',
  220: 'Сервис временно недоступен, попробуйте чуть позже',
  230: 'Превышен общий лимит количества сообщений на этот номер в день',
  231: 'Превышен лимит одинаковых сообщений на этот номер в минуту',
  232: 'Превышен лимит одинаковых сообщений на этот номер в день',
  301: 'Неправильный api_id, либо логин/пароль',
};
// Codes that concern the whole request, answered at the top level rather than per number. 204 (the sender name is not
// approved with the number's operator) is not one of them: SMS.ru approves a name operator by operator and answers 204
// in the number's own entry under a top-level OK, as the json=1 answers client libraries record show.
const TOP_LEVEL = new Set([200, 201, 203, 210, 211, 220, 221, 300, 301, 302, 500]);

/** SMS.ru's json=1 answer with one verdict per number under a top-level OK (sms.ru/api/send). */
const perNumber = (to: string, code: number): Reply => ({
  status: 200,
  body: {
    status: 'OK',
    status_code: 100,
    sms: Object.fromEntries(to.split(',').map((n) => [n, { status: 'ERROR', status_code: code, status_text: TEXTS[code] ?? `Ошибка ${code}` }])),
    balance: 100.5,
  },
});

const topError = (code: number): Reply => ({
  status: 200,
  body: { status: 'ERROR', status_code: code, status_text: TEXTS[code] ?? `Ошибка ${code}` },
});

/** Starts a fake SMS.ru (sms/send, sms/status and stoplist/get with json=1). */
export async function startFakeSmsru(opts: FakeSmsruOptions = {}): Promise<FakeSmsru> {
  const apiId = opts.apiId ?? FAKE_SMSRU.apiId;
  const messages: FakeSmsruMessage[] = [];
  const stoplist = new Map<string, string>();
  let seq = 10_000_000;
  const params = (req: ReceivedRequest): Record<string, string> => ({ ...req.query, ...req.form });

  const fake = await serve(
    {
      check(req) {
        const route =
          req.path === '/sms/send' ? 'send' : req.path === '/sms/status' ? 'status' : req.path === '/stoplist/get' ? 'stoplist' : 'unknown';
        if (route === 'unknown') return { route, refuse: { ...topError(211), reason: 'path' } };
        if (req.method === 'POST' && req.raw && req.contentType !== 'application/x-www-form-urlencoded')
          // SMS.ru reads POST bodies as forms only; anything else arrives as no parameters at all.
          return { route, refuse: { ...topError(200), reason: 'content-type' } };
        const p = params(req);
        if (p.api_id !== apiId) return { route, refuse: { ...topError(200), reason: 'auth' } };
        if (p.json !== '1') return { route, refuse: { status: 200, body: '200', reason: 'json=1 missing' } };
        if (route === 'send') {
          if (!p.to) return { route, refuse: { ...topError(202), reason: 'to' } };
          if (!p.msg) return { route, refuse: { ...topError(203), reason: 'msg' } };
          if (p.from && opts.senders && !opts.senders.includes(p.from)) return { route, refuse: { ...perNumber(p.to, 204), reason: 'from' } };
        } else if (route === 'status' && !p.sms_id) return { route, refuse: { ...topError(-1), reason: 'sms_id' } };
        return { route };
      },
      answer(req, a) {
        const p = params(req);
        if (req.route === 'stoplist')
          // SMS.ru answers an empty stop-list as PHP's empty array.
          return { status: 200, body: { status: 'OK', status_code: 100, stoplist: stoplist.size ? Object.fromEntries(stoplist) : [] } };
        if (req.route === 'status') {
          const sms: Record<string, unknown> = {};
          for (const id of p.sms_id!.split(',')) {
            const m = messages.find((x) => x.id === id);
            sms[id] = m
              ? { status: 'OK', status_code: m.statusCode, cost: 0.5, status_text: TEXTS[m.statusCode] ?? '' }
              : { status: 'ERROR', status_code: -1, status_text: TEXTS[-1] };
          }
          return { status: 200, body: { status: 'OK', status_code: 100, sms, balance: 100.5 } };
        }
        if (typeof a === 'object' && 'refuse' in a) {
          const code = Number(a.refuse);
          if (a.level === 'top' || (a.level === undefined && TOP_LEVEL.has(code))) return topError(code);
        }
        const sms: Record<string, unknown> = {};
        for (const to of p.to!.split(',')) {
          if (!/^\d{10,15}$/.test(to)) {
            sms[to] = { status: 'ERROR', status_code: 202, status_text: TEXTS[202] };
            continue;
          }
          if (typeof a === 'object' && 'refuse' in a) {
            const code = Number(a.refuse);
            sms[to] = { status: 'ERROR', status_code: code, status_text: TEXTS[code] ?? `Ошибка ${code} для ${to}` };
            continue;
          }
          const id = `${String(Math.floor(seq / 1e8)).padStart(6, '0')}-${String(seq++ % 1e8).padStart(8, '0')}`;
          const statusCode = typeof a === 'object' && a.status !== undefined ? Number(a.status) : 100;
          messages.push({ id, to, text: p.msg!, from: p.from ?? null, test: p.test === '1', statusCode });
          sms[to] = { status: 'OK', status_code: 100, sms_id: id };
        }
        return { status: 200, body: { status: 'OK', status_code: 100, sms, balance: 100.5 } };
      },
      control(name, body) {
        if (name === 'status') {
          const b = body as { id: string; code: number };
          fake_.setStatus(b.id, b.code);
          return { status: 204 };
        }
        if (name === 'messages') return { status: 200, body: messages };
        if (name === 'stoplist') {
          const b = body as { phone: string; note?: string };
          stoplist.set(b.phone.replace(/\D/g, ''), b.note ?? '');
          return { status: 204 };
        }
        return undefined;
      },
      reset() {
        messages.length = 0;
        stoplist.clear();
      },
    },
    opts,
  );
  const fake_: FakeSmsru = Object.assign(fake, {
    apiId,
    messages,
    stoplist,
    setStatus(id: string, code: number) {
      const m = messages.find((x) => x.id === id);
      if (!m) throw new Error(`no message ${id}`);
      m.statusCode = code;
    },
  });
  return fake_;
}

/**
 * Starts a fake SMS.ru from a command line: `--api-id --senders A,B --port --host --latency-ms --answers`
 * (or FAKE_SMSRU_API_ID, FAKE_PORT…); prints its URL as JSON.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<FakeSmsru> {
  const args = parseArgs(argv);
  const senders = args.senders ?? env.FAKE_SMSRU_SENDERS;
  const fake = await startFakeSmsru({
    ...commonOptions(args, env),
    apiId: args['api-id'] ?? env.FAKE_SMSRU_API_ID,
    senders: senders ? senders.split(',') : undefined,
  });
  await runMain('smsru', fake, { apiId: fake.apiId }, args);
  return fake;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
