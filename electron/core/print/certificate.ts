import { readSaid } from '../../../shared/contract/said';
import { storedText } from './said';
import { localTime } from '../../../shared/domain/time/zones';
import type { Channel, ConsentAction, ConsentMethod, ConsentStatus, Purpose } from '../../../shared/domain/consent/types';
import type { CertificateData, CertificateEvent } from '../register/certificate';
import { printedStaffName, type PrintLanguage } from './labels';
import { createPdf, finishPdf, FONT, INK, mm, PAPER } from './pdf';

/** The words of the consent certificate, in English and Russian. */
interface CertificateLabels {
  title: string;
  subtitle: (at: string) => string;
  recordId: string;
  issued: string;
  timesIn: (zone: string) => string;
  shop: string;
  person: string;
  name: string;
  phone: string;
  contactId: string;
  removed: string;
  statuses: string;
  cellHead: { consent: string; status: string; since: string; knownThen: string };
  channel: Record<Channel, string>;
  purpose: Record<Purpose, string>;
  status: Record<ConsentStatus, string>;
  action: Record<ConsentAction, string>;
  method: Record<ConsentMethod, string>;
  sendable: string;
  notSendable: string;
  sameAsThen: string;
  evidence: string;
  noEvidence: string;
  event: string;
  occurred: string;
  recorded: string;
  by: string;
  expires: string;
  wording: string;
  fingerprint: string;
  sheet: (serial: string, row: number) => string;
  sheetOnly: (serial: string) => string;
  writtenName: string;
  writtenPhone: string;
  signedOn: string;
  correction: (kind: 'void' | 'correct', reason: string) => string;
  scan: string;
  inbound: string;
  providerId: string;
  importFile: string;
  source: string;
  note: string;
  wordingTexts: string;
  later: string;
  noLater: string;
  recordedLater: string;
  register: string;
  head: string;
  verified: string;
  notVerified: (n: number) => string;
  page: (n: number) => string;
}

const EN: CertificateLabels = {
  title: 'Consent certificate',
  subtitle: (at) => `What the register holds for this person as of ${at}`,
  recordId: 'Record',
  issued: 'Issued',
  timesIn: (zone) => `Times in ${zone}`,
  shop: 'Data controller',
  person: 'Person',
  name: 'Name',
  phone: 'Phone',
  contactId: 'Contact no.',
  removed: 'taken out of the register by an undone import',
  statuses: 'Consent at that moment',
  cellHead: { consent: 'Channel and purpose', status: 'Status', since: 'Since', knownThen: 'What the register knew then' },
  channel: { sms: 'SMS', whatsapp: 'WhatsApp' },
  purpose: { marketing: 'marketing', service: 'service messages', personal_data: 'personal data' },
  status: { none: 'no consent', unproven: 'unproven', pending: 'awaiting confirmation', granted: 'given', revoked: 'withdrawn', expired: 'expired' },
  action: {
    claim: 'claimed (unproven)',
    request: 'requested',
    grant: 'given',
    confirm: 'confirmed',
    expire: 'expired',
    revoke: 'withdrawn',
    retract: 'voided',
  },
  method: {
    paper_form: 'paper form',
    qr_keyword: 'QR code and keyword',
    inbound_keyword: 'keyword sent by the customer',
    verbal_in_store: 'in person in the shop',
    kiosk: 'kiosk',
    web_form: 'web form',
    import: 'import',
    provider_feedback: "the provider's opt-out",
  },
  sendable: 'a message may go',
  notSendable: 'no message may go',
  sameAsThen: 'the same',
  evidence: 'How each status came about',
  noEvidence: 'No event: nothing was ever recorded for this channel and purpose.',
  event: 'Event',
  occurred: 'happened',
  recorded: 'entered',
  by: 'by',
  expires: 'expires',
  wording: 'Wording',
  fingerprint: 'SHA-256',
  sheet: (serial, row) => `Sheet ${serial}, row ${row}`,
  sheetOnly: (serial) => `Sheet ${serial}`,
  writtenName: 'name as written',
  writtenPhone: 'number as written',
  signedOn: 'signed on',
  correction: (kind, reason) => (kind === 'void' ? `row voided later: ${reason}` : `row corrected later: ${reason}`),
  scan: 'Scan of the sheet, SHA-256',
  inbound: "Customer's message",
  providerId: "provider's id",
  importFile: 'Imported from',
  source: 'Source',
  note: 'Note',
  wordingTexts: 'Full text of the wording',
  later: 'What changed after that moment',
  noLater: 'Nothing: no event happened or was entered after that moment.',
  recordedLater: 'happened before that moment but entered after it: the register did not know it then',
  register: 'Register fingerprint',
  head: 'Chain heads',
  verified: "This person's history verifies: every event hash, every link of the chain and every stored status match.",
  notVerified: (n) => `This person's history does NOT verify: ${n} problem(s) found (listed below).`,
  page: (n) => `page ${n}`,
};

