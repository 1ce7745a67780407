import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { ColumnMapping, ColumnTarget } from '../../../shared/domain/csv/mapping';
import { isCompleteTarget } from '../../../shared/domain/csv/mapping';
import { BUILT_IN_PRESETS, GENERIC_COLUMNS, autoMap, presetById } from '../../../shared/domain/csv/presets';
import { normalizePhone } from '../../../shared/domain/phone/normalize';

const FIXTURES = fileURLToPath(new URL('../../fixtures/import/', import.meta.url));

const SMS: ColumnTarget = { field: 'consent', channels: ['sms'], purpose: 'marketing' };
const WHATSAPP: ColumnTarget = { field: 'consent', channels: ['whatsapp'], purpose: 'marketing' };
const BOTH: ColumnTarget = { field: 'consent', channels: ['sms', 'whatsapp'], purpose: 'marketing' };
const PDN: ColumnTarget = { field: 'consent', channels: ['sms', 'whatsapp'], purpose: 'personal_data' };
const f = (field: ColumnTarget['field']): ColumnTarget => ({ field });

/** Reads a fixture as the importer would: bytes → text (known encoding, UTF-8 BOM stripped) → rows. */
function readFixture(file: string, encoding: 'utf8' | 'win1251'): string[][] {
  const bytes = readFileSync(FIXTURES + file);
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = iconv.decode(hasBom ? bytes.subarray(3) : bytes, encoding);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  return parsed.data;
}

function targetOf(mapping: ColumnMapping[], header: string): ColumnTarget {
  const m = mapping.find((x) => x.header === header);
  if (m === undefined) throw new Error(`no column "${header}"`);
  return m.target;
}

interface FixtureCase {
  file: string;
  encoding: 'utf8' | 'win1251';
  bom?: boolean;
  delimiter: string;
  preset: string | null;
  expect: Record<string, ColumnTarget>;
}

