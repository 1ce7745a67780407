import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chainHash } from '../../electron/core/infra/hash';
import { eventPayload } from '../../electron/core/register/consent-log';
import type { EventRecord } from '../../electron/core/db/repos/consent.repo';
import { grantPaper, scriptedShop } from '../support/shop';
import { importFile, writeFile } from '../support/imports';
import { withGuardsOff } from '../support/tamper';

// Three ways of tampering that `audit verify` used to call intact (an adversarial round): a "sent" outbox row for
// someone whose opt-out was recorded before it, an event added at the chain's tail with a correct hash but no audit
// row, and the customer's reply behind an opt-out rewritten. Each is named; what the app writes itself never is.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const ANNA = '+79120000001';
const BORIS = '+79120000002';
const VERA = '+79120000003';
const MINUTE = 60_000;

type Shop = Awaited<ReturnType<typeof scriptedShop>>;

const idOf = (t: Shop, phone: string): number =>
  t.backend.db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE phone = ?').get(phone)!.id;

const eventOf = (t: Shop, phone: string, action: string, purpose = 'marketing'): { id: number; recorded_at: number } =>
  t.backend.db
    .prepare<[string, string, string], { id: number; recorded_at: number }>(
      'SELECT id, recorded_at FROM consent_events WHERE phone = ? AND action = ? AND purpose = ? ORDER BY id DESC LIMIT 1',
    )
    .get(phone, action, purpose)!;

/** A row in `outbox` written with SQL (an INSERT: no safeguard stands in its way), as handed off at `at`. */
function forgeSent(t: Shop, batch: number, phone: string, proof: number, at: number): number {
  return Number(
    t.backend.db
      .prepare(
        `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, text, provider, provider_message_id, attempts, due_at, sending_at, handed_off_at, updated_at)
         VALUES (?, ?, 0, 'sms', ?, 'sent', ?, ?, 'gw', 'P-forged', 1, ?, ?, ?, ?)`,
      )
      .run(batch, idOf(t, phone), phone, proof, TEXT, at, at, at, at).lastInsertRowid,
  );
}

