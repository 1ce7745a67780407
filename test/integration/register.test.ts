import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { openDatabase, LATEST_SCHEMA_VERSION } from '../../electron/core/db/open';
import { scopedBackend } from '../support/backend';

const setup = scopedBackend;

const grantRu = {
  channel: 'sms',
  purpose: 'marketing',
  action: 'grant',
  method: 'paper_form',
  evidence: { formVersionId: 1, sheetRef: 'S-0001' },
} as const;

async function withForm(t: ReturnType<typeof setup>) {
  return t.call('forms.create', {
    title: 'Акции',
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Я согласен получать рекламу от магазина по SMS и WhatsApp.',
  });
}

describe('opening the register', () => {
  it('uses WAL, foreign keys and the latest schema version', () => {
    const t = setup();
    expect(t.backend.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(t.backend.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(t.backend.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses a database from a newer version, leaving it untouched', () => {
    const t = setup();
    t.backend.close();
    const raw = new Database(t.dbPath);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(t.dbPath)).toThrow(/newer Optin Desk.*will not be downgraded/);
    const again = new Database(t.dbPath);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    again.close();
  });
});

describe('the event log', () => {
  it('refuses UPDATE and DELETE of consent events and audit rows', async () => {
    const t = setup();
    await withForm(t);
    await t.call('consent.record', { phone: '+79123456789', ...grantRu });
    const db = t.backend.db;
    expect(() => db.prepare("UPDATE consent_events SET action = 'revoke'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('keeps form wording immutable once created', async () => {
    const t = setup();
    await withForm(t);
    expect(() => t.backend.db.prepare("UPDATE form_versions SET body = 'changed'").run()).toThrow(/immutable/);
  });

  it('records a proven grant with its evidence, staff and policy, and the projection follows', async () => {
    const t = setup();
    const form = await withForm(t);
    await t.call('staff.add', { name: 'Мария' });
    const r = await t.call('consent.record', {
      phone: '8 912 345-67-89',
      ...grantRu,
      evidence: { formVersionId: form.id, sheetRef: 'S-0001' },
      staff: 'Мария',
      occurredAt: '2026-02-27T12:00:00+03:00',
    });
    expect(r.createdContact).toBe(true);
    expect(r.downgraded).toBeNull();
    expect(r.events[0]).toMatchObject({
      action: 'grant',
      recordedBy: 'Мария',
      formCode: 'F1-1',
      policyPack: 'ru',
      occurredAt: '2026-02-27T09:00:00.000Z',
    });
    const cell = r.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing');
    // Russia needs the separate personal-data consent before marketing may go.
    expect(cell).toMatchObject({ status: 'granted', sendable: false, blockedBy: 'needs_personal_data' });
    await t.call('consent.record', {
      phone: '+79123456789',
      ...grantRu,
      purpose: 'personal_data',
      evidence: { formVersionId: form.id, sheetRef: 'S-0001' },
    });
    const s = await t.call('consent.status', { phone: '+79123456789' });
    expect(s.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'granted', sendable: true });
  });

  it('knows a staff member by name whatever its case, in Cyrillic as in Latin', async () => {
    const t = setup();
    await withForm(t);
    await t.call('staff.add', { name: 'Мария' });
    await t.call('staff.add', { name: 'Tom' });
    // SQLite's NOCASE folds only ASCII: «мария» was a second staff member, and recording as «МАРИЯ» was refused.
    await expect(t.call('staff.add', { name: 'мария' })).rejects.toThrow(/^CONFLICT: name:/);
    await expect(t.call('staff.add', { name: 'TOM' })).rejects.toThrow(/^CONFLICT: name:/);
    const r = await t.call('consent.record', { phone: '+79123456789', ...grantRu, staff: 'МАРИЯ' });
    expect(r.events[0]).toMatchObject({ recordedBy: 'Мария' });
    expect((await t.call('staff.list', {})).map((s) => s.name)).toEqual(['Owner', 'Tom', 'Мария']);
  });

  it('records a grant without the evidence the pack demands as an unproven claim', async () => {
    const t = setup();
    const r = await t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'import' });
    expect(r.downgraded).toMatchObject({ to: 'claim', missing: ['importSource'] });
    expect(r.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'unproven', sendable: false });
  });

  it('turns a grant into a pending request under double opt-in, and a confirmation grants it', async () => {
    const t = setup();
    await t.call('settings.update', { policyPack: 'de', defaultCountry: 'DE' });
    const r = await t.call('consent.record', {
      phone: '+4915123456789',
      channel: 'whatsapp',
      purpose: 'marketing',
      action: 'grant',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'wamid.1' },
    });
    expect(r.downgraded?.to).toBe('request');
    expect(r.consents.find((c) => c.channel === 'whatsapp' && c.purpose === 'marketing')?.status).toBe('pending');
    t.clock.advance(60_000);
    const c = await t.call('consent.record', {
      phone: '+4915123456789',
      channel: 'whatsapp',
      purpose: 'marketing',
      action: 'confirm',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'wamid.2' },
    });
    expect(c.consents.find((x) => x.channel === 'whatsapp' && x.purpose === 'marketing')?.status).toBe('granted');
  });

  it('a request and a confirm entered by staff without evidence make no sendable consent (RU), and under double opt-in only a reply confirms (DE)', async () => {
    const t = setup();
    await withForm(t);
    // RU: a verbal "yes" is a claim; entered as a request and a confirm instead, it stays unconfirmed.
    for (const purpose of ['marketing', 'personal_data'] as const) {
      await t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose, action: 'request', method: 'verbal_in_store' });
      const c = await t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose, action: 'confirm', method: 'verbal_in_store' });
      expect(c.events[0]!.action).toBe('claim');
      expect(c.downgraded).toMatchObject({ to: 'claim', said: { key: 'consent.downgradeNotAccepted' } });
    }
    const ru = await t.call('consent.status', { phone: '+79123456789' });
    expect(ru.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'pending', sendable: false });

    // DE: the shop's paper form makes a request; staff "confirming" it at the till is not the customer's reply.
    await t.call('settings.update', { policyPack: 'de', defaultCountry: 'DE' });
    const de = '+4915123456789';
    await t.call('consent.record', {
      phone: de,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'SM-1' },
    });
    t.clock.advance(60_000);
    const staff = await t.call('consent.record', {
      phone: de,
      channel: 'sms',
      purpose: 'marketing',
      action: 'confirm',
      method: 'paper_form',
      evidence: { formVersionId: 1, sheetRef: 'S-0009' },
    });
    expect(staff.downgraded).toMatchObject({ to: 'claim', said: { key: 'consent.downgradeDoubleOptIn' } });
    expect(staff.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'pending', sendable: false });
    const reply = await t.call('consent.record', {
      phone: de,
      channel: 'sms',
      purpose: 'marketing',
      action: 'confirm',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'SM-2' },
    });
    expect(reply.downgraded).toBeNull();
    expect(reply.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'granted' });
  });

  it('refuses a confirmation with nothing pending', async () => {
    const t = setup();
    await expect(
      t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'confirm', method: 'inbound_keyword' }),
    ).rejects.toThrow(/CONFIRM_WITHOUT_REQUEST/);
  });

  it('a revocation on one channel revokes marketing on every channel (strict reading)', async () => {
    const t = setup();
    await withForm(t);
    await t.call('consent.record', { phone: '+79123456789', ...grantRu });
    await t.call('consent.record', { phone: '+79123456789', ...grantRu, channel: 'whatsapp' });
    const r = await t.call('consent.record', {
      phone: '+79123456789',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'SM1', note: 'СТОП' },
    });
    expect(r.events.map((e) => `${e.channel}/${e.action}`).sort()).toEqual(['sms/revoke', 'whatsapp/revoke']);
    expect(r.consents.filter((c) => c.purpose === 'marketing').map((c) => c.status)).toEqual(['revoked', 'revoked']);
  });

  it('accepts a revocation for an unknown number, creating the contact, and even for a number the metadata rejects', async () => {
    const t = setup();
    const r = await t.call('consent.record', { phone: '+7 912 000-00-01', channel: 'whatsapp', purpose: 'marketing', action: 'revoke' });
    expect(r.createdContact).toBe(true);
    const odd = await t.call('consent.record', { phone: '+999 1234 5678', channel: 'sms', purpose: 'marketing', action: 'revoke' });
    expect(odd.contact).toMatchObject({ phone: '+99912345678', messageable: false });
    expect(odd.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('revoked');
  });
});

