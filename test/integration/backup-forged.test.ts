import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { chainHash } from '../../electron/core/infra/hash';
import { auditPayload, createContext } from '../../electron/core/context';
import { eventPayload } from '../../electron/core/register/consent-log';
import { refoldProjection } from '../../electron/core/register/consent';
import { checkBackupFile, createBackup, keepDamaged } from '../../electron/core/backups/backups';
import { GENESIS_HASH } from '../../shared/domain/consent/canonical';
import { ref } from '../../shared/contract/said';
import { grantPaper, scriptedShop } from '../support/shop';
import { optin } from '../support/cli';

/**
 * A backup is held to what the register's own audit log recorded when it was made (its SHA-256 and heads), not only
 * to the record beside it, which anyone who can rewrite the backup can rewrite too; and nothing laid beside a backup
 * (a write-ahead log) changes what is checked and restored without the SHA-256 covering it.
 */

const ANNA = '+79120000001';
const BORIS = '+79120000002';
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The projection folded again with the project's own code, on a raw connection. */
function refold(db: Database.Database): void {
  const ctx = createContext(db as never, { now: () => Date.parse('2026-03-02T09:05:00Z') } as never, { uuid: () => 'x' } as never);
  db.transaction(() => refoldProjection(ctx))();
}

interface EventRow {
  id: number;
  uid: string;
  contact_id: number;
  phone: string;
  channel: string;
  purpose: string;
  action: string;
  method: string;
  occurred_at: number;
  recorded_at: number;
  recorded_by: string;
  form_version_id: number | null;
  evidence: string;
  policy_pack: string;
  expires_at: number | null;
  target_event_id: number | null;
  prev_hash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string;
  details: string;
}

/** Boris's STOP turned into a grant in a backup file, both chains recomputed and the projection refolded with the project's own code. */
function forgeStop(path: string): void {
  const db = new Database(path);
  db.pragma('foreign_keys = OFF');
  const triggers = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all();
  for (const tr of triggers) db.exec(`DROP TRIGGER "${tr.name}"`);
  const rows = db.prepare('SELECT * FROM consent_events ORDER BY id').all() as EventRow[];
  const target = rows.find((r) => r.phone === BORIS && r.action === 'revoke')!;
  let prev = target.prev_hash;
  const renamed = new Map<string, string>();
  for (const r of rows.filter((x) => x.id >= target.id)) {
    const e = {
      id: r.id,
      uid: r.uid,
      contactId: r.contact_id,
      phone: r.phone,
      channel: r.channel,
      purpose: r.purpose,
      action: r.id === target.id ? 'grant' : r.action,
      method: r.method,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      recordedBy: r.recorded_by,
      formVersionId: r.form_version_id,
      evidence: JSON.parse(r.evidence) as unknown,
      policyPack: r.policy_pack,
      expiresAt: r.expires_at,
      targetEventId: r.target_event_id,
    };
    const hash = chainHash(prev, eventPayload(e as never));
    renamed.set(r.hash, hash);
    db.prepare('UPDATE consent_events SET action = ?, prev_hash = ?, hash = ? WHERE id = ?').run(e.action, prev, hash, r.id);
    prev = hash;
  }
  let aprev = GENESIS_HASH;
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[]) {
    const details = JSON.parse(r.details) as Record<string, unknown>;
    if (typeof details.lastHash === 'string' && renamed.has(details.lastHash)) details.lastHash = renamed.get(details.lastHash);
    const hash = chainHash(aprev, auditPayload({ id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, details }));
    db.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?').run(JSON.stringify(details), aprev, hash, r.id);
    aprev = hash;
  }
  refold(db);
  for (const tr of triggers) db.exec(tr.sql);
  db.close();
}

