import type { Channel } from '../../../shared/domain/consent/types';
import { EMPTY_LINK, formatLink } from '../../../shared/domain/integrity/head';
import { ExclusionReasons } from '../../../shared/domain/gate/gate';
import { localDay, localTime } from '../../../shared/domain/time/zones';
import { printedStaffName, type PrintLanguage } from './labels';
import { createPdf, finishPdf, FONT, INK, mm, PAPER } from './pdf';

/** The consent event a message went out under, as the report shows it. */
export interface ReportConsent {
  eventId: number;
  uid: string;
  method: string;
  action: string;
  /** When the person gave it (ms). */
  occurredAt: number;
  recordedAt: number;
  recordedBy: string;
  formCode: string | null;
  formSha256: string | null;
  sheetRef: string | null;
  /** The name as written on the paper row the consent came from (the register's contact may carry another). */
  writtenName?: string | null;
  inboundMessageId: string | null;
  source: string | null;
  hash: string;
}

/** One recipient step of a batch (a cascade's SMS fallback is its own row). Times in ms. */
export interface ReportRow {
  recipientId: number;
  contactId: number;
  name: string;
  phone: string;
  step: 0 | 1;
  /** The channels this contact's steps took, in order (e.g. WhatsApp then SMS). */
  path: Channel[];
  channel: Channel;
  status: string;
  reason: string | null;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  handedOffAt: number | null;
  updatedAt: number;
  /** The text as handed to the provider (null when nothing went). */
  text: string | null;
  consent: ReportConsent | null;
  /** When the person opted out after this message had been handed off (it went before the opt-out), if they did. */
  optedOutAt: number | null;
}

/** Everything the campaign report prints; times in ms, shown in `timeZone`. */
export interface ReportSpec {
  language: PrintLanguage;
  timeZone: string;
  generatedAt: number;
  shop: { name: string; address: string; phone: string | null; senderName: string };
  /** The heads of the hash chains when the report was made (null: chain empty). */
  register: { audit: { id: number; hash: string } | null; consent: { id: number; hash: string } | null };
  batch: {
    id: number;
    name: string;
    channel: 'sms' | 'whatsapp' | 'cascade';
    purpose: 'marketing' | 'service';
    text: string;
    tags: string[];
    /** The segment the audience was drawn from, by the name it had when planned, and what became of it since. */
    segment?: { name: string; now: { deleted: boolean; name: string | null } } | null;
    plannedAt: number;
    createdAt: number;
    createdBy: string;
    state: 'planned' | 'sending' | 'done' | 'cancelled';
  };
  /** The sending, or null when it never started. */
  run: {
    startedAt: number;
    startedBy: string;
    finishedAt: number | null;
    pausedAt: number | null;
    pausedReason: string | null;
    providers: Partial<Record<Channel, string>>;
    fallbackAfterMs: number | null;
  } | null;
  plan: { audience: number; eligible: number; byChannel: { whatsapp: number; sms: number }; excluded: Record<string, number> };
  /** Recipient steps per status. */
  outcome: Record<string, number>;
  /** Skipped steps per reason. */
  skipped: Record<string, number>;
  lint: {
    ok: boolean;
    errors: { rule: string; message: string }[];
    warnings: number;
    /** The rules the warnings came from (empty for a campaign planned before they were kept). */
    warningRules: string[];
    segments: number | null;
    encoding: string | null;
  };
  /** How many rows `rows` yields (the page count is printed on every page before the rows are read). */
  recipients: number;
  rows: Iterable<ReportRow>;
}

/** The fixed words of the report. */
export interface ReportLabels {
  title: string;
  subtitle: string;
  batch: string;
  shop: string;
  address: string;
  shopPhone: string;
  sender: string;
  channel: string;
  channels: Record<'sms' | 'whatsapp' | 'cascade', string>;
  channelName: Record<Channel, string>;
  purpose: string;
  purposes: Record<'marketing' | 'service', string>;
  audience: string;
  everyone: string;
  tagged: (tags: string) => string;
  segment: (name: string) => string;
  segmentRenamed: (now: string) => string;
  segmentDeleted: string;
  plannedFor: string;
  plannedBy: string;
  state: string;
  states: Record<'planned' | 'sending' | 'done' | 'cancelled', string>;
  sendingStarted: string;
  finished: string;
  notFinished: string;
  paused: string;
  providers: string;
  fallbackAfter: string;
  minutes: (n: number) => string;
  details: string;
  plan: string;
  planNote: string;
  inAudience: string;
  eligible: string;
  excluded: string;
  exclusion: Record<string, string>;
  outcome: string;
  outcomeNote: string;
  messages: string;
  outcomeStatus: Record<string, string>;
  pending: string;
  neverSent: string;
  statuses: Record<string, string>;
  skipReasons: Record<string, string>;
  /** A handed-off message whose recipient opted out afterwards. */
  optedOutAfter: (at: string) => string;
  message: string;
  lint: string;
  lintErrors: string;
  lintPassed: string;
  lintFailed: string;
  warnings: (n: number) => string;
  segments: (n: number, encoding: string | null) => string;
  fingerprint: string;
  auditHead: (id: number | null) => string;
  consentHead: (id: number | null) => string;
  emptyChain: string;
  verifyHint: string;
  recipients: (n: number) => string;
  timesIn: (zone: string, offset: string) => string;
  columns: { number: string; name: string; phone: string; channel: string; status: string; handedOff: string; provider: string; consent: string };
  noRecipients: string;
  methods: Record<string, string>;
  attempts: (n: number) => string;
  sheet: string;
  writtenAs: string;
  inbound: string;
  event: string;
  generated: string;
  registerFingerprint: string;
  auditRow: (id: number) => string;
  page: string;
}