describe('bad input writes nothing', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'unknown channel',
      { phone: '+79123456789', channel: 'fax', purpose: 'marketing', action: 'grant', method: 'paper_form' },
      /^VALIDATION_FAILED: channel:/,
    ],
    [
      'unknown purpose',
      { phone: '+79123456789', channel: 'sms', purpose: 'spam', action: 'grant', method: 'paper_form' },
      /^VALIDATION_FAILED: purpose:/,
    ],
    [
      'malformed date',
      { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form', occurredAt: '31.12.2025' },
      /^VALIDATION_FAILED: occurredAt:/,
    ],
    [
      'event in the future',
      { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form', occurredAt: '2030-01-01T00:00:00Z' },
      /^FUTURE_DATE: occurredAt:/,
    ],
    ['not a phone number', { phone: 'Иван', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form' }, /^INVALID_PHONE: phone:/],
    ['grant with no method', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant' }, /^VALIDATION_FAILED: method:/],
    [
      'unknown form version',
      { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form', evidence: { formVersionId: 99 } },
      /^NOT_FOUND: evidence.formVersionId:/,
    ],
    [
      'unknown staff member',
      { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form', staff: 'Nobody' },
      /^NOT_FOUND: staff:/,
    ],
  ];
  for (const [name, input, error] of cases) {
    it(name, async () => {
      const t = setup();
      const before = { events: t.backend.ctx.consent.countEvents(), contacts: t.backend.ctx.contacts.count(), audit: t.backend.ctx.audit.count() };
      await expect(t.call('consent.record', input as never)).rejects.toThrow(error);
      expect({ events: t.backend.ctx.consent.countEvents(), contacts: t.backend.ctx.contacts.count(), audit: t.backend.ctx.audit.count() }).toEqual(
        before,
      );
    });
  }
});

describe('crash safety', () => {
  it('a process killed in the middle of a write leaves the register as it was before that write', async () => {
    const t = setup();
    await withForm(t);
    await t.call('consent.record', { phone: '+79123456789', ...grantRu });
    const before = { events: t.backend.ctx.consent.countEvents(), contacts: t.backend.ctx.contacts.count() };
    t.backend.close();
    // A child opens the register, starts a write of many contacts and events, and is killed before it commits.
    const script = `
      import { createBackend } from ${JSON.stringify(new URL('../../electron/core/backend.ts', import.meta.url).pathname)};
      const b = createBackend({ dbPath: ${JSON.stringify(t.dbPath)} });
      const { insertContact } = await import(${JSON.stringify(new URL('../../electron/core/register/contacts.ts', import.meta.url).pathname)});
      b.db.transaction(() => {
        for (let i = 0; i < 2000; i++) insertContact(b.ctx, { e164: '+7912' + String(1000000 + i), country: 'RU', reach: 'mobile', messageable: true, nationalNumber: '912' + String(1000000 + i), extension: null }, {}, 'Owner');
        process.kill(process.pid, 'SIGKILL');
      })();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    const reopened = testBackendAt(t.dbPath);
    expect({ events: reopened.ctx.consent.countEvents(), contacts: reopened.ctx.contacts.count() }).toEqual(before);
    const v = await reopened.dispatch('audit.verify', {});
    expect(v).toMatchObject({ ok: true, value: { ok: true } });
    reopened.close();
  });
});

import { createBackend } from '../../electron/core/backend';
function testBackendAt(dbPath: string) {
  return createBackend({ dbPath, checkOutputs: true });
}
