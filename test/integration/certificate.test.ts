import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scopedBackend } from '../support/backend';
import { russianShop } from '../support/shop';
import { pdfText } from '../support/pdf';
import { DpvConsentStatuses } from '../../electron/core/register/certificate';

/** A JSON-LD node as parsed from the file: the test reads it key by key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON
type JsonNode = Record<string, any>;

const DAY = 24 * 60 * 60 * 1000;
const PHONE = '+79123456789';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * A Russian shop's customer with a history worth proving: a paper slip signed on 2 March (entered on 3 March, with a
 * scan, the name written as «Дмитрий Смирнов»), STOP sent by SMS on 8 March, and a new opt-in by SMS keyword on
 * 13 March.
 */
async function history() {
  const t = scopedBackend(); // 2026-03-01T09:00Z
  const { form } = await russianShop(t, { settings: { businessAddress: 'Казань, ул. Баумана, 1' }, form: 'template' });
  const slip = (await t.call('forms.print', { formVersionId: form.id, copies: 1 })).serials[0]!;
  t.clock.advance(2 * DAY); // 2026-03-03T09:00Z
  const photo = join(t.dir, 'slip.jpg');
  const scan = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 3)]);
  writeFileSync(photo, scan);
  await t.call('sheets.attachScan', { serial: slip, fileId: t.backend.files.adopt(photo).id });
  const row = await t.call('sheets.enterRow', {
    serial: slip,
    row: 1,
    name: 'Дмитрий Смирнов',
    phone: PHONE,
    channels: ['sms'],
    signedOn: '2026-03-02',
  });
  t.clock.advance(5 * DAY); // 2026-03-08T09:00Z
  const stop = await t.call('inbound.receive', { from: PHONE, text: 'СТОП', channel: 'sms', providerId: 'SM-stop-1' });
  t.clock.advance(5 * DAY); // 2026-03-13T09:00Z
  const again = await t.call('inbound.receive', { from: PHONE, text: `ПОДПИСАТЬСЯ ${form.code}`, channel: 'sms', providerId: 'SM-start-2' });
  t.clock.advance(DAY); // 2026-03-14T09:00Z
  return { t, form, slip, row, stop, again, scanSha: createHash('sha256').update(scan).digest('hex') };
}

type H = Awaited<ReturnType<typeof history>>;

async function jsonld(h: H, at?: string): Promise<JsonNode> {
  const r = await h.t.call('contacts.certificate', { phone: PHONE, format: 'jsonld', ...(at ? { at } : {}) });
  expect(r.name).toMatch(/\.jsonld$/);
  return JSON.parse(readFileSync(h.t.backend.files.get(r.fileId).path, 'utf8'));
}

const smsMarketing = (rec: JsonNode) =>
  (rec['dpv:hasPersonalDataHandling'] as JsonNode[]).find((p) => p['optin:channel'] === 'sms' && p['optin:purpose'] === 'marketing')!;

