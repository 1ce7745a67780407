import { describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { BackupService } from '../../electron/core/backups/service';
import { migrate } from '../../electron/core/db/open';
import { migrations } from '../../electron/core/db/migrations';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';
import { importFile, writeFile } from '../support/imports';
import { ScriptedProvider } from '../support/scripted-provider';
import type { Output } from '../../shared/contract/api';
import { readSaid } from '../../shared/contract/said';

const DAY = 24 * 60 * 60 * 1000;
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

/** The Russian shop with three paper consents. */
async function shop(t: { call: Caller }) {
  const { form } = await russianShop(t);
  for (const phone of ['+79120000001', '+79120000002', '+79120000003']) await grantPaper(t.call, phone, 'sms', form);
  return form;
}

function backupsIn(dir: string): string[] {
  return existsSync(join(dir, 'backups'))
    ? readdirSync(join(dir, 'backups'))
        .filter((f) => f.endsWith('.db'))
        .sort()
    : [];
}

function record(path: string): Record<string, unknown> & { sha256: string; reason: string; summary: Output<'backup.preview'>['restored'] } {
  return JSON.parse(readFileSync(`${path}.json`, 'utf8')) as never;
}

describe('backups', () => {
  it('backs up the open register with the online backup API, checks it and records its heads beside it', async () => {
    const t = scopedBackend();
    await shop(t);
    const { backup } = await t.call('backup.create', { note: 'before the holidays' });
    // The audit row that records it is written first, so the backup holds the register as it is after it; the row
    // that records its SHA-256 and heads (backup.written) comes after it, the register's last.
    const verify = await t.call('audit.verify', {});
    expect(backup).toMatchObject({ reason: 'manual', note: 'before the holidays', verified: { ok: true, problems: [] } });
    expect(backup.register).toMatchObject({ contacts: 3, events: verify.events, auditRows: verify.auditRows - 1 });
    expect(backup.register!.heads.events).toEqual(verify.heads.events);
    expect(backup.register!.heads.audit.lastId).toBe(verify.heads.audit.lastId - 1);
    expect(backup.register!.registerId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(backup.register!.lastEventAt).toBe('2026-03-01T09:00:00.000Z');
    // One file, beside the register, with its record: reason, when, size, SHA-256, heads, counts, the check.
    expect(backup.path).toBe(join(t.dir, 'backups', backup.id));
    expect(backup.id).toMatch(/^register\.2026-03-01T09-00-00-000Z\.manual\.db$/);
    const rec = record(backup.path);
    expect(rec).toMatchObject({ format: 'optin-desk-backup/1', reason: 'manual', createdAt: '2026-03-01T09:00:00.000Z', bytes: backup.bytes });
    expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.summary!.heads).toEqual(backup.register!.heads);
    expect(existsSync(`${backup.path}-wal`)).toBe(false);
    const raw = new Database(backup.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(raw.prepare('SELECT count(*) AS n FROM consent_events').get()).toEqual({ n: verify.events });
    raw.close();
    // Listed, and on record in the audit log.
    const list = await t.call('backup.list', {});
    expect(list.folder).toBe(join(t.dir, 'backups'));
    expect(list.backups.map((b) => b.id)).toEqual([backup.id]);
    expect(list.keeps).toEqual({ daily: 7, weekly: 4, before: 10 });
    const [written, created] = (await t.call('audit.list', {})).entries;
    expect(created).toMatchObject({ action: 'backup.created' });
    expect(written).toMatchObject({
      action: 'backup.written',
      details: { backup: backup.id, reason: 'manual', sha256: rec.sha256, head: backup.register!.head, folder: null },
    });
  });

  it('backs up to another folder (a USB stick), never rotated, and refuses a folder that is not there', async () => {
    const t = scopedBackend();
    await shop(t);
    const stick = mkdtempSync(join(tmpdir(), 'optin-stick-'));
    try {
      const { backup } = await t.call('backup.create', { to: stick });
      expect(backup.path.startsWith(stick)).toBe(true);
      expect(backup.id).toBe(backup.path);
      expect(existsSync(`${backup.path}.json`)).toBe(true);
      expect((await t.call('backup.verify', { path: backup.path })).ok).toBe(true);
      await expect(t.call('backup.create', { to: join(stick, 'nope') })).rejects.toThrow(/to: the folder .* does not exist/);
    } finally {
      rmSync(stick, { recursive: true, force: true });
    }
  });

  it('keeps the newest daily backup of 7 days and 4 weeks before, the last 10 before a change, and all made by hand', async () => {
    const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    const t = scopedBackend({}, clock);
    await shop(t);
    // One a day for 40 days; asking twice a day makes one.
    for (let d = 0; d < 40; d++) {
      expect(await t.backend.backups.dailyIfDue()).not.toBeNull();
      clock.advance(3 * 60 * 60 * 1000);
      expect(await t.backend.backups.dailyIfDue()).toBeNull();
      clock.advance(DAY - 3 * 60 * 60 * 1000);
    }
    const daily = backupsIn(t.dir).filter((f) => f.endsWith('.daily.db'));
    const days = daily.map((f) => f.slice('register.'.length, 'register.'.length + 10));
    // The last 7 days (2026-04-04 … 2026-04-10), then the newest of each of the 4 weeks before.
    expect(days.slice(-7)).toEqual(['2026-04-04', '2026-04-05', '2026-04-06', '2026-04-07', '2026-04-08', '2026-04-09', '2026-04-10']);
    // Weeks run Monday to Sunday: 2026-04-03 stands for the week of 03-30 (whose last days are kept as dailies).
    expect(days.slice(0, -7)).toEqual(['2026-03-15', '2026-03-22', '2026-03-29', '2026-04-03']);
    for (let i = 0; i < 12; i++) {
      await t.backend.backups.backUpNow('before-import', `import ${i}`);
      clock.advance(1000);
    }
    for (let i = 0; i < 3; i++) {
      await t.call('backup.create', {});
      clock.advance(1000);
    }
    const files = backupsIn(t.dir);
    expect(files.filter((f) => f.endsWith('.before-import.db'))).toHaveLength(10);
    expect(files.filter((f) => f.endsWith('.manual.db'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.daily.db'))).toHaveLength(11);
    // A record never outlives its backup.
    expect(readdirSync(join(t.dir, 'backups')).filter((f) => f.endsWith('.json'))).toHaveLength(files.length);
  });

  it('verify catches a damaged backup and one whose register was edited', async () => {
    const t = scopedBackend();
    await shop(t);
    const { backup } = await t.call('backup.create', {});
    expect(await t.call('backup.verify', { id: backup.id })).toMatchObject({ ok: true, problems: [] });

    // Bytes changed on the disk or the stick.
    const damaged = join(t.dir, 'backups', 'damaged.db');
    const bytes = readFileSync(backup.path);
    for (let i = 0; i < 64; i++) bytes[bytes.length - 2048 + i] = 0x5a;
    writeFileSync(damaged, bytes);
    writeFileSync(`${damaged}.json`, readFileSync(`${backup.path}.json`));
    const bad = await t.call('backup.verify', { path: damaged });
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => p.kind)).toContain('changed');
    expect(bad.problems[0]!.message).toMatch(/changed after it was written/);
    // The verdict is kept in the record, for the list.
    expect(JSON.parse(readFileSync(`${damaged}.json`, 'utf8')).verified.ok).toBe(false);

    // Edited with an SQLite tool, and its record "fixed" to match: the register inside fails audit verify.
    const edited = join(t.dir, 'backups', 'edited.db');
    writeFileSync(edited, readFileSync(backup.path));
    const raw = new Database(edited);
    raw.exec('DROP TRIGGER consent_events_no_update');
    raw.prepare('UPDATE consent_events SET evidence = \'{"note":"signed"}\' WHERE id = 1').run();
    raw.close();
    const { createHash } = await import('node:crypto');
    const rec = JSON.parse(readFileSync(`${backup.path}.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${edited}.json`, JSON.stringify({ ...rec, sha256: createHash('sha256').update(readFileSync(edited)).digest('hex') }));
    const tampered = await t.call('backup.verify', { path: edited });
    expect(tampered.ok).toBe(false);
    const kinds = tampered.problems.map((p) => p.audit?.kind);
    expect(kinds).toContain('hash_mismatch');
    expect(kinds).toContain('schema_altered');

    // Not a register at all.
    writeFileSync(join(t.dir, 'backups', 'notes.db'), 'just some text, not SQLite');
    const junk = await t.call('backup.verify', { path: join(t.dir, 'backups', 'notes.db') });
    expect(junk.ok).toBe(false);
    expect(junk.problems[0]!.kind).toBe('unreadable');
  });

  it('previews what the restored register holds and warns plainly of what would be lost', async () => {
    const t = scopedBackend();
    const form = await shop(t);
    const { backup } = await t.call('backup.create', {});
    const before = await t.call('audit.verify', {});
    t.clock.advance(60 * 60 * 1000);
    // After the backup: a new contact with a consent, and an opt-out.
    await grantPaper(t.call, '+79120000004', 'sms', form);
    await t.call('consent.record', {
      phone: '+79120000002',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      evidence: { note: 'СТОП at the till' },
    });
    const now = await t.call('audit.verify', {});

    const p = await t.call('backup.preview', { id: backup.id });
    expect(p.ok).toBe(true);
    expect(p.restored).toMatchObject({ contacts: 3, events: before.events, head: backup.register!.head });
    expect(p.current).toMatchObject({ contacts: 4, events: now.events, head: now.head, lastEventAt: '2026-03-01T10:00:00.000Z' });
    expect(p.loss).toMatchObject({
      compared: true,
      sameRegister: true,
      sameHistory: true,
      commonEvents: before.heads.events.lastId,
      events: now.events - before.events,
      optOuts: 1,
      optOutPhones: ['+79120000002'],
      contacts: 1,
      backupOnlyEvents: 0,
      nothing: false,
      lastEventAt: '2026-03-01T10:00:00.000Z',
    });
    expect(p.loss.auditRows).toBeGreaterThan(0);
    expect(p.loss.warning).toMatch(
      new RegExp(
        `loses what the current register recorded after it: ${p.loss.events} consent events \\(among them opt-outs of 1 number\\), 1 contact`,
      ),
    );
    expect(p.loss.warning).toMatch(/The opt-outs of this number \(\+79120000002\) are entered again in the restored register/);
    expect(p.loss.warning).toMatch(/kept as a backup first/);

    // A backup of the register as it is loses nothing.
    const { backup: fresh } = await t.call('backup.create', {});
    const same = await t.call('backup.preview', { id: fresh.id });
    expect(same.loss).toMatchObject({ nothing: true, events: 0, contacts: 0 });
    expect(same.loss.warning).toMatch(/Nothing would be lost/);
  });

  it('an opt-out another process records while the register is being kept first is not overwritten: the restore is refused', async () => {
    const t = scopedBackend();
    const form = await shop(t);
    const { backup } = await t.call('backup.create', {});
    t.clock.advance(60 * 60 * 1000);
    await grantPaper(t.call, '+79120000004', 'sms', form);
    const p = await t.call('backup.preview', { id: backup.id });
    // Another process (its own connection to the file) says STOP for Anna just after the restore kept the register
    // (that takes seconds on a real one), before it writes the backup over it.
    const other = createBackend({ dbPath: t.dbPath, clock: t.clock });
    const keep = BackupService.prototype.backUpNow;
    const spy = vi.spyOn(BackupService.prototype, 'backUpNow').mockImplementation(async function (this: BackupService, ...args) {
      const kept = await keep.apply(this, args);
      if (args[0] === 'before-restore') {
        const r = await other.dispatch('consent.record', { phone: '+79120000001', channel: 'sms', purpose: 'marketing', action: 'revoke' });
        expect(r.ok).toBe(true);
      }
      return kept;
    });
    try {
      await expect(t.call('backup.restore', { id: backup.id, currentHead: p.current!.head })).rejects.toThrow(/changed since the preview/);
    } finally {
      spy.mockRestore();
      other.close();
    }
    const anna = (await t.call('consent.status', { phone: '+79120000001' })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(anna.status).toBe('revoked');
    expect((await t.call('contacts.get', { phone: '+79120000004' })).contact.phone).toBe('+79120000004');
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
    // Previewed again, the restore names the opt-out it would lose.
    const again = await t.call('backup.preview', { id: backup.id });
    expect(again.loss.optOutPhones).toContain('+79120000001');
  });

  it('restores over the open register only after keeping it, accepts the restored head, and the register works on', async () => {
    const t = scopedBackend();
    const form = await shop(t);
    const { backup } = await t.call('backup.create', {});
    t.clock.advance(60 * 60 * 1000);
    await grantPaper(t.call, '+79120000004', 'sms', form);
    const replaced = await t.call('audit.verify', {});

    // Not without the preview's head, nor when the register moved since.
    await expect(t.call('backup.restore', { id: backup.id })).rejects.toThrow(/currentHead: preview the restore first/);
    const p = await t.call('backup.preview', { id: backup.id });
    await t.call('contacts.add', { phone: '+79120000005' });
    await expect(t.call('backup.restore', { id: backup.id, currentHead: p.current!.head })).rejects.toThrow(/changed since the preview/);

    const p2 = await t.call('backup.preview', { id: backup.id });
    const out = await t.call('backup.restore', { id: backup.id, currentHead: p2.current!.head });
    // The register it replaced was kept first, and holds everything it had.
    expect(out.keptAs).toMatchObject({ reason: 'before-restore', verified: { ok: true } });
    expect(out.keptAs!.register).toMatchObject({ contacts: 5, events: replaced.events, head: p2.current!.head });
    expect(out.loss).toMatchObject({ contacts: 2, events: replaced.events - backup.register!.events });
    expect(out.restored.contacts).toBe(3);
    expect(out.previousHead).toBe(p2.current!.head);

    // The same backend reads the restored register at once, and the witness accepted it (on record).
    expect((await t.call('contacts.list', {})).total).toBe(3);
    const v = await t.call('audit.verify', {});
    expect(v).toMatchObject({ ok: true, witness: { state: 'consistent' } });
    expect(v.head).toBe(out.head);
    const log = (await t.call('audit.list', {})).entries.map((e) => e.action);
    // The register kept first is recorded in the restored one (the row recording it was in the register replaced).
    expect(log.slice(0, 3)).toEqual(['witness.reset', 'backup.written', 'backup.restored']);
    // It keeps working, and a backup of it checks out.
    await t.call('contacts.add', { phone: '+79120000006' });
    expect((await t.call('backup.create', {})).backup.verified?.ok).toBe(true);

    // Restoring what was kept brings the lost contacts back.
    const back = await t.call('backup.preview', { path: out.keptAs!.path });
    await t.call('backup.restore', { path: out.keptAs!.path, currentHead: back.current!.head });
    expect((await t.call('contacts.list', {})).total).toBe(5);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('an opt-out recorded after the backup survives the restore: entered again in the restored register, and the campaign skips them', async () => {
    const t = scopedBackend();
    await shop(t);
    const { backup } = await t.call('backup.create', {});
    t.clock.advance(60 * 60 * 1000);
    // After the backup: a STOP by reply (every channel under the ru pack), and a personal-data withdrawal, 30 numbers in all.
    const stop = await t.call('inbound.receive', { from: '+79120000002', text: 'СТОП' });
    await t.call('consent.record', { phone: '+79120000003', channel: 'sms', purpose: 'personal_data', action: 'revoke' });
    for (let i = 0; i < 28; i++)
      await t.call('consent.record', { phone: `+7912100${String(i).padStart(4, '0')}`, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    const p = await t.call('backup.preview', { id: backup.id });
    expect(p.loss.optOuts).toBe(30);
    expect(p.loss.warning).toMatch(/entered again in the restored register/);
    const out = await t.call('backup.restore', { id: backup.id, currentHead: p.current!.head });
    expect(out.optOutsKept).toBe(30);

    // Marketing stays withdrawn for everyone who said stop, with the original time and the restore named in the evidence.
    const status = (phone: string) => t.call('consent.status', { phone });
    expect((await status('+79120000002')).consents.filter((c) => c.purpose === 'marketing').map((c) => c.status)).toEqual(['revoked', 'revoked']);
    expect((await status('+79120000003')).consents.find((c) => c.channel === 'sms' && c.purpose === 'personal_data')?.status).toBe('revoked');
    expect((await status('+79121000027')).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('revoked');
    const again = (await t.call('contacts.get', { phone: '+79120000002' })).timeline.filter((e) => e.action === 'revoke');
    expect(again.length).toBeGreaterThan(0);
    expect(again[0]!.occurredAt).toBe(stop.events[0]!.occurredAt);
    expect(JSON.stringify(again[0]!.evidence)).toContain(backup.id);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(1);
    expect((await t.call('audit.verify', {})).ok).toBe(true);

    // Nothing lost, nothing to carry: a restore of a backup made now keeps none.
    const { backup: now } = await t.call('backup.create', {});
    const same = await t.call('backup.preview', { id: now.id });
    expect((await t.call('backup.restore', { id: now.id, currentHead: same.current!.head })).optOutsKept).toBe(0);
  });

  it('restores to a new file on request, leaving the current register as it is', async () => {
    const t = scopedBackend();
    await shop(t);
    const { backup } = await t.call('backup.create', {});
    await t.call('contacts.add', { phone: '+79120000009' });
    const target = join(t.dir, 'elsewhere', 'restored.db');
    mkdirSync(join(t.dir, 'elsewhere'));
    const out = await t.call('backup.restore', { id: backup.id, to: target });
    expect(out).toMatchObject({ path: target, keptAs: null, loss: { nothing: true } });
    expect((await t.call('contacts.list', {})).total).toBe(4);
    const other = createBackend({ dbPath: target });
    try {
      const r = await other.dispatch('audit.verify', {});
      expect(r.ok && r.value).toMatchObject({ ok: true, witness: { state: 'consistent' } });
      const c = await other.dispatch('contacts.list', {});
      expect(c.ok && c.value.total).toBe(3);
    } finally {
      other.close();
    }
    await expect(t.call('backup.restore', { id: backup.id, to: target })).rejects.toThrow(/exists/);
  });

  it('takes a backup before migrating an existing register, and refuses to migrate without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-migrate-'));
    try {
      // A register written by the previous version (schema 7), with a contact and an event.
      const dbPath = join(dir, 'register.db');
      const old = new Database(dbPath);
      old.pragma('journal_mode = WAL');
      migrate(old, 7);
      old
        .prepare(
          "INSERT INTO contacts (id, phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (1, '+79120000001', '9120000001', 'Анна', 'анна', 'mobile', 1, 1)",
        )
        .run();
      old.close();
      const copy = join(dir, 'copy.db');
      writeFileSync(copy, readFileSync(dbPath));

      const b = createBackend({ dbPath });
      try {
        expect(b.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      } finally {
        b.close();
      }
      const made = backupsIn(dir);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/\.before-migration\.db$/);
      const rec = record(join(dir, 'backups', made[0]!));
      expect(rec).toMatchObject({ reason: 'before-migration', verified: { ok: true } });
      // The register's own note is stored by key (the list says it in the person's language).
      expect(readSaid(rec.note as string)).toMatchObject({ key: 'backups.noteBeforeMigration', message: `schema 7 to ${migrations.length}` });
      expect(rec.summary).toMatchObject({ schemaVersion: 7, registerId: null, contacts: 1 });
      const raw = new Database(join(dir, 'backups', made[0]!), { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(7);
      raw.close();

      // Opening it again migrates nothing and backs nothing up; a new register has nothing to keep.
      createBackend({ dbPath }).close();
      createBackend({ dbPath: join(dir, 'new.db') }).close();
      expect(backupsIn(dir)).toHaveLength(1);

      // When no backup can be made (the folder is taken by a file), the register is not migrated.
      const blocked = join(dir, 'blocked');
      mkdirSync(blocked);
      writeFileSync(join(blocked, 'backups'), 'a file where the folder should be');
      writeFileSync(join(blocked, 'register.db'), readFileSync(copy));
      expect(() => createBackend({ dbPath: join(blocked, 'register.db') })).toThrow();
      const still = new Database(join(blocked, 'register.db'), { readonly: true });
      expect(still.pragma('user_version', { simple: true })).toBe(7);
      still.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a backup before every import that writes and every undo, not for a preview', async () => {
    const t = scopedBackend();
    await shop(t);
    const file = writeFile(t, 'crm.csv', 'Name,Phone,SMS consent,Consent date,Consent source\nБорис,+79120000011,yes,2026-02-01,web form\n');
    await importFile(t, file, { dryRun: true });
    expect(backupsIn(t.dir)).toEqual([]);
    const before = await t.call('audit.verify', {});
    const s = await importFile(t, file, { dryRun: false });
    let files = backupsIn(t.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.before-import\.db$/);
    const imp = record(join(t.dir, 'backups', files[0]!));
    expect(imp).toMatchObject({ verified: { ok: true } });
    expect(readSaid(imp.note as string)).toEqual({ key: 'backups.noteBeforeImport', params: { file: 'crm.csv' }, message: 'the import of crm.csv' });
    expect(imp.summary).toMatchObject({ head: before.head, contacts: 3 });

    t.clock.advance(60_000);
    const mid = await t.call('audit.verify', {});
    await t.call('import.undo', { batch: s.batch! });
    files = backupsIn(t.dir);
    expect(files).toHaveLength(2);
    const undo = record(
      join(
        t.dir,
        'backups',
        files.find((f) => f.endsWith('.before-undo.db'))!,
      ),
    );
    expect(readSaid(undo.note as string)).toMatchObject({ key: 'backups.noteBeforeUndo', message: `undoing import ${s.batch}` });
    expect(undo.summary).toMatchObject({ head: mid.head, contacts: 4 });
  });
});

describe('backups around work in progress', () => {
  it('an import or an undo that cannot be backed up first is not done', async () => {
    const t = scopedBackend();
    await shop(t);
    const file = writeFile(t, 'crm.csv', 'Name,Phone,SMS consent,Consent date,Consent source\nБорис,+79120000011,yes,2026-02-01,web form\n');
    const s = await importFile(t, file, { dryRun: false });
    const before = await t.call('audit.verify', {});
    // The backups folder is taken by a file: no backup can be written.
    rmSync(join(t.dir, 'backups'), { recursive: true, force: true });
    writeFileSync(join(t.dir, 'backups'), 'not a folder');
    await expect(t.call('import.undo', { batch: s.batch! })).rejects.toThrow(
      /no backup could be made before undoing import \d+ .*so it was not done/,
    );
    const info = await t.call('import.inspect', { fileId: t.backend.files.adopt(file).id });
    await expect(t.call('import.start', { fileId: t.backend.files.adopt(file).id, mapping: info.mapping, dryRun: false })).rejects.toThrow(
      /no backup could be made before the import of crm\.csv/,
    );
    expect((await t.call('audit.verify', {})).head).toBe(before.head);
  });

  it('a restore pauses the campaigns that were sending in the backup for someone to check, and sending carries on after it', async () => {
    const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    const gateway = new ScriptedProvider();
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    let answered = 0;
    gateway.beforeAnswer = async () => {
      if (++answered === 2) await held;
    };
    const t = scopedBackend({ adapterFactory: () => gateway, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
    const { form } = await russianShop(t, { provider: true });
    for (const phone of ['+79120000001', '+79120000002', '+79120000003']) await grantPaper(t.call, phone, 'sms', form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'] });
    // While a message is with the gateway, a backup: the campaign is sending in it.
    while (answered < 2) await new Promise((ok) => setTimeout(ok, 5));
    const { backup } = await t.call('backup.create', {});
    release();
    for (let i = 0; i < 200 && (await t.call('campaign.progress', { batch: p.batch })).state !== 'done'; i++)
      await new Promise((ok) => setTimeout(ok, 10));
    expect((await t.call('campaign.progress', { batch: p.batch })).sent).toBe(3);

    const pv = await t.call('backup.preview', { id: backup.id });
    expect(pv.loss.messages).toBeGreaterThan(0);
    expect(pv.loss.warning).toMatch(/Campaigns that were sending in the backup are paused/);
    const out = await t.call('backup.restore', { id: backup.id, currentHead: pv.current!.head });
    expect(out.pausedBatches).toEqual([p.batch]);
    const progress = await t.call('campaign.progress', { batch: p.batch });
    expect(progress.paused?.reason).toMatch(/^paused after restoring a backup/);
    expect(progress.running).toBe(false);
    // Sending works again after the restore: a resumed campaign hands off the rest (the gateway drops the repeats).
    gateway.reconcileAnswer = () => ({ kind: 'resend' });
    await t.call('campaign.resume', { batch: p.batch });
    for (let i = 0; i < 200 && (await t.call('campaign.progress', { batch: p.batch })).state !== 'done'; i++)
      await new Promise((ok) => setTimeout(ok, 10));
    expect((await t.call('campaign.progress', { batch: p.batch })).sent).toBe(3);
    expect(new Set(gateway.calls.map((m) => m.idempotencyKey)).size).toBe(3);
  });

  it('daily backups run on a timer in the app and the host, not in the CLI', async () => {
    const t = scopedBackend();
    await shop(t);
    t.backend.backups.startDaily(5, 60_000);
    for (let i = 0; i < 200 && backupsIn(t.dir).length === 0; i++) await new Promise((ok) => setTimeout(ok, 10));
    t.backend.backups.stopDaily();
    expect(backupsIn(t.dir)).toEqual([expect.stringMatching(/\.daily\.db$/)]);
    const timers = (b: { backups: unknown }) => (b.backups as { timers: unknown[] }).timers.length;
    const app = scopedBackend({ autoResume: true });
    expect(timers(app.backend)).toBe(2);
    const cli = scopedBackend();
    expect(timers(cli.backend)).toBe(0);
  });
});

describe('webhook idempotency keys', () => {
  async function sendingShop(dbPath: string, provider: ScriptedProvider, clock: TestClock, extra: Partial<Parameters<typeof createBackend>[0]> = {}) {
    const b = createBackend({ dbPath, clock, adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)), ...extra });
    const call: Caller = async (method, input) => {
      const r = await b.dispatch(method, input);
      if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { apiError: r.error });
      return r.value as never;
    };
    return { b, call };
  }

  async function consented(call: Caller) {
    const { form } = await russianShop({ call }, { provider: true });
    for (const phone of ['+79120000001', '+79120000002', '+79120000003']) await grantPaper(call, phone, 'sms', form);
  }
  const plan = (call: Caller) => call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
  async function planned(call: Caller) {
    await consented(call);
    return plan(call);
  }

  const KEY = /^optin-([0-9a-f]{8})-b(\d+)\.([0-9a-z]+)-r(\d+)$/;

  it('differ between two registers sending the same campaign to the same gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-keys-'));
    try {
      const gateway = new ScriptedProvider();
      const keys: string[][] = [];
      for (const name of ['till-1.db', 'till-2.db']) {
        const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
        const { b, call } = await sendingShop(join(dir, name), gateway, clock);
        try {
          const p = await planned(call);
          const done = await call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
          expect(done.sent).toBe(3);
          keys.push(gateway.calls.slice(keys.flat().length).map((m) => m.idempotencyKey));
        } finally {
          b.close();
        }
      }
      // Same batch numbers, same recipient numbers, same plan time: still not one key in common.
      expect(keys[0]!.filter((k) => keys[1]!.includes(k))).toEqual([]);
      expect(keys[0]!.map((k) => k.replace(KEY, 'b$2-r$4'))).toEqual(keys[1]!.map((k) => k.replace(KEY, 'b$2-r$4')));
      // Each carries its register's id.
      for (const [i, name] of ['till-1.db', 'till-2.db'].entries()) {
        const raw = new Database(join(dir, name), { readonly: true });
        const id = (raw.prepare('SELECT register_id FROM register_meta').get() as { register_id: string }).register_id;
        raw.close();
        for (const k of keys[i]!) expect(KEY.exec(k)?.[1]).toBe(id.slice(0, 8));
      }
      // The gateway, dropping repeats, took every message of both.
      expect(gateway.duplicates).toBe(0);
      expect(gateway.taken.size).toBe(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stay the same for a recipient re-sent after a crash, and a campaign planned after a restore gets new ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-keys-'));
    try {
      const dbPath = join(dir, 'register.db');
      const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
      const gateway = new ScriptedProvider();
      // The process dies after the gateway took the first message, before the answer is recorded.
      let crashed = false;
      const first = await sendingShop(dbPath, gateway, clock, {
        onInternalError: () => undefined,
        fault: (point) => {
          if (point === 'answered' && !crashed) {
            crashed = true;
            throw new Error('power cut');
          }
        },
      });
      await consented(first.call);
      const { backup } = await first.call('backup.create', {});
      const p = await plan(first.call);
      await first.b.dispatch('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
      expect(crashed).toBe(true);
      const inDoubt = first.b.db.prepare("SELECT phone FROM outbox WHERE status = 'sending'").all() as { phone: string }[];
      expect(inDoubt).toHaveLength(1);
      first.b.close();
      const phone = inDoubt[0]!.phone;
      const firstKey = gateway.calls.find((m) => m.to === phone)!.idempotencyKey;

      // The next start asks the gateway, which says "send again": the same key goes out, and the gateway drops it.
      gateway.reconcileAnswer = () => ({ kind: 'resend' });
      const second = await sendingShop(dbPath, gateway, clock);
      try {
        const done = await second.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
        expect(done.sent).toBe(3);
        const resent = gateway.calls.filter((m) => m.to === phone).map((m) => m.idempotencyKey);
        expect(resent).toEqual([firstKey, firstKey]);
        expect(gateway.duplicates).toBe(1);

        // Restore the backup made before the campaign was planned, and plan one again: the same batch and recipient
        // numbers, but not one key the replaced register used (a gateway that drops repeats would drop them all).
        const sentKeys = new Set(gateway.calls.map((m) => m.idempotencyKey));
        const pv = await second.call('backup.preview', { id: backup.id });
        expect(pv.loss.messages).toBe(3);
        const out = await second.call('backup.restore', { id: backup.id, currentHead: pv.current!.head });
        expect(out.pausedBatches).toEqual([]);
        clock.advance(60_000);
        const again = await second.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
        expect(again.batch).toBe(p.batch);
        const before = gateway.calls.length;
        const redone = await second.call('campaign.send', { batch: again.batch, providers: ['gw'], wait: true });
        expect(redone.sent).toBe(3);
        const fresh = gateway.calls.slice(before).map((m) => m.idempotencyKey);
        expect(fresh.map((k) => k.replace(KEY, 'b$2-r$4')).sort()).toEqual([...sentKeys].map((k) => k.replace(KEY, 'b$2-r$4')).sort());
        expect(fresh.filter((k) => sentKeys.has(k))).toEqual([]);
      } finally {
        second.b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
