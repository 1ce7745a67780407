import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepDamaged } from '../../electron/core/backups/backups';
import { ref } from '../../shared/contract/said';
import { scopedBackend } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import { grantPaper, russianShop } from '../support/shop';

/**
 * What checking a backup finds wrong, and the register's own notes on a backup, by key (issue #14 point 6): the
 * backups list and the restore preview say them in the person's language with what they name (the file, the SHA-256,
 * the SQLite message); the CLI and the record beside the backup keep the English. A check or note recorded before
 * keys is shown as before (by its kind; an automatic note in English is not shown, a note typed by hand as typed).
 */
describe('backups by key', () => {
  it("a changed, a non-register and a missing backup are refused by key; an import's backup is noted by key", async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79120000001', 'sms', form);
    const { backup } = await t.call('backup.create', { note: 'перед праздниками' });
    // A note typed by hand is kept as typed.
    expect(backup).toMatchObject({ note: 'перед праздниками', noteSaid: { message: 'перед праздниками' } });
    expect(backup.noteSaid?.key).toBeUndefined();

    const damaged = join(t.dir, 'backups', 'damaged.db');
    const bytes = readFileSync(backup.path);
    for (let i = 0; i < 64; i++) bytes[bytes.length - 2048 + i] = 0x5a;
    writeFileSync(damaged, bytes);
    writeFileSync(`${damaged}.json`, readFileSync(`${backup.path}.json`));
    const changed = (await t.call('backup.verify', { path: damaged })).problems[0]!;
    expect(changed).toMatchObject({
      kind: 'changed',
      key: 'backups.fileChanged',
      params: { sha256: expect.stringMatching(/^[0-9a-f]{16}$/), expected: backup.sha256!.slice(0, 16) },
      message: expect.stringMatching(/^the backup file changed after it was written/),
    });
    // The verdict kept in the record beside it carries the key too: the list says it by key.
    const kept = JSON.parse(readFileSync(`${damaged}.json`, 'utf8')) as { verified: { problems: unknown[] } };
    expect(kept.verified.problems[0]).toMatchObject({ key: 'backups.fileChanged' });

    writeFileSync(join(t.dir, 'backups', 'notes.db'), 'just some text, not SQLite');
    const junk = (await t.call('backup.verify', { path: join(t.dir, 'backups', 'notes.db') })).problems[0]!;
    expect(junk).toMatchObject({ kind: 'unreadable', key: 'backups.notARegister', params: { detail: expect.any(String) } });

    const gone = await t.call('backup.preview', { path: join(t.dir, 'nowhere.db') }).catch((e: { apiError: unknown }) => e.apiError);
    expect(gone).toMatchObject({ code: 'NOT_FOUND' });

    const file = writeFile(t, 'crm.csv', 'Name,Phone,SMS consent,Consent date,Consent source\nБорис,+79120000011,yes,2026-02-01,web form\n');
    await importFile(t, file, { dryRun: false });
    const before = (await t.call('backup.list', {})).backups.find((b) => b.reason === 'before-import')!;
    expect(before).toMatchObject({
      note: 'the import of crm.csv',
      noteSaid: { key: 'backups.noteBeforeImport', params: { file: 'crm.csv' }, message: 'the import of crm.csv' },
    });

    // A record written before keys: its English note and problem are kept as they are (no key).
    const rec = JSON.parse(readFileSync(`${before.path}.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      `${before.path}.json`,
      JSON.stringify({
        ...rec,
        note: 'the import of old.csv',
        verified: { ok: false, at: rec.createdAt, problems: [{ kind: 'damaged', message: 'SQLite finds the backup damaged (x)', audit: null }] },
      }),
    );
    const old = (await t.call('backup.list', {})).backups.find((b) => b.id === before.id)!;
    expect(old).toMatchObject({ note: 'the import of old.csv', noteSaid: { message: 'the import of old.csv' } });
    expect(old.noteSaid?.key).toBeUndefined();
    expect(old.verified?.problems[0]).toEqual({ kind: 'damaged', message: 'SQLite finds the backup damaged (x)', audit: null });
  });

  it('a register kept as it was before a restore over it is noted by key, naming why it could not be read', () => {
    const t = scopedBackend();
    const dbPath = join(t.dir, 'broken.db');
    writeFileSync(dbPath, 'not a register');
    const kept = keepDamaged(dbPath, ref('backups.registerUnreadable', { path: dbPath, detail: 'file is not a database' }), t.clock)!;
    const rec = JSON.parse(readFileSync(`${kept.path}.json`, 'utf8')) as { note: string; verified: { problems: unknown[] } };
    expect(JSON.parse(rec.note)).toEqual({
      key: 'backups.noteKeptDamaged',
      params: { why: { key: 'backups.registerUnreadable', params: { path: dbPath, detail: 'file is not a database' } } },
    });
    expect(rec.verified.problems[0]).toMatchObject({
      kind: 'unreadable',
      key: 'backups.registerUnreadable',
      message: `the register ${dbPath} cannot be read (file is not a database)`,
    });
  });
});
