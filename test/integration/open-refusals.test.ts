import { describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { openDatabase, migrate } from '../../electron/core/db/open';
import { IntegrityRepo } from '../../electron/core/db/repos/integrity.repo';
import { createContext } from '../../electron/core/context';
import { verifyAudit } from '../../electron/core/register/integrity';
import { randomIds } from '../../electron/core/infra/clock';
import { AppError } from '../../shared/contract/errors';
import { scopedBackend, TestClock } from '../support/backend';
import { optin } from '../support/cli';

const ANNA = '+79120000001';
const BORIS = '+79120000002';

type T = ReturnType<typeof scopedBackend>;

/** A shop with a form, Anna granted SMS marketing, Boris granted and then said STOP. */
async function shop(): Promise<T> {
  const t = scopedBackend();
  const form = await t.call('forms.create', {
    title: 'Акции',
    language: 'ru',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'Я согласен получать рекламу от магазина по SMS.',
  });
  for (const [phone, sheetRef] of [
    [ANNA, 'S-1'],
    [BORIS, 'S-2'],
  ] as const) {
    await t.call('consent.record', {
      phone,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form.id, sheetRef },
    });
    t.clock.advance(60_000);
  }
  await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
  t.clock.advance(60_000);
  return t;
}

/** What opening the register at `dbPath` for use throws (null: it opened). */
function openError(dbPath: string): AppError | null {
  try {
    createBackend({ dbPath, clock: new TestClock(Date.parse('2026-03-02T09:00:00Z')) }).close();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

function raw(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const KEEP_GRANTED = `CREATE TRIGGER keep_granted BEFORE INSERT ON consent_state WHEN NEW.status = 'revoked' BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER keep_granted_u BEFORE UPDATE ON consent_state WHEN NEW.status = 'revoked' BEGIN SELECT RAISE(IGNORE); END;`;

describe('a register holding a trigger or view Optin Desk did not make is refused for use', () => {
  it('a trigger that swallows the projection’s revocations: refused by name, the file left as it is', async () => {
    const t = await shop();
    t.backend.close();
    raw(t.dbPath, KEEP_GRANTED);
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.foreignTrigger', params: { path: t.dbPath, count: 2 } });
    expect(err!.message).toContain(t.dbPath);
    expect(err!.message).toMatch(/keep_granted \(consent_state\)/);
    expect(err!.message).toMatch(/restore a backup/);
    // Nothing was changed: the trigger is still there for the check to see.
    const db = new Database(t.dbPath, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'keep_granted%'").get()).toEqual({ n: 2 });
    db.close();
  });

  it('the CLI exits 1 naming the file and the trigger, for a command and for audit verify', async () => {
    const t = await shop();
    t.backend.close();
    raw(t.dbPath, KEEP_GRANTED);
    const list = await optin(t.dbPath, 'contacts', 'list');
    expect(list.code).toBe(1);
    expect(list.err).toContain(t.dbPath);
    expect(list.err).toMatch(/keep_granted/);
    const v = await optin(t.dbPath, 'audit', 'verify');
    expect(v.code).toBe(1);
    expect(v.out + v.err).toMatch(/keep_granted/);
    // Verify works on a read-only opening: it lists every problem (here the triggers, by name) and writes nothing.
    const before = statSync(t.dbPath).mtimeMs;
    const json = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/checked read-only/);
    const out = json.json() as { problems: { kind: string; actual: string | null }[] };
    expect(
      out.problems
        .filter((p) => p.kind === 'schema_added')
        .map((p) => p.actual)
        .sort(),
    ).toEqual(['keep_granted', 'keep_granted_u']);
    expect(statSync(t.dbPath).mtimeMs).toBe(before);
  });

  it('a read-only opening (no trigger fires through it) still opens it, and audit verify names the trigger', async () => {
    const t = await shop();
    t.backend.close();
    raw(t.dbPath, KEEP_GRANTED);
    const db = openDatabase(t.dbPath, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const v = verifyAudit(createContext(db, t.clock, randomIds), { repo: new IntegrityRepo(db), witness: null }, {});
    expect(v.ok).toBe(false);
    expect(v.problems.filter((p) => p.kind === 'schema_added').map((p) => p.actual)).toEqual(['keep_granted', 'keep_granted_u']);
  });

  it("an Optin Desk trigger's body changed (a safeguard that no longer guards): refused by name", async () => {
    const t = await shop();
    t.backend.close();
    raw(
      t.dbPath,
      "DROP TRIGGER consent_events_no_delete; CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events WHEN 0 BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;",
    );
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.changedTrigger' });
    expect(err!.message).toContain(t.dbPath);
    expect(err!.message).toMatch(/consent_events_no_delete/);
  });

  it('a view over a register table: refused by name', async () => {
    const t = await shop();
    t.backend.close();
    raw(t.dbPath, "CREATE VIEW granted_only AS SELECT * FROM consent_state WHERE status = 'granted'");
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.foreignView' });
    expect(err!.message).toContain(t.dbPath);
    expect(err!.message).toMatch(/granted_only \(consent_state\)/);
  });

  it('a unique index Optin Desk did not make (a STOP for Anna could not be written under it): refused by name; verify names it', async () => {
    const t = await shop();
    t.backend.close();
    // One opt-out per channel in the whole register: Boris's is there, so Anna's STOP could never be written.
    raw(t.dbPath, "CREATE UNIQUE INDEX one_event ON consent_events (channel) WHERE action = 'revoke'");
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.foreignIndex', params: { path: t.dbPath, count: 1 } });
    expect(err!.message).toMatch(/one_event \(consent_events\)/);
    expect(err!.message).toMatch(/restore a backup/);
    // The read-only check still runs and names it among its problems.
    const v = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(v.code).toBe(1);
    const out = v.json() as { problems: { kind: string; actual: string | null; message: string }[] };
    const named = out.problems.filter((p) => p.kind === 'schema_added');
    expect(named.map((p) => p.actual)).toEqual(['one_event']);
    expect(named[0]!.message).toMatch(/unique index one_event \(on consent_events\)/);
  });

  it('an index of Optin Desk made unique outside it: refused; a plain index someone added to read faster is left alone', async () => {
    const t = await shop();
    t.backend.close();
    const db = new Database(t.dbPath);
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'contacts_external_id'").get() as { sql: string }).sql;
    db.exec(`DROP INDEX contacts_external_id; ${sql.replace('CREATE INDEX', 'CREATE UNIQUE INDEX')}`);
    db.close();
    expect(openError(t.dbPath)).toMatchObject({ key: 'register.foreignIndex' });
    raw(t.dbPath, `DROP INDEX contacts_external_id; ${sql}; CREATE INDEX my_report ON consent_events (channel, occurred_at)`);
    expect(openError(t.dbPath)).toBeNull();
    const v = await optin(t.dbPath, 'audit', 'verify');
    expect(v.code).toBe(0);
  });

  it('a view: audit verify on the read-only opening names it too', async () => {
    const t = await shop();
    t.backend.close();
    raw(t.dbPath, "CREATE VIEW granted_only AS SELECT * FROM consent_state WHERE status = 'granted'");
    const v = await optin(t.dbPath, 'audit', 'verify', '--json');
    expect(v.code).toBe(1);
    const out = v.json() as { problems: { kind: string; actual: string | null; message: string }[] };
    const named = out.problems.filter((p) => p.kind === 'schema_added');
    expect(named.map((p) => p.actual)).toEqual(['granted_only']);
    expect(named[0]!.message).toMatch(/^a view granted_only \(over consent_state\) that Optin Desk did not make/);
  });

  it('a register at an older schema version, with that version’s own triggers, still opens and migrates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-open-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'register.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    // Version 14 still has consent_state_changed_insert/_update, which migration 15 drops.
    migrate(old, 14);
    old.close();
    expect(openError(path)).toBeNull();
    // …but a trigger added to an older register is refused before any migration runs on it.
    const older = join(dir, 'older.db');
    const o = new Database(older);
    o.pragma('journal_mode = WAL');
    migrate(o, 14);
    o.exec('CREATE TRIGGER keep_granted BEFORE INSERT ON consent_state BEGIN SELECT RAISE(IGNORE); END');
    o.close();
    expect(openError(older)).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.foreignTrigger' });
    const check = new Database(older, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(14);
    check.close();
  });
});

describe('an emptied register without its witness is refused when the journal or backups show a register was there', () => {
  /** Replace the register by an SQLite file with no tables, and delete its witness. */
  function emptyIt(dbPath: string): void {
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}.witness.json`]) rmSync(f, { force: true });
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.close();
  }

  it('the opt-out journal beside it: refused, naming the journal', async () => {
    const t = await shop();
    t.backend.close();
    const journal = `${t.dbPath}.optouts.db`;
    expect(existsSync(journal)).toBe(true);
    emptyIt(t.dbPath);
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.emptiedJournalBeside', params: { path: t.dbPath, journal } });
    expect(err!.message).toContain(t.dbPath);
    expect(err!.message).toContain(journal);
    expect(err!.message).toMatch(/restore a backup/);
    const l = await optin(t.dbPath, 'contacts', 'list');
    expect(l.code).toBe(1);
    expect(l.err).toContain(journal);
    // Not set up as a new register.
    const db = new Database(t.dbPath, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('a backup of it (journal gone too): refused, naming the backup', async () => {
    const t = await shop();
    const { backup } = await t.call('backup.create', {});
    t.backend.close();
    for (const f of [`${t.dbPath}.optouts.db`, `${t.dbPath}.optouts.db-wal`, `${t.dbPath}.optouts.db-shm`]) rmSync(f, { force: true });
    emptyIt(t.dbPath);
    const err = openError(t.dbPath);
    expect(err).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.emptiedBackupBeside', params: { path: t.dbPath, backup: backup.path } });
    expect(err!.message).toContain(backup.path);
    expect(err!.message).toMatch(/restore a backup/);
  });

  it('a backup record naming it, even when the backup file itself is gone', async () => {
    const t = await shop();
    const { backup } = await t.call('backup.create', {});
    t.backend.close();
    unlinkSync(backup.path);
    for (const f of [`${t.dbPath}.optouts.db`, `${t.dbPath}.optouts.db-wal`, `${t.dbPath}.optouts.db-shm`]) rmSync(f, { force: true });
    emptyIt(t.dbPath);
    expect(openError(t.dbPath)).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.emptiedBackupBeside' });
  });

  it('a 0-byte register without its witness is refused as before', async () => {
    const t = await shop();
    t.backend.close();
    unlinkSync(`${t.dbPath}.witness.json`);
    for (const f of [`${t.dbPath}-wal`, `${t.dbPath}-shm`]) rmSync(f, { force: true });
    writeFileSync(t.dbPath, '');
    expect(openError(t.dbPath)).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'register.empty' });
    expect(statSync(t.dbPath).size).toBe(0);
  });

  it('a new register is set up, opened again, and an empty SQLite file with nothing beside it is still set up as new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-open-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const fresh = join(dir, 'register.db');
    expect(openError(fresh)).toBeNull();
    // The first opening made the journal beside it; the second opening is not refused for it.
    expect(existsSync(`${fresh}.optouts.db`)).toBe(true);
    expect(openError(fresh)).toBeNull();
    const b = createBackend({ dbPath: fresh });
    await b.dispatch('consent.record', { phone: ANNA, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    b.close();
    expect(openError(fresh)).toBeNull();

    const blank = join(dir, 'blank.db');
    const db = new Database(blank);
    db.pragma('journal_mode = WAL');
    db.close();
    expect(openError(blank)).toBeNull();
    const opened = new Database(blank, { readonly: true });
    expect((opened.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n).toBeGreaterThan(0);
    opened.close();
  });
});
