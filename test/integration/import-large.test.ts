import { availableParallelism } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { scopedBackend } from '../support/backend';
import { importFile, runImport, writeFile } from '../support/imports';
import { isLargeImport } from '../../electron/core/intake/import';

/**
 * An import about as large as the register runs without the list's orders its rows meet in random order (by number,
 * name, SMS and WhatsApp status) and builds them once at the end, inside its own transaction: the register it leaves is the one a row-by-row import leaves,
 * and one that fails leaves the indexes as they were.
 */
const ROWS = 21_000;
const phone = (i: number) => `+7912${String(i).padStart(7, '0')}`;
const file = (rows: number, from = 1) =>
  [
    'Name,Phone,SMS consent,Consent date,Tags',
    ...Array.from(
      { length: rows },
      (_, k) =>
        `Клиент ${(from + k) % 997},${phone(from + k)},${(from + k) % 5 === 0 ? 'no' : 'yes'},2026-0${1 + ((from + k) % 9)}-15,${k % 3 ? 'vip' : ''}`,
    ),
  ].join('\n');

async function shop() {
  const t = scopedBackend();
  await t.call('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'eu' });
  const db = t.backend.db;
  const read = {
    contacts: () => db.prepare('SELECT * FROM contacts ORDER BY id').all(),
    schema: () => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all(),
    integrity: () => db.pragma('integrity_check', { simple: true }),
    planOf: (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join('; '),
  };
  return { t, db, read };
}

describe('a large import builds the list orders once', () => {
  it('decides from the estimated rows and the register size', () => {
    expect(isLargeImport(19_999, 0)).toBe(false);
    expect(isLargeImport(20_000, 0)).toBe(true);
    expect(isLargeImport(20_000, 40_000)).toBe(true);
    expect(isLargeImport(20_000, 40_001)).toBe(false);
    expect(isLargeImport(1_000_000, 1_500_000)).toBe(true);
  });

  it('leaves the register a row-by-row import leaves: same rows, same indexes, used by the list', async () => {
    const deferred = await shop();
    const rowByRow = await shop();
    const schema = deferred.read.schema();
    expect(rowByRow.read.schema()).toEqual(schema);
    const contacts = deferred.t.backend.ctx.contacts;
    const defer = contacts.deferListOrders.bind(contacts);
    const indexNames = () => (deferred.read.schema() as { type: string; name: string }[]).filter((r) => r.type === 'index').map((r) => r.name);
    let dropped: string[] = [];
    // How the connection sorts while it builds them (short runs, helper threads on a machine with more than one core),
    // and what it is set to again after.
    const db = deferred.t.backend.ctx.db;
    const sorting = () => ({ cache: db.pragma('cache_size', { simple: true }), threads: db.pragma('threads', { simple: true }) });
    const usual = sorting();
    const built: { sql: string; cache: unknown; threads: unknown }[] = [];
    let around: ReturnType<typeof sorting>[] = [];
    const spy = vi.spyOn(contacts, 'deferListOrders').mockImplementation(() => {
      const before = indexNames();
      const build = defer();
      dropped = before.filter((n) => !indexNames().includes(n));
      return () => {
        const exec = Object.getPrototypeOf(db).exec as typeof db.exec;
        const watch = vi.spyOn(db, 'exec').mockImplementation((sql: string) => {
          built.push({ sql, ...sorting() });
          return exec.call(db, sql);
        });
        const was = sorting();
        try {
          build();
        } finally {
          watch.mockRestore();
        }
        around = [was, sorting()];
      };
    });
    // The other register threads each contact into the orders as it comes (the decision answered "no").
    vi.spyOn(rowByRow.t.backend.ctx.contacts, 'deferListOrders').mockImplementation(() => () => undefined);

    const a = await importFile(deferred.t, writeFile(deferred.t, 'crm.csv', file(ROWS)), { dryRun: false });
    const b = await importFile(rowByRow.t, writeFile(rowByRow.t, 'crm.csv', file(ROWS)), { dryRun: false });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(dropped.sort()).toEqual(['contacts_active_name', 'contacts_active_phone', 'contacts_active_sms_listed', 'contacts_active_wa_listed']);
    expect(built.map((b) => /^CREATE INDEX (\w+)/.exec(b.sql)?.[1]).sort()).toEqual(dropped);
    for (const b of built) expect(b).toMatchObject({ cache: -2000, threads: availableParallelism() > 1 ? Math.min(4, availableParallelism()) : 0 });
    // Put back as the import had them (its own page cache), and the connection's usual ones once it is over.
    expect(around[1]).toEqual(around[0]);
    expect(around[0]!.cache).not.toBe(-2000);
    expect(sorting()).toEqual(usual);
    expect(a.created).toBe(ROWS);
    expect({ ...a, batch: 0, reportFileId: '' }).toEqual({ ...b, batch: 0, reportFileId: '' });
    expect(deferred.read.schema()).toEqual(schema);
    expect(deferred.read.integrity()).toBe('ok');
    expect(deferred.read.contacts()).toEqual(rowByRow.read.contacts());
    expect(deferred.read.planOf('SELECT id FROM contacts WHERE removed_at IS NULL AND sms_listed = 2 ORDER BY name_key, id LIMIT 50')).toContain(
      'contacts_active_sms_listed',
    );
    // The list answers from them as from the other register.
    const query = {
      filter: { marketing: { channel: 'sms' as const, status: ['unproven' as const] } },
      sort: { by: 'name' as const, dir: 'asc' as const },
      offset: 5_000,
      limit: 50,
    };
    const listed = await deferred.t.call('contacts.list', query);
    expect(listed.contacts.length).toBe(50);
    expect(listed.contacts).toEqual((await rowByRow.t.call('contacts.list', query)).contacts);

    // A small file into a register this size is threaded in row by row.
    spy.mockClear();
    await importFile(deferred.t, writeFile(deferred.t, 'few.csv', file(500, 3 * ROWS)), { dryRun: false });
    expect(spy).not.toHaveBeenCalled();
    // A preview writes nothing and drops nothing.
    await importFile(deferred.t, writeFile(deferred.t, 'preview.csv', file(ROWS, 5 * ROWS)));
    expect(spy).not.toHaveBeenCalled();
    expect(deferred.read.schema()).toEqual(schema);
    expect(deferred.read.integrity()).toBe('ok');
  });

  it('an import that fails at its end leaves the indexes and the register as they were', async () => {
    const { t, read } = await shop();
    const schema = read.schema();
    const spy = vi.spyOn(t.backend.ctx.contacts, 'deferListOrders');
    vi.spyOn(t.backend.ctx.imports, 'finishBatch').mockImplementation(() => {
      throw new Error('disk full');
    });
    const job = await runImport(t, writeFile(t, 'crm.csv', file(ROWS)), { dryRun: false });
    expect(job.state).toBe('failed');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(read.contacts()).toEqual([]);
    expect(read.schema()).toEqual(schema);
    expect(read.integrity()).toBe('ok');
  });
});
