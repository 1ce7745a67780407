import { describe, expect, it } from 'vitest';
import { compileMapping, interpretRow, type RowContext } from '../../../shared/domain/csv/row';
import { parseDateCell } from '../../../shared/domain/csv/dates';
import {
  neutralizeCell,
  readConsentAnswer,
  readFlag,
  splitPhoneCell,
  splitTags,
  stripExtension,
  unneutralizeCell,
} from '../../../shared/domain/csv/values';
import { getPolicyPack } from '../../../shared/domain/policy/policy';
import type { ColumnMapping } from '../../../shared/domain/csv/mapping';

const ctx: RowContext = { defaultCountry: 'RU', timeZone: 'Europe/Moscow', policy: getPolicyPack('ru'), now: Date.parse('2026-03-01T00:00:00Z') };
const col = (column: number, header: string, target: ColumnMapping['target']): ColumnMapping => ({ column, header, target });

describe('cell readers', () => {
  it('reads consent answers in English and Russian, and keeps "no" apart from an opt-out', () => {
    for (const v of ['yes', 'Y', 'TRUE', '1', 'да', 'Согласен', 'subscribed', 'opted-in', '✓']) expect(readConsentAnswer(v)).toBe('yes');
    for (const v of ['unsubscribed', 'Opted out', 'отписан', 'ОТКАЗ', 'stop', 'do not contact']) expect(readConsentAnswer(v)).toBe('opted_out');
    for (const v of ['no', 'FALSE', '0', 'нет', 'not subscribed']) expect(readConsentAnswer(v)).toBe('no');
    expect(readConsentAnswer('  ')).toBe('blank');
    expect(readConsentAnswer('unproven')).toBe('claimed');
    expect(readConsentAnswer('maybe later')).toBe('unknown');
    expect(readFlag('да')).toBe(true);
    expect(readFlag('')).toBe(false);
    expect(readFlag('perhaps')).toBeNull();
  });

  it('reads a withdrawal written in words as an opt-out, never a consent, and a negated or mixed one as unreadable', () => {
    for (const v of [
      'Отписан от рассылки',
      'Отказ от рассылки',
      'Unsubscribed.',
      'Не беспокоить!',
      'отписаны',
      'Opted out via SMS',
      'Opted out, no more SMS',
      'Согласие отозвано 05.03.2024',
      'Отзыв согласия',
      'Consent withdrawn 2024-03-05',
      'Клиент просил не беспокоить',
    ])
      expect(readConsentAnswer(v), v).toBe('opted_out');
    for (const v of ['не отписан', 'has not opted out', "hasn't unsubscribed", 'Yes, can opt out any time', 'Подписан, знает как отписаться', '-1'])
      expect(readConsentAnswer(v), v).toBe('unknown');
    for (const v of ['Да.', '«Да»', 'Yes!']) expect(readConsentAnswer(v), v).toBe('yes');
    expect(readConsentAnswer('No.')).toBe('no');
    expect(readFlag('Отписан от рассылки')).toBe(true);
  });

  it('splits phone cells on ::: , ; / and line breaks, and finds extensions', () => {
    expect(splitPhoneCell('+7 912 000-00-01 ::: +7 912 000-00-02')).toEqual(['+7 912 000-00-01', '+7 912 000-00-02']);
    expect(splitPhoneCell('+79120000001, 8 912 000 00 02; 89120000003 / +79120000004')).toHaveLength(4);
    expect(splitPhoneCell('(495) 123-45-67')).toEqual(['(495) 123-45-67']);
    // A German area code set off by a slash is one number; two whole numbers around a slash are two.
    expect(splitPhoneCell('0151/12345005')).toEqual(['0151 12345005']);
    expect(splitPhoneCell('030 / 123 4567')).toEqual(['030 123 4567']);
    expect(splitPhoneCell('0151 12345005 / 0160 7654321')).toEqual(['0151 12345005', '0160 7654321']);
    expect(stripExtension('+7 495 123-45-67 доб. 123')).toEqual({ number: '+7 495 123-45-67', extension: '123' });
    expect(stripExtension('(202) 555-0123 ext. 45')).toEqual({ number: '(202) 555-0123', extension: '45' });
    expect(stripExtension('+1 202 555 0123 x9')).toEqual({ number: '+1 202 555 0123', extension: '9' });
    expect(stripExtension('+79123456789')).toEqual({ number: '+79123456789', extension: null });
  });

  it('splits tags and drops Google system-group stars', () => {
    expect(splitTags('* myContacts ::: VIP ::: vip, Friends ::: * starred')).toEqual(['VIP', 'vip', 'Friends']);
  });

  it('neutralises formula cells for spreadsheets and reads them back unchanged', () => {
    for (const v of ['=1+1', '+79123456789', '-5', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutralizeCell(v)).toBe(`'${v}`);
      expect(unneutralizeCell(neutralizeCell(v))).toBe(v);
    }
    for (const v of ['Anna', "'quoted", "O'Brien", '']) {
      expect(neutralizeCell(v)).toBe(v);
      expect(unneutralizeCell(neutralizeCell(v))).toBe(v);
    }
  });
});