const RU: CertificateLabels = {
  title: 'Справка о согласии',
  subtitle: (at) => `Что хранится в базе об этом человеке на ${at}`,
  recordId: 'Запись',
  issued: 'Выдана',
  timesIn: (zone) => `Время: ${zone}`,
  shop: 'Оператор данных',
  person: 'Человек',
  name: 'Имя',
  phone: 'Телефон',
  contactId: 'Контакт №',
  removed: 'убран из базы отменой импорта',
  statuses: 'Согласие на этот момент',
  cellHead: { consent: 'Канал и цель', status: 'Статус', since: 'С', knownThen: 'Что база знала тогда' },
  channel: { sms: 'SMS', whatsapp: 'WhatsApp' },
  purpose: { marketing: 'реклама', service: 'служебные сообщения', personal_data: 'персональные данные' },
  status: {
    none: 'согласия нет',
    unproven: 'не подтверждено',
    pending: 'ждёт подтверждения',
    granted: 'дано',
    revoked: 'отозвано',
    expired: 'истекло',
  },
  action: {
    claim: 'заявлено (без доказательства)',
    request: 'запрошено',
    grant: 'дано',
    confirm: 'подтверждено',
    expire: 'истекло',
    revoke: 'отозвано',
    retract: 'аннулировано',
  },
  method: {
    paper_form: 'бумажная анкета',
    qr_keyword: 'QR-код и ключевое слово',
    inbound_keyword: 'ключевое слово от клиента',
    verbal_in_store: 'лично в магазине',
    kiosk: 'терминал в магазине',
    web_form: 'форма на сайте',
    import: 'импорт',
    provider_feedback: 'отписка через провайдера',
  },
  sendable: 'сообщение можно отправить',
  notSendable: 'сообщение отправлять нельзя',
  sameAsThen: 'то же',
  evidence: 'Откуда взялся каждый статус',
  noEvidence: 'Событий нет: по этому каналу и цели ничего не записывалось.',
  event: 'Событие',
  occurred: 'произошло',
  recorded: 'внесено',
  by: 'кем',
  expires: 'истекает',
  wording: 'Текст согласия',
  fingerprint: 'SHA-256',
  sheet: (serial, row) => `Лист ${serial}, строка ${row}`,
  sheetOnly: (serial) => `Лист ${serial}`,
  writtenName: 'имя, как написано',
  writtenPhone: 'номер, как написан',
  signedOn: 'подписано',
  correction: (kind, reason) => (kind === 'void' ? `строка позже аннулирована: ${reason}` : `строка позже исправлена: ${reason}`),
  scan: 'Скан листа, SHA-256',
  inbound: 'Сообщение клиента',
  providerId: 'id у провайдера',
  importFile: 'Импортировано из',
  source: 'Источник',
  note: 'Примечание',
  wordingTexts: 'Полный текст согласия',
  later: 'Что изменилось после этого момента',
  noLater: 'Ничего: после этого момента событий не было и ничего не вносилось.',
  recordedLater: 'произошло до этого момента, но внесено после: тогда база этого не знала',
  register: 'Отпечаток базы',
  head: 'Вершины цепочек',
  verified: 'История этого человека проверена: хеши всех событий, звенья цепочки и сохранённые статусы сходятся.',
  notVerified: (n) => `История этого человека НЕ проходит проверку: найдено проблем — ${n} (список ниже).`,
  page: (n) => `страница ${n}`,
};

/** The certificate's words in `language`. */
export function certificateLabels(language: PrintLanguage): CertificateLabels {
  return language === 'ru' ? RU : EN;
}

const PAGE = PAPER.a4;
const MARGIN = mm(16);
const WIDTH = PAGE.width - 2 * MARGIN;
const BOTTOM = PAGE.height - mm(18);

/**
 * A note (or source) the register wrote into an event's evidence, in `language`: a keyed one (storeSaid) in its
 * words, anything else (staff's own note, a provider's code, a note written before keys) as it is.
 */
export function noteText(note: string, language: PrintLanguage): string {
  return storedText(note, language);
}

