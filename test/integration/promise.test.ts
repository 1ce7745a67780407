import { readFileSync } from 'node:fs';
import { parseCsv } from '../../shared/domain/csv/parse';
import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { pdfText as pdfPages } from '../support/pdf';
import { runImport, writeFile } from '../support/imports';
import type { ProviderAdapter } from '../../electron/core/sending/providers/types';
import type { FaultPoint } from '../../electron/core/sending/runner';

// Each test here reproduces one finding of the outside checker on main (issue #14) and holds the fix.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

async function shop(provider: ProviderAdapter, opts: { fault?: (p: FaultPoint, id: number) => void; pack?: string; realPacing?: boolean } = {}) {
  const clock = new TestClock(Date.parse('2026-03-02T09:45:00.010Z')); // 12:45 in Moscow
  // Real pacing (a tenth of the time) lets other calls happen between hand-offs, as they do in the shop.
  const sleep = opts.realPacing
    ? (ms: number) => new Promise<void>((ok) => setTimeout(ok, Math.max(1, ms / 10))).then(() => clock.advance(Math.max(1, ms)))
    : async (ms: number) => clock.advance(Math.max(1, ms));
  const t = scopedBackend({ adapterFactory: () => provider, sleep, fault: opts.fault }, clock);
  await t.call('settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: (opts.pack ?? 'ru') as 'ru',
  });
  const form = await t.call('forms.create', {
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
  });
  await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
  return { ...t, form: form.id };
}

async function grant(
  call: Caller,
  phone: string,
  channel: 'sms' | 'whatsapp',
  form: number,
  occurredAt?: string,
  purposes: readonly ('marketing' | 'personal_data')[] = ['marketing', 'personal_data'],
) {
  for (const purpose of purposes)
    await call('consent.record', {
      phone,
      channel,
      purpose,
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form, sheetRef: 'S-000001' },
      ...(occurredAt ? { occurredAt } : {}),
    });
}

const cell = (
  consents: { channel: string; purpose: string; status: string; sendable: boolean; blockedBy: string | null }[],
  channel: string,
  purpose = 'marketing',
) => consents.find((c) => c.channel === channel && c.purpose === purpose)!;

