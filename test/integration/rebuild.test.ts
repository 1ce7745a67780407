import { describe, expect, it, vi } from 'vitest';
import { scopedBackend } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import { REBUILD_CHUNK } from '../../electron/core/register/consent';

/**
 * A projection rebuild sets each contact's list columns (0015's last consent change, 0016's listed statuses) from the
 * cells it folds, compares them with what the contact holds and writes only what differs. One that fills an empty
 * projection writes most contacts: after its first chunk it drops the list's indexes and builds them again at the
 * end. Either way the register ends as the incremental writes left it.
 */
const CONTACTS = 2 * REBUILD_CHUNK + 500;
const phone = (i: number) => `+7912${String(i).padStart(7, '0')}`;

async function shop() {
  const t = scopedBackend();
  await t.call('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'ru' });
  const form = await t.call('forms.create', {
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции по SMS и WhatsApp. Отписка: СТОП.',
  });
  const signed = { method: 'paper_form', evidence: { formVersionId: form.id, sheetRef: 'S-000001' } } as const;
  // Most rows claim SMS marketing (a file's yes without proof: unproven); every seventh has no consent (no cells: its columns stay as a new contact's).
  const rows = Array.from({ length: CONTACTS }, (_, i) => `Клиент ${i},${phone(i + 1)},${i % 7 === 6 ? '' : 'yes'}`);
  await importFile(t, writeFile(t, 'crm.csv', ['Name,Phone,SMS consent', ...rows].join('\n')), { dryRun: false });
  // Other statuses and the personal-data consent, through the contract: revoked, WhatsApp granted (with an expiry), PD.
  for (let i = 1; i <= CONTACTS; i += 97) {
    await t.call('consent.record', { phone: phone(i), channel: 'sms', purpose: 'marketing', action: 'revoke' });
    await t.call('consent.record', { phone: phone(i + 1), channel: 'whatsapp', purpose: 'marketing', action: 'grant', ...signed });
    await t.call('consent.record', { phone: phone(i + 2), channel: 'sms', purpose: 'personal_data', action: 'grant', ...signed });
    t.clock.advance(60_000);
  }
  const db = t.backend.db;
  const read = {
    columns: () =>
      db.prepare('SELECT id, consent_changed_at, sms_listed, sms_listed_until, wa_listed, wa_listed_until, pd_until FROM contacts ORDER BY id').all(),
    cells: () => db.prepare('SELECT * FROM consent_state ORDER BY contact_id, channel, purpose').all(),
    schema: () => db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all(),
  };
  return { t, db, read };
}

describe('projection rebuild: the list columns', () => {
  it('fills an empty projection: cells, list columns and the list indexes as the incremental writes left them', async () => {
    const { t, db, read } = await shop();
    const before = { columns: read.columns(), cells: read.cells(), schema: read.schema() };
    expect(before.cells.length).toBeGreaterThan(CONTACTS / 2);
    expect(new Set(before.columns.map((c) => (c as { sms_listed: number }).sms_listed))).toEqual(new Set([0, 2, 5]));
    expect(before.columns.some((c) => (c as { pd_until: number }).pd_until > 0)).toBe(true);

    db.exec(
      'DELETE FROM consent_state; UPDATE contacts SET consent_changed_at = 0, sms_listed = 0, sms_listed_until = NULL, wa_listed = 0, wa_listed_until = NULL, pd_until = 0',
    );
    const defer = vi.spyOn(t.backend.ctx.consent, 'deferListIndexes');
    const r = await t.call('register.rebuildProjection', {});
    expect(r).toEqual({ cells: before.cells.length, changed: before.cells.length });
    // Most of the first chunk's contacts were written: the rest ran without the list's indexes.
    expect(defer).toHaveBeenCalledTimes(1);
    expect(read.cells()).toEqual(before.cells);
    expect(read.columns()).toEqual(before.columns);
    expect(read.schema()).toEqual(before.schema);
    const plan = (
      db.prepare('EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE removed_at IS NULL AND sms_listed = 5 ORDER BY name_key, id LIMIT 50').all() as {
        detail: string;
      }[]
    )
      .map((p) => p.detail)
      .join('; ');
    expect(plan).toContain('contacts_active_sms_listed');
    // The list finds them by those indexes.
    const revoked = await t.call('contacts.list', { filter: { marketing: { channel: 'sms', status: ['revoked'] } }, offset: 0, limit: 100 });
    expect(revoked.contacts.map((c) => c.phone).sort()).toEqual(Array.from({ length: Math.ceil(CONTACTS / 97) }, (_, k) => phone(1 + 97 * k)).sort());

    // Nothing to do the second time, and nothing dropped.
    defer.mockClear();
    expect(await t.call('register.rebuildProjection', {})).toEqual({ cells: before.cells.length, changed: 0 });
    expect(defer).not.toHaveBeenCalled();
    expect(read.schema()).toEqual(before.schema);
  });

  it('repairs list columns set wrong by hand, writing only those contacts, with the cells as they were', async () => {
    const { t, db, read } = await shop();
    const before = { columns: read.columns(), cells: read.cells() };
    db.prepare('UPDATE contacts SET sms_listed = 4 WHERE id IN (3, 50)').run();
    db.prepare('UPDATE contacts SET pd_until = 1, consent_changed_at = 2 WHERE id = 4000').run();
    db.prepare('UPDATE contacts SET wa_listed_until = 9 WHERE id = ?').run(CONTACTS);
    const defer = vi.spyOn(t.backend.ctx.consent, 'deferListIndexes');
    expect(await t.call('register.rebuildProjection', {})).toEqual({ cells: before.cells.length, changed: 0 });
    expect(defer).not.toHaveBeenCalled();
    expect(read.columns()).toEqual(before.columns);
    expect(read.cells()).toEqual(before.cells);
  });

  it('a write that moves several cells of a contact writes the contact once, with what a rebuild would set', async () => {
    const { t, db, read } = await shop();
    db.exec(
      'CREATE TEMP TABLE written (id INTEGER); CREATE TEMP TRIGGER count_writes AFTER UPDATE ON main.contacts BEGIN INSERT INTO written VALUES (NEW.id); END',
    );
    // A later file says yes to marketing for 40 of them: both channels' cells move (SMS again, WhatsApp for the first
    // time), from one row each.
    const rows = Array.from({ length: 40 }, (_, i) => `Клиент ${i},${phone(i + 1)},yes,2026-05-${String(10 + (i % 9)).padStart(2, '0')}`);
    await importFile(t, writeFile(t, 'both.csv', ['Name,Phone,Consent,Consent date', ...rows].join('\n')), { dryRun: false });
    const writes = db.prepare('SELECT id, count(*) AS n FROM written GROUP BY id ORDER BY id').all() as { id: number; n: number }[];
    // (The first, who opted out of SMS in shop(), keeps that answer: a file's yes does not undo an opt-out.)
    expect(writes.map((w) => w.id)).toEqual(Array.from({ length: 39 }, (_, i) => i + 2));
    expect(writes.filter((w) => w.n !== 1)).toEqual([]);
    const cells = read.cells() as { contact_id: number; channel: string }[];
    expect(cells.filter((c) => c.contact_id <= 40 && c.channel === 'whatsapp').length).toBeGreaterThanOrEqual(40);
    // What they hold is what a rebuild works out from their cells: it finds nothing to write.
    const columns = read.columns();
    db.exec('DELETE FROM written');
    expect(await t.call('register.rebuildProjection', {})).toEqual({ cells: cells.length, changed: 0 });
    expect(read.columns()).toEqual(columns);
    expect(db.prepare('SELECT count(*) FROM written').pluck().get()).toBe(0);
  });

  it('the dropped indexes come back with a rolled-back transaction', async () => {
    const { t, db, read } = await shop();
    const schema = read.schema();
    expect(() =>
      db.transaction(() => {
        t.backend.ctx.consent.deferListIndexes();
        expect(read.schema().length).toBe(schema.length - 3);
        throw new Error('stop');
      })(),
    ).toThrow('stop');
    expect(read.schema()).toEqual(schema);
    // Outside a transaction it refuses: the indexes would be gone for good if the caller failed before building them.
    expect(() => t.backend.ctx.consent.deferListIndexes()).toThrow(/only inside a transaction/);
    expect(read.schema()).toEqual(schema);
  });
});
