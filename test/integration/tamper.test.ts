import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { migrate } from '../../electron/core/db/open';
import { chainHash } from '../../electron/core/infra/hash';
import { auditPayload } from '../../electron/core/context';
import { eventPayload } from '../../electron/core/register/consent-log';
import { formHash } from '../../electron/core/intake/forms';
import type { EventRecord } from '../../electron/core/db/repos/consent.repo';
import type { AuditProblem, Output } from '../../shared/contract/api';
import { GENESIS_HASH } from '../../shared/domain/consent/canonical';
import { scopedBackend } from '../support/backend';
import { optin } from '../support/cli';
import { tamperFile, type Edit } from '../support/tamper';

const ANNA = '+79120000001';
const BORIS = '+79120000002';
const VERA = '+79120000003';
const STRANGER = '+79129999999';

type T = ReturnType<typeof scopedBackend>;

/** A Russian shop: a consent form, Anna and Vera granted SMS marketing, Boris granted and then said STOP. */
async function shop(): Promise<T & { ids: { anna: number; boris: number; vera: number } }> {
  const t = scopedBackend();
  const form = await t.call('forms.create', {
    title: 'Акции',
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Я согласен получать рекламу от магазина по SMS и WhatsApp.',
  });
  const grant = (phone: string, sheetRef: string) =>
    t.call('consent.record', {
      phone,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form.id, sheetRef },
    });
  const anna = await grant(ANNA, 'S-0001');
  t.clock.advance(60_000);
  const boris = await grant(BORIS, 'S-0002');
  t.clock.advance(60_000);
  await t.call('consent.record', {
    phone: BORIS,
    channel: 'sms',
    purpose: 'marketing',
    action: 'revoke',
    method: 'inbound_keyword',
    evidence: { inboundMessageId: 'SM-1', note: 'СТОП' },
  });
  t.clock.advance(60_000);
  const vera = await grant(VERA, 'S-0003');
  return Object.assign(t, { ids: { anna: anna.contact.id, boris: boris.contact.id, vera: vera.contact.id } });
}

/**
 * What someone holding the file and an SQLite tool can do: switch the register's triggers and foreign keys off,
 * change rows, and (unless `leaveGuardsOff`) put the triggers back exactly as they were so nothing shows in the schema.
 */
function tamper(dbPath: string, sql: Edit, options: { leaveGuardsOff?: boolean } = {}): void {
  tamperFile(dbPath, sql, { putBack: !options.leaveGuardsOff });
}

async function verify(t: T, expect?: string): Promise<Output<'audit.verify'>> {
  return t.call('audit.verify', expect === undefined ? {} : { expect });
}

const kinds = (v: { problems: AuditProblem[] }) => [...new Set(v.problems.map((p) => p.kind))].sort();

function eventsOf(dbPath: string): EventRecord[] {
  const raw = new Database(dbPath, { readonly: true });
  const rows = raw.prepare('SELECT * FROM consent_events ORDER BY id').all() as Record<string, unknown>[];
  raw.close();
  return rows.map((r) => ({
    id: r.id as number,
    uid: r.uid as string,
    contactId: r.contact_id as number,
    phone: r.phone as string,
    channel: r.channel as EventRecord['channel'],
    purpose: r.purpose as EventRecord['purpose'],
    action: r.action as EventRecord['action'],
    method: r.method as EventRecord['method'],
    occurredAt: r.occurred_at as number,
    recordedAt: r.recorded_at as number,
    recordedBy: r.recorded_by as string,
    formVersionId: r.form_version_id as number | null,
    evidence: JSON.parse(r.evidence as string) as EventRecord['evidence'],
    policyPack: r.policy_pack as EventRecord['policyPack'],
    expiresAt: r.expires_at as number | null,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
    targetEventId: r.target_event_id as number | null,
  }));
}

const witnessOf = (dbPath: string) =>
  JSON.parse(readFileSync(`${dbPath}.witness.json`, 'utf8')) as {
    format: string;
    schemaVersion: number;
    events: { lastId: number; lastHash: string };
    audit: { lastId: number; lastHash: string };
  };