describe('the promise (issue #14 findings)', () => {
  it('1. a grant dated minutes ahead never beats a STOP recorded after it', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider);
    // Entered at 12:45:00.010, dated 12:47:10 (the tablet's clock is fast, within the tolerance).
    await grant(t.call, '+79120000001', 'sms', t.form, '2026-03-02T09:47:10.000Z');
    t.clock.advance(6);
    await t.call('inbound.receive', { from: '+79120000001', text: 'СТОП' });
    t.clock.advance(5);
    const now = new Date(t.clock.now()).toISOString();
    const status = await t.call('consent.status', { phone: '+79120000001', at: now });
    expect(cell(status.consents, 'sms').status).toBe('revoked');
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(p.eligible).toBe(0);
    expect(p.excluded.revoked).toBe(1);
    // And once the claimed time has passed, the STOP still wins.
    t.clock.advance(10 * 60_000);
    const later = await t.call('consent.status', { phone: '+79120000001' });
    expect(cell(later.consents, 'sms').status).toBe('revoked');
    const p2 = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(p2.eligible).toBe(0);
    const sent = await t.call('campaign.send', { batch: p2.batch, providers: ['gw'], wait: true });
    expect(sent.sent).toBe(0);
    expect(provider.calls).toHaveLength(0);
    // The time the device claimed is kept in the evidence; the event is dated when it was recorded.
    const contact = await t.call('contacts.get', { phone: '+79120000001' });
    const g = contact.timeline.find((e) => e.action === 'grant' && e.channel === 'sms' && e.purpose === 'marketing')!;
    expect(g.occurredAt).toBe('2026-03-02T09:45:00.010Z');
    expect(g.evidence.claimedAt).toBe('2026-03-02T09:47:10.000Z');
  });

  it('2. a STOP, a complaint or a personal-data withdrawal recorded while the campaign is in flight stops every later message', async () => {
    for (const kind of ['stop', 'complaint', 'personal_data'] as const) {
      const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 8);
      const t = await shop(provider, { realPacing: true });
      for (let i = 1; i <= 20; i++) await grant(t.call, `+791200000${String(i).padStart(2, '0')}`, 'sms', t.form);
      const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
      expect(p.eligible).toBe(20);
      // While the first message is in flight, recipients 5 and 20 (already marked on main) withdraw.
      provider.beforeAnswer = async () => {
        if (provider.calls.length !== 1) return;
        for (const phone of ['+79120000005', '+79120000020']) {
          if (kind === 'stop') await t.call('inbound.receive', { from: phone, text: 'СТОП' });
          else if (kind === 'complaint') await t.call('inbound.receive', { from: phone, text: 'Это спам, я буду жаловаться в ФАС' });
          else await t.call('consent.record', { phone, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
        }
      };
      const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
      expect(provider.recipients(), kind).not.toContain('+79120000005');
      expect(provider.recipients(), kind).not.toContain('+79120000020');
      expect(done.sent, kind).toBe(18);
    }
  });

  it('3. after a crash, a recipient the provider took and who then opted out is not reported as skipped', async () => {
    let armed = true;
    const provider = new ScriptedProvider(['sms']);
    // A webhook cannot be asked: after a crash it answers "send again (idempotent)".
    provider.reconcileAnswer = () => ({ kind: 'resend' });
    const t = await shop(provider, {
      fault: (point) => {
        if (armed && point === 'answered') {
          armed = false;
          throw new Error('kill -9');
        }
      },
    });
    await grant(t.call, '+79120000001', 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true }).catch(() => undefined);
    expect(provider.recipients()).toEqual(['+79120000001']);
    await t.call('inbound.receive', { from: '+79120000001', text: 'STOP' });
    const after = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(provider.calls).toHaveLength(1);
    const rows = await t.call('campaign.recipients', { batch: p.batch });
    expect(rows.recipients[0]!.status).not.toBe('skipped');
    expect(rows.recipients[0]!.status).toBe('unknown');
    expect(rows.recipients[0]!.reason).toBe('opted_out_after_handoff');
    expect(after.skipped).toBe(0);
  });

  it('5a. Canadian +1 numbers may get WhatsApp marketing; US numbers may not', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider);
    await t.call('settings.update', { defaultCountry: 'CA', timezone: 'America/Toronto', policyPack: 'ca' });
    for (const phone of ['+14169671111', '+12125550123'])
      await t.call('consent.record', {
        phone,
        channel: 'whatsapp',
        purpose: 'marketing',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: t.form, sheetRef: 'S-000003' },
      });
    const status = await t.call('consent.status', { phone: '+14169671111' });
    const sendable = cell(status.consents, 'whatsapp');
    expect(sendable.status).toBe('granted');
    const p = await t.call('campaign.plan', {
      channel: 'whatsapp',
      purpose: 'marketing',
      text: 'Лавка у дома: 10% off this week. Reply STOP to opt out.',
      at: '2026-03-02T17:00:00Z',
    });
    expect(p.excluded.whatsapp_us_pause).toBe(1);
    const canadian = await t.call('campaign.audience', { batch: p.batch, reason: 'eligible', offset: 0, limit: 10 });
    expect(canadian.people.map((x) => x.phone)).toEqual(['+14169671111']);
  });

  it('5b. undoing an import keeps a contact who has since given an independent consent; removed contacts leave audiences', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider, { pack: 'uk' });
    await t.call('settings.update', { defaultCountry: 'GB', timezone: 'Europe/London', policyPack: 'uk' });
    const csv = [
      'Name,Phone,SMS consent,Consent date,Consent source',
      'Tom,+447911123456,yes,2026-01-01,web',
      'Ann,+447911123457,yes,2026-01-01,web',
    ].join('\n');
    const job = await runImport(t, writeFile(t, 'crm.csv', csv), { dryRun: false });
    const batch = job.summary!.batch!;
    t.clock.advance(60_000);
    // Tom then signs a paper sheet in the shop.
    await t.call('consent.record', {
      phone: '+447911123456',
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: t.form, sheetRef: 'S-000002' },
    });
    t.clock.advance(60_000);
    await t.call('import.undo', { batch });
    const tom = await t.call('contacts.get', { phone: '+447911123456' });
    expect(cell(tom.consents, 'sms').status).toBe('granted');
    await expect(t.call('contacts.get', { phone: '+447911123457' })).rejects.toThrow(/NOT_FOUND/);
    const p = await t.call('campaign.plan', {
      channel: 'sms',
      purpose: 'marketing',
      text: 'Лавка у дома: 10% off this week. Reply STOP to opt out.',
    });
    expect(p.audience).toBe(1);
    expect(p.eligible).toBe(1);
    const sent = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(sent).toMatchObject({ sent: 1, skipped: 0 });
  });

  it('6. RU: marketing without the personal-data consent reads "needs personal-data consent" everywhere', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider);
    await grant(t.call, '+79120000001', 'sms', t.form, undefined, ['marketing']);
    const page = await t.call('contacts.get', { phone: '+79120000001' });
    expect(cell(page.consents, 'sms')).toMatchObject({ status: 'granted', sendable: false, blockedBy: 'needs_personal_data' });
    const list = await t.call('contacts.list', { offset: 0, limit: 10 });
    expect(list.contacts[0]!.marketingBlockedBy).toEqual({ sms: 'needs_personal_data', whatsapp: 'no_consent' });
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(p.excluded.needs_personal_data).toBe(1);
    expect(p.excluded.no_consent).toBe(0);
    // The import preview says it too, for a file that grants marketing without the personal-data consent.
    const csv = ['Имя,Телефон,Согласие SMS,Дата согласия,Источник согласия', 'Анна,+79120000002,да,2026-01-01,сайт'].join('\n');
    const preview = await runImport(t, writeFile(t, 'ru.csv', csv), { dryRun: true });
    expect(preview.summary).toMatchObject({ consentsGranted: 1, needsPersonalData: 1 });
  });

  it('4. a consent moved to another number (contacts.phone edited outside the app) is never handed off', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider);
    await grant(t.call, '+79120000001', 'sms', t.form);
    // The attacker drops the safeguard and moves Анна's consent to their own number.
    const db = t.backend.db;
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'").all() as { name: string }[])
      if (name !== 'contacts_fts_delete') db.exec(`DROP TRIGGER ${name}`);
    db.prepare("UPDATE contacts SET phone = '+79129999999', national_number = '9129999999' WHERE phone = '+79120000001'").run();
    const page = await t.call('contacts.get', { phone: '+79129999999' });
    expect(cell(page.consents, 'sms')).toMatchObject({ sendable: false, blockedBy: 'integrity' });
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const sent = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(provider.calls).toHaveLength(0);
    expect(sent).toMatchObject({ sent: 0, skipReasons: { integrity: 1 } });
    const verify = await t.call('audit.verify', {});
    expect(verify.ok).toBe(false);
    expect(verify.problems.map((x) => x.kind)).toContain('phone_changed');
  });

  it('3b. an opt-out committed after the hand-off reads "sent before the opt-out" in the report', async () => {
    const provider = new ScriptedProvider(['sms']);
    const t = await shop(provider);
    await grant(t.call, '+79120000001', 'sms', t.form);
    await grant(t.call, '+79120000002', 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    // Анна writes STOP while her own message is in flight.
    provider.beforeAnswer = async (m) => {
      if (m.to === '+79120000001') await t.call('inbound.receive', { from: '+79120000001', text: 'СТОП' });
    };
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done.sent).toBe(2);
    for (const locale of ['en', 'ru'] as const) {
      const csv = await t.call('campaign.report', { batch: p.batch, format: 'csv', locale });
      const text = readFileSync(t.backend.files.get(csv.fileId).path, 'utf8');
      // Read as CSV: the message text and the written name may hold commas.
      const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, '').trim(), ',').map((r) => r.cells);
      const col = header!.findIndex((h) => /Opted out after|Отписался после/.test(h));
      expect(col).toBeGreaterThan(0);
      const anna = rows.find((r) => r.some((c) => c.includes('+79120000001')))!;
      const other = rows.find((r) => r.some((c) => c.includes('+79120000002')))!;
      expect(anna[col]).toMatch(/^2026-03-02T/);
      expect(other[col]).toBe('');
      const pdf = await t.call('campaign.report', { batch: p.batch, format: 'pdf', locale });
      const pdfText = (await pdfPages(t.backend.files.get(pdf.fileId).path, { layout: true })).join('\n');
      expect(pdfText).toContain(locale === 'en' ? 'sent before the opt-out' : 'отправлено до отписки');
    }
  });
});