const EN: ReportLabels = {
  title: 'Campaign report',
  subtitle: 'Who got what, when, and under which consent',
  batch: 'Batch',
  shop: 'Shop',
  address: 'Address',
  shopPhone: 'Shop phone',
  sender: 'Sender name',
  channel: 'Channel',
  channels: { sms: 'SMS', whatsapp: 'WhatsApp', cascade: 'WhatsApp, then SMS for those WhatsApp does not reach' },
  channelName: { sms: 'SMS', whatsapp: 'WhatsApp' },
  purpose: 'Purpose',
  purposes: { marketing: 'Marketing', service: 'Service messages' },
  audience: 'Audience',
  everyone: 'all contacts',
  tagged: (tags) => `contacts tagged ${tags}`,
  segment: (name) => `segment “${name}”`,
  segmentRenamed: (now) => ` (now named “${now}”)`,
  segmentDeleted: ' (the segment was deleted since)',
  plannedFor: 'Planned for',
  plannedBy: 'Created',
  state: 'State',
  states: { planned: 'planned, not sent', sending: 'sending', done: 'done', cancelled: 'cancelled' },
  sendingStarted: 'Sending started',
  finished: 'Sending finished',
  notFinished: 'not finished',
  paused: 'Paused',
  providers: 'Providers',
  fallbackAfter: 'SMS fallback after',
  minutes: (n) => `${n} min without delivery on WhatsApp`,
  details: 'The batch',
  plan: 'Plan',
  planNote: 'The send-time gate run over the audience when the batch was planned; it runs again for every message at hand-off.',
  inAudience: 'In the audience',
  eligible: 'Eligible',
  excluded: 'Excluded',
  exclusion: {
    revoked: 'opted out',
    invalid_number: 'number cannot take messages',
    complained: 'complained recently',
    integrity: 'failed the integrity check',
    no_contact: 'contact removed',
    merged: 'merged into another number of the person (messages go to that one)',
    needs_personal_data: 'needs the personal-data consent',
    no_consent: 'no consent',
    pending: 'awaiting confirmation',
    expired: 'consent expired',
    whatsapp_us_pause: 'WhatsApp marketing to US paused',
    frequency_cap: 'frequency cap reached',
    quiet_hours: 'quiet hours (deferred)',
  },
  outcome: 'Outcome',
  outcomeNote: "One count per message: a cascade's SMS fallback counts on its own.",
  messages: 'Messages',
  outcomeStatus: {
    sent: 'sent, no delivery report yet',
    delivered: 'delivered',
    read: 'delivered and read',
    failed: 'failed',
    undeliverable: 'undeliverable',
    skipped: 'skipped',
    unknown: 'unknown (provider could not say)',
  },
  pending: 'pending (queued or being handed off)',
  neverSent: 'Nothing was sent: this batch was planned, but sending was never started.',
  statuses: {
    queued: 'queued',
    sending: 'handing off',
    sent: 'sent',
    delivered: 'delivered',
    read: 'read',
    failed: 'failed',
    undeliverable: 'undeliverable',
    skipped: 'skipped',
    unknown: 'unknown',
  },
  skipReasons: {
    no_contact: 'contact removed',
    no_provider_for_sms: 'no SMS provider',
    no_provider_for_whatsapp: 'no WhatsApp provider',
    opted_out_after_handoff: 'opted out after a hand-off that may have gone; not sent again',
  },
  optedOutAfter: (at: string) => `sent before the opt-out (${at})`,
  message: 'Message as planned',
  lint: 'Message check',
  lintErrors: 'Why the message check failed',
  lintPassed: 'passed',
  lintFailed: 'failed',
  warnings: (n) => (n === 1 ? '1 warning' : `${n} warnings`),
  segments: (n, encoding) => `${n} SMS segment${n === 1 ? '' : 's'}${encoding ? ` (${encoding})` : ''}`,
  fingerprint: 'Register fingerprint at the time of this report',
  auditHead: (id) => (id === null ? 'Audit log' : `Audit log, row ${id}`),
  consentHead: (id) => (id === null ? 'Consent log' : `Consent log, event ${id}`),
  emptyChain: 'empty',
  verifyHint:
    'To check this report against the register: in Optin Desk open Settings → Register integrity, type the two lines below into “Check a report” and press Check. It must say the register still holds them.',
  recipients: (n) => `Recipients (${n})`,
  timesIn: (zone, offset) => `Times in ${zone} (UTC${offset})`,
  columns: {
    number: 'No.',
    name: 'Name',
    phone: 'Phone',
    channel: 'Channel',
    status: 'Status',
    handedOff: 'Handed off',
    provider: 'Provider, message id',
    consent: 'Consent it went under',
  },
  noRecipients: 'No recipients.',
  methods: {
    paper_form: 'Paper form',
    qr_keyword: 'QR keyword',
    inbound_keyword: 'Inbound keyword',
    verbal_in_store: 'Verbal, in store',
    kiosk: 'In-store tablet',
    web_form: 'Web form',
    import: 'Import',
    provider_feedback: 'Provider feedback',
  },
  attempts: (n) => `${n} tries`,
  sheet: 'sheet',
  writtenAs: 'written as',
  inbound: 'msg',
  event: 'event',
  generated: 'Generated',
  registerFingerprint: 'Register fingerprint',
  auditRow: (id) => `audit row ${id}`,
  page: 'Page',
};