describe('dates', () => {
  const msk = { timeZone: 'Europe/Moscow', monthFirst: false };
  it('reads ISO, dotted, slashed (by country) and Unix dates in the shop time zone', () => {
    expect(parseDateCell('2025-03-05', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-04T21:00:00Z') });
    expect(parseDateCell('2025-03-05 10:11:12', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-05T07:11:12Z') });
    expect(parseDateCell('2025-03-05T10:11:12+05:00', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-05T05:11:12Z') });
    expect(parseDateCell('2025-03-05T10:11:12Z', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-05T10:11:12Z') });
    expect(parseDateCell('05.03.2025 10:11', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-05T07:11:00Z') });
    expect(parseDateCell('05/03/2025', msk)).toEqual({ ok: true, ms: Date.parse('2025-03-04T21:00:00Z') });
    expect(parseDateCell('03/05/2025 2:30 PM', { timeZone: 'America/New_York', monthFirst: true })).toEqual({
      ok: true,
      ms: Date.parse('2025-03-05T19:30:00Z'),
    });
    expect(parseDateCell('1741168800', msk)).toEqual({ ok: true, ms: 1741168800000 });
  });
  it('handles daylight-saving time and refuses impossible dates', () => {
    expect(parseDateCell('2025-07-01 12:00', { timeZone: 'Europe/Berlin', monthFirst: false })).toEqual({
      ok: true,
      ms: Date.parse('2025-07-01T10:00:00Z'),
    });
    expect(parseDateCell('2025-01-01 12:00', { timeZone: 'Europe/Berlin', monthFirst: false })).toEqual({
      ok: true,
      ms: Date.parse('2025-01-01T11:00:00Z'),
    });
    expect(parseDateCell('31.02.2025', msk).ok).toBe(false);
    expect(parseDateCell('tomorrow', msk).ok).toBe(false);
  });
});

describe('interpretRow', () => {
  const mapping = compileMapping([
    col(0, 'First', { field: 'first_name' }),
    col(1, 'Last', { field: 'last_name' }),
    col(2, 'Phone', { field: 'phone' }),
    col(3, 'Mobile', { field: 'mobile_phone' }),
    col(4, 'SMS', { field: 'consent', channels: ['sms'], purpose: 'marketing' }),
    col(5, 'Date', { field: 'consent_date' }),
    col(6, 'Source', { field: 'consent_source' }),
    col(7, 'Country', { field: 'country' }),
  ]);

  it('prefers the number from a mobile column and keeps the others', () => {
    const r = interpretRow(['Anna', 'Smith', '+7 495 123-45-67', '8 912 345-67-89', '', '', '', ''], 2, mapping, ctx);
    expect(r.ok && r.plan.primary.e164).toBe('+79123456789');
    expect(r.ok && r.plan.others.map((p) => p.e164)).toEqual(['+74951234567']);
    expect(r.ok && r.plan.fields.name).toBe('Anna Smith');
  });

  it('reads national numbers with the row country when the file gives one', () => {
    const r = interpretRow(['Jana', '', '0151 23456789', '', '', '', '', 'de'], 2, mapping, ctx);
    expect(r.ok && r.plan.primary.e164).toBe('+4915123456789');
  });

  it('rejects a row with no usable number and says why', () => {
    // In English for the report, and by key (the refused number and its refusal nested) for the person's language.
    expect(interpretRow(['A', '', 'n/a', '', '', '', '', ''], 7, mapping, ctx)).toEqual({
      ok: false,
      row: 7,
      reason: 'no valid phone number: "n/a" in Phone: not a phone number',
      said: {
        key: 'importRow.noValidPhone',
        params: { refused: { key: 'importRow.refusedNumber', params: { value: 'n/a', column: 'Phone', problem: { key: 'phone.not_a_number' } } } },
      },
    });
    expect(interpretRow(['A', '', '', '', '', '', '', ''], 8, mapping, ctx)).toEqual({
      ok: false,
      row: 8,
      reason: 'no phone number',
      said: { key: 'importRow.noPhone' },
    });
  });

  it('grants only with a date and a source, otherwise records a claim with the reason', () => {
    const proven = interpretRow(['A', '', '+79123456789', '', 'yes', '2025-01-02', 'web form', ''], 2, mapping, ctx);
    expect(proven.ok && proven.plan.consents).toMatchObject([{ action: 'grant', channel: 'sms', purpose: 'marketing', source: 'web form' }]);
    const bare = interpretRow(['A', '', '+79123456789', '', 'yes', '', '', ''], 2, mapping, ctx);
    expect(bare.ok && bare.plan.consents).toMatchObject([{ action: 'claim', downgrade: 'no date, no source' }]);
    const out = interpretRow(['A', '', '+79123456789', '', 'отписан', '', '', ''], 2, mapping, ctx);
    expect(out.ok && out.plan.consents).toMatchObject([{ action: 'revoke', occurredAt: ctx.now }]);
  });

  describe('a Canadian slash date that reads as two days', () => {
    const ca: RowContext = {
      defaultCountry: 'CA',
      timeZone: 'America/Toronto',
      policy: getPolicyPack('ca'),
      now: Date.parse('2026-12-07T15:00:00Z'),
    };
    const row = (answer: string, date: string) => interpretRow(['Ann', '', '+1 647 234 5678', '', answer, date, 'store signup', ''], 2, mapping, ca);
    const may12 = Date.parse('2026-05-12T04:00:00Z');
    const dec5 = Date.parse('2026-12-05T05:00:00Z');

    it('a consent takes the earlier day, an opt-out the later one, and the row says both', () => {
      const grant = row('yes', '12/05/2026');
      expect(grant.ok && grant.plan.consents).toMatchObject([{ action: 'grant', occurredAt: may12 }]);
      expect(grant.ok && grant.plan.warnings).toEqual([
        expect.objectContaining({
          kind: 'date_ambiguous',
          params: { column: 'Date', value: '12/05/2026', early: '2026-05-12', late: '2026-12-05', read: '2026-05-12' },
        }),
      ]);
      const stop = row('STOP', '12/05/2026');
      expect(stop.ok && stop.plan.consents).toMatchObject([{ action: 'revoke', occurredAt: dec5 }]);
      expect(stop.ok && stop.plan.warnings[0]).toMatchObject({ kind: 'date_ambiguous', params: { read: '2026-12-05' } });
    });

    it('an opt-out whose later reading has not come yet takes the earlier one', () => {
      const stop = row('STOP', '05/12/2026');
      // 5 December has come; 12 May too: the later, 5 December.
      expect(stop.ok && stop.plan.consents).toMatchObject([{ action: 'revoke', occurredAt: dec5 }]);
      const soon = interpretRow(['Ann', '', '+1 647 234 5678', '', 'STOP', '12/10/2026', '', ''], 2, mapping, {
        ...ca,
        now: Date.parse('2026-11-01T00:00:00Z'),
      });
      // 12 October has come, 10 December not yet.
      expect(soon.ok && soon.plan.consents).toMatchObject([{ action: 'revoke', occurredAt: Date.parse('2026-10-12T04:00:00Z') }]);
    });

    it('a date only one way can be read, the same day twice, or a US file: read as before, without a word', () => {
      for (const [date, day] of [
        ['11/25/2026', '2026-11-25T05:00:00Z'],
        ['25/11/2026', '2026-11-25T05:00:00Z'],
        ['05/05/2026', '2026-05-05T04:00:00Z'],
        ['2026-05-12', '2026-05-12T04:00:00Z'],
      ] as const) {
        const r = row('yes', date);
        expect(r.ok && r.plan.warnings).toEqual([]);
        expect(r.ok && r.plan.consents).toMatchObject([{ action: 'grant', occurredAt: Date.parse(day) }]);
      }
      const us = interpretRow(['Ann', '', '+1 212 555 0143', '', 'yes', '12/05/2026', 'store signup', ''], 2, mapping, {
        ...ca,
        defaultCountry: 'US',
        timeZone: 'America/New_York',
        policy: getPolicyPack('us'),
      });
      expect(us.ok && us.plan.warnings).toEqual([]);
      expect(us.ok && us.plan.consents[0]!.occurredAt).toBe(Date.parse('2026-12-05T05:00:00Z'));
    });
  });
});
