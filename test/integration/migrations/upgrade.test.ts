import { describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../electron/core/backend';
import { LATEST_SCHEMA_VERSION, migrate, openDatabase } from '../../../electron/core/db/open';
import { applyMigrations, MigrationError, migrations, type Migration } from '../../../electron/core/db/migrations';
import { AppError } from '../../../shared/contract/errors';
import { TestClock, type Caller } from '../../support/backend';
import { count, expectHealthy, registerAt, snapshot, T0 } from './history';
import { schemaRows } from './schema';
import { IntegrityRepo } from '../../../electron/core/db/repos/integrity.repo';
import { Witness } from '../../../electron/core/register/witness';

const DAY = 86_400_000;

function tempRegister(): string {
  const dir = mkdtempSync(join(tmpdir(), 'optin-migrations-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'register.db');
}

/** The register at `path` opened by this build, as the app, the host and the CLI open it. */
function openInApp(dbPath: string): Caller {
  const backend = createBackend({
    dbPath,
    clock: new TestClock(T0 + 400 * DAY),
    checkOutputs: true,
    onInternalError: (_m, e) => {
      throw e;
    },
  });
  onTestFinished(() => backend.close());
  return async (method, input) => {
    const r = await backend.dispatch(method, input);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as never;
  };
}

function userVersion(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('upgrading a register to this build', () => {
  it("a version-1 register with a month's data opens at the latest version, and audit verify says intact", async () => {
    const path = tempRegister();
    const v1 = registerAt(1, path);
    const events = count(v1.db, 'consent_events');
    const auditRows = count(v1.db, 'audit_log');
    const anna = v1.ids.anna!;
    v1.db.close();

    const call = openInApp(path);
    expect(userVersion(path)).toBe(LATEST_SCHEMA_VERSION);
    const verified = await call('audit.verify', {});
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(verified.events).toBe(events);
    expect(verified.auditRows).toBeGreaterThanOrEqual(auditRows);
    // The file as it was is kept first, as a backup named for the step.
    const { backups } = await call('backup.list', {});
    expect(backups.map((b) => [b.reason, b.note])).toEqual([['before-migration', `schema 1 to ${LATEST_SCHEMA_VERSION}`]]);

    // What version 1 wrote reads as it meant: Anna's paper consent, Semyon's WhatsApp stop, found by a Cyrillic name.
    const cell = (r: { consents: { channel: string; purpose: string; status: string }[] }, channel: string) =>
      r.consents.find((c) => c.channel === channel && c.purpose === 'marketing')?.status;
    expect(cell(await call('consent.status', { phone: '+79120000001' }), 'sms')).toBe('granted');
    expect(cell(await call('consent.status', { phone: '+79120000002' }), 'whatsapp')).toBe('revoked');
    const found = await call('contacts.list', { query: 'Петрова' });
    expect(found.contacts.map((c) => c.id)).toEqual([anna]);

    // The chains carry on from the old links: a new opt-out, and the register still verifies.
    await call('consent.record', { phone: '+79120000004', channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    const again = await call('audit.verify', {});
    expect(again.problems).toEqual([]);
    expect(again.events).toBeGreaterThan(events);
    expect(again.heads.events.lastId).toBe(again.events);
  });

  it('a register that lived through every version, with data from each, opens intact', async () => {
    const path = tempRegister();
    const s = registerAt(LATEST_SCHEMA_VERSION, path);
    const events = count(s.db, 'consent_events');
    // Its witness, as the app has kept one beside the register since version 7 (without it, the opening is on record).
    const repo = new IntegrityRepo(s.db);
    new Witness(
      path,
      { heads: () => repo.heads(), hashAt: (c, id) => repo.hashAt(c, id), schemaVersion: () => LATEST_SCHEMA_VERSION, ready: () => true },
      () => T0,
    ).sync();
    s.db.close();

    const call = openInApp(path);
    const verified = await call('audit.verify', {});
    expect(verified.problems).toEqual([]);
    expect(verified.events).toBe(events);
    // Contacts from each era are found: one typed in at version 1, one imported at 3, one entered from paper at 4.
    for (const [query, name] of [
      ['Петрова', 'Анна Петрова'],
      ['Екатерина', 'Екатерина Ёжикова'],
      ['Зайцева', 'Людмила Зайцева'],
    ])
      expect((await call('contacts.list', { query })).contacts.map((c) => c.name)).toEqual([name]);
  });

  it('a step that fails half-way is undone whole: the register stays at the version before it, as it was', () => {
    const s = registerAt(3);
    const db = s.db;
    const before = snapshot(db);
    const schema = schemaRows(db);
    const broken: Migration = {
      version: 4,
      name: '0004_broken',
      foreignKeysOff: true,
      up(d) {
        d.exec('CREATE TABLE sheets_half (id INTEGER PRIMARY KEY) STRICT; DROP TRIGGER consent_events_no_update;');
        d.prepare('UPDATE contacts SET name = upper(name)').run();
        d.prepare("INSERT INTO settings (key, value) VALUES ('half', '\"done\"')").run();
        throw new Error('disk I/O error (simulated)');
      },
    };

    let error: unknown;
    try {
      applyMigrations(db, [...migrations.slice(0, 3), broken]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ migration: '0004_broken', version: 3 });
    expect((error as Error).message).toBe(
      'migration 0004_broken failed and was undone; the register is still at schema version 3: disk I/O error (simulated)',
    );
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaRows(db)).toEqual(schema);
    expect(snapshot(db)).toEqual(before);

    // A step that returns a promise did not finish inside its transaction: refused, and undone.
    const later: Migration = {
      version: 4,
      name: '0004_async',
      async up(d) {
        d.exec('CREATE TABLE sheets_half (id INTEGER PRIMARY KEY) STRICT');
        await Promise.resolve();
      },
    };
    expect(() => applyMigrations(db, [...migrations.slice(0, 3), later])).toThrow(/0004_async failed .* returned a promise/);
    expect(schemaRows(db)).toEqual(schema);
    // A list out of order runs nothing.
    expect(() => applyMigrations(db, [migrations[0]!, migrations[2]!])).toThrow(/out of order: place 2 holds 0003_imports/);
    expect(db.pragma('user_version', { simple: true })).toBe(3);

    // The real steps carry on from there.
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expectHealthy(db);
    db.close();
  });

  it('a register file whose step fails is refused when opened and left at its version', () => {
    const path = tempRegister();
    const s = registerAt(2, path);
    // Events whose contact an SQLite tool removed: step 3 would break their references.
    s.db.pragma('foreign_keys = OFF');
    s.db.prepare('DELETE FROM contacts WHERE id = ?').run(s.ids.olga);
    const before = snapshot(s.db);
    s.db.close();

    expect(() => openDatabase(path)).toThrow(
      /the register .* could not be brought up to date: migration 0003_imports failed on it \(it would break 4 foreign key reference\(s\)\).* schema version 2 says.*restore a backup/,
    );
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(snapshot(db)).toEqual(before);
    db.close();
  });

  it('a register written by a newer build is refused, named, and left as it is', () => {
    const path = tempRegister();
    const s = registerAt(LATEST_SCHEMA_VERSION, path);
    s.db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    const before = snapshot(s.db);
    s.db.close();

    let error: unknown;
    try {
      openDatabase(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SCHEMA_TOO_NEW');
    expect((error as AppError).message).toContain(`the register ${path} was written by a newer Optin Desk (schema ${LATEST_SCHEMA_VERSION + 1}`);
    expect(() => createBackend({ dbPath: path })).toThrow(/newer Optin Desk/);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(snapshot(db)).toEqual(before);
    db.close();

    // The same refusal for a connection migrated directly.
    const mem = new Database(':memory:');
    mem.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    expect(() => migrate(mem)).toThrow(expect.objectContaining({ code: 'SCHEMA_TOO_NEW' }));
    mem.close();
  });

  it('every migration has its upgrade test', () => {
    const missing = migrations.filter((m) => !existsSync(new URL(`./${m.name}.test.ts`, import.meta.url)));
    expect(missing.map((m) => m.name)).toEqual([]);
  });
});
