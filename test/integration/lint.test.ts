import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optin } from '../support/cli';
import { createBackend } from '../../electron/core/backend';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-lint-'));
  dirs.push(d);
  return d;
}

async function shop(): Promise<{ db: string; d: string }> {
  const d = dir();
  const db = join(d, 'register.db');
  const r = await optin(
    db,
    'settings',
    'set',
    '--business-name',
    'Лавка у дома',
    '--aliases',
    'Lavka',
    '--sender-name',
    'LAVKA',
    '--domains',
    'https://www.Lavka.ru/shop',
    '--policy',
    'ru',
  );
  expect(r.code, r.err).toBe(0);
  return { db, d };
}

describe('optin lint', () => {
  it('answers with the documented JSON and exits 1 when the message has an error', async () => {
    const { db } = await shop();
    const bad = await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing', '--text', 'HUGE SALE today only!!!', '--json');
    expect(bad.code).toBe(1);
    const r = JSON.parse(bad.out) as {
      ok: boolean;
      encoding: string;
      characters: number;
      segments: number;
      diagnostics: { rule: string; severity: string; start: number; end: number; message: string; fix: unknown }[];
    };
    expect(r).toMatchObject({ ok: false, encoding: 'GSM-7', characters: 23, segments: 1 });
    expect(r.diagnostics.map((d) => d.rule)).toEqual(
      expect.arrayContaining(['LINT-SENDER-ID', 'LINT-OPTOUT-PRESENT', 'LINT-EXCLAMATION', 'LINT-CLAIM-URGENCY']),
    );
    for (const d of r.diagnostics) expect(Object.keys(d)).toEqual(expect.arrayContaining(['rule', 'severity', 'start', 'end', 'message', 'fix']));

    const good = await optin(
      db,
      'lint',
      '--channel',
      'sms',
      '--purpose',
      'marketing',
      '--text',
      'Лавка у дома: новинки в магазине. Отписаться: ответьте СТОП',
      '--json',
    );
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ ok: true, encoding: 'UCS-2', segments: 1 });
  });

  it('reads the message from a file, answers in Russian with --locale ru, and prints people-readable text without --json', async () => {
    const { db, d } = await shop();
    const file = join(d, 'msg.txt');
    writeFileSync(file, '\uFEFFLavka: new range. Reply 2 to stop\n');
    const r = await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing', '--file', file, '--locale', 'ru');
    expect(r.code).toBe(1);
    expect(r.out).toContain('LINT-OPTOUT-KEYWORD-VALID');
    expect(r.out).toContain('не распознаётся как отписка');
    expect(r.out).toContain('fix: Заменить на STOP');
  });

  it('lints a JSONL library line by line, in order, with a clear error for a bad line', async () => {
    const { db, d } = await shop();
    const lib = join(d, 'templates.jsonl');
    const lines = [
      { text: 'Lavka: new range. Reply STOP to opt out', channel: 'sms', purpose: 'marketing' },
      'not json',
      { text: 'Лавка: заказ готов, скидка 10% на следующую покупку', channel: 'whatsapp', purpose: 'service', policy: 'ru' },
      { text: 'x', channel: 'fax', purpose: 'marketing' },
      { text: 'Corner Shop: hi. Reply STOP to opt out', channel: 'sms', purpose: 'marketing', policy: 'us', kind: 'first_message' },
    ];
    writeFileSync(lib, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n\n');
    const r = await optin(db, 'lint', '--batch', lib, '--json');
    expect(r.code).toBe(1);
    const out = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ ok: true });
    expect(out[1]).toMatchObject({ ok: false, line: 2, error: { message: 'line 2: not valid JSON' } });
    expect((out[2]!.diagnostics as { rule: string }[]).map((x) => x.rule)).toContain('LINT-PURPOSE-MISMATCH');
    expect(out[3]).toMatchObject({ ok: false, line: 4 });
    expect((out[3]!.error as { message: string }).message).toMatch(/^line 4: channel:/);
    expect((out[4]!.diagnostics as { rule: string }[]).filter((x) => x.rule === 'LINT-US-DISCLOSURES')).toHaveLength(3);
  });

  it('refuses bad input by name', async () => {
    const { db } = await shop();
    expect((await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing')).err).toContain('--text T or --file F');
    expect((await optin(db, 'lint', '--channel', 'fax', '--purpose', 'marketing', '--text', 'x')).err).toContain('--channel');
    expect((await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing', '--text', 'x', '--policy', 'xx')).err).toContain('--policy');
    expect((await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing', '--text', 'x', '--send-at', 'tomorrow')).err).toContain(
      '--send-at',
    );
    expect((await optin(db, 'lint', '--channel', 'sms', '--purpose', 'marketing', '--file', '/no/such.txt')).err).toContain('no such file');
    expect((await optin(db, 'lint', '--batch', '/no/such.jsonl')).code).toBe(1);
  });
});

describe('lint settings and the contract', () => {
  it('normalises domains, refuses a non-domain, and never lets a required check be switched off', async () => {
    const { db } = await shop();
    const b = createBackend({ dbPath: db, checkOutputs: true });
    try {
      const s = await b.dispatch('settings.get', {});
      expect(s.ok && s.value.shopDomains).toEqual(['lavka.ru']);
      const bad = await b.dispatch('settings.update', { shopDomains: ['not a domain'] });
      expect(!bad.ok && bad.error.message).toBe('shopDomains: "not a domain" is not a domain (e.g. lavka.ru)');
      const req = await b.dispatch('settings.update', { lintDisabledRules: ['LINT-OPTOUT-PRESENT'] });
      expect(!req.ok && req.error.message).toBe('lintDisabledRules: LINT-OPTOUT-PRESENT is required and cannot be switched off');
      const unknown = await b.dispatch('settings.update', { lintDisabledRules: ['NOPE'] });
      expect(!unknown.ok && unknown.error.message).toBe('lintDisabledRules: NOPE is not a lint rule');
      expect((await b.dispatch('settings.update', { lintDisabledRules: ['LINT-CAPS'] })).ok).toBe(true);
      const r = await b.dispatch('lint.check', { text: 'Lavka: HUGE AUTUMN SALE. Reply STOP to opt out', channel: 'sms', purpose: 'marketing' });
      expect(r.ok && r.value.diagnostics.map((d) => d.rule)).not.toContain('LINT-CAPS');
    } finally {
      b.close();
    }
  });

  it('fills the preview from a contact and counts the longest name in the register', async () => {
    const { db } = await shop();
    const b = createBackend({ dbPath: db, checkOutputs: true });
    try {
      const c = await b.dispatch('contacts.add', { phone: '+79161234567', name: 'Александра Константиновна' });
      expect(c.ok).toBe(true);
      const id = c.ok ? c.value.id : 0;
      const r = await b.dispatch('lint.check', {
        text: 'Lavka: hi {{first_name|there}}, new range. Reply STOP to opt out',
        channel: 'sms',
        purpose: 'marketing',
        sampleContactId: id,
        locale: 'ru',
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.preview).toMatchObject({ text: 'Lavka: hi Александра, new range. Reply STOP to opt out', encoding: 'UCS-2' });
      expect(r.value.encoding).toBe('GSM-7');
      expect(r.value.longest.encoding).toBe('UCS-2');
      const p = await b.dispatch('lint.profile', {});
      // {{first_name}} is one of a name's first two words: the longer bounds it (here the patronymic, 14).
      expect(p.ok && p.value.profile.fieldMaxLength).toEqual({ name: 25, first_name: 14 });
      // «ФИО» written surname first greets by the given name.
      const fio = await b.dispatch('contacts.add', { phone: '+79161234568', name: 'Алексеев Андрей Петрович' });
      const byFio = await b.dispatch('lint.check', {
        text: 'Lavka: hi {{first_name|there}}, new range. Reply STOP to opt out',
        channel: 'sms',
        purpose: 'marketing',
        sampleContactId: fio.ok ? fio.value.id : 0,
        locale: 'ru',
      });
      expect(byFio.ok && byFio.value.preview?.text).toBe('Lavka: hi Андрей, new range. Reply STOP to opt out');
      const missing = await b.dispatch('lint.check', { text: 'x', channel: 'sms', purpose: 'marketing', sampleContactId: 999 });
      expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    } finally {
      b.close();
    }
  });
});
