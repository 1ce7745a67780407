import { openSync, writeSync, closeSync, statSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Output, ParsedInput } from '../../../shared/contract/api';
import type { Channel, ConsentAction, FoldableEvent, Purpose } from '../../../shared/domain/consent/types';
import { foldEvents } from '../../../shared/domain/consent/fold';
import {
  CONSENT_CELLS,
  contactExportHeader,
  crmContactHeader,
  crmLocalDateTime,
  crmPhoneHeader,
  crmStatusWord,
  proofWords,
  type ExportLanguage,
} from '../../../shared/domain/csv/own-format';
import { joinTags, neutralizeCell } from '../../../shared/domain/csv/values';
import type { ContactWithEventRow } from '../db/repos/contacts.repo';
import type { FileStore } from '../infra/files';
import { appendAudit, iso, type ServiceContext } from '../context';
import { noteText } from '../print/certificate';
import { getSettings } from '../register/settings';
import { currentHeads } from '../register/integrity';
import { formatHead } from '../../../shared/domain/integrity/head';
import { localDay } from '../../../shared/domain/time/zones';
import { csvCell } from './import';

/** Writes CSV lines in the chosen encoding, buffered, counting the characters the encoding could not hold. */
class CsvOut {
  private fd: number;
  private buf = '';
  rows = 0;
  lossy = 0;
  constructor(
    path: string,
    private readonly delimiter: string,
    private readonly encoding: 'utf-8' | 'windows-1251',
    /** For a CRM: numbers stay plain (`+` and digits cannot run as a formula); other formula-like values keep their `'`. */
    private readonly forCrm: boolean,
  ) {
    this.fd = openSync(path, 'w');
    // Excel opens UTF-8 CSV correctly only with a BOM; Windows-1251 files have none, nor does the CRM variant.
    if (encoding === 'utf-8' && !forCrm) writeSync(this.fd, Buffer.from([0xef, 0xbb, 0xbf]));
  }
  line(cells: readonly string[], counted = true): void {
    let out = '';
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      const safe = this.forCrm && PHONES_ONLY.test(cell) ? cell : neutralizeCell(cell);
      out += (i > 0 ? this.delimiter : '') + csvCell(safe, this.delimiter);
    }
    this.buf += out + '\r\n';
    if (counted) this.rows++;
    // Written out every 64 KB: the pending text is a rope of every cell since the last write, which each young-generation
    // collection copies while it lives (at 1 MB those copies cost more than the rest of an export).
    if (this.buf.length > 1 << 16) this.flush();
  }
  private flush(): void {
    if (this.buf === '') return;
    if (this.encoding === 'utf-8') writeSync(this.fd, this.buf);
    else {
      const bytes = iconv.encode(this.buf, 'windows-1251');
      // iconv writes '?' for what the code page lacks: count those the text did not already hold.
      const before = countChar(this.buf, '?');
      let after = 0;
      for (const b of bytes) if (b === 0x3f) after++;
      this.lossy += after - before;
      writeSync(this.fd, bytes);
    }
    this.buf = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** One E.164 number or a list of them: `+` and digits only, which no spreadsheet runs as a formula that calls anything. */
const PHONES_ONLY = /^\+\d{1,15}(?:, \+\d{1,15})*$/;

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** The event that put a cell in its current status: what a CRM needs to know about the proof. */
function proofSummary(
  method: string,
  evidenceJson: string | null,
  formCode: string | null,
  language: ExportLanguage = 'en',
  w = proofWords(language),
): string {
  const ev = evidenceJson ? (JSON.parse(evidenceJson) as Record<string, unknown>) : {};
  const parts = [w.method(method)];
  if (formCode) parts.push(`${w.form} ${formCode}`);
  if (typeof ev.sheetRef === 'string') parts.push(`${w.sheet} ${ev.sheetRef}`);
  if (typeof ev.inboundMessageId === 'string') parts.push(`${w.message} ${ev.inboundMessageId}`);
  if (typeof ev.source === 'string') parts.push(noteText(ev.source, language));
  if (typeof ev.fileName === 'string') parts.push(`${ev.fileName}${typeof ev.row === 'number' ? ` ${w.row} ${ev.row}` : ''}`);
  // A note the register wrote is stored by key: the file says it in its language (staff's own words as written).
  if (typeof ev.note === 'string' && parts.length === 1) parts.push(noteText(ev.note, language));
  // A Russian CRM file is split by `;`: its summaries are joined by commas instead, so no cell needs quotes for it.
  return parts.join(language === 'ru' ? ', ' : '; ');
}

const SETS_STATUS: Record<string, readonly ConsentAction[]> = {
  granted: ['grant', 'confirm'],
  revoked: ['revoke'],
  unproven: ['claim'],
  pending: ['request'],
  expired: ['grant', 'confirm', 'expire', 'request'],
};

type CellEvent = FoldableEvent;

/** The position of each channel × purpose in CONSENT_CELLS (the file's column order). */
const CELL_SLOT: Readonly<Record<string, Readonly<Record<string, number>>>> = CONSENT_CELLS.reduce<Record<string, Record<string, number>>>(
  (slots, { channel, purpose }, i) => ({ ...slots, [channel]: { ...slots[channel], [purpose]: i } }),
  {},
);

/**
 * export.create: contacts with their consent per channel and purpose (now, or at a past instant), the
 * suppression list, or the full event history — in CSV a CRM and our own import read back, safe to open in
 * a spreadsheet (formula-like cells neutralised).
 */
export function createExport(ctx: ServiceContext, files: FileStore, input: ParsedInput<'export.create'>): Output<'export.create'> {
  const at = input.at ? Date.parse(input.at) : ctx.clock.now();
  const crm = input.for === 'crm';
  const language: ExportLanguage = crm ? input.language : 'en';
  // Russian Excel and Russian CRMs split a CSV into columns by `;`.
  const delimiter = input.delimiter ?? (input.encoding === 'windows-1251' || language === 'ru' ? ';' : ',');
  const settings = getSettings(ctx);
  const timeZone = settings.timezone;
  // For a Russian CRM, dates as its people read them: the shop's wall clock; otherwise ISO 8601 in UTC.
  const when = (ms: number): string => (language === 'ru' ? crmLocalDateTime(ms, timeZone) : iso(ms));
  // The date in the file name is the shop's own calendar day.
  const day = localDay(at, timeZone);
  const name = `optin-${input.what}${crm ? '-crm' : ''}-${day}.csv`;
  const file = files.createOutput(name);
  const out = new CsvOut(file.path, delimiter, input.encoding, crm);
  const formCodes = new Map(ctx.forms.list().map((f) => [f.id, f.code]));
  const head = formatHead(currentHeads(ctx));
  try {
    if (input.what === 'history') {
      out.line(
        [
          'event_id',
          'uid',
          'recorded_at',
          'occurred_at',
          'phone',
          'channel',
          'purpose',
          'action',
          'method',
          'recorded_by',
          'form',
          'evidence',
          'retracts',
          'policy_pack',
          'expires_at',
          'prev_hash',
          'hash',
        ],
        false,
      );
      for (const e of ctx.consent.iterateChain()) {
        if (input.at && e.recordedAt > at) break;
        out.line([
          String(e.id),
          e.uid,
          iso(e.recordedAt),
          iso(e.occurredAt),
          e.phone,
          e.channel,
          e.purpose,
          e.action,
          e.method,
          e.recordedBy,
          e.formVersionId !== null ? (formCodes.get(e.formVersionId) ?? String(e.formVersionId)) : '',
          JSON.stringify(e.evidence),
          e.targetEventId !== null ? String(e.targetEventId) : '',
          e.policyPack,
          e.expiresAt !== null ? iso(e.expiresAt) : '',
          e.prevHash,
          e.hash,
        ]);
      }
    } else {
      if (input.what === 'contacts') out.line(crm ? crmContactHeader(language) : contactExportHeader(), false);
      else out.line([crm ? crmPhoneHeader(language) : 'phone'], false);
      let current: ContactWithEventRow | null = null;
      // The contact's events by cell, in CONSENT_CELLS order (a slot per cell, no keys made per event).
      const byCell: CellEvent[][] = CONSENT_CELLS.map(() => []);
      let events = 0;
      const noneCells: string[] = [];
      const none = crmStatusWord('none', language);
      for (let i = 0; i < CONSENT_CELLS.length; i++) noneCells.push(none, '', '');
      const words = proofWords(language);
      const emit = (): void => {
        if (!current) return;
        let cells = noneCells;
        let suppressed = false;
        if (events > 0) {
          cells = [];
          for (const list of byCell) {
            if (list.length === 0) {
              cells.push(none, '', '');
              continue;
            }
            const state = foldEvents(list, at, settings.effectivePolicy);
            if (state.status === 'revoked') suppressed = true;
            let source = '';
            if (state.status !== 'none' && state.since !== null) {
              const setting = SETS_STATUS[state.status] ?? [];
              let retracted: Set<number | null | undefined> | null = null;
              for (const e of list) if (e.action === 'retract') (retracted ??= new Set()).add(e.targetSeq);
              let proof: CellEvent | undefined;
              for (const e of list) {
                const fits =
                  !retracted?.has(e.seq) &&
                  setting.includes(e.action) &&
                  e.occurredAt <= at &&
                  (state.status === 'expired' || e.occurredAt === state.since);
                if (fits && (!proof || e.occurredAt > proof.occurredAt || (e.occurredAt === proof.occurredAt && e.seq > proof.seq))) proof = e;
              }
              const p = proof ? ctx.consent.proof(proof.seq) : undefined;
              if (p)
                source = proofSummary(
                  p.method,
                  p.evidence,
                  p.formVersionId !== null ? (formCodes.get(p.formVersionId) ?? null) : null,
                  language,
                  words,
                );
            }
            cells.push(crmStatusWord(state.status, language), state.since !== null ? when(state.since) : '', source);
          }
        }
        const [, phone, name, email, locale, country, externalId, tags, otherPhones] = current;
        if (input.what === 'suppression') {
          if (suppressed) out.line([phone]);
          return;
        }
        out.line([
          phone,
          name,
          email ?? '',
          externalId ?? '',
          tags === '[]' ? '' : joinTags(JSON.parse(tags) as string[]),
          locale ?? '',
          country ?? '',
          otherPhones === '[]' ? '' : (JSON.parse(otherPhones) as string[]).join(', '),
          ...cells,
        ]);
      };
      for (const r of ctx.contacts.iterateWithEvents()) {
        if (!current || current[0] !== r[0]) {
          emit();
          current = r;
          if (events > 0) for (const list of byCell) list.length = 0;
          events = 0;
        }
        // A past instant is answered from everything recorded so far, like consent.status --at.
        if (r[9] !== null) {
          const slot = CELL_SLOT[r[10]!]?.[r[11]!];
          if (slot === undefined) continue;
          byCell[slot]!.push({
            seq: r[9],
            channel: r[10] as Channel,
            purpose: r[11] as Purpose,
            action: r[12] as ConsentAction,
            occurredAt: r[13]!,
            recordedAt: r[14]!,
            expiresAt: r[15],
            targetSeq: r[16],
          });
          events++;
        }
      }
      emit();
    }
  } finally {
    out.close();
  }
  // The register's head the file was read at, on record (the CSV itself stays what a CRM reads back).
  appendAudit(ctx, 'system', 'export.created', `export:${input.what}`, {
    rows: out.rows,
    at: input.at ?? null,
    encoding: input.encoding,
    for: input.for,
    language,
    head,
  });
  return { fileId: file.id, name, rows: out.rows, bytes: statSync(file.path).size, lossy: out.lossy, head };
}