/** The record beside a backup made to agree with the forged file: its SHA-256 and heads. */
function fixRecord(path: string): void {
  const rec = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { sha256: string; summary: { head: string } };
  const raw = new Database(path, { readonly: true });
  const e = raw.prepare('SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
  const a = raw.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
  raw.close();
  rec.sha256 = sha256(path);
  rec.summary.head = `events:${e.id}:${e.hash},audit:${a.id}:${a.hash}`;
  writeFileSync(`${path}.json`, JSON.stringify(rec));
}

/** A shop where Boris opted out, and a backup of it. */
async function shopWithBackup() {
  const t = await scriptedShop({}, '2026-03-02T09:00:00Z');
  await grantPaper(t.call, ANNA, 'sms', t.form);
  await grantPaper(t.call, BORIS, 'sms', t.form);
  await t.call('consent.record', {
    phone: BORIS,
    channel: 'sms',
    purpose: 'marketing',
    action: 'revoke',
    method: 'inbound_keyword',
    evidence: { inboundMessageId: 'SM-1', note: 'СТОП' },
  });
  const { backup } = await t.call('backup.create', {});
  return { ...t, backup };
}

const smsOf = (c: { channel: string; purpose: string; status: string }[]) => c.find((x) => x.channel === 'sms' && x.purpose === 'marketing')!;

describe('a backup rewritten together with its record', () => {
  it('does not check out: the file and its record are held to the audit row the register wrote when it was made', async () => {
    const t = await shopWithBackup();
    const written = (await t.call('audit.list', {})).entries[0]!;
    expect(written).toMatchObject({
      action: 'backup.written',
      details: { backup: t.backup.id, sha256: t.backup.sha256, head: t.backup.register!.head },
    });
    forgeStop(t.backup.path);
    fixRecord(t.backup.path);

    const v = await t.call('backup.verify', { id: t.backup.id });
    expect(v.ok).toBe(false);
    const messages = v.problems.map((p) => p.message);
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(`^the backup file is not the one the register recorded in audit row ${written.id} when it was made .*do not restore it`),
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^the record beside the backup \(.*\.manual\.db\.json\) says its SHA-256 is .* the record was edited/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^the record beside the backup \(.*\) says it holds events:.* the register recorded events:/),
    );
    // Checked against the heads the register recorded, the rewritten history shows too.
    expect(v.problems.some((p) => p.kind === 'audit' && p.audit?.kind === 'history_rewritten')).toBe(true);

    // Neither previewed as sound nor restored: Boris stays opted out.
    expect((await t.call('backup.preview', { id: t.backup.id })).ok).toBe(false);
    await expect(t.call('backup.restore', { id: t.backup.id, currentHead: 'x' })).rejects.toThrow(
      /does not check out, so it was not restored: the backup file is not the one/,
    );
    expect(smsOf((await t.call('consent.status', { phone: BORIS })).consents).status).toBe('revoked');
  });

  it('is named from the backups alone too, when the register cannot be opened but its audit log can be read', async () => {
    const t = await shopWithBackup();
    forgeStop(t.backup.path);
    fixRecord(t.backup.path);
    t.backend.close();
    // The register refused at opening (a setting written outside the app), its audit log still readable.
    const raw = new Database(t.dbPath);
    raw.prepare(`UPDATE settings SET value = '"zz"' WHERE key = 'policyPack'`).run();
    raw.close();
    const r = await optin(t.dbPath, 'backup', 'verify', t.backup.id);
    expect(r.err).toMatch(/working from its backups/);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/the backup file is not the one the register recorded in audit row \d+/);
    const restore = await optin(t.dbPath, 'backup', 'restore', t.backup.id, '--yes');
    expect(restore.code).toBe(1);
    expect(restore.err + restore.out).toMatch(/does not check out/);
  });

  it('a backup whose file alone changed is still named as changed after it was written', async () => {
    const t = await shopWithBackup();
    forgeStop(t.backup.path);
    const v = await t.call('backup.verify', { id: t.backup.id });
    expect(v.ok).toBe(false);
    expect(v.problems[0]!.message).toMatch(/^the backup file changed after it was written/);
  });

  it('a backup the audit log never recorded (made before it did) is checked by its record, as before', async () => {
    const t = await shopWithBackup();
    const older = await createBackup(t.backend.db, t.dbPath, { reason: 'manual', clock: t.clock });
    const v = await t.call('backup.verify', { id: older.name });
    expect(v).toMatchObject({ ok: true, problems: [] });
  });

  it('after a restore, the register it kept first is recorded in the restored register and checks out', async () => {
    const t = await shopWithBackup();
    await t.call('contacts.add', { phone: '+79120000005' });
    const p = await t.call('backup.preview', { id: t.backup.id });
    const out = await t.call('backup.restore', { id: t.backup.id, currentHead: p.current!.head });
    const rows = (await t.call('audit.list', {})).entries.filter((e) => e.action === 'backup.written');
    expect(rows[0]).toMatchObject({ details: { backup: out.keptAs!.id, sha256: out.keptAs!.sha256 } });
    expect((await t.call('backup.verify', { id: out.keptAs!.id })).ok).toBe(true);
    // Forged with its record, the kept register is refused by the restored register's row.
    forgeStop(out.keptAs!.path);
    fixRecord(out.keptAs!.path);
    expect((await t.call('backup.verify', { id: out.keptAs!.id })).ok).toBe(false);
  });
});

