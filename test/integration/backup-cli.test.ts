import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optin } from '../support/cli';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function register(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'optin-backup-cli-'));
  dirs.push(dir);
  return { dir, db: join(dir, 'register.db') };
}

const grant = (db: string, phone: string) =>
  optin(db, 'consent', 'grant', '--phone', phone, '--channel', 'sms', '--purpose', 'service', '--method', 'verbal_in_store', '--note', 'at the till');

describe('optin backup', () => {
  it('creates, lists and verifies backups; --to backs up to a folder', async () => {
    const { dir, db } = register();
    expect((await grant(db, '+79120000001')).code).toBe(0);
    const made = await optin(db, 'backup', 'create', '--note', 'first', '--json');
    expect(made.code).toBe(0);
    const backup = made.json().backup as { id: string; path: string; verified: { ok: boolean }; register: { contacts: number; head: string } };
    expect(backup).toMatchObject({ verified: { ok: true }, register: { contacts: 1 } });
    expect(existsSync(join(dir, 'backups', backup.id))).toBe(true);

    const list = await optin(db, 'backup', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(`Backups in ${join(dir, 'backups')}`);
    expect(list.out).toMatch(/✓ \S+ {2}manual +\d+ KB {2}register\.\S+\.manual\.db {2}— first/);
    expect(list.out).toContain('1 contact · 1 consent event · ');
    expect(list.out).toContain(`head: ${backup.register.head}`);

    const ok = await optin(db, 'backup', 'verify', backup.id);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`✓ ${backup.id} checks out`);
    // A damaged backup: exit 1, and the problem named.
    const bytes = readFileSync(backup.path);
    bytes.fill(0x41, bytes.length - 1500, bytes.length - 1000);
    writeFileSync(backup.path, bytes);
    const bad = await optin(db, 'backup', 'verify', backup.id);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ .* does not check out:\n {2}✗ the backup file changed after it was written/);

    const stick = join(dir, 'stick');
    mkdirSync(stick);
    const copied = await optin(db, 'backup', 'create', '--to', stick);
    expect(copied.code).toBe(0);
    expect(copied.out).toContain(`Backed up to ${stick}`);
    expect(readdirSync(stick).filter((f) => f.endsWith('.db'))).toHaveLength(1);
    const missing = await optin(db, 'backup', 'create', '--to', join(dir, 'no-stick'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--to: the folder .* does not exist/);
    expect((await optin(db, 'backup', 'verify')).err).toMatch(/give the backup/);
    expect((await optin(db, 'backup', 'frobnicate')).code).toBe(1);
  });

  it('a backup record edited by hand (a field of the wrong kind) is no record: list, rotation and the backup before an import go on', async () => {
    const { dir, db } = register();
    expect((await grant(db, '+79120000001')).code).toBe(0);
    const made = (await optin(db, 'backup', 'create', '--json')).json().backup as { path: string };
    const forged = join(dir, 'backups', 'register.2026-03-01T00-00-00-000Z.manual.db');
    writeFileSync(forged, readFileSync(made.path));
    writeFileSync(
      `${forged}.json`,
      JSON.stringify({ format: 'optin-desk-backup/1', sha256: 'x', createdAt: '2026-03-01T00:00:00.000Z', reason: { a: 1 }, bytes: 'many' }),
    );
    const list = await optin(db, 'backup', 'list', '--json');
    expect(list.err).toBe('');
    expect(list.code).toBe(0);
    const made2 = await optin(db, 'backup', 'create');
    expect(made2.err).toBe('');
    expect(made2.code).toBe(0);
    writeFileSync(join(dir, 'one.csv'), 'phone,name\n+79120000002,Зоя\n');
    const imported = await optin(db, 'import', join(dir, 'one.csv'));
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
  });

  it('restore shows the preview and the loss, restores only with --yes, and keeps the current register first', async () => {
    const { dir, db } = register();
    await grant(db, '+79120000001');
    const { id } = (await optin(db, 'backup', 'create', '--json')).json().backup as { id: string };
    await grant(db, '+79120000002');
    await optin(db, 'consent', 'revoke', '--phone', '+79120000001', '--channel', 'sms', '--purpose', 'service');

    const asked = await optin(db, 'backup', 'restore', id);
    expect(asked.code).toBe(1);
    expect(asked.out).toContain('The restored register would hold: 1 contact · 1 consent event · ');
    expect(asked.out).toContain('The current register holds: 2 contacts');
    expect(asked.out).toMatch(
      /Restoring this backup loses what the current register recorded after it: \d+ consent events \(among them opt-outs of 1 number\), 1 contact/,
    );
    expect(asked.out).toContain('The opt-outs of this number (+79120000001) are entered again in the restored register');
    expect(asked.out).toContain('Nothing was restored: run again with --yes');
    expect((await optin(db, 'contacts', 'list', '--json')).json().total).toBe(2);

    const done = await optin(db, 'backup', 'restore', id, '--yes');
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/^Restored register\.\S+\.manual\.db into .*register\.db: 1 contact/);
    expect(done.out).toMatch(/The register it replaced is kept as .*\.before-restore\.db \(2 contacts/);
    expect(done.out).toContain('The witness now remembers head events:');
    expect((await optin(db, 'contacts', 'list', '--json')).json().total).toBe(1);
    expect((await optin(db, 'audit', 'verify')).code).toBe(0);

    // --to: a new file; the register stays as it is.
    const other = join(dir, 'other.db');
    const to = await optin(db, 'backup', 'restore', id, '--to', other, '--yes');
    expect(to.code).toBe(0);
    expect(to.out).toContain(`into ${other}`);
    expect((await optin(other, 'contacts', 'list', '--json')).json().total).toBe(1);
  });

  it('restores a register that cannot be opened any more, keeping the damaged file byte for byte', async () => {
    const { dir, db } = register();
    await grant(db, '+79120000001');
    const { id } = (await optin(db, 'backup', 'create', '--json')).json().backup as { id: string };
    // The register is cut short (a disk failure): the app refuses it and says to restore a backup.
    const full = readFileSync(db);
    writeFileSync(db, full.subarray(0, 1000));
    const refused = await optin(db, 'contacts', 'list');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/restore a backup/);

    const list = await optin(db, 'backup', 'list');
    expect(list.code).toBe(0);
    expect(list.err).toMatch(/is truncated.*working from its backups/);
    expect(list.out).toContain(id);
    const asked = await optin(db, 'backup', 'restore', id);
    expect(asked.out).toMatch(/The current register: the register .* cannot be read/);
    const done = await optin(db, 'backup', 'restore', id, '--yes');
    expect(done.code).toBe(0);
    const kept = readdirSync(join(dir, 'backups')).find((f) => f.endsWith('.before-restore.db'))!;
    expect(readFileSync(join(dir, 'backups', kept))).toEqual(full.subarray(0, 1000));
    expect((await optin(db, 'contacts', 'list', '--json')).json().total).toBe(1);
    expect((await optin(db, 'audit', 'verify')).code).toBe(0);
    // Making a backup of a register that cannot be opened is refused, naming why.
    writeFileSync(db, full.subarray(0, 1000));
    const create = await optin(db, 'backup', 'create');
    expect(create.code).toBe(1);
    expect(create.err).toMatch(/truncated/);
  });

  it('restores a damaged register reached through a symbolic link into the file the link points to, the link kept', async () => {
    const { dir } = register();
    mkdirSync(join(dir, 'real'));
    const real = join(dir, 'real', 'register.db');
    const link = join(dir, 'register.db');
    await grant(real, '+79120000001');
    symlinkSync(real, link);
    const { id } = (await optin(link, 'backup', 'create', '--json')).json().backup as { id: string };
    writeFileSync(real, readFileSync(real).subarray(0, 1000));
    expect((await optin(link, 'contacts', 'list')).code).toBe(1);
    const done = await optin(link, 'backup', 'restore', id, '--yes');
    expect(done.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect((await optin(real, 'contacts', 'list', '--json')).json().total).toBe(1);
    expect((await optin(link, 'contacts', 'list', '--json')).json().total).toBe(1);
  });
});