describe('the heads of both chains', () => {
  it('audit.verify gives each chain its count, last id and last hash, and one HEAD line', async () => {
    const t = await shop();
    const v = await verify(t);
    const events = t.backend.ctx.consent.lastLink()!;
    const audit = t.backend.ctx.audit.lastLink()!;
    expect(v.ok).toBe(true);
    expect(v.heads).toEqual({
      events: { count: t.backend.ctx.consent.countEvents(), lastId: events.id, lastHash: events.hash },
      audit: { count: t.backend.ctx.audit.count(), lastId: audit.id, lastHash: audit.hash },
    });
    expect(v.head).toBe(`events:${events.id}:${events.hash},audit:${audit.id}:${audit.hash}`);
  });

  it('an empty register has empty chains', async () => {
    const t = scopedBackend();
    const v = await verify(t);
    expect(v.heads.events).toEqual({ count: 0, lastId: 0, lastHash: GENESIS_HASH });
    expect(v.ok).toBe(true);
  });

  it('the witness beside the register follows every committed write, atomically, and is never inside the register', async () => {
    const t = await shop();
    const w = witnessOf(t.dbPath);
    expect(w.format).toBe('optin-desk-witness/1');
    expect(w.events).toEqual({ lastId: t.backend.ctx.consent.lastLink()!.id, lastHash: t.backend.ctx.consent.lastLink()!.hash });
    expect(w.audit).toEqual({ lastId: t.backend.ctx.audit.lastLink()!.id, lastHash: t.backend.ctx.audit.lastLink()!.hash });
    await t.call('consent.record', { phone: STRANGER, channel: 'whatsapp', purpose: 'marketing', action: 'revoke' });
    expect(witnessOf(t.dbPath).events.lastId).toBe(t.backend.ctx.consent.lastLink()!.id);
    // Nothing but the register, its WAL, the witness and the opt-out journal: no temporary file left behind.
    expect(
      readdirSync(dirname(t.dbPath)).filter(
        (f) => f.startsWith('register.db') && !/^register\.db(-wal|-shm|\.witness\.json|\.optouts\.db(-wal|-shm)?)?$/.test(f),
      ),
    ).toEqual([]);
    const v = await verify(t);
    expect(v.witness).toMatchObject({ path: `${t.dbPath}.witness.json`, state: 'consistent' });
  });

  it('--expect HEAD passes for the head as printed and for a shortened one, and says what differs otherwise', async () => {
    const t = await shop();
    const v = await verify(t);
    expect(await verify(t, v.head)).toMatchObject({ ok: true, expected: { held: true } });
    const short = `events:${v.heads.events.lastId}:${v.heads.events.lastHash.slice(0, 16)} audit:${v.heads.audit.lastId}:${v.heads.audit.lastHash.slice(0, 16)}`;
    expect(await verify(t, short)).toMatchObject({ ok: true, expected: { held: true } });
    const later = await verify(t, `events:${v.heads.events.lastId + 5}:${'ab'.repeat(8)}`);
    expect(later.ok).toBe(false);
    expect(later.problems).toEqual([
      expect.objectContaining({
        kind: 'register_shorter',
        table: 'consent_events',
        eventId: v.heads.events.lastId + 5,
        expected: `events:${v.heads.events.lastId + 5}:${'ab'.repeat(8)}`,
        actual: `events:${v.heads.events.lastId}:${v.heads.events.lastHash}`,
      }),
    ]);
    expect(later.problems[0]!.message).toMatch(/shorter than before.*event \d+.*but the last event is \d+.*restore a backup/i);
    await expect(verify(t, 'events:12:zz')).rejects.toThrow(/VALIDATION_FAILED: expect:/);
  });
});