/** Every key the ISO/IEC TS 27560 record carries, every status a DPV term from the fixed list, every time ISO. */
function expectValidRecord(rec: JsonNode) {
  expect(rec['@context']).toMatchObject({ dpv: 'https://w3id.org/dpv#', dct: 'http://purl.org/dc/terms/' });
  expect(rec['@type']).toBe('dpv:ConsentRecord');
  expect(rec['dct:identifier']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(rec['@id']).toBe(`urn:uuid:${rec['dct:identifier']}`);
  expect(rec['dct:conformsTo']).toEqual({ '@id': 'https://w3id.org/dpv/schema/dpv-27560#record' });
  expect(rec['dct:created']).toMatch(ISO);
  expect(rec['optin:asOf']).toMatch(ISO);
  // The principal is pseudonymous: never the raw number.
  expect(rec['dpv:hasDataSubject']['@id']).toMatch(/^urn:optin-desk:contact:\d+$/);
  expect(JSON.stringify(rec['dpv:hasDataSubject'])).not.toContain('912');
  expect(rec['dpv:hasDataController']).toMatchObject({
    '@type': 'dpv:DataController',
    'schema:name': 'Лавка у дома',
    'schema:address': 'Казань, ул. Баумана, 1',
  });
  expect(rec['dpv:hasJurisdiction']).toBe('RU');
  const handling = rec['dpv:hasPersonalDataHandling'] as JsonNode[];
  expect(handling).toHaveLength(6);
  const terms = DpvConsentStatuses.map((s) => `dpv:${s}`);
  for (const p of handling) {
    expect(terms).toContain(p['dpv:hasConsentStatus']['@id']);
    expect(['dpv:DirectMarketing', 'dpv:ServiceProvision', 'dpv:CustomerManagement']).toContain(p['dpv:hasPurpose']['@id']);
    expect(p['dpv:hasDataSubject']).toEqual({ '@id': rec['dpv:hasDataSubject']['@id'] });
    if (p['dpv:isIndicatedAtTime'] !== undefined) expect(p['dpv:isIndicatedAtTime']).toMatch(ISO);
  }
  for (const e of [...rec['optin:history'], ...rec['optin:laterEvents']]) {
    expect(e['optin:eventTime']).toMatch(ISO);
    expect(e['optin:recordedAt']).toMatch(ISO);
  }
  const fp = rec['optin:registerFingerprint'];
  expect(fp['optin:eventsHead']['optin:lastHash']).toMatch(/^[0-9a-f]{64}$/);
  expect(fp['optin:auditHead']['optin:lastHash']).toMatch(/^[0-9a-f]{64}$/);
  expect(fp['optin:contactVerified']).toBe(true);
}

describe("contacts.certificate: one customer's proof at an instant", () => {
  it('at three instants: the paper grant with its evidence, the STOP with its message, the renewed consent — each with what changed after', async () => {
    const h = await history();
    const { form, scanSha } = h;

    // 5 March: the paper consent, as written, with the wording, the scan and both later changes.
    const a = await jsonld(h, '2026-03-05T12:00:00Z');
    expectValidRecord(a);
    expect(a['optin:asOf']).toBe('2026-03-05T12:00:00.000Z');
    const aCell = smsMarketing(a);
    expect(aCell).toMatchObject({
      'dpv:hasConsentStatus': { '@id': 'dpv:ConsentGiven' },
      'optin:status': 'granted',
      'optin:collectionMethod': 'paper_form',
    });
    expect(aCell['optin:knownThen']).toMatchObject({ 'optin:status': 'granted' });
    expect(aCell['dpv:hasNotice']).toMatchObject({ 'dct:identifier': form.code, 'optin:sha256': form.sha256 });
    const aEvidence = aCell['optin:provenance']['optin:evidence'];
    expect(aEvidence['optin:sheet']).toMatchObject({
      'optin:serial': h.slip,
      'optin:row': 1,
      'optin:writtenName': 'Дмитрий Смирнов',
      'optin:signedOn': '2026-03-02',
    });
    expect(aEvidence['optin:scanSha256']).toBe(scanSha);
    // The STOP (sms and whatsapp marketing) and the new opt-in are listed as later events.
    const aLater = a['optin:laterEvents'] as JsonNode[];
    expect(aLater.map((e) => `${e['optin:channel']}/${e['optin:purpose']}/${e['optin:action']}`)).toEqual(
      expect.arrayContaining(['sms/marketing/revoke', 'sms/marketing/grant']),
    );
    expect(aLater.every((e) => Date.parse(e['optin:eventTime']) > Date.parse('2026-03-05T12:00:00Z'))).toBe(true);
    expect(a['optin:history'].length).toBe(h.row.events.length);

    // 10 March: withdrawn by the customer's own SMS, its text and provider id kept; only the re-grant comes after.
    const b = await jsonld(h, '2026-03-10T12:00:00Z');
    expectValidRecord(b);
    const bCell = smsMarketing(b);
    expect(bCell).toMatchObject({
      'dpv:hasConsentStatus': { '@id': 'dpv:ConsentWithdrawn' },
      'optin:status': 'revoked',
      'optin:collectionMethod': 'inbound_keyword',
    });
    expect(bCell['optin:provenance']['optin:evidence']['optin:inboundMessage']).toMatchObject({
      'optin:text': 'СТОП',
      'optin:providerMessageId': 'SM-stop-1',
      'optin:channel': 'sms',
    });
    const bLater = b['optin:laterEvents'] as JsonNode[];
    expect(bLater.map((e) => `${e['optin:channel']}/${e['optin:purpose']}/${e['optin:action']}`)).toContain('sms/marketing/grant');
    expect(bLater.some((e) => e['optin:action'] === 'revoke')).toBe(false);

    // Now: given again after a withdrawal — a renewed consent — and nothing after it.
    const c = await jsonld(h);
    expectValidRecord(c);
    const cCell = smsMarketing(c);
    expect(cCell['dpv:hasConsentStatus']).toEqual({ '@id': 'dpv:RenewedConsentGiven' });
    expect(cCell['optin:provenance']['optin:evidence']['optin:inboundMessage']).toMatchObject({ 'optin:providerMessageId': 'SM-start-2' });
    expect(c['optin:laterEvents']).toEqual([]);
    // WhatsApp marketing was never given: withdrawn by the STOP (it covers every channel's marketing).
    const wa = (c['dpv:hasPersonalDataHandling'] as JsonNode[]).find((p) => p['optin:channel'] === 'whatsapp' && p['optin:purpose'] === 'marketing')!;
    expect(wa['optin:status']).toBe('revoked');
  });

  it('what the register knew then: signed on 2 March, entered on 3 March — at dawn on the 3rd it is given, but was not yet known', async () => {
    const h = await history();
    const rec = await jsonld(h, '2026-03-03T05:00:00Z');
    const cell = smsMarketing(rec);
    expect(cell['optin:status']).toBe('granted');
    expect(cell['optin:knownThen']).toMatchObject({ 'optin:status': 'none', 'optin:eventId': null });
    // The paper events happened before the instant but were entered after it: they are among the later events, marked so.
    const late = (rec['optin:laterEvents'] as JsonNode[]).filter((e) => e['optin:recordedAfterTheInstant'] === true);
    expect(late.map((e) => e['optin:method'])).toEqual(h.row.events.map(() => 'paper_form'));
    expect(rec['optin:history']).toEqual([]);
  });

  it('the PDF in English and in Russian says the same: who, the status then, the evidence, later events, the register fingerprint', async () => {
    const h = await history();
    const at = '2026-03-05T12:00:00Z';
    const heads = await h.t.call('audit.verify', {});
    const en = await h.t.call('contacts.certificate', { phone: PHONE, at, format: 'pdf', locale: 'en' });
    expect(en).toMatchObject({ format: 'pdf', at: '2026-03-05T12:00:00.000Z', contactVerified: true });
    expect(en.head).toBe(heads.head);
    const enText = (await pdfText(h.t.backend.files.get(en.fileId).path, { layout: true })).join('\n');
    expect(enText).toContain('Consent certificate');
    expect(enText).toContain('What the register holds for this person as of 2026-03-05 15:00 (+03:00)');
    expect(enText).toContain(PHONE);
    expect(enText).toMatch(/SMS · marketing\s+given — a message may go/);
    expect(enText).toContain(`Sheet ${h.slip}, row 1: name as written «Дмитрий Смирнов»`);
    expect(enText).toContain(h.scanSha);
    expect(enText).toContain(h.form.sha256);
    expect(enText).toContain(h.form.body.split('\n')[0]!.slice(0, 40));
    expect(enText).toContain('What changed after that moment');
    expect(enText).toContain("Customer's message (SMS");
    expect(enText).toContain('SM-stop-1');
    expect(enText).toContain('«СТОП»');
    expect(enText).toContain(heads.heads.events.lastHash);
    expect(enText).toContain("This person's history verifies");

    const ru = await h.t.call('contacts.certificate', { phone: PHONE, at, format: 'pdf', locale: 'ru' });
    const ruText = (await pdfText(h.t.backend.files.get(ru.fileId).path, { layout: true })).join('\n');
    expect(ruText).toContain('Справка о согласии');
    expect(ruText).toContain('Что хранится в базе об этом человеке на 2026-03-05 15:00 (+03:00)');
    expect(ruText).toMatch(/SMS · реклама\s+дано — сообщение можно\s/);
    expect(ruText).toContain(`Лист ${h.slip}, строка 1: имя, как написано «Дмитрий Смирнов»`);
    expect(ruText).toContain('Что изменилось после этого момента');
    expect(ruText).toContain('отозвано');
    expect(ruText).toContain('История этого человека проверена');
    expect(ruText).not.toMatch(/Consent certificate|as written|history verifies/);
  });

  it('refuses clearly: an instant in the future, a number not in the register, an unknown contact, no one named', async () => {
    const h = await history();
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return (err as { apiError: { code: string; message: string } }).apiError;
      }
      throw new Error('expected a refusal');
    };
    expect(await refusal(h.t.call('contacts.certificate', { phone: PHONE, at: '2027-01-01T00:00:00Z', format: 'pdf' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'at: 2027-01-01T00:00:00Z is in the future; a certificate can only speak for a moment that has passed',
    });
    expect(await refusal(h.t.call('contacts.certificate', { phone: '+79120000099', format: 'jsonld' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'phone: +79120000099 is not in the register',
    });
    expect(await refusal(h.t.call('contacts.certificate', { contactId: 999, format: 'jsonld' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'contactId: no contact 999',
    });
    expect((await refusal(h.t.call('contacts.certificate', { format: 'pdf' } as never))).code).toBe('VALIDATION_FAILED');
  });
});