const RU: ReportLabels = {
  title: 'Отчёт о рассылке',
  subtitle: 'Кому, что и когда отправлено и на основании какого согласия',
  batch: 'Рассылка',
  shop: 'Магазин',
  address: 'Адрес',
  shopPhone: 'Телефон магазина',
  sender: 'Имя отправителя',
  channel: 'Канал',
  channels: { sms: 'SMS', whatsapp: 'WhatsApp', cascade: 'WhatsApp, затем SMS тем, до кого WhatsApp не дошёл' },
  channelName: { sms: 'SMS', whatsapp: 'WhatsApp' },
  purpose: 'Цель',
  purposes: { marketing: 'Реклама', service: 'Служебные сообщения' },
  audience: 'Аудитория',
  everyone: 'все контакты',
  tagged: (tags) => `контакты с метками ${tags}`,
  segment: (name) => `сегмент «${name}»`,
  segmentRenamed: (now) => ` (теперь называется «${now}»)`,
  segmentDeleted: ' (сегмент с тех пор удалён)',
  plannedFor: 'Запланирована на',
  plannedBy: 'Создана',
  state: 'Состояние',
  states: { planned: 'запланирована, не отправлялась', sending: 'идёт отправка', done: 'завершена', cancelled: 'отменена' },
  sendingStarted: 'Отправка начата',
  finished: 'Отправка завершена',
  notFinished: 'не завершена',
  paused: 'Приостановлена',
  providers: 'Провайдеры',
  fallbackAfter: 'SMS вместо WhatsApp',
  minutes: (n) => `через ${n} мин без доставки в WhatsApp`,
  details: 'Рассылка',
  plan: 'План',
  planNote: 'Проверка аудитории при планировании; перед отправкой каждого сообщения проверка повторяется.',
  inAudience: 'В аудитории',
  eligible: 'Можно отправить',
  excluded: 'Исключены',
  exclusion: {
    revoked: 'отказались',
    invalid_number: 'номер не принимает сообщения',
    complained: 'недавно жаловались',
    integrity: 'не прошли проверку целостности',
    no_contact: 'контакт удалён',
    merged: 'объединён с другим номером человека (сообщения уходят на него)',
    needs_personal_data: 'нет согласия на обработку ПДн',
    no_consent: 'нет согласия',
    pending: 'ждут подтверждения',
    expired: 'согласие истекло',
    whatsapp_us_pause: 'реклама в WhatsApp в США на паузе',
    frequency_cap: 'превышен лимит частоты',
    quiet_hours: 'тихие часы (отложено)',
  },
  outcome: 'Итог',
  outcomeNote: 'Счёт по сообщениям: SMS вместо WhatsApp считается отдельно.',
  messages: 'Сообщений',
  outcomeStatus: {
    sent: 'отправлено, отчёта о доставке нет',
    delivered: 'доставлено',
    read: 'доставлено и прочитано',
    failed: 'ошибка',
    undeliverable: 'не доставляется',
    skipped: 'пропущено',
    unknown: 'неизвестно (провайдер не ответил)',
  },
  pending: 'ожидают (в очереди или передаются)',
  neverSent: 'Ничего не отправлено: рассылка запланирована, но отправка не начиналась.',
  statuses: {
    queued: 'в очереди',
    sending: 'передаётся',
    sent: 'отправлено',
    delivered: 'доставлено',
    read: 'прочитано',
    failed: 'ошибка',
    undeliverable: 'не доставляется',
    skipped: 'пропущено',
    unknown: 'неизвестно',
  },
  skipReasons: {
    no_contact: 'контакт удалён',
    no_provider_for_sms: 'нет провайдера SMS',
    no_provider_for_whatsapp: 'нет провайдера WhatsApp',
    opted_out_after_handoff: 'отписался после передачи, которая могла уйти; повторно не отправлено',
  },
  optedOutAfter: (at: string) => `отправлено до отписки (${at})`,
  message: 'Текст сообщения (как запланирован)',
  lint: 'Проверка текста',
  lintErrors: 'Почему текст не прошёл проверку',
  lintPassed: 'пройдена',
  lintFailed: 'не пройдена',
  warnings: (n) => `предупреждений: ${n}`,
  segments: (n, encoding) => `частей SMS: ${n}${encoding ? ` (${encoding})` : ''}`,
  fingerprint: 'Отпечаток реестра на момент отчёта',
  auditHead: (id) => (id === null ? 'Журнал аудита' : `Журнал аудита, запись ${id}`),
  consentHead: (id) => (id === null ? 'Журнал согласий' : `Журнал согласий, событие ${id}`),
  emptyChain: 'пусто',
  verifyHint:
    'Чтобы сверить отчёт с реестром: в Optin Desk откройте Настройки → Целостность реестра, введите две строки ниже в поле «Сверить отчёт» и нажмите «Сверить». Ответ должен быть, что реестр их по-прежнему содержит.',
  recipients: (n) => `Получатели (${n})`,
  timesIn: (zone, offset) => `Время: ${zone} (UTC${offset})`,
  columns: {
    number: '№',
    name: 'Имя',
    phone: 'Телефон',
    channel: 'Канал',
    status: 'Статус',
    handedOff: 'Передано',
    provider: 'Провайдер, id сообщения',
    consent: 'Согласие, на основании которого',
  },
  noRecipients: 'Получателей нет.',
  methods: {
    paper_form: 'Бумажная анкета',
    qr_keyword: 'QR и ключевое слово',
    inbound_keyword: 'Входящее сообщение',
    verbal_in_store: 'Устно в магазине',
    kiosk: 'Планшет в магазине',
    web_form: 'Форма на сайте',
    import: 'Импорт',
    provider_feedback: 'Ответ провайдера',
  },
  attempts: (n) => `попыток: ${n}`,
  sheet: 'лист',
  writtenAs: 'на листе',
  inbound: 'сообщ.',
  event: 'событие',
  generated: 'Сформирован',
  registerFingerprint: 'Отпечаток реестра',
  auditRow: (id) => `запись аудита ${id}`,
  page: 'Стр.',
};

/** The report's words in `language`. */
export function reportLabels(language: PrintLanguage): ReportLabels {
  return language === 'ru' ? RU : EN;
}

/** Kept for print/index.ts, which re-exports it under this name; new code imports localTime from shared/domain/time/zones. */

const fullTime = (at: number, zone: string): string => {
  const t = localTime(at, zone);
  return `${t.date} ${t.time} ${t.offset}`;
};

// ── layout ──

const PAGE = { width: PAPER.a4.height, height: PAPER.a4.width };
const MARGIN = mm(12);
const LEFT = MARGIN;
const RIGHT = PAGE.width - MARGIN;
const WIDTH = RIGHT - LEFT;
const FOOTER_HEIGHT = mm(7);
const BOTTOM = PAGE.height - MARGIN - FOOTER_HEIGHT;
/** Pages after the first carry a one-line running head. */
const RUNNING_HEAD_HEIGHT = mm(7);
const CELL_PAD = 2.4;
const ROW_FONT_SIZE = 7;
const ROW_LINE = 8.6;
/** Three lines a row: a status with a long reason (an opt-out's time, a provider's error) is wrapped, never cut. */
const ROW_LINES = 3;
const ROW_HEIGHT = ROW_LINES * ROW_LINE + 2 * CELL_PAD;
/** A table is not started at a page's foot with fewer rows than this under its header. */
const MIN_ROWS_UNDER_HEADER = 3;
/** A message of up to this many lines sits under the batch's details; a longer one runs across the page. */
const MESSAGE_LINES_IN_COLUMN = 8;