describe('the heads travel with what the register writes out', () => {
  it('an export answers with the head it was read at, and the audit log keeps it', async () => {
    const t = await shop();
    const before = await verify(t);
    const out = await t.call('export.create', { what: 'history' });
    expect(out.head).toBe(before.head);
    const [row] = (await t.call('audit.list', { limit: 1 })).entries;
    expect(row).toMatchObject({ action: 'export.created', details: { head: before.head } });
    // The file itself stays what a CRM reads: its last row is the events head.
    const lines = readFileSync(t.backend.files.get(out.fileId).path, 'utf8').trim().split('\r\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^${before.heads.events.lastId},.*,${before.heads.events.lastHash}$`));
  });
});

describe('tampering that audit verify names', () => {
  it('an edited event: the contact, the number, the event and its hashes', async () => {
    const t = await shop();
    const e = eventsOf(t.dbPath).find((x) => x.phone === BORIS && x.action === 'revoke')!;
    tamper(t.dbPath, `UPDATE consent_events SET action = 'grant' WHERE id = ${e.id}`);
    const v = await verify(t);
    expect(v.ok).toBe(false);
    const p = v.problems.find((x) => x.kind === 'hash_mismatch' && x.table === 'consent_events');
    expect(p).toMatchObject({ id: e.id, eventId: e.id, contactId: t.ids.boris, phone: BORIS, expected: e.hash });
    expect(p!.actual).not.toBe(e.hash);
    expect(p!.message).toMatch(new RegExp(`event ${e.id} of contact ${t.ids.boris} \\(\\+79120000002\\).*altered.*restore a backup`));
  });

  it('a deleted event: the gap, and the contact whose operation it belonged to', async () => {
    const t = await shop();
    const e = eventsOf(t.dbPath).find((x) => x.phone === BORIS && x.action === 'grant')!;
    tamper(t.dbPath, `DELETE FROM consent_events WHERE id = ${e.id}`);
    const v = await verify(t);
    expect(kinds(v)).toContain('missing');
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'missing', eventId: e.id, contactId: t.ids.boris, phone: BORIS }));
  });

  it('two events swapped', async () => {
    const t = await shop();
    const [a, b] = eventsOf(t.dbPath).filter((x) => x.phone === ANNA || x.phone === VERA);
    tamper(t.dbPath, (db) => {
      const cols =
        'uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, form_version_id, evidence, policy_pack, expires_at, prev_hash, hash, target_event_id';
      const rows = db.prepare(`SELECT id, ${cols} FROM consent_events WHERE id IN (?, ?)`).all(a!.id, b!.id) as Record<string, unknown>[];
      db.prepare('DELETE FROM consent_events WHERE id IN (?, ?)').run(a!.id, b!.id);
      const ins = db.prepare(`INSERT INTO consent_events (id, ${cols}) VALUES (${['?', ...cols.split(',').map(() => '?')].join(', ')})`);
      ins.run(b!.id, ...Object.values(rows[0]!).slice(1));
      ins.run(a!.id, ...Object.values(rows[1]!).slice(1));
    });
    const v = await verify(t);
    expect(v.ok).toBe(false);
    const named = v.problems.filter((p) => p.table === 'consent_events' && (p.kind === 'hash_mismatch' || p.kind === 'chain_broken'));
    expect(named.map((p) => p.eventId)).toEqual(expect.arrayContaining([a!.id, b!.id]));
    // Each names the contact whose row now sits at that id.
    expect(named.find((p) => p.eventId === a!.id)).toMatchObject({ contactId: t.ids.vera, phone: VERA });
  });

  it('the last audit row deleted: the register is shorter than the witness saw', async () => {
    const t = await shop();
    const last = t.backend.ctx.audit.lastLink()!;
    tamper(t.dbPath, `DELETE FROM audit_log WHERE id = ${last.id}`);
    const v = await verify(t);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.objectContaining({ kind: 'register_shorter', table: 'audit_log', id: last.id, expected: `audit:${last.id}:${last.hash}` }),
    ]);
    expect(v.problems[0]!.message).toBe(
      `the register is shorter than before: the witness saw audit row ${last.id} (hash ${last.hash.slice(0, 16)}…) but the last audit row is ${last.id - 1}; restore a backup, or if you restored an older backup on purpose, run "optin audit accept-head"`,
    );
    expect(v.witness.state).toBe('diverged');
    // A later write does not make the witness forget what it saw.
    await t.call('contacts.add', { phone: STRANGER });
    expect(witnessOf(t.dbPath).audit).toEqual({ lastId: last.id, lastHash: last.hash });
  });

  it("the last consent operation's events and audit row deleted, then the projection rebuilt", async () => {
    const t = await shop();
    const before = await verify(t);
    const veraEvents = eventsOf(t.dbPath).filter((e) => e.phone === VERA);
    const row = t.backend.db
      .prepare<[], { id: number }>("SELECT id FROM audit_log WHERE action = 'consent.recorded' ORDER BY id DESC LIMIT 1")
      .get()!;
    tamper(t.dbPath, `DELETE FROM consent_events WHERE id >= ${veraEvents[0]!.id}; DELETE FROM audit_log WHERE id >= ${row.id};`);
    await t.call('register.rebuildProjection', {});
    const v = await verify(t);
    expect(v.ok).toBe(false);
    const shorter = v.problems.find((p) => p.kind === 'register_shorter' && p.table === 'consent_events');
    expect(shorter).toMatchObject({
      eventId: before.heads.events.lastId,
      expected: `events:${before.heads.events.lastId}:${before.heads.events.lastHash}`,
    });
    expect(shorter!.message).toMatch(
      new RegExp(
        `the witness saw event ${before.heads.events.lastId} \\(hash ${before.heads.events.lastHash.slice(0, 16)}…\\) but the last event is ${veraEvents[0]!.id - 1}`,
      ),
    );
    // The rebuild's own audit row took the id of the deleted one: the audit history was rewritten.
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'history_rewritten', table: 'audit_log' }));
  });

  it('a consent moved to another number (contacts.phone changed): refused by the register, named by verify when forced', async () => {
    const t = await shop();
    expect(() => t.backend.db.prepare('UPDATE contacts SET phone = ? WHERE id = ?').run(STRANGER, t.ids.anna)).toThrow(/consent events.*number/);
    tamper(t.dbPath, `UPDATE contacts SET phone = '${STRANGER}' WHERE id = ${t.ids.anna}`);
    const v = await verify(t);
    const annaEvents = eventsOf(t.dbPath).filter((e) => e.contactId === t.ids.anna);
    expect(v.problems.filter((p) => p.kind === 'phone_changed')).toEqual(
      annaEvents.map((e) =>
        expect.objectContaining({ table: 'consent_events', eventId: e.id, contactId: t.ids.anna, phone: ANNA, expected: ANNA, actual: STRANGER }),
      ),
    );
    expect(v.problems.find((p) => p.kind === 'phone_changed')!.message).toMatch(
      /event \d+ was recorded for \+79120000001, but contact \d+ now has the number \+79129999999: .*restore a backup/,
    );
    // The contact page asks the same question for one contact.
    const c = await t.call('audit.verifyContact', { contactId: t.ids.anna });
    expect(c.ok).toBe(false);
    expect(c.problems.map((p) => p.kind)).toEqual(annaEvents.map(() => 'phone_changed'));
    expect(await t.call('audit.verifyContact', { contactId: t.ids.vera })).toEqual({ contactId: t.ids.vera, ok: true, problems: [] });
  });

  it('an opted-out contact deleted with foreign keys off: refused by the register, named by verify when forced, and on the page of the number re-imported', async () => {
    const t = await shop();
    const raw = new Database(t.dbPath);
    raw.pragma('foreign_keys = OFF');
    expect(() => raw.prepare('DELETE FROM contacts WHERE id = ?').run(t.ids.boris)).toThrow(/consent events.*kept/);
    raw.close();
    const borisEvents = eventsOf(t.dbPath).filter((e) => e.contactId === t.ids.boris);
    // As an attacker would: the trigger dropped too.
    tamper(t.dbPath, `DELETE FROM contacts WHERE id = ${t.ids.boris}; DELETE FROM consent_state WHERE contact_id = ${t.ids.boris}`, {
      leaveGuardsOff: true,
    });
    const v = await verify(t);
    expect(v.problems.filter((p) => p.kind === 'contact_missing').map((p) => [p.eventId, p.contactId, p.phone])).toEqual(
      borisEvents.map((e) => [e.id, t.ids.boris, BORIS]),
    );
    expect(v.problems.find((p) => p.kind === 'contact_missing')!.message).toMatch(
      new RegExp(`event \\d+ belongs to contact ${t.ids.boris} \\(\\+79120000002\\), which is gone from the register.*restore a backup`),
    );
    // The guards that were dropped are named too.
    expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'schema_altered', table: 'schema', expected: 'contacts_keep_consented' }));
    // The number comes back (an older grant imported again): its new contact's page warns of the orphaned opt-out.
    const again = await t.call('contacts.add', { phone: BORIS, name: 'Борис' });
    const page = await t.call('audit.verifyContact', { contactId: again.id });
    expect(page.ok).toBe(false);
    expect(page.problems.map((p) => [p.kind, p.eventId, p.contactId, p.phone])).toEqual(
      borisEvents.map((e) => ['contact_missing', e.id, t.ids.boris, BORIS]),
    );
  });

  it('both chains recomputed with the project’s own hash code after an edit: caught by the witness and by --expect', async () => {
    const t = await shop();
    const head = (await verify(t)).head;
    const target = eventsOf(t.dbPath).find((e) => e.phone === BORIS && e.action === 'revoke')!;
    tamper(t.dbPath, (db) => {
      // Turn Boris's STOP into a grant and rewrite every later link, and the audit log's record of the hashes.
      let prev = target.prevHash;
      const newHash = new Map<string, string>();
      for (const e of eventsOf(t.dbPath).filter((x) => x.id >= target.id)) {
        const edited = e.id === target.id ? { ...e, action: 'grant' as const } : e;
        const { prevHash: _p, hash: oldHash, ...rest } = edited;
        const hash = chainHash(prev, eventPayload(rest));
        newHash.set(oldHash, hash);
        db.prepare('UPDATE consent_events SET action = ?, prev_hash = ?, hash = ? WHERE id = ?').run(edited.action, prev, hash, e.id);
        prev = hash;
      }
      let aprev = GENESIS_HASH;
      for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, unknown>[]) {
        const details = JSON.parse(r.details as string) as Record<string, unknown>;
        if (typeof details.lastHash === 'string' && newHash.has(details.lastHash)) details.lastHash = newHash.get(details.lastHash);
        const row = {
          id: r.id as number,
          at: r.at as number,
          actor: r.actor as string,
          action: r.action as string,
          entity: r.entity as string,
          details,
        };
        const hash = chainHash(aprev, auditPayload(row));
        db.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?').run(JSON.stringify(details), aprev, hash, row.id);
        aprev = hash;
      }
    });
    await t.call('register.rebuildProjection', {});
    const v = await verify(t);
    expect(v.ok).toBe(false);
    // Nothing inside the file gives it away: only the heads remembered outside it do.
    expect(kinds(v)).toEqual(['history_rewritten']);
    const lastEvent = v.heads.events.lastId;
    expect(v.problems.find((p) => p.table === 'consent_events')!.message).toMatch(
      new RegExp(`history was rewritten: event ${lastEvent}'s hash differs from the witness \\(witness [0-9a-f]{16}…, register [0-9a-f]{16}…\\)`),
    );
    // Without the witness, the head printed before still shows it.
    unlinkSync(`${t.dbPath}.witness.json`);
    const withHead = await optin(t.dbPath, 'audit', 'verify', '--expect', head);
    expect(withHead.code).toBe(1);
    expect(withHead.out).toMatch(new RegExp(`history was rewritten: event ${lastEvent}'s hash differs from the expected head`));
  });

  it('a trigger added to the file (one that swallows complaints) is named', async () => {
    const t = await shop();
    tamper(t.dbPath, 'CREATE TRIGGER complaints_sink BEFORE INSERT ON complaints BEGIN SELECT RAISE(IGNORE); END');
    const v = await verify(t);
    expect(kinds(v)).toEqual(['schema_added']);
    expect(v.problems[0]!.message).toMatch(/a trigger complaints_sink that Optin Desk did not make was added to the register file/);
  });

  it('a complaint deleted, or moved to another contact, with the safeguards off: named with the contact', async () => {
    const t = await shop();
    await t.call('complaints.record', { phone: ANNA, note: 'звонила, жалуется на SMS' });
    // Plain SQL cannot do it: the register refuses.
    expect(() => t.backend.db.prepare('DELETE FROM complaints').run()).toThrow(/complaints are kept as recorded/);
    tamper(t.dbPath, 'DELETE FROM complaints');
    const v = await verify(t);
    expect(kinds(v)).toEqual(['complaint_missing']);
    expect(v.problems[0]).toMatchObject({ table: 'complaints', contactId: t.ids.anna, phone: ANNA });
    expect(v.problems[0]!.message).toMatch(/complaint 1 of contact \d+ \(\+79120000001\), recorded in audit row \d+, is gone/);
  });

  it("a link between a person's numbers removed with the safeguards off: named, so an opt-out cannot quietly miss a number", async () => {
    const t = await shop();
    await t.call('contacts.merge', { contactId: t.ids.vera, intoContactId: t.ids.anna });
    expect(() => t.backend.db.prepare('UPDATE contacts SET merged_into = NULL').run()).toThrow(/link between the numbers of one person is kept/);
    tamper(t.dbPath, 'UPDATE contacts SET merged_into = NULL');
    const v = await verify(t);
    expect(kinds(v)).toEqual(['link_changed']);
    expect(v.problems[0]).toMatchObject({ contactId: t.ids.vera, phone: VERA, expected: `contact ${t.ids.anna}`, actual: null });
  });

  it("a form's wording rewritten (its fingerprint recomputed too): named, since the audit log kept the first fingerprint", async () => {
    const t = await shop();
    tamper(t.dbPath, "UPDATE form_versions SET body = 'Я согласен на всё.'");
    const once = await verify(t);
    expect(kinds(once)).toEqual(['form_altered']);
    const form = t.backend.ctx.forms.list()[0]!;
    tamper(t.dbPath, (db) => db.prepare('UPDATE form_versions SET sha256 = ? WHERE id = ?').run(formHash(form), form.id));
    const again = await verify(t);
    expect(kinds(again)).toEqual(['form_altered']);
    expect(again.problems[0]!.message).toMatch(/the wording of form F1-1 was changed .* recorded in audit row \d+ when it was made/);
  });

  it("the contacts list's columns edited so an opted-out contact shows as granted: named, and a rebuild mends them", async () => {
    const t = await shop();
    tamper(t.dbPath, (db) => db.prepare('UPDATE contacts SET sms_listed = 1 WHERE id = ?').run(t.ids.boris));
    const v = await verify(t);
    expect(kinds(v)).toEqual(['listed_mismatch']);
    expect(v.problems[0]).toMatchObject({
      contactId: t.ids.boris,
      phone: BORIS,
      expected: 'sms=revoked',
      actual: 'sms=granted',
    });
    await t.call('register.rebuildProjection', {});
    expect((await verify(t)).ok).toBe(true);
  });

  it('a dropped safeguard is named even when no row was touched yet', async () => {
    const t = await shop();
    tamper(t.dbPath, 'SELECT 1', { leaveGuardsOff: true });
    const v = await verify(t);
    expect(v.ok).toBe(false);
    expect(kinds(v)).toEqual(['schema_altered']);
    expect(v.problems.map((p) => p.expected)).toEqual(
      expect.arrayContaining(['consent_events_no_update', 'consent_events_no_delete', 'audit_log_no_delete']),
    );
  });
});

