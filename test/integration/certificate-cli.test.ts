import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optin } from '../support/cli';
import { pdfText } from '../support/pdf';

/** A JSON-LD node as parsed from the file: the test reads it key by key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON
type JsonNode = Record<string, any>;

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'optin-cert-cli-'));
  db = join(dir, 'register.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('optin contacts certificate', () => {
  it('writes the PDF (EN or RU) and the JSON-LD record for a number, at an instant; refuses other file kinds and unknown numbers', async () => {
    expect(
      (await optin(db, 'settings', 'set', '--business-name', 'Bike Shop Leeds', '--country', 'GB', '--policy', 'uk', '--timezone', 'Europe/London'))
        .code,
    ).toBe(0);
    const form = await optin(
      db,
      'forms',
      'create',
      '--language',
      'en',
      '--channels',
      'sms',
      '--purposes',
      'marketing',
      '--title',
      'Offers by text',
      '--text',
      'I agree to receive offers from Bike Shop Leeds by text message, at most 4 a week. Reply STOP to stop.',
      '--json',
    );
    expect(form.code, form.err).toBe(0);
    const given = await optin(
      db,
      'consent',
      'grant',
      '--phone',
      '+447911123456',
      '--channel',
      'sms',
      '--purpose',
      'marketing',
      '--method',
      'web_form',
      '--form',
      String(form.json().id),
      '--note',
      'checkout box ticked',
      '--at',
      '2026-01-10T10:00:00Z',
      '--name',
      'Tom Baker',
    );
    expect(given.code, given.err).toBe(0);
    expect(
      (await optin(db, 'consent', 'revoke', '--phone', '+447911123456', '--channel', 'sms', '--purpose', 'marketing', '--at', '2026-02-01T10:00:00Z'))
        .code,
    ).toBe(0);

    const pdf = join(dir, 'tom.pdf');
    const r = await optin(db, 'contacts', 'certificate', '--phone', '07911 123456', '--at', '2026-01-20T00:00:00Z', '--out', pdf, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.json()).toMatchObject({ file: pdf, format: 'pdf', at: '2026-01-20T00:00:00.000Z', contactVerified: true });
    const text = (await pdfText(pdf, { layout: true })).join('\n');
    expect(text).toContain('Consent certificate');
    expect(text).toContain('Tom Baker');
    expect(text).toMatch(/SMS · marketing\s+given — a message may go/);
    expect(text).toContain('Note: checkout box ticked');
    expect(text).toContain('I agree to receive offers from Bike Shop Leeds by text message');
    expect(text).toContain('What changed after that moment');
    expect(text).toMatch(/Event \d+: SMS · marketing — withdrawn/);

    const ru = join(dir, 'tom-ru.pdf');
    const human = await optin(
      db,
      'contacts',
      'certificate',
      '--phone',
      '+447911123456',
      '--at',
      '2026-01-20T00:00:00Z',
      '--out',
      ru,
      '--locale',
      'ru',
    );
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/tom-ru\.pdf: the consent certificate of contact 1 as of 2026-01-20T00:00:00\.000Z, \d+ bytes/);
    expect(human.out).toMatch(/register head: events:\d+:[0-9a-f]{64},audit:\d+:[0-9a-f]{64}/);
    expect((await pdfText(ru, { layout: true })).join('\n')).toContain('Справка о согласии');

    const jsonld = join(dir, 'tom.jsonld');
    expect((await optin(db, 'contacts', 'certificate', '--phone', '+447911123456', '--out', jsonld)).code).toBe(0);
    const rec = JSON.parse(readFileSync(jsonld, 'utf8')) as JsonNode;
    expect(rec['@type']).toBe('dpv:ConsentRecord');
    const sms = (rec['dpv:hasPersonalDataHandling'] as JsonNode[]).find((p) => p['optin:channel'] === 'sms' && p['optin:purpose'] === 'marketing');
    expect(sms?.['dpv:hasConsentStatus']).toEqual({ '@id': 'dpv:ConsentWithdrawn' });

    const txt = await optin(db, 'contacts', 'certificate', '--phone', '+447911123456', '--out', join(dir, 'tom.txt'));
    expect(txt.code).not.toBe(0);
    expect(txt.err).toContain('--out: the certificate is written as .pdf or .jsonld, got');
    expect(existsSync(join(dir, 'tom.txt'))).toBe(false);
    const unknown = await optin(db, 'contacts', 'certificate', '--phone', '+447911123999', '--out', join(dir, 'x.pdf'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('+447911123999 is not in the register');
    const help = await optin(db, 'help', 'contacts', 'certificate');
    expect(help.out).toMatch(/^optin contacts certificate --phone P/);
  });
});