interface Style {
  font: string;
  size: number;
  color?: string;
}

/** Widths of characters at size 1, per font, so the 100,000th row costs no more to measure than the first. */
class Measure {
  private readonly widths = new Map<string, Map<string, number>>();
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  width(text: string, style: Style): number {
    let table = this.widths.get(style.font);
    if (!table) {
      table = new Map();
      this.widths.set(style.font, table);
    }
    let sum = 0;
    for (const ch of text) {
      let w = table.get(ch);
      if (w === undefined) {
        this.doc.font(style.font).fontSize(100);
        w = this.doc.widthOfString(ch) / 100;
        table.set(ch, w);
      }
      sum += w;
    }
    return sum * style.size;
  }

  /** The text cut to `width` with an ellipsis at the end. */
  fit(text: string, width: number, style: Style): string {
    if (this.width(text, style) <= width) return text;
    const chars = [...text];
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(chars.slice(0, mid).join('').trimEnd() + '…', style) <= width) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join('').trimEnd() + '…';
  }

  /** Ids share prefixes (SM…, wamid.…): keep the start and the end, cut the middle. */
  fitMiddle(text: string, width: number, style: Style): string {
    if (this.width(text, style) <= width) return text;
    const chars = [...text];
    let keep = chars.length - 1;
    while (keep > 2) {
      const head = Math.ceil(keep / 2);
      const candidate = chars.slice(0, head).join('') + '…' + chars.slice(chars.length - (keep - head)).join('');
      if (this.width(candidate, style) <= width) return candidate;
      keep--;
    }
    return this.fit(text, width, style);
  }

  /** Greedy word wrap keeping the text's own line breaks; words longer than the width are cut into pieces. */
  wrap(text: string, width: number, style: Style, maxLines = Infinity): string[] {
    const lines: string[] = [];
    const space = this.width(' ', style);
    for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (let word of paragraph.split(/[ \t]+/).filter(Boolean)) {
        let w = this.width(word, style);
        while (w > width) {
          // A word wider than a line (an id, a link): cut into pieces on lines of their own.
          if (line) {
            lines.push(line);
            line = '';
            lineWidth = 0;
          }
          const chars = [...word];
          let n = chars.length - 1;
          while (n > 1 && this.width(chars.slice(0, n).join(''), style) > width) n--;
          lines.push(chars.slice(0, n).join(''));
          word = chars.slice(n).join('');
          w = this.width(word, style);
        }
        if (!word) continue;
        if (line && lineWidth + space + w > width) {
          lines.push(line);
          line = word;
          lineWidth = w;
        } else {
          line = line ? `${line} ${word}` : word;
          lineWidth += (lineWidth ? space : 0) + w;
        }
      }
      lines.push(line);
    }
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = this.fit(`${kept[maxLines - 1]} ${lines[maxLines]}`, width, style);
    if (!kept[maxLines - 1]!.endsWith('…')) kept[maxLines - 1] = this.fit(`${kept[maxLines - 1]}…`, width, style);
    return kept;
  }
}

/** Something measured before it is placed: drawn at `y` on whatever page it lands on. */
interface Block {
  height: number;
  draw(y: number): void;
}

/**
 * pdfkit keeps the shaped layout of every distinct word it draws for the life of the document — over 100,000
 * names, numbers and ids, gigabytes. Its switch (`fontLayoutCache: false`) would also lose the reuse within a
 * page and does not reach the regular face (shared with the default font), so the cache is emptied at each page.
 */
function forgetLayouts(doc: PDFKit.PDFDocument): void {
  for (const face of [FONT.regular, FONT.bold]) {
    doc.font(face);
    const font = (doc as unknown as { _font?: { layoutCache?: Record<string, unknown> } })._font;
    if (font?.layoutCache) font.layoutCache = Object.create(null) as Record<string, unknown>;
  }
}

function draw(doc: PDFKit.PDFDocument, text: string, x: number, y: number, style: Style): void {
  if (!text) return;
  doc
    .font(style.font)
    .fontSize(style.size)
    .fillColor(style.color ?? INK.text)
    .text(text, x, y, { lineBreak: false });
}

function hRule(doc: PDFKit.PDFDocument, x1: number, x2: number, y: number, color: string = INK.rule, width = 0.5): void {
  doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
}

interface Column {
  key: 'number' | 'name' | 'phone' | 'channel' | 'status' | 'handedOff' | 'provider' | 'consent';
  width: number;
}

const COLUMNS: Column[] = [
  { key: 'number', width: 24 },
  { key: 'name', width: 106 },
  { key: 'phone', width: 72 },
  { key: 'channel', width: 76 },
  // Wide enough for a status and its reason (an exclusion, an opt-out's time, a provider's error) on two more lines.
  { key: 'status', width: 150 },
  { key: 'handedOff', width: 60 },
  { key: 'provider', width: 92 },
  { key: 'consent', width: 0 },
];
COLUMNS[COLUMNS.length - 1]!.width = WIDTH - COLUMNS.reduce((sum, c) => sum + c.width, 0);

/** One line of the plan's or the outcome's counts; `indent` for the parts of a total. */
interface CountRow {
  label: string;
  n: number;
  indent?: 1 | 2;
  strong?: boolean;
}

/** A cell line: text and how it looks. */
type CellLine = [string, Style] | null;

/** The audience line: a segment by the name it had when planned (renamed or deleted since, said so), tags, or everyone. */
function audienceText(b: ReportSpec['batch'], L: ReportLabels): string {
  if (b.segment) {
    const { name, now } = b.segment;
    return L.segment(name) + (now.deleted ? L.segmentDeleted : now.name !== null && now.name !== name ? L.segmentRenamed(now.name) : '');
  }
  return b.tags.length ? L.tagged(b.tags.join(', ')) : L.everyone;
}

/**
 * The campaign report: a first page an auditor can read on its own (shop, batch, message, plan, outcome, lint
 * verdict, register fingerprint), then every recipient step with the consent it went under. A4 landscape; the
 * table header repeats on each page and every page's footer carries the register fingerprint and "page x/y".
 * Reads `spec.rows` and lays out every page before it returns (so a caller may read them in a transaction);
 * only the bytes are collected afterwards.
 */