describe('the CLI prints the heads', () => {
  it('optin audit verify: both heads in words and as JSON, and the HEAD to keep', async () => {
    const t = await shop();
    const events = t.backend.ctx.consent.lastLink()!;
    const audit = t.backend.ctx.audit.lastLink()!;
    t.backend.close();
    const human = await optin(t.dbPath, 'audit', 'verify');
    expect(human.code).toBe(0);
    expect(human.out).toContain(`consent events: ${events.id} (last event ${events.id}, hash ${events.hash})`);
    expect(human.out).toContain(`audit rows: ${audit.id} (last row ${audit.id}, hash ${audit.hash})`);
    expect(human.out).toContain(`head: events:${events.id}:${events.hash},audit:${audit.id}:${audit.hash}`);
    const json = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(json.json()).toMatchObject({
      ok: true,
      heads: { events: { lastId: events.id, lastHash: events.hash }, audit: { lastId: audit.id, lastHash: audit.hash } },
    });
    const expectOk = await optin(
      t.dbPath,
      'audit',
      'verify',
      '--expect',
      `events:${events.id}:${events.hash.slice(0, 16)}`,
      '--expect',
      `audit:${audit.id}:${audit.hash.slice(0, 16)}`,
    );
    expect(expectOk.code).toBe(0);
    const bad = await optin(t.dbPath, 'audit', 'verify', '--expect', 'events:1:nothex');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^optin: --expect:/);
  });

  it('optin audit accept-head: after restoring an older backup on purpose, the witness starts again from the register as it is, on record', async () => {
    const t = await shop();
    const last = t.backend.ctx.audit.lastLink()!;
    tamper(t.dbPath, `DELETE FROM audit_log WHERE id = ${last.id}`);
    t.backend.close();
    expect((await optin(t.dbPath, 'audit', 'verify')).code).toBe(1);
    const accepted = await optin(t.dbPath, 'audit', 'accept-head', '--json');
    expect(accepted.code).toBe(0);
    expect(accepted.json()).toMatchObject({ previous: expect.stringContaining(`audit:${last.id}:${last.hash}`) });
    const v = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(v.code).toBe(0);
    const log = await optin(t.dbPath, 'audit', 'log', '--limit', '1', '--json');
    expect(log.json()).toMatchObject({ entries: [{ action: 'witness.reset' }] });
  });
});