/** An event appended at the chain's tail with SQL, its hash computed as the app would: only no audit row names it. */
function appendForged(t: Shop, e: Partial<EventRecord> & Pick<EventRecord, 'phone' | 'action'>): number {
  const db = t.backend.db;
  const last = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1').get()!;
  const at = t.clock.now();
  const base = {
    id: last.id + 1,
    uid: '11111111-2222-4333-8444-555555555555',
    contactId: idOf(t, e.phone),
    channel: 'sms' as const,
    purpose: 'marketing' as const,
    method: 'paper_form' as const,
    occurredAt: at,
    recordedAt: at,
    recordedBy: 'Owner',
    formVersionId: null,
    evidence: { sheetRef: 'S-000009' },
    policyPack: 'ru' as const,
    expiresAt: null,
    targetEventId: null,
    ...e,
  } as Omit<EventRecord, 'prevHash' | 'hash'>;
  const hash = chainHash(last.hash, eventPayload(base));
  db.prepare(
    `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, form_version_id, evidence, policy_pack, expires_at, prev_hash, hash, target_event_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    base.id,
    base.uid,
    base.contactId,
    base.phone,
    base.channel,
    base.purpose,
    base.action,
    base.method,
    base.occurredAt,
    base.recordedAt,
    base.recordedBy,
    base.formVersionId,
    JSON.stringify(base.evidence),
    base.policyPack,
    base.expiresAt,
    last.hash,
    hash,
    base.targetEventId,
  );
  return base.id;
}

/** Run SQL with every trigger dropped, then put the triggers back as they were (what a careful forger does). */
function withoutSafeguards(t: Shop, sql: string, putBack = true): void {
  withGuardsOff(t.backend.db, sql, { putBack });
}

/**
 * A shop in which every writer of consent events has written: an import and its undo (and, with `secondImport`, another
 * import), a reply's STOP and a merge carrying it, an erasure, paper rows entered, voided and corrected, a complaint
 * recorded by staff, a request and its confirmation, a START.
 */
async function everyWriter(options: { afterImport?: (t: Shop) => Promise<void>; secondImport?: boolean } = {}): Promise<Shop> {
  const t = await scriptedShop({ settings: { businessAddress: 'Москва, ул. Ленина, 5' }, form: 'template' });
  for (const p of [ANNA, BORIS]) await grantPaper(t.call, p, 'sms', t.form);
  const header = 'Name,Phone,Email,SMS consent,Consent date,Consent source,Do not contact';
  const rows = [
    header,
    'Changed,+79120000041,,yes,2025-01-01,web,',
    'Brand new,+79120000042,,yes,2025-01-01,web,',
    'Opt out,+79120000043,,unsubscribed,,,',
  ];
  const s = await importFile(t, writeFile(t, 'u.csv', rows.join('\n')), { dryRun: false });
  await options.afterImport?.(t);
  t.clock.advance(MINUTE);
  await t.call('import.undo', { batch: s.batch! });
  if (options.secondImport)
    await importFile(t, writeFile(t, 'v.csv', [header, 'Again,+79120000045,,yes,2025-02-01,web,'].join('\n')), { dryRun: false });
  await t.call('inbound.receive', { from: '+79120000044', text: 'СТОП' });
  await t.call('contacts.merge', { phone: '+79120000044', intoPhone: ANNA });
  await t.call('contacts.erase', { phone: BORIS });
  // Paper: a slip's row entered, another voided, a third's number corrected (retractions named by the sheet's rows).
  const printed = await t.call('forms.print', { formVersionId: t.form.id, layout: 'group', rows: 5, copies: 1 });
  const sheet = printed.serials[0]!;
  for (const [row, phone] of [
    [1, '+79120000051'],
    [2, '+79120000052'],
    [3, '+79120000053'],
  ] as const)
    await t.call('sheets.enterRow', { serial: sheet, row, phone, channels: ['sms'], signedOn: '2026-03-02' });
  await t.call('sheets.correctRow', { serial: sheet, row: 2, action: 'void', reason: 'not signed by the customer' });
  await t.call('sheets.correctRow', { serial: sheet, row: 3, action: 'correct', phone: '+79120000054', reason: 'last digit misread' });
  // A complaint recorded by staff, a request and its confirmation, a START.
  await t.call('complaints.record', { phone: '+79120000051', note: 'called the shop, angry' });
  await t.call('consent.record', { phone: '+79120000055', channel: 'whatsapp', purpose: 'marketing', action: 'request', method: 'kiosk' });
  await t.call('inbound.receive', { from: '+79120000055', channel: 'whatsapp', text: 'ДА' });
  await t.call('inbound.receive', { from: '+79120000056', text: 'START' });
  return t;
}

describe('a "sent" outbox row under a consent already withdrawn (F8)', () => {
  it('a forged "sent" row for Boris under his own old grant, handed off after his opt-out was recorded: named as sent_after_optout', async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS]) await grantPaper(t.call, p, 'sms', t.form);
    t.clock.advance(MINUTE);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    t.clock.advance(MINUTE);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);

    const second = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: `${TEXT} 2` });
    const grant = eventOf(t, BORIS, 'grant');
    const revoke = eventOf(t, BORIS, 'revoke');
    const row = forgeSent(t, second.batch, BORIS, grant.id, t.clock.now());
    const v = await t.call('audit.verify', {});
    expect(v.ok).toBe(false);
    // Boris's own consent: not a foreign proof, so only the new check sees it.
    expect(v.problems.map((p) => p.kind)).toEqual(['sent_after_optout']);
    expect(v.problems[0]).toMatchObject({
      table: 'outbox',
      kind: 'sent_after_optout',
      id: row,
      contactId: idOf(t, BORIS),
      phone: BORIS,
      eventId: revoke.id,
    });
    expect(v.problems[0]!.message).toMatch(new RegExp(`message ${row} to \\${BORIS}.*event ${revoke.id}.*event ${grant.id}.*restore a backup`));
  });

  it('within the clock slack (the opt-out recorded a second before the hand-off) nothing is named', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(MINUTE);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    forgeSent(t, plan.batch, BORIS, eventOf(t, BORIS, 'grant').id, eventOf(t, BORIS, 'revoke').recorded_at + 1000);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('what the runner writes is never named: sent before a (backdated) opt-out, a revoke dated before the grant, a new consent after an opt-out', async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS, VERA]) await grantPaper(t.call, p, 'sms', t.form);
    t.clock.advance(MINUTE);
    // Vera withdraws, then signs again: the new grant is the proof of the next message.
    await t.call('consent.record', { phone: VERA, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    t.clock.advance(MINUTE);
    await grantPaper(t.call, VERA, 'sms', t.form, { purposes: ['marketing'] });
    // Anna's withdrawal entered now but dated a day before her (later) consent: the consent stands, by the time rule.
    await t.call('consent.record', {
      phone: ANNA,
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      method: 'verbal_in_store',
      occurredAt: new Date(t.clock.now() - 24 * 60 * MINUTE).toISOString(),
    });
    t.clock.advance(MINUTE);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    const sent = t.backend.db
      .prepare<[number], { phone: string }>("SELECT phone FROM outbox WHERE batch_id = ? AND status = 'sent' ORDER BY phone")
      .all(plan.batch);
    expect(sent.map((r) => r.phone)).toEqual([ANNA, BORIS, VERA]);
    // Boris opts out after the hand-off, dated before it (he says he wrote on Monday): "sent before the opt-out".
    t.clock.advance(MINUTE);
    await t.call('consent.record', {
      phone: BORIS,
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      method: 'verbal_in_store',
      occurredAt: new Date(t.clock.now() - 60 * MINUTE).toISOString(),
    });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});

describe('an event at the tail of the chain that no audit row names (F10)', () => {
  it('a grant appended with a correct hash and no audit row: named as event_unaccounted', async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS]) await grantPaper(t.call, p, 'sms', t.form);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    t.clock.advance(MINUTE);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    const forged = appendForged(t, {
      phone: BORIS,
      action: 'grant',
      formVersionId: t.form.id,
      evidence: { formVersionId: t.form.id, sheetRef: 'S-000009' },
    });
    await t.call('register.rebuildProjection', {});
    const v = await t.call('audit.verify', {});
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.kind)).toEqual(['event_unaccounted']);
    expect(v.problems[0]).toMatchObject({
      table: 'consent_events',
      kind: 'event_unaccounted',
      id: forged,
      eventId: forged,
      contactId: idOf(t, BORIS),
      phone: BORIS,
      actual: 'grant sms/marketing',
    });
    expect(v.problems[0]!.message).toMatch(new RegExp(`event ${forged} of contact \\d+ \\(\\${BORIS}\\).*no audit row.*restore a backup`));
  });

  it('a retraction voiding an opt-out, appended with no audit row: named', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const revoke = eventOf(t, BORIS, 'revoke');
    const forged = appendForged(t, { phone: BORIS, action: 'retract', method: 'import', targetEventId: revoke.id, evidence: { importBatchId: '1' } });
    const v = await t.call('audit.verify', {});
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'event_unaccounted', eventId: forged, actual: 'retract sms/marketing' }));
  });

  it('the audit log’s tail cut is said once (register_shorter), accepted on purpose it is quiet, and an event forged after that is named', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const last = t.backend.ctx.audit.lastLink()!;
    withoutSafeguards(t, `DELETE FROM audit_log WHERE id = ${last.id}`);
    const cut = await t.call('audit.verify', {});
    expect(cut.problems.map((p) => p.kind)).toEqual(['register_shorter']);
    await t.call('audit.acceptHead', {});
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    t.clock.advance(MINUTE);
    const forged = appendForged(t, { phone: BORIS, action: 'grant', evidence: { formVersionId: t.form.id, sheetRef: 'S-000009' } });
    await t.call('register.rebuildProjection', {});
    const v = await t.call('audit.verify', {});
    expect(v.problems.map((p) => [p.kind, p.eventId])).toEqual([['event_unaccounted', forged]]);
  });

  it('every writer of events is accounted for: an import and its undo, a merge carrying an opt-out, replies, paper rows entered, voided and corrected, a complaint, an erasure', async () => {
    const t = await everyWriter();
    const v = await t.call('audit.verify', {});
    expect(v.problems).toEqual([]);
    // The merge carried the opt-out to Anna without naming the event (contact.merged): a revocation only ever stops.
    const carried = eventOf(t, ANNA, 'revoke');
    const named = t.backend.db.prepare("SELECT count(*) AS n FROM audit_log WHERE details LIKE '%' || ? || '%'").get(`"events":[${carried.id}`) as {
      n: number;
    };
    expect(named.n).toBe(0);
  });
});

describe('the customer’s reply behind an opt-out rewritten (F12b)', () => {
  it('a STOP’s text and intent changed with the safeguard dropped and put back: named as reply_rewritten', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, VERA, 'sms', t.form);
    const r = await t.call('inbound.receive', { from: VERA, text: 'СТОП' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    withoutSafeguards(t, `UPDATE inbound_messages SET text = 'Спасибо, до встречи', intent = 'other' WHERE id = ${r.messageId}`);
    const v = await t.call('audit.verify', {});
    expect(v.ok).toBe(false);
    const found = v.problems.filter((p) => p.kind === 'reply_rewritten');
    expect(found.length).toBeGreaterThanOrEqual(2);
    // The text against the hashed evidence of each event the reply produced, and the intent against its audit row.
    expect(found).toContainEqual(
      expect.objectContaining({
        table: 'consent_events',
        eventId: r.events[0]!.id,
        phone: VERA,
        expected: `reply ${r.messageId}: "СТОП"`,
        actual: `reply ${r.messageId}: "Спасибо, до встречи"`,
      }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({ table: 'audit_log', expected: `reply ${r.messageId}: opt_out`, actual: `reply ${r.messageId}: other`, phone: VERA }),
    );
    expect(found[0]!.message).toMatch(/reply \d+ from \+79120000003.*restore a backup/);
  });

  it('a reply deleted with the safeguard dropped: named; and the safeguard left dropped is named as schema_altered', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, VERA, 'sms', t.form);
    const r = await t.call('inbound.receive', { from: VERA, text: 'stop please' });
    withoutSafeguards(t, `UPDATE inbound_messages SET text = 'hello' WHERE id = ${r.messageId}`, false);
    const v = await t.call('audit.verify', {});
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'schema_altered', expected: 'inbound_messages_no_update' }));
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'reply_rewritten', eventId: r.events[0]!.id }));
    t.backend.db.exec(`PRAGMA foreign_keys = OFF; DELETE FROM inbound_messages WHERE id = ${r.messageId}`);
    const gone = await t.call('audit.verify', {});
    expect(gone.problems).toContainEqual(expect.objectContaining({ kind: 'schema_altered', expected: 'inbound_messages_no_delete' }));
    expect(gone.problems).toContainEqual(expect.objectContaining({ kind: 'reply_rewritten', table: 'audit_log', actual: null }));
  });

  it('replies as the app keeps them are never named: long texts, spaces around, a YES, a START, an unknown number', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, ANNA, 'sms', t.form);
    await t.call('inbound.receive', { from: ANNA, text: `  СТОП ${'пожалуйста '.repeat(80)}  ` });
    await t.call('inbound.receive', { from: BORIS, text: '  stop  ' });
    await t.call('inbound.receive', { from: VERA, text: 'START' });
    await t.call('inbound.receive', { from: VERA, text: 'ДА' });
    await t.call('inbound.receive', { from: VERA, text: 'какие часы работы?' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});

describe('the writers that named their events by count or not at all now name them', () => {
  it("a merge's carried opt-outs and an undo's retractions are listed in their audit rows", async () => {
    const t = await scriptedShop({}, '2026-03-02T09:00:00Z');
    await grantPaper(t.call, ANNA, 'sms', t.form);
    await grantPaper(t.call, BORIS, 'sms', t.form);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    t.clock.advance(MINUTE);
    await t.call('contacts.merge', { phone: BORIS, intoPhone: ANNA });
    const rows = (action: string) =>
      t.backend.db
        .prepare<[string], { details: string }>('SELECT details FROM audit_log WHERE action = ? ORDER BY id')
        .all(action)
        .map((r) => JSON.parse(r.details) as { events?: number[] });
    const merged = rows('contact.merged').at(-1)!;
    expect(merged.events?.length).toBeGreaterThan(0);
    const s = await importFile(
      t,
      writeFile(t, 'v.csv', ['Name,Phone,SMS consent,Consent date,Consent source', `Vera,${VERA},yes,2026-03-01,анкета`].join('\n')),
      { dryRun: false },
    );
    const undone = await t.call('import.undo', { batch: s.batch! });
    expect(rows('import.undone').at(-1)!.events).toHaveLength(undone.retracted);
    expect(undone.retracted).toBeGreaterThan(0);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });
});

describe('a reply’s whole text is held to the SHA-256 its audit row recorded', () => {
  it('an edit past the first 500 characters the events keep, and an edit of a reply that produced no event: named', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, ANNA, 'sms', t.form);
    const long = await t.call('inbound.receive', { from: ANNA, text: `СТОП ${'пожалуйста '.repeat(60)}конец` });
    const help = await t.call('inbound.receive', { from: BORIS, text: 'какие часы работы?' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    withoutSafeguards(t, `UPDATE inbound_messages SET text = replace(text, 'конец', 'ПОДПИШИТЕ МЕНЯ') WHERE id = ${long.messageId}`);
    withoutSafeguards(t, `UPDATE inbound_messages SET text = 'я согласен на рассылку' WHERE id = ${help.messageId}`);
    const v = await t.call('audit.verify', {});
    const found = v.problems.filter((p) => p.kind === 'reply_rewritten');
    expect(found.map((p) => p.expected?.split(':')[0]).sort()).toEqual([`reply ${long.messageId}`, `reply ${help.messageId}`].sort());
    expect(found.every((p) => p.table === 'audit_log' && /by its SHA-256/.test(p.message))).toBe(true);
  });
});

describe("a contact's page sees what the whole check says of that contact", () => {
  const contactCheck = async (t: Shop, phone: string) => t.call('audit.verifyContact', { contactId: idOf(t, phone) });

  it('a message forged as sent after the opt-out, and an event no audit row names: on the contact’s page, not on the others’', async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS, VERA]) await grantPaper(t.call, p, 'sms', t.form);
    t.clock.advance(MINUTE);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    t.clock.advance(MINUTE);
    // Checked once before (what it read of the audit log is kept, and only the rows written since are read later).
    for (const p of [ANNA, BORIS, VERA]) expect((await contactCheck(t, p)).problems).toEqual([]);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const row = forgeSent(t, plan.batch, BORIS, eventOf(t, BORIS, 'grant').id, t.clock.now());
    const forged = appendForged(t, {
      phone: VERA,
      action: 'grant',
      formVersionId: t.form.id,
      evidence: { formVersionId: t.form.id, sheetRef: 'S-000009' },
    });
    await t.call('register.rebuildProjection', {});
    const boris = await contactCheck(t, BORIS);
    expect(boris.ok).toBe(false);
    expect(boris.problems.map((p) => [p.kind, p.id])).toEqual([['sent_after_optout', row]]);
    const vera = await contactCheck(t, VERA);
    expect(vera.problems.map((p) => [p.kind, p.eventId])).toEqual([['event_unaccounted', forged]]);
    expect((await contactCheck(t, ANNA)).problems).toEqual([]);
    // The same problems the whole check names.
    const all = await t.call('audit.verify', {});
    expect(all.problems.map((p) => p.kind).sort()).toEqual(['event_unaccounted', 'sent_after_optout']);
  });

  it('a STOP rewritten, then deleted: named on the page of the person who sent it', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, VERA, 'sms', t.form);
    await grantPaper(t.call, ANNA, 'sms', t.form);
    const r = await t.call('inbound.receive', { from: VERA, text: 'СТОП' });
    expect((await contactCheck(t, VERA)).problems).toEqual([]);
    withoutSafeguards(t, `UPDATE inbound_messages SET text = 'Спасибо, до встречи', intent = 'other' WHERE id = ${r.messageId}`);
    const rewritten = await contactCheck(t, VERA);
    expect(rewritten.problems.filter((p) => p.kind === 'reply_rewritten').length).toBeGreaterThanOrEqual(2);
    withoutSafeguards(t, `DELETE FROM inbound_messages WHERE id = ${r.messageId}`);
    const gone = await contactCheck(t, VERA);
    expect(gone.problems).toContainEqual(expect.objectContaining({ kind: 'reply_rewritten', table: 'audit_log', actual: null, phone: VERA }));
    expect((await contactCheck(t, ANNA)).problems).toEqual([]);
  });

  it('every writer of events: no contact’s page warns (an import and its undo, a merge, replies, paper rows, a complaint, an erasure)', async () => {
    const t = await everyWriter({
      // A page seen between the import and its undo: the undo's rows are read as they come.
      afterImport: async (t) => expect((await contactCheck(t, '+79120000042')).problems).toEqual([]),
      secondImport: true,
    });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    const ids = t.backend.db.prepare<[], { id: number }>('SELECT id FROM contacts ORDER BY id').all();
    expect(ids.length).toBeGreaterThan(10);
    for (const { id } of ids) expect((await t.call('audit.verifyContact', { contactId: id })).problems, `contact ${id}`).toEqual([]);
  });

  it('the audit log’s tail cut: the whole check says so once (register_shorter); the page does not call the tail’s events forged', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const last = t.backend.ctx.audit.lastLink()!;
    withoutSafeguards(t, `DELETE FROM audit_log WHERE id = ${last.id}`);
    expect((await t.call('audit.verify', {})).problems.map((p) => p.kind)).toEqual(['register_shorter']);
    expect((await contactCheck(t, BORIS)).problems).toEqual([]);
  });
});

describe('"sent after the opt-out" by the register’s own order, not the wall clock', () => {
  /** Boris granted, a campaign sent to him through the runner, then the computer's clock set back ten minutes. */
  async function sentThenClockBack(t: Shop): Promise<number> {
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(MINUTE);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    t.clock.advance(-10 * MINUTE);
    return plan.batch;
  }

  it('an opt-out recorded after the send, while the clock reads earlier (set back): no false alarm, and the report says it came after', async () => {
    const t = await scriptedShop();
    const batch = await sentThenClockBack(t);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    expect((await t.call('audit.verifyContact', { contactId: idOf(t, BORIS) })).problems).toEqual([]);
    const csv = await t.call('campaign.report', { batch, format: 'csv' });
    const text = readFileSync(t.backend.files.get(csv.fileId).path, 'utf8');
    const [header, row] = text.replace(/^\uFEFF/, '').split(/\r\n/);
    const cells = row!.split(',');
    const at = cells[header!.split(',').indexOf('optedOutAfterAt')]!;
    expect(at).not.toBe('');
  });

  it('a row forged as marked after the opt-out with its time set back: named, whatever its time says', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(MINUTE);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const revoke = eventOf(t, BORIS, 'revoke');
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const row = forgeSent(t, plan.batch, BORIS, eventOf(t, BORIS, 'grant').id, revoke.recorded_at - 5 * MINUTE);
    // The register's last event when the row was "marked": the opt-out was already in it.
    t.backend.db.prepare('UPDATE outbox SET gate_event_id = ? WHERE id = ?').run(revoke.id, row);
    const v = await t.call('audit.verify', {});
    expect(v.problems.map((p) => [p.kind, p.id])).toEqual([['sent_after_optout', row]]);
  });

  it('what the gate saw is kept as set: it can be raised by a later attempt, never lowered or cleared', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    const sent = t.backend.db
      .prepare<[], { id: number; gate: number }>("SELECT id, gate_event_id AS gate FROM outbox WHERE status = 'sent' LIMIT 1")
      .get()!;
    expect(sent.gate).toBe(t.backend.db.prepare<[], { n: number }>('SELECT max(id) AS n FROM consent_events').get()!.n);
    expect(() => t.backend.db.prepare('UPDATE outbox SET gate_event_id = ? WHERE id = ?').run(sent.gate - 1, sent.id)).toThrow(/what the gate saw/);
    expect(() => t.backend.db.prepare('UPDATE outbox SET gate_event_id = NULL WHERE id = ?').run(sent.id)).toThrow(/what the gate saw/);
    t.backend.db.prepare('UPDATE outbox SET gate_event_id = ? WHERE id = ?').run(sent.gate + 1, sent.id);
  });
});