/** The certificate as an A4 PDF in `language`: the same content as the JSON-LD record, for a person to read. */
export async function renderCertificatePdf(data: CertificateData, language: PrintLanguage): Promise<Buffer> {
  const L = certificateLabels(language);
  const zone = data.shop.timeZone;
  const when = (ms: number | null): string => {
    if (ms === null) return '—';
    try {
      const t = localTime(ms, zone);
      return `${t.date} ${t.time} (${t.offset})`;
    } catch {
      return new Date(ms).toISOString();
    }
  };
  /** In the table: the date and time only (the zone is named at the top). */
  const whenShort = (ms: number | null): string => when(ms).replace(/ \([^)]*\)$/, '');
  const doc = createPdf({
    title: `${L.title} — ${data.contact.name || data.contact.phone}`,
    language,
    printedOn: new Date(data.generatedAt).toISOString().slice(0, 10),
  });
  let y = 0;
  let pages = 0;
  const newPage = () => {
    doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    pages++;
    doc.font(FONT.regular).fontSize(7.5).fillColor(INK.muted);
    doc.text(`${L.title} · ${data.contact.phone} · ${L.page(pages)}`, MARGIN, PAGE.height - mm(12), { width: WIDTH, lineBreak: false });
    y = MARGIN;
  };
  const room = (h: number) => {
    if (y + h > BOTTOM) newPage();
  };
  /** A paragraph at x (indent), flowing to the next page when it does not fit. */
  const para = (text: string, opts: { size?: number; bold?: boolean; color?: string; indent?: number; gap?: number } = {}) => {
    const size = opts.size ?? 9.5;
    const indent = opts.indent ?? 0;
    doc.font(opts.bold ? FONT.bold : FONT.regular).fontSize(size);
    const width = WIDTH - indent;
    const h = doc.heightOfString(text, { width });
    if (text.includes('\n') && y + h > BOTTOM) {
      // A long text (a wording) that does not fit what is left of the page: paragraph by paragraph.
      for (const line of text.split('\n')) para(line === '' ? ' ' : line, { ...opts, gap: 0 });
      y += opts.gap ?? 3;
      return;
    }
    room(h);
    // A new page draws its footer in its own font: set this paragraph's again.
    doc.font(opts.bold ? FONT.bold : FONT.regular).fontSize(size);
    doc.fillColor(opts.color ?? INK.text).text(text, MARGIN + indent, y, { width });
    y += h + (opts.gap ?? 3);
  };
  const heading = (text: string) => {
    room(40);
    y += 6;
    para(text, { size: 12, bold: true, gap: 2 });
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + WIDTH, y)
      .lineWidth(0.5)
      .strokeColor(INK.rule)
      .stroke();
    y += 5;
  };
  const cellName = (channel: Channel, purpose: Purpose) => `${L.channel[channel]} · ${L.purpose[purpose]}`;

  const eventLines = (e: CertificateEvent, indent: number) => {
    para(`${L.event} ${e.id}: ${cellName(e.channel, e.purpose)} — ${L.action[e.action]} (${L.method[e.method]})`, { bold: true, indent, gap: 1 });
    const sub = indent + 10;
    para(`${L.occurred} ${when(e.occurredAt)}; ${L.recorded} ${when(e.recordedAt)}; ${L.by} ${printedStaffName(e.recordedBy, language)}`, {
      indent: sub,
      gap: 1,
    });
    if (e.recordedLater) para(L.recordedLater, { indent: sub, gap: 1, color: INK.muted });
    if (e.expiresAt !== null) para(`${L.expires} ${when(e.expiresAt)}`, { indent: sub, gap: 1 });
    if (e.wording)
      para(
        `${L.wording}: ${e.wording.code} v${e.wording.version} «${e.wording.title}» (${e.wording.language}); ${L.fingerprint} ${e.wording.sha256}`,
        {
          indent: sub,
          gap: 1,
        },
      );
    if (e.sheet) {
      const s = e.sheet;
      para(
        `${L.sheet(s.serial, s.row)}: ${L.writtenName} «${s.writtenName ?? '—'}», ${L.writtenPhone} «${s.writtenPhone ?? '—'}», ${L.signedOn} ${s.signedOn}`,
        { indent: sub, gap: 1 },
      );
      if (s.correction)
        para(`${L.correction(s.correction.kind, s.correction.reason)} (${when(s.correction.at)}, ${s.correction.by})`, { indent: sub, gap: 1 });
    } else if (e.sheetRef) para(L.sheetOnly(e.sheetRef), { indent: sub, gap: 1 });
    if (e.scanSha256) para(`${L.scan}: ${e.scanSha256}`, { indent: sub, gap: 1 });
    if (e.inbound)
      para(
        `${L.inbound} (${L.channel[e.inbound.channel]}, ${when(e.inbound.receivedAt)}, ${L.providerId} ${e.inbound.providerId ?? '—'}): «${e.inbound.text}»`,
        {
          indent: sub,
          gap: 1,
        },
      );
    if (e.importFile)
      para(`${L.importFile}: ${e.importFile.name ?? '—'}${e.importFile.row ? ` #${e.importFile.row}` : ''} ${e.importFile.sha256 ?? ''}`, {
        indent: sub,
        gap: 1,
      });
    if (e.source) para(`${L.source}: ${noteText(e.source, language)}`, { indent: sub, gap: 1 });
    // A note that only repeats what is printed above (the sheet's date, the customer's text) is left out.
    const keyed = e.note !== null ? readSaid(e.note) : null;
    const repeats =
      e.note !== null && (keyed?.key === 'note.signedOn' || e.note === `signed on ${e.sheet?.signedOn ?? ''}` || e.note === e.inbound?.text);
    if (e.note && !repeats) para(`${L.note}: ${noteText(e.note, language)}`, { indent: sub, gap: 1 });
    y += 3;
  };

  newPage();
  para(L.title, { size: 18, bold: true, gap: 2 });
  para(L.subtitle(when(data.at)), { size: 11, gap: 2 });
  para(`${L.recordId} ${data.id} · ${L.issued} ${when(data.generatedAt)} · ${L.timesIn(zone)}`, { size: 8, color: INK.muted, gap: 6 });

  heading(L.shop);
  para([data.shop.name, data.shop.address, data.shop.phone ?? ''].filter((s) => s.trim() !== '').join(' · '));
  heading(L.person);
  para(`${L.name}: ${data.contact.name || '—'}`, { gap: 1 });
  para(`${L.phone}: ${data.contact.phone}`, { gap: 1 });
  para(`${L.contactId} ${data.contact.id}${data.contact.removedAt !== null ? ` — ${L.removed}` : ''}`);

  heading(L.statuses);
  const cols = [0, 0.25, 0.56, 0.76].map((f) => MARGIN + f * WIDTH);
  const colW = [0.24, 0.3, 0.19, 0.24].map((f) => f * WIDTH);
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? FONT.bold : FONT.regular).fontSize(8.5);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: colW[i]! })));
    room(h + 4);
    doc.font(bold ? FONT.bold : FONT.regular).fontSize(8.5);
    cells.forEach((c, i) => doc.fillColor(INK.text).text(c, cols[i]!, y, { width: colW[i]! }));
    y += h + 3;
    doc
      .moveTo(MARGIN, y - 1)
      .lineTo(MARGIN + WIDTH, y - 1)
      .lineWidth(0.3)
      .strokeColor(INK.faintRule)
      .stroke();
  };
  row([L.cellHead.consent, L.cellHead.status, L.cellHead.since, L.cellHead.knownThen], true);
  for (const c of data.cells) {
    const then = c.knownThen;
    const same = then.status === c.status && then.since === c.since;
    row(
      [
        cellName(c.channel, c.purpose),
        // Messages go for marketing and service; the personal-data consent is a condition of them, not a message.
        c.purpose === 'personal_data' ? L.status[c.status] : `${L.status[c.status]} — ${c.sendable ? L.sendable : L.notSendable}`,
        whenShort(c.since),
        same ? `${L.sameAsThen}: ${L.status[then.status]}` : `${L.status[then.status]}${then.since !== null ? `, ${whenShort(then.since)}` : ''}`,
      ],
      false,
    );
  }

  heading(L.evidence);
  for (const c of data.cells) {
    if (!c.event) continue;
    eventLines(c.event, 0);
  }
  if (data.cells.every((c) => !c.event)) para(L.noEvidence);

  const wordings = new Map<number, NonNullable<CertificateEvent['wording']>>();
  for (const e of [...data.cells.map((c) => c.event), ...data.laterEvents]) if (e?.wording) wordings.set(e.wording.id, e.wording);
  if (wordings.size) {
    heading(L.wordingTexts);
    for (const w of wordings.values()) {
      para(`${w.code} v${w.version} «${w.title}» — ${L.fingerprint} ${w.sha256}`, { bold: true, size: 9, gap: 2 });
      para(w.body, { size: 9, indent: 10, gap: 6 });
    }
  }

  heading(L.later);
  if (data.laterEvents.length === 0) para(L.noLater);
  for (const e of data.laterEvents) eventLines(e, 0);

  heading(L.register);
  para(`${L.head}: ${data.register.head}`, { size: 8.5 });
  para(data.register.contactVerified ? L.verified : L.notVerified(data.register.problems.length), { bold: !data.register.contactVerified });
  for (const p of data.register.problems.slice(0, 50)) para(`• ${p}`, { size: 8.5, indent: 10, gap: 1 });

  return finishPdf(doc);
}