describe('the witness deleted', () => {
  it('the last consent operation trimmed from both chains and the witness deleted: the opening without a witness is on record, and verify names it until the head is accepted', async () => {
    const t = await shop();
    const events = t.backend.ctx.consent.lastLink()!;
    const audit = t.backend.ctx.audit.lastLink()!;
    await t.call('consent.record', { phone: ANNA, channel: 'sms', purpose: 'marketing', action: 'revoke', evidence: { note: 'СТОП at the till' } });
    t.backend.close();
    // The STOP cut from the tail of both chains (what is left is a valid prefix), and the witness that saw it deleted.
    tamper(t.dbPath, (db) => {
      db.prepare('DELETE FROM consent_events WHERE id > ?').run(events.id);
      db.prepare('DELETE FROM audit_log WHERE id > ?').run(audit.id);
    });
    unlinkSync(`${t.dbPath}.witness.json`);
    const v = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(v.code).toBe(1);
    const out = v.json() as Output<'audit.verify'>;
    expect(out.problems.map((p) => p.kind)).toContain('witness_missing');
    const missing = out.problems.find((p) => p.kind === 'witness_missing')!;
    expect(missing).toMatchObject({
      table: 'witness',
      expected: `${t.dbPath}.witness.json`,
      actual: expect.stringContaining(`events:${events.id}:`),
    });
    expect(missing.message).toMatch(/opened on .* with its witness .* gone .* accept-head/);
    // Said once: a later opening (the witness is there again) does not add another, and the problem stays until accepted.
    expect((await optin(t.dbPath, 'audit', 'verify', '--json')).json()).toMatchObject({ ok: false });
    const log = (await optin(t.dbPath, 'audit', 'log', '--limit', '5', '--json')).json() as { entries: { action: string }[] };
    expect(log.entries.filter((e) => e.action === 'witness.missing')).toHaveLength(1);
    expect((await optin(t.dbPath, 'audit', 'accept-head', '--json')).code).toBe(0);
    const after = (await optin(t.dbPath, 'audit', 'verify', '--json')).json() as Output<'audit.verify'>;
    expect(after.problems.map((p) => p.kind)).not.toContain('witness_missing');
  });

  it('a backup made while the problem stands still checks out and restores (the question is the live register’s)', async () => {
    const t = await shop();
    t.backend.close();
    unlinkSync(`${t.dbPath}.witness.json`);
    const made = await optin(t.dbPath, 'backup', 'create', '--json');
    expect(made.code).toBe(0);
    const id = (made.json() as { backup: { id: string } }).backup.id;
    expect((await optin(t.dbPath, 'backup', 'verify', id, '--json')).json()).toMatchObject({ ok: true });
    expect((await optin(t.dbPath, 'backup', 'restore', id, '--yes')).code).toBe(0);
    // A restore through Optin Desk accepts the register it brings back.
    expect((await optin(t.dbPath, 'audit', 'verify')).code).toBe(0);
  });

  it('a register reached through a symbolic link, its witness beside the file the link points to: no such record', async () => {
    const t = await shop();
    t.backend.close();
    const link = `${dirname(t.dbPath)}/linked.db`;
    symlinkSync(t.dbPath, link);
    expect((await optin(link, 'audit', 'verify')).code).toBe(0);
    const log = (await optin(t.dbPath, 'audit', 'log', '--limit', '50', '--json')).json() as { entries: { action: string }[] };
    expect(log.entries.some((e) => e.action === 'witness.missing')).toBe(false);
  });

  it('a new register, and one whose witness is there, are opened without any such record', async () => {
    const t = await shop();
    t.backend.close();
    const v = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(v.code).toBe(0);
    const log = (await optin(t.dbPath, 'audit', 'log', '--limit', '50', '--json')).json() as { entries: { action: string }[] };
    expect(log.entries.some((e) => e.action === 'witness.missing')).toBe(false);
  });
});