const CASES: FixtureCase[] = [
  {
    file: 'google-contacts.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'google-contacts',
    expect: {
      'First Name': f('first_name'),
      'Middle Name': f('middle_name'),
      'Last Name': f('last_name'),
      'Phonetic First Name': f('ignore'),
      Labels: f('tags'),
      'E-mail 1 - Value': f('email'),
      'E-mail 2 - Value': f('ignore'),
      'Phone 1 - Label': f('ignore'),
      'Phone 1 - Value': f('phone'),
      'Phone 2 - Value': f('phone'),
      'Address 1 - Country': f('country'),
      'Organization Name': f('organization'),
      Notes: f('ignore'),
    },
  },
  {
    file: 'google-contacts-legacy.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'google-contacts',
    expect: {
      Name: f('name'),
      'Given Name': f('first_name'),
      'Additional Name': f('middle_name'),
      'Family Name': f('last_name'),
      'Given Name Yomi': f('ignore'),
      'Group Membership': f('tags'),
      Language: f('locale'),
      'Phone 1 - Type': f('ignore'),
      'Phone 1 - Value': f('phone'),
      'Phone 2 - Value': f('phone'),
      'E-mail 1 - Value': f('email'),
    },
  },
  {
    file: 'outlook.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'outlook',
    expect: {
      Title: f('ignore'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      'Mobile Phone': f('mobile_phone'),
      'Business Phone': f('phone'),
      'Home Phone': f('phone'),
      'Primary Phone': f('phone'),
      "Assistant's Phone": f('ignore'),
      'Company Main Phone': f('ignore'),
      'Business Fax': f('ignore'),
      Pager: f('ignore'),
      'E-mail Address': f('email'),
      'E-mail 2 Address': f('ignore'),
      'E-mail Display Name': f('ignore'),
      Categories: f('tags'),
      Language: f('locale'),
      'Home Country/Region': f('country'),
      'Business Country/Region': f('ignore'),
      "Assistant's Name": f('ignore'),
      "Manager's Name": f('ignore'),
      Spouse: f('ignore'),
    },
  },
  {
    file: 'apple-icloud.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'apple-icloud',
    expect: {
      'Formatted Name': f('name'),
      'Given Name': f('first_name'),
      'Family Name': f('last_name'),
      'Additional Name': f('middle_name'),
      iPhone: f('mobile_phone'),
      Mobile: f('mobile_phone'),
      Phone: f('phone'),
      'Home Phone': f('phone'),
      'Work Phone': f('phone'),
      'Work Fax': f('ignore'),
      Email: f('email'),
      'Email 2': f('ignore'),
      Categories: f('tags'),
      Country: f('country'),
      UID: f('external_id'),
    },
  },
  {
    file: 'hubspot.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'hubspot',
    expect: {
      'Record ID': f('external_id'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      Email: f('email'),
      'Phone Number': f('phone'),
      'Mobile Phone Number': f('mobile_phone'),
      'WhatsApp Phone Number': f('mobile_phone'),
      'Marketing contact status': f('ignore'),
      'Unsubscribed from all email': f('ignore'),
      'Original Source': f('ignore'),
      "Legal basis for processing contact's data": f('ignore'),
      'Preferred language': f('locale'),
      'Country/Region': f('country'),
      'Create Date': f('ignore'),
    },
  },
  {
    file: 'salesforce.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'salesforce',
    expect: {
      'Contact ID': f('external_id'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      Mobile: f('mobile_phone'),
      Phone: f('phone'),
      'Home Phone': f('phone'),
      Fax: f('ignore'),
      Email: f('email'),
      'Email Opt Out': f('ignore'),
      'Do Not Call': f('do_not_contact'),
      'Fax Opt Out': f('ignore'),
      'Lead Source': f('ignore'),
      'Mailing Country': f('country'),
      'Account Name': f('ignore'),
    },
  },
  {
    file: 'zoho.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'zoho',
    expect: {
      'Record Id': f('external_id'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      Email: f('email'),
      'Secondary Email': f('ignore'),
      Mobile: f('mobile_phone'),
      Phone: f('phone'),
      'Home Phone': f('phone'),
      Fax: f('ignore'),
      'Email Opt Out': f('ignore'),
      'SMS Opt Out': f('do_not_contact'),
      'Unsubscribed Mode': f('ignore'),
      'Unsubscribed Time': f('ignore'),
      Tag: f('tags'),
      'Mailing Country': f('country'),
      'Data Source': f('ignore'),
    },
  },
  {
    file: 'mailchimp.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'mailchimp',
    expect: {
      'Email Address': f('email'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      'Phone Number': f('phone'),
      OPTIN_TIME: f('consent_date'),
      OPTIN_IP: f('ignore'),
      CONFIRM_TIME: f('ignore'),
      CC: f('country'),
      LEID: f('external_id'),
      EUID: f('ignore'),
      TAGS: f('tags'),
      NOTES: f('ignore'),
    },
  },
  {
    file: 'shopify-customers.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: 'shopify-customers',
    expect: {
      'Customer ID': f('external_id'),
      'First Name': f('first_name'),
      'Last Name': f('last_name'),
      Email: f('email'),
      'Accepts Email Marketing': f('ignore'),
      'Accepts SMS Marketing': SMS,
      Phone: f('mobile_phone'),
      'Default Address Phone': f('phone'),
      'Default Address Country Code': f('country'),
      Tags: f('tags'),
      Note: f('ignore'),
    },
  },
  {
    file: 'bitrix24-ru.csv',
    encoding: 'win1251',
    delimiter: ';',
    preset: 'bitrix24',
    expect: {
      ID: f('external_id'),
      Имя: f('first_name'),
      Отчество: f('middle_name'),
      Фамилия: f('last_name'),
      Обращение: f('ignore'),
      'Мобильный телефон': f('mobile_phone'),
      'Телефон для рассылок': f('mobile_phone'),
      'Рабочий телефон': f('phone'),
      'Домашний телефон': f('phone'),
      'Другой телефон': f('phone'),
      'Номер факса': f('ignore'),
      'Рабочий e-mail': f('email'),
      'Частный e-mail': f('ignore'),
      Страна: f('country'),
      Источник: f('ignore'),
      'Дата создания': f('ignore'),
      'Не обзванивать': f('do_not_contact'),
      'Согласие на рассылку': BOTH,
    },
  },
  {
    file: 'bitrix24-en.csv',
    encoding: 'win1251',
    delimiter: ';',
    preset: 'bitrix24-en',
    expect: {
      ID: f('external_id'),
      'First name': f('first_name'),
      'Second name': f('middle_name'),
      'Last name': f('last_name'),
      Mobile: f('mobile_phone'),
      'SMS marketing phone': f('mobile_phone'),
      'Work Phone': f('phone'),
      'Home Phone': f('phone'),
      'Other Phone Number': f('phone'),
      Fax: f('ignore'),
      'Pager Number': f('ignore'),
      'Work E-mail': f('email'),
      'Home E-mail': f('ignore'),
      Country: f('country'),
      Source: f('ignore'),
      'Do not call': f('do_not_contact'),
    },
  },
  {
    file: 'amocrm-ru.csv',
    encoding: 'utf8',
    bom: true,
    delimiter: ';',
    preset: 'amocrm',
    expect: {
      ID: f('external_id'),
      Тип: f('ignore'),
      'Полное имя контакта': f('name'),
      Имя: f('first_name'),
      Фамилия: f('last_name'),
      Теги: f('tags'),
      'Примечание 1': f('ignore'),
      'Мобильный телефон': f('mobile_phone'),
      'Рабочий телефон': f('phone'),
      'Рабочий прямой телефон': f('phone'),
      'Домашний телефон': f('phone'),
      'Другой телефон': f('phone'),
      Факс: f('ignore'),
      'Рабочий email': f('email'),
      'Личный email': f('ignore'),
      'Согласие на рассылку': BOTH,
      'Согласие на обработку ПДн': PDN,
      'Дата согласия': f('consent_date'),
      // amoCRM's «Источник» is how the customer came: the consent's source (evidence), not an acquisition channel to drop.
      Источник: f('consent_source'),
      // «Дата создания» is the consent date only when the file has none of its own.
      'Дата создания контакта': f('ignore'),
    },
  },
  {
    file: 'amocrm-en.csv',
    encoding: 'utf8',
    bom: true,
    delimiter: ',',
    preset: 'amocrm-en',
    expect: {
      ID: f('external_id'),
      'Full name': f('name'),
      'First name': f('first_name'),
      'Last name': f('last_name'),
      Tags: f('tags'),
      'Mobile phone': f('mobile_phone'),
      'Work phone': f('phone'),
      'Work direct phone': f('phone'),
      'Other phone': f('phone'),
      Fax: f('ignore'),
      'Work email': f('email'),
      'Personal email': f('ignore'),
      'WhatsApp consent': WHATSAPP,
    },
  },
  {
    file: 'generic-ru.csv',
    encoding: 'win1251',
    delimiter: ';',
    preset: null,
    expect: {
      '№': f('ignore'),
      ФИО: f('name'),
      Телефон: f('phone'),
      WhatsApp: f('mobile_phone'),
      'E-mail': f('email'),
      'Согласие на рассылку': BOTH,
      'Согласие на обработку ПДн': PDN,
      'Дата согласия': f('consent_date'),
      'Способ получения согласия': f('consent_source'),
      'Не беспокоить': f('do_not_contact'),
      Метки: f('tags'),
      Примечание: f('ignore'),
    },
  },
  {
    file: 'generic-en.csv',
    encoding: 'utf8',
    delimiter: ',',
    preset: null,
    expect: {
      Customer: f('name'),
      Phone: f('phone'),
      Mobile: f('mobile_phone'),
      Email: f('email'),
      'SMS consent': SMS,
      'WhatsApp consent': WHATSAPP,
      'Consent date': f('consent_date'),
      'Consent source': f('consent_source'),
      'Do not contact': f('do_not_contact'),
      Tags: f('tags'),
      Language: f('locale'),
      Country: f('country'),
      Notes: f('ignore'),
    },
  },
];

const SINGLE_VALUED = new Set([
  'name',
  'first_name',
  'middle_name',
  'last_name',
  'email',
  'external_id',
  'locale',
  'country',
  'consent_date',
  'consent_source',
]);

function expectNoDuplicateSingles(mapping: ColumnMapping[]): void {
  const seen = new Map<string, string>();
  for (const m of mapping) {
    if (!SINGLE_VALUED.has(m.target.field)) continue;
    expect(seen.get(m.target.field), `${m.target.field} claimed by "${seen.get(m.target.field)}" and "${m.header}"`).toBeUndefined();
    seen.set(m.target.field, m.header);
  }
}

describe('built-in presets on realistic exports', () => {
  it('has a fixture for every built-in preset', () => {
    const covered = new Set(CASES.map((c) => c.preset));
    for (const p of BUILT_IN_PRESETS) expect(covered, p.id).toContain(p.id);
  });

  for (const c of CASES) {
    describe(c.file, () => {
      const rows = readFixture(c.file, c.encoding);
      const header = rows[0] ?? [];
      const { preset, mapping } = autoMap(header);

      it('decodes and parses into a header row and 5–12 data rows', () => {
        const raw = readFileSync(FIXTURES + c.file);
        expect(raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf).toBe(c.bom === true);
        expect(Papa.parse(iconv.decode(raw, c.encoding), { preview: 1 }).meta.delimiter).toBe(c.delimiter);
        expect(header.length).toBeGreaterThan(5);
        const data = rows.slice(1).filter((r) => r.length === header.length);
        expect(data.length).toBeGreaterThanOrEqual(5);
        expect(data.length).toBeLessThanOrEqual(12);
        expect(header.join(' ')).not.toMatch(/[\uFFFD]|Ð|Ñ/); // no mojibake
      });

      it(`is recognised as ${c.preset ?? 'no preset'}`, () => {
        expect(preset?.id ?? null).toBe(c.preset);
      });

      it('is claimed by exactly the expected preset signature', () => {
        const matching = BUILT_IN_PRESETS.filter((p) => autoMap(header, [p]).preset !== null).map((p) => p.id);
        expect(matching).toEqual(c.preset === null ? [] : [c.preset]);
      });

      it('maps the key columns', () => {
        for (const [h, target] of Object.entries(c.expect)) expect(targetOf(mapping, h), h).toEqual(target);
      });

      it('keeps single-valued fields unique and consent targets complete', () => {
        expect(mapping.map((m) => m.column)).toEqual(header.map((_, i) => i));
        expectNoDuplicateSingles(mapping);
        for (const m of mapping) expect(isCompleteTarget(m.target), m.header).toBe(true);
      });

      it('holds phone numbers that libphonenumber accepts', () => {
        const phoneCols = mapping.filter((m) => m.target.field === 'phone' || m.target.field === 'mobile_phone').map((m) => m.column);
        let checked = 0;
        for (const row of rows.slice(1)) {
          if (row.length !== header.length) continue; // report footers
          for (const col of phoneCols) {
            for (const part of (row[col] ?? '').split(/\s*(?::::|,|;|\/)\s*/)) {
              const text = part.replace(/^'/, '').trim();
              if (text === '') continue;
              const ok = ['US', 'RU', 'GB', 'DE'].some((cc) => normalizePhone(text, cc).ok);
              expect(ok, `${c.file}: "${text}"`).toBe(true);
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThanOrEqual(4);
      });
    });
  }
});

describe('autoMap on unknown files', () => {
  it('maps English headers through the generic synonyms', () => {
    const { preset, mapping } = autoMap([
      'Full Name',
      'Cell Phone',
      'Phone 2',
      'E-mail',
      'External ID',
      'Groups',
      'Locale',
      'Opt-in',
      'Opt-in date',
      'Opt-in source',
      'Personal data consent',
      'SMS Opt Out',
      'Unsubscribed',
      'DNC',
      'Email opt out',
      'Favourite colour',
    ]);
    expect(preset).toBeNull();
    expect(mapping.map((m) => m.target)).toEqual([
      f('name'),
      f('mobile_phone'),
      f('phone'),
      f('email'),
      f('external_id'),
      f('tags'),
      f('locale'),
      BOTH,
      f('consent_date'),
      f('consent_source'),
      PDN,
      f('do_not_contact'),
      f('do_not_contact'),
      f('do_not_contact'),
      f('ignore'),
      f('ignore'),
    ]);
  });

  it('maps Russian headers through the generic synonyms', () => {
    const { preset, mapping } = autoMap([
      'Фамилия',
      'Имя',
      'Отчество',
      'Моб. тел.',
      'Номер телефона',
      'Номер WhatsApp',
      'Почта',
      'Код клиента',
      'Теги',
      'Язык',
      'Страна',
      'Согласие на СМС',
      'Согласие WhatsApp',
      'Согласие на обработку персональных данных',
      'Источник согласия',
      'Отказ от рассылки',
      'Не звонить',
      'Причина отказа',
    ]);
    expect(preset).toBeNull();
    expect(mapping.map((m) => m.target)).toEqual([
      f('last_name'),
      f('first_name'),
      f('middle_name'),
      f('mobile_phone'),
      f('phone'),
      f('mobile_phone'),
      f('email'),
      f('external_id'),
      f('tags'),
      f('locale'),
      f('country'),
      SMS,
      WHATSAPP,
      PDN,
      f('consent_source'),
      f('do_not_contact'),
      f('do_not_contact'),
      f('ignore'),
    ]);
  });

  it('gives a single-valued field to the first column only; repeatable fields repeat', () => {
    const { mapping } = autoMap([
      'Email',
      'E-mail',
      'Name',
      'ФИО',
      'Phone',
      'Телефон',
      'Tags',
      'Метки',
      'Consent',
      'Согласие',
      'Дата согласия',
      'Consent date',
    ]);
    expect(mapping.map((m) => m.target.field)).toEqual([
      'email',
      'ignore',
      'name',
      'ignore',
      'phone',
      'phone',
      'tags',
      'tags',
      'consent',
      'consent',
      'consent_date',
      'ignore',
    ]);
    expectNoDuplicateSingles(mapping);
  });

  it('maps nothing for an empty header list', () => {
    expect(autoMap([])).toEqual({ preset: null, mapping: [] });
  });

  it('ignores blank headers and keeps the header text as read', () => {
    const { mapping } = autoMap(['', '  ', '\uFEFF"Phone"']);
    expect(mapping).toEqual([
      { column: 0, header: '', target: f('ignore') },
      { column: 1, header: '  ', target: f('ignore') },
      { column: 2, header: '\uFEFF"Phone"', target: f('phone') },
    ]);
  });

  it('prefers the preset with the longer signature and uses the given preset list', () => {
    const headers = ['Mobile', 'Email', 'Loyalty No'];
    const a = { id: 'a', name: 'A', signature: ['mobile'], columns: [] };
    const b = { id: 'b', name: 'B', signature: ['Mobile', 'Email'], columns: [{ match: /^loyalty no$/, target: f('external_id') }] };
    const r = autoMap(headers, [a, b]);
    expect(r.preset?.id).toBe('b');
    expect(r.mapping.map((m) => m.target.field)).toEqual(['mobile_phone', 'email', 'external_id']);
  });

  it('returns targets the caller may edit without touching the presets', () => {
    const { mapping } = autoMap(['Accepts Email Marketing', 'Accepts SMS Marketing']);
    const t = mapping[1]!.target;
    t.channels!.push('whatsapp');
    t.field = 'ignore';
    expect(autoMap(['Accepts Email Marketing', 'Accepts SMS Marketing']).mapping[1]!.target).toEqual(SMS);
  });
});

describe('preset list', () => {
  it('has unique ids, non-empty normalised signatures, and lookup by id', () => {
    const ids = BUILT_IN_PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'google-contacts',
      'outlook',
      'apple-icloud',
      'hubspot',
      'salesforce',
      'zoho',
      'mailchimp',
      'shopify-customers',
      'bitrix24',
      'amocrm',
    ]) {
      expect(presetById(id)?.id).toBe(id);
    }
    expect(presetById('nope')).toBeUndefined();
    for (const p of BUILT_IN_PRESETS) {
      expect(p.signature.length).toBeGreaterThan(0);
      expect(p.columns.every((r) => isCompleteTarget(r.target))).toBe(true);
    }
    expect(GENERIC_COLUMNS.every((r) => isCompleteTarget(r.target))).toBe(true);
  });

  it('no preset signature is satisfied by another preset’s signature', () => {
    for (const p of BUILT_IN_PRESETS) {
      const others = BUILT_IN_PRESETS.filter((q) => q !== p && autoMap(p.signature, [q]).preset !== null).map((q) => q.id);
      expect(others, p.id).toEqual([]);
    }
  });
});