export function renderBatchReport(spec: ReportSpec): Promise<Buffer> {
  const L = reportLabels(spec.language);
  const zone = spec.timeZone;
  const when = (at: number | null): string => (at === null ? '—' : fullTime(at, zone));
  const doc = createPdf({
    title: `${L.title} — ${spec.batch.name} (#${spec.batch.id})`,
    language: spec.language,
    printedOn: localDay(spec.generatedAt, zone),
  });
  const measure = new Measure(doc);

  const body: Style = { font: FONT.regular, size: 8.5 };
  const bodyBold: Style = { font: FONT.bold, size: 8.5 };
  const muted: Style = { font: FONT.regular, size: 8.5, color: INK.muted };
  const small: Style = { font: FONT.regular, size: 7, color: INK.muted };
  const heading: Style = { font: FONT.bold, size: 10 };
  const LINE = 8.5 * 1.3;
  const COUNT_LINE = 8.5 * 1.22;
  const SMALL_LINE = 7 * 1.3;

  /** Wrapped lines at `x`, `width` wide. */
  const paragraph = (text: string, style: Style, x: number, width: number, lineHeight: number): Block => {
    const lines = measure.wrap(text, width, style);
    return { height: lines.length * lineHeight, draw: (y) => lines.forEach((line, i) => draw(doc, line, x, y + i * lineHeight, style)) };
  };
  const stack = (blocks: Block[], gap = 0): Block => ({
    height: blocks.reduce((s, b) => s + b.height, 0) + gap * Math.max(0, blocks.length - 1),
    draw(y) {
      for (const b of blocks) {
        b.draw(y);
        y += b.height + gap;
      }
    },
  });
  const spacer = (height: number): Block => ({ height, draw: () => undefined });

  /** Label on the left, the value wrapping beside it. */
  const keyValues = (pairs: [string, string][], x: number, width: number): Block => {
    const labelWidth = Math.min(width * 0.4, Math.max(...pairs.map(([k]) => measure.width(k, muted))) + mm(3));
    return stack(
      pairs.map(([k, v]) => {
        const value = paragraph(v || '—', body, x + labelWidth, width - labelWidth, LINE);
        return { height: value.height + 1.5, draw: (y) => (draw(doc, k, x, y, muted), value.draw(y)) };
      }),
    );
  };

  /** A counts list: label left, number right; `indent` for the parts of a total, `dim` for zeros. */
  const counts = (rows: CountRow[], x: number, width: number): Block =>
    stack(
      rows.map((r) => {
        const indent = (r.indent ?? 0) * mm(3);
        const style: Style = r.strong ? bodyBold : r.n === 0 && r.indent ? muted : body;
        const number = r.n.toLocaleString(spec.language === 'ru' ? 'ru-RU' : 'en-GB');
        const numberWidth = measure.width(number, style);
        const label = measure.wrap(r.label, width - indent - numberWidth - mm(3), style, 2);
        return {
          height: label.length * COUNT_LINE + 1,
          draw(y) {
            label.forEach((line, i) => draw(doc, line, x + indent, y + i * COUNT_LINE, style));
            draw(doc, number, x + width - numberWidth, y, style);
            hRule(doc, x, x + width, y + label.length * COUNT_LINE, INK.faintRule, 0.3);
          },
        };
      }),
      0,
    );

  const titled = (title: string, content: Block, x: number, width: number): Block => {
    const t = paragraph(title, heading, x, width, 10 * 1.3);
    return stack([t, spacer(mm(1)), content]);
  };

  // ── first-page summary ──
  const b = spec.batch;
  const run = spec.run;
  const titleStyle: Style = { font: FONT.bold, size: 17 };
  const batchIdText = `${L.batch} #${b.id}`;
  const batchIdStyle: Style = { font: FONT.bold, size: 11, color: INK.muted };
  const titleBlock: Block = (() => {
    const name = paragraph(b.name, { font: FONT.bold, size: 12.5 }, LEFT, WIDTH, 12.5 * 1.3);
    const sub = paragraph(L.subtitle, muted, LEFT, WIDTH, LINE);
    return {
      height: 17 * 1.3 + mm(1) + name.height + sub.height + mm(2),
      draw(y) {
        draw(doc, L.title, LEFT, y, titleStyle);
        draw(doc, batchIdText, RIGHT - measure.width(batchIdText, batchIdStyle), y + 4, batchIdStyle);
        name.draw(y + 17 * 1.3 + mm(1));
        sub.draw(y + 17 * 1.3 + mm(1) + name.height);
        hRule(doc, LEFT, RIGHT, y + 17 * 1.3 + mm(1) + name.height + sub.height + mm(1), INK.rule, 0.8);
      },
    };
  })();

  const gap = mm(7);
  const detailsWidth = WIDTH * 0.42;
  const planWidth = (WIDTH - detailsWidth - 2 * gap) / 2;
  const planX = LEFT + detailsWidth + gap;
  const outcomeX = planX + planWidth + gap;

  const providers = run
    ? (['whatsapp', 'sms'] as const)
        .filter((c) => run.providers[c])
        .map((c) => `${L.channelName[c]}: ${run.providers[c]}`)
        .join(', ')
    : '';
  const details: [string, string][] = [[L.shop, spec.shop.name]];
  if (spec.shop.address) details.push([L.address, spec.shop.address]);
  if (spec.shop.phone) details.push([L.shopPhone, spec.shop.phone]);
  if (spec.shop.senderName) details.push([L.sender, spec.shop.senderName]);
  details.push(
    [L.channel, L.channels[b.channel]],
    [L.purpose, L.purposes[b.purpose]],
    [L.audience, audienceText(b, L)],
    [L.plannedFor, when(b.plannedAt)],
    [L.plannedBy, `${when(b.createdAt)} (${printedStaffName(b.createdBy, spec.language)})`],
    [L.state, L.states[b.state]],
  );
  if (run) {
    details.push([L.sendingStarted, `${when(run.startedAt)} (${printedStaffName(run.startedBy, spec.language)})`]);
    details.push([L.finished, run.finishedAt === null ? L.notFinished : when(run.finishedAt)]);
    if (run.pausedReason && run.finishedAt === null) details.push([L.paused, `${when(run.pausedAt)}: ${run.pausedReason}`]);
    details.push([L.providers, providers || '—']);
    if (b.channel === 'cascade' && run.fallbackAfterMs !== null) details.push([L.fallbackAfter, L.minutes(Math.round(run.fallbackAfterMs / 60000))]);
  }
  const lintText = [
    spec.lint.ok ? L.lintPassed : L.lintFailed,
    L.warnings(spec.lint.warnings) + (spec.lint.warningRules.length ? ` (${spec.lint.warningRules.join(', ')})` : ''),
    ...(spec.lint.segments !== null ? [L.segments(spec.lint.segments, spec.lint.encoding)] : []),
  ].join(', ');
  details.push([L.lint, lintText]);
  const detailsBlock = titled(L.details, keyValues(details, LEFT, detailsWidth), LEFT, detailsWidth);

  const excludedTotal = Object.values(spec.plan.excluded).reduce((s, n) => s + n, 0);
  const reasons = [...ExclusionReasons, ...Object.keys(spec.plan.excluded).filter((r) => !(ExclusionReasons as readonly string[]).includes(r))];
  const planBlock = titled(
    L.plan,
    stack([
      counts(
        [
          { label: L.inAudience, n: spec.plan.audience, strong: true },
          { label: L.eligible, n: spec.plan.eligible, strong: true },
          ...(b.channel === 'sms' ? [] : [{ label: L.channelName.whatsapp, n: spec.plan.byChannel.whatsapp, indent: 1 } as CountRow]),
          ...(b.channel === 'whatsapp' ? [] : [{ label: L.channelName.sms, n: spec.plan.byChannel.sms, indent: 1 } as CountRow]),
          { label: L.excluded, n: excludedTotal, strong: true },
          ...reasons.map((r): CountRow => ({ label: L.exclusion[r] ?? r, n: spec.plan.excluded[r] ?? 0, indent: 1 })),
        ],
        planX,
        planWidth,
      ),
      spacer(mm(1.5)),
      paragraph(L.planNote, small, planX, planWidth, SMALL_LINE),
    ]),
    planX,
    planWidth,
  );

  const o = spec.outcome;
  const n = (s: string) => o[s] ?? 0;
  const messages = Object.values(o).reduce((s, v) => s + v, 0);
  const outcomeContent: Block = !run
    ? paragraph(L.neverSent, bodyBold, outcomeX, planWidth, LINE)
    : stack([
        counts(
          [
            { label: L.messages, n: messages, strong: true },
            { label: L.outcomeStatus.delivered!, n: n('delivered'), indent: 1 },
            { label: L.outcomeStatus.read!, n: n('read'), indent: 1 },
            { label: L.outcomeStatus.sent!, n: n('sent'), indent: 1 },
            { label: L.outcomeStatus.failed!, n: n('failed'), indent: 1 },
            { label: L.outcomeStatus.undeliverable!, n: n('undeliverable'), indent: 1 },
            { label: L.outcomeStatus.unknown!, n: n('unknown'), indent: 1 },
            { label: L.pending, n: n('queued') + n('sending'), indent: 1 },
            { label: L.outcomeStatus.skipped!, n: n('skipped'), indent: 1 },
            ...Object.entries(spec.skipped)
              .sort((x, y) => y[1] - x[1])
              .map(([reason, count]): CountRow => ({ label: L.exclusion[reason] ?? L.skipReasons[reason] ?? reason, n: count, indent: 2 })),
          ],
          outcomeX,
          planWidth,
        ),
        spacer(mm(1.5)),
        paragraph(L.outcomeNote, small, outcomeX, planWidth, SMALL_LINE),
      ]);
  const outcomeBlock = titled(L.outcome, outcomeContent, outcomeX, planWidth);
  // The message in full: under the batch's details when it is short, else across the page line by line, so a
  // long one can run on to the next page.
  const messageStyle: Style = { font: FONT.regular, size: 9 };
  const messageLine = 9 * 1.35;
  const messagePad = mm(2);
  const messageLinesAt = (x: number, width: number): Block[] =>
    measure.wrap(b.text, width - 2 * messagePad, messageStyle).map((line) => ({
      height: messageLine,
      draw(y) {
        doc.save().rect(x, y, width, messageLine).fill(INK.fill).restore();
        draw(doc, line, x + messagePad, y + 1.5, messageStyle);
      },
    }));
  const messageHeading = (x: number, width: number) => paragraph(L.message, heading, x, width, 10 * 1.3);
  const inColumn = messageLinesAt(LEFT, detailsWidth);
  const messageInColumn = inColumn.length <= MESSAGE_LINES_IN_COLUMN;
  const messageLines = messageInColumn ? [] : messageLinesAt(LEFT, WIDTH);
  const leftBlock = messageInColumn
    ? stack([detailsBlock, spacer(mm(4)), messageHeading(LEFT, detailsWidth), spacer(mm(1)), ...inColumn])
    : detailsBlock;

  // The chains' heads under the plan and outcome: each label above its hash, so a full hash fits the column.
  const rightX = planX;
  const rightWidth = RIGHT - planX;
  const hashStyle: Style = { font: FONT.regular, size: 8 };
  const chainHead = (label: string, hash: string): Block => ({
    height: SMALL_LINE + 8 * 1.3 + 1.5,
    draw(y) {
      draw(doc, label, rightX, y, small);
      draw(doc, measure.fit(hash, rightWidth, hashStyle), rightX, y + SMALL_LINE, hashStyle);
    },
  });
  const registerBlock = titled(
    L.fingerprint,
    stack([
      chainHead(L.auditHead(spec.register.audit?.id ?? null), spec.register.audit?.hash ?? L.emptyChain),
      chainHead(L.consentHead(spec.register.consent?.id ?? null), spec.register.consent?.hash ?? L.emptyChain),
      spacer(1),
      paragraph(L.verifyHint, small, rightX, rightWidth, SMALL_LINE),
      // The heads to type into Settings → Register integrity (hashes shortened to 16 digits so each fits a line).
      ...reportHeadLines(spec.register).map((line): Block => ({
        height: 8 * 1.3,
        draw(y) {
          draw(doc, measure.fit(line, rightWidth, hashStyle), rightX, y, hashStyle);
        },
      })),
    ]),
    rightX,
    rightWidth,
  );
  const rightTop = Math.max(planBlock.height, outcomeBlock.height) + mm(4);
  const columnsBlock: Block = {
    height: Math.max(leftBlock.height, rightTop + registerBlock.height),
    draw(y) {
      leftBlock.draw(y);
      planBlock.draw(y);
      outcomeBlock.draw(y);
      registerBlock.draw(y + rightTop);
    },
  };

  const summary: { block: Block; gapAfter: number; keepWithNext?: number }[] = [
    { block: titleBlock, gapAfter: mm(3) },
    { block: columnsBlock, gapAfter: mm(5) },
    ...(messageInColumn
      ? []
      : [
          { block: messageHeading(LEFT, WIDTH), gapAfter: mm(1), keepWithNext: messageLine * Math.min(3, messageLines.length) },
          ...messageLines.map((block, i) => ({ block, gapAfter: i === messageLines.length - 1 ? mm(5) : 0 })),
        ]),
    // The check's errors, one paragraph each, so however many there are they flow on.
    ...spec.lint.errors.map((e, i) => ({
      block: stack([
        ...(i === 0 ? [paragraph(L.lintErrors, heading, LEFT, WIDTH, 10 * 1.3), spacer(mm(1))] : []),
        paragraph(`${e.rule}: ${e.message}`, body, LEFT, WIDTH, LINE),
      ]),
      gapAfter: i === spec.lint.errors.length - 1 ? mm(5) : mm(1),
    })),
  ];

  const headStyle: Style = { font: FONT.bold, size: ROW_FONT_SIZE };
  const headers = COLUMNS.map((c) => measure.wrap(L.columns[c.key], c.width - 2 * CELL_PAD, headStyle, 2));
  const headerRowHeight = Math.max(...headers.map((h) => h.length)) * ROW_LINE + 2 * CELL_PAD;

  // ── pagination, decided before drawing so every footer can say "page x/y" ──
  const pageTop = (page: number) => (page === 0 ? MARGIN : MARGIN + RUNNING_HEAD_HEIGHT);
  const placed: { page: number; y: number; block: Block }[] = [];
  let page = 0;
  let y = pageTop(0);
  for (const item of summary) {
    const need = item.block.height + (item.keepWithNext ?? 0);
    if (y + need > BOTTOM && y > pageTop(page)) {
      page++;
      y = pageTop(page);
    }
    placed.push({ page, y, block: item.block });
    y += item.block.height + item.gapAfter;
  }

  const tableHeading = paragraph(L.recipients(spec.recipients), heading, LEFT, WIDTH * 0.6, 10 * 1.3);
  const zoneNote = L.timesIn(zone, localTime(spec.generatedAt, zone).offset);
  const tableHeadingHeight = tableHeading.height + mm(1.5);
  const hasTable = run !== null || spec.recipients > 0;
  const firstRows = (top: number) => Math.max(0, Math.floor((BOTTOM - top - tableHeadingHeight - headerRowHeight) / ROW_HEIGHT));
  const rowsPerPage = Math.floor((BOTTOM - pageTop(1) - headerRowHeight) / ROW_HEIGHT);
  let tablePage = page;
  let tableTop = y;
  if (hasTable && firstRows(y) < Math.min(MIN_ROWS_UNDER_HEADER, Math.max(1, spec.recipients))) {
    tablePage = page + 1;
    tableTop = pageTop(tablePage);
  }
  const rowsOnFirst = Math.min(spec.recipients, firstRows(tableTop));
  const pageCount = !hasTable ? page + 1 : tablePage + 1 + Math.ceil(Math.max(0, spec.recipients - rowsOnFirst) / rowsPerPage);

  // ── drawing ──
  const generated = when(spec.generatedAt);
  const fingerprint = spec.register.audit
    ? `${L.registerFingerprint}: ${spec.register.audit.hash} (${L.auditRow(spec.register.audit.id)})`
    : `${L.registerFingerprint}: ${L.emptyChain}`;
  const footerStyle: Style = { font: FONT.regular, size: 6.5, color: INK.muted };
  const runningHead = measure.fit(`${L.title} · ${b.name} · ${L.batch} #${b.id}`, WIDTH * 0.7, small);
  const runningShop = measure.fit(spec.shop.name, WIDTH * 0.28, small);
  let current = -1;
  const startPage = (index: number): void => {
    doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    current = index;
    forgetLayouts(doc);
    if (index > 0) {
      draw(doc, runningHead, LEFT, MARGIN, small);
      draw(doc, runningShop, RIGHT - measure.width(runningShop, small), MARGIN, small);
      hRule(doc, LEFT, RIGHT, MARGIN + SMALL_LINE + 1, INK.faintRule);
    }
    const footY = PAGE.height - MARGIN - footerStyle.size * 1.2;
    hRule(doc, LEFT, RIGHT, footY - mm(1.5), INK.faintRule);
    const pageText = `${L.page} ${index + 1}/${pageCount}`;
    const pageWidth = measure.width(pageText, footerStyle);
    draw(doc, measure.fit(`${L.generated} ${generated} · ${fingerprint}`, WIDTH - pageWidth - mm(6), footerStyle), LEFT, footY, footerStyle);
    draw(doc, pageText, RIGHT - pageWidth, footY, footerStyle);
  };
  const goTo = (index: number): void => {
    while (current < index) startPage(current + 1);
  };

  for (const p of placed) {
    goTo(p.page);
    p.block.draw(p.y);
  }

  if (hasTable) {
    goTo(tablePage);
    tableHeading.draw(tableTop);
    draw(doc, zoneNote, RIGHT - measure.width(zoneNote, small), tableTop + 2.5, small);
    drawTable(tableTop + tableHeadingHeight, rowsOnFirst);
  }

  function drawTable(firstTop: number, firstCount: number): void {
    const cellStyle: Style = { font: FONT.regular, size: ROW_FONT_SIZE };
    const cellBold: Style = { font: FONT.bold, size: ROW_FONT_SIZE };
    const cellMuted: Style = { font: FONT.regular, size: ROW_FONT_SIZE, color: INK.muted };
    const inner = (c: Column) => c.width - 2 * CELL_PAD;
    const xs: number[] = [];
    COLUMNS.reduce((x, c) => (xs.push(x), x + c.width), LEFT);

    const header = (top: number): void => {
      doc.save().rect(LEFT, top, WIDTH, headerRowHeight).fill(INK.fill).restore();
      COLUMNS.forEach((c, i) => headers[i]!.forEach((line, k) => draw(doc, line, xs[i]! + CELL_PAD, top + CELL_PAD + k * ROW_LINE, headStyle)));
      hRule(doc, LEFT, RIGHT, top + headerRowHeight, INK.rule, 0.6);
    };
    const frame = (top: number, bottom: number): void => {
      for (const x of xs.slice(1)) doc.save().moveTo(x, top).lineTo(x, bottom).lineWidth(0.3).strokeColor(INK.faintRule).stroke().restore();
      doc
        .save()
        .rect(LEFT, top, WIDTH, bottom - top)
        .lineWidth(0.6)
        .strokeColor(INK.rule)
        .stroke()
        .restore();
    };

    const cells = (r: ReportRow, index: number): CellLine[][] => {
      const w = (key: Column['key']) => inner(COLUMNS.find((c) => c.key === key)!);
      const name = measure.wrap(r.name || '—', w('name'), cellStyle, ROW_LINES);
      // A cascade's contact: this step's channel with its place, the whole path under it.
      const several = r.path.length > 1;
      const pathText = several ? r.path.map((c) => L.channelName[c]).join(' → ') : null;
      const optedOut = r.optedOutAt === null ? null : localTime(r.optedOutAt, zone);
      const reason = r.reason
        ? (L.exclusion[r.reason] ?? L.skipReasons[r.reason] ?? r.reason)
        : optedOut
          ? L.optedOutAfter(`${optedOut.date} ${optedOut.time}`)
          : null;
      const statusLine = `${L.statuses[r.status] ?? r.status}${r.attempts > 1 ? ` · ${L.attempts(r.attempts)}` : ''}`;
      const handed = r.handedOffAt === null ? null : localTime(r.handedOffAt, zone);
      const c = r.consent;
      let consent: CellLine[] = [['—', cellMuted], null];
      if (c) {
        const given = localTime(c.occurredAt, zone);
        const first = `${L.methods[c.method] ?? c.method} · ${given.date} ${given.time} ${given.offset}`;
        const parts: string[] = [];
        if (c.formCode) parts.push(c.formSha256 ? `${c.formCode} ${c.formSha256.slice(0, 12)}` : c.formCode);
        if (c.sheetRef) parts.push(`${L.sheet} ${c.sheetRef}`);
        if (c.writtenName) parts.push(`${L.writtenAs} «${c.writtenName}»`);
        if (c.inboundMessageId) parts.push(`${L.inbound} ${c.inboundMessageId}`);
        if (!c.formCode && !c.sheetRef && !c.inboundMessageId && c.source) parts.push(c.source);
        parts.push(`${L.event} ${c.eventId}`);
        consent = [
          [measure.fit(first, w('consent'), cellStyle), cellStyle],
          ...measure.wrap(parts.join(' · '), w('consent'), cellMuted, ROW_LINES - 1).map((line): CellLine => [line, cellMuted]),
        ];
      }
      return [
        [[String(index + 1), cellMuted], null],
        name.map((line): CellLine => [line, cellStyle]),
        [[measure.fit(r.phone, w('phone'), cellStyle), cellStyle], null],
        [
          [several ? `${L.channelName[r.channel]} (${r.step + 1}/${r.path.length})` : L.channelName[r.channel], cellStyle],
          pathText ? [measure.fit(pathText, w('channel'), cellMuted), cellMuted] : null,
        ],
        [
          [measure.fit(statusLine, w('status'), cellBold), cellBold],
          ...(reason ? measure.wrap(reason, w('status'), cellMuted, ROW_LINES - 1).map((line): CellLine => [line, cellMuted]) : []),
        ],
        handed
          ? [
              [handed.date, cellStyle],
              [`${handed.time} ${handed.offset}`, cellMuted],
            ]
          : [['—', cellMuted], null],
        [
          r.provider ? [measure.fit(r.provider, w('provider'), cellStyle), cellStyle] : ['—', cellMuted],
          r.providerMessageId ? [measure.fitMiddle(r.providerMessageId, w('provider'), cellMuted), cellMuted] : null,
        ],
        consent,
      ];
    };

    let top = firstTop;
    let onPage = 0;
    let capacity = firstCount;
    let index = 0;
    header(top);
    let y = top + headerRowHeight;
    for (const r of spec.rows) {
      if (onPage >= capacity) {
        frame(top, y);
        startPage(current + 1);
        top = pageTop(current);
        header(top);
        y = top + headerRowHeight;
        onPage = 0;
        capacity = rowsPerPage;
      }
      if (index % 2 === 1) doc.save().rect(LEFT, y, WIDTH, ROW_HEIGHT).fill('#f7f7f7').restore();
      cells(r, index).forEach((lines, i) =>
        lines.forEach((line, k) => {
          if (line) draw(doc, line[0], xs[i]! + CELL_PAD, y + CELL_PAD + k * ROW_LINE, line[1]);
        }),
      );
      y += ROW_HEIGHT;
      hRule(doc, LEFT, RIGHT, y, INK.faintRule, 0.3);
      onPage++;
      index++;
    }
    if (index === 0) {
      draw(doc, L.noRecipients, LEFT + CELL_PAD, y + CELL_PAD, cellMuted);
      y += ROW_HEIGHT;
    }
    frame(top, y);
  }

  goTo(pageCount - 1);
  return finishPdf(doc);
}

/**
 * The heads a report was made at, one chain a line (`events:812:<16 hex>`, `audit:930:<16 hex>`): what a shop owner
 * types into Settings → Register integrity → Check a report (and what `optin audit verify --expect` takes).
 */
export function reportHeadLines(register: ReportSpec['register']): string[] {
  const link = (l: { id: number; hash: string } | null) => (l ? { lastId: l.id, lastHash: l.hash } : EMPTY_LINK);
  return [formatLink('events', link(register.consent), 16), formatLink('audit', link(register.audit), 16)];
}