describe('a register file that is not what it was is refused, never set up anew', () => {
  /** A register with history, closed, so its file can be damaged. */
  async function closedRegister() {
    const t = await shop();
    t.backend.close();
    return t.dbPath;
  }

  function refusedOpen(dbPath: string, reason: RegExp): void {
    let thrown: unknown;
    try {
      createBackend({ dbPath }).close();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'REGISTER_DAMAGED' });
    const message = (thrown as Error).message;
    expect(message).toContain(dbPath);
    expect(message).toMatch(reason);
    expect(message).toMatch(/restore a backup/i);
  }

  async function refusedCli(dbPath: string, reason: RegExp): Promise<void> {
    const r = await optin(dbPath, 'contacts', 'list');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(dbPath);
    expect(r.err).toMatch(reason);
    const j = await optin(dbPath, 'audit', 'verify', '--json');
    expect(j.code).toBe(1);
    expect(j.json()).toMatchObject({ ok: false, error: { code: 'REGISTER_DAMAGED' } });
  }

  it('an empty (0-byte) file', async () => {
    const db = await closedRegister();
    writeFileSync(db, '');
    refusedOpen(db, /is empty \(0 bytes\)/);
    await refusedCli(db, /is empty/);
    expect(statSync(db).size).toBe(0);
  });

  it('an empty file even without a witness', async () => {
    const db = await closedRegister();
    writeFileSync(db, '');
    unlinkSync(`${db}.witness.json`);
    refusedOpen(db, /is empty/);
    expect(statSync(db).size).toBe(0);
  });

  it('a truncated file', async () => {
    const db = await closedRegister();
    truncateSync(db, Math.floor(statSync(db).size / 2) + 100);
    refusedOpen(db, /truncated/);
    await refusedCli(db, /truncated/);
  });

  it('a file missing its last pages (cut at a page boundary)', async () => {
    const db = await closedRegister();
    const pageSize = readFileSync(db).readUInt16BE(16);
    truncateSync(db, statSync(db).size - 2 * pageSize);
    refusedOpen(db, /truncated: it holds \d+ bytes of the \d+ its header records/);
  });

  it('a file cut inside its header', async () => {
    const db = await closedRegister();
    truncateSync(db, 40);
    refusedOpen(db, /truncated|not an SQLite database/);
  });

  it('a file that is not SQLite', async () => {
    const db = await closedRegister();
    writeFileSync(db, 'phone,name\n+79120000001,Анна\n');
    refusedOpen(db, /not an SQLite database/);
    await refusedCli(db, /not an SQLite database/);
  });

  it('a directory', async () => {
    const db = await closedRegister();
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    mkdirSync(db);
    refusedOpen(db, /is a folder/);
    await refusedCli(db, /is a folder/);
  });

  it('a file emptied of its tables (still SQLite) while its witness saw a register there', async () => {
    const db = await closedRegister();
    const raw = new Database(db);
    raw.pragma('foreign_keys = OFF');
    for (const { name } of raw
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts_%'",
      )
      .all())
      raw.exec(`DROP TABLE IF EXISTS "${name}"`);
    raw.pragma('user_version = 0');
    raw.exec('VACUUM');
    raw.close();
    refusedOpen(db, /holds no tables, but the witness .* saw it up to event \d+ and audit row \d+/);
    await refusedCli(db, /holds no tables/);
    const after = new Database(db, { readonly: true });
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    after.close();
  });

  it('a page of the events overwritten: named as damaged when a call or verify meets it', async () => {
    const db = await closedRegister();
    const raw = new Database(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = raw.prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE name = 'consent_events'").get()!;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    const v = await optin(db, 'audit', 'verify', '--json');
    expect(v.code).toBe(1);
    expect(v.json()).toMatchObject({ ok: false, error: { code: 'REGISTER_DAMAGED' } });
    expect(v.out + v.err).toContain(db);
  });

  it('a schema version lowered by one (no table of the later version to give it away): refused when its migration fails, named', async () => {
    const db = await closedRegister();
    const raw = new Database(db);
    // 0021 makes an index and no table: a register at 21 whose version says 20 (0022's table gone with it) has no
    // later table to give it away, and 0021 fails on it.
    raw.exec('DROP TABLE projection_fold');
    raw.pragma('user_version = 20');
    raw.close();
    unlinkSync(`${db}.witness.json`);
    refusedOpen(db, /could not be brought up to date: migration .* failed on it .* schema version \d+ says/);
  });

  it('a lowered schema version (the tables of later versions are there)', async () => {
    const db = await closedRegister();
    const raw = new Database(db);
    raw.pragma('user_version = 3');
    raw.close();
    refusedOpen(db, /schema version 3.*holds tables of a later version/);
    await refusedCli(db, /schema version 3/);
  });

  it('an older register than the witness recorded', async () => {
    const db = await closedRegister();
    const witness = witnessOf(db);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const old = new Database(db);
    old.pragma('journal_mode = WAL');
    migrate(old, witness.schemaVersion - 2);
    old.close();
    refusedOpen(db, new RegExp(`schema version ${witness.schemaVersion - 2}, but the witness .* recorded version ${witness.schemaVersion}`));
  });

  it('a missing table', async () => {
    const db = await closedRegister();
    const raw = new Database(db);
    raw.exec('DROP TABLE audit_log');
    raw.close();
    refusedOpen(db, /lacks the table audit_log/);
    await refusedCli(db, /lacks the table audit_log/);
  });

  it('a register file gone while its witness remains', async () => {
    const db = await closedRegister();
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    refusedOpen(db, /does not exist, but the witness .* saw it up to event \d+ and audit row \d+/);
    expect(existsSync(db)).toBe(false);
  });

  it('a path that does not exist yet is a first run: a new register, and no half-made file left on the way', async () => {
    const t = scopedBackend();
    expect(t.backend.db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    expect(readdirSync(dirname(t.dbPath)).filter((f) => f.includes('.new'))).toEqual([]);
    expect((await verify(t)).ok).toBe(true);
  });
});