describe('a write-ahead log laid beside a backup', () => {
  /** A -wal beside the backup that loosens the rules (built on a copy kept open, so it is not checkpointed away). */
  function layWal(dir: string, backupPath: string): void {
    const work = join(dir, 'work.db');
    copyFileSync(backupPath, work);
    const w = new Database(work);
    w.pragma('journal_mode = WAL');
    w.pragma('wal_autocheckpoint = 0');
    w.prepare(`UPDATE settings SET value = '{"revocationScope":"channel","maxConsentAgeDays":36500}' WHERE key = 'policyOverrides'`).run();
    refold(w);
    copyFileSync(`${work}-wal`, `${backupPath}-wal`);
    w.close();
  }

  it('is neither copied nor applied: the backup is refused by name while it is there, and checks out once it is moved away', async () => {
    const t = await shopWithBackup();
    await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 30 } });
    const { backup } = await t.call('backup.create', {});
    layWal(t.dir, backup.path);
    const before = readFileSync(backup.path);

    const v = await t.call('backup.verify', { id: backup.id });
    expect(readFileSync(backup.path).equals(before)).toBe(true);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.message)).toEqual([
      `a write-ahead log ${backup.path}-wal lies beside the backup: backups made by Optin Desk never have one, and the SHA-256 recorded covers only the backup file, so what the log would change cannot be vouched for — it was not applied, and the backup is not restored while it is there; move ${backup.path}-wal away (keep it if you need to know who put it there) and check the backup again`,
    ]);
    // What was checked is the file itself: the register it holds, not the log's edit.
    expect(v.backup.register).toMatchObject({ head: backup.register!.head });
    const p = await t.call('backup.preview', { id: backup.id });
    expect(p.ok).toBe(false);
    await expect(t.call('backup.restore', { id: backup.id, currentHead: p.current!.head })).rejects.toThrow(
      /write-ahead log .* lies beside the backup/,
    );
    expect((await t.call('settings.get', {})).policyOverrides).toEqual({ maxConsentAgeDays: 30 });

    rmSync(`${backup.path}-wal`);
    expect((await t.call('backup.verify', { id: backup.id })).ok).toBe(true);
  });

  it('a register kept byte for byte keeps its own log, recorded: that log is applied, another one is not', async () => {
    const t = await shopWithBackup();
    // A register file with committed writes still in its log (another process has it open).
    const live = join(t.dir, 'other.db');
    copyFileSync(t.backup.path, live);
    const w = new Database(live);
    w.pragma('journal_mode = WAL');
    w.pragma('wal_autocheckpoint = 0');
    w.prepare(`UPDATE settings SET value = '{"maxConsentAgeDays":30}' WHERE key = 'policyOverrides'`).run();
    const kept = keepDamaged(live, ref('backups.registerUnopened'), t.clock)!;
    w.close();
    expect(kept.record!.wal).toMatchObject({ sha256: sha256(`${kept.path}-wal`) });
    const check = (): ReturnType<typeof checkBackupFile> =>
      checkBackupFile(kept.path, { sha256: kept.record!.sha256, walSha256: kept.record!.wal!.sha256 }, t.clock);
    expect(check().problems.filter((p) => p.kind === 'changed')).toEqual([]);
    // Another log in its place is not.
    const other = readFileSync(`${kept.path}-wal`);
    other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 0xff;
    writeFileSync(`${kept.path}-wal`, other);
    expect(check().problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^a write-ahead log .* lies beside the backup/));
  });

  it('a plain copy of a register with no record is read with its log, as SQLite would', async () => {
    const t = await shopWithBackup();
    const copy = join(t.dir, 'copy.db');
    copyFileSync(t.backup.path, copy);
    const w = new Database(copy);
    w.pragma('journal_mode = WAL');
    w.pragma('wal_autocheckpoint = 0');
    w.prepare(`UPDATE settings SET value = '{"maxConsentAgeDays":30}' WHERE key = 'policyOverrides'`).run();
    refold(w);
    const held = join(t.dir, 'held.db');
    copyFileSync(copy, held);
    copyFileSync(`${copy}-wal`, `${held}-wal`);
    w.close();
    expect(existsSync(`${held}.json`)).toBe(false);
    const r = checkBackupFile(held, {}, t.clock);
    expect(r.problems.filter((p) => p.kind === 'changed')).toEqual([]);
  });
});
