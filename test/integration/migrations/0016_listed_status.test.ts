import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ConsentRepo } from '../../../electron/core/db/repos/consent.repo';
import { listedCell, personalDataUntil } from '../../../shared/domain/consent/listed';
import type { ConsentStatus } from '../../../shared/domain/consent/types';
import { expectHealthy, expectKept, registerAt, snapshot, T0 } from './history';

type Db = ReturnType<typeof registerAt>['db'];
interface Cell {
  contact_id: number;
  channel: 'sms' | 'whatsapp';
  purpose: string;
  status: ConsentStatus;
  expires_at: number | null;
}

/** Each contact's listed columns as the domain works them out from its projection cells (listed.ts). */
function expected(db: Db): Map<number, Record<string, number | null>> {
  const cells = db.prepare('SELECT contact_id, channel, purpose, status, expires_at FROM consent_state').all() as Cell[];
  const out = new Map<number, Record<string, number | null>>();
  for (const { id } of db.prepare('SELECT id FROM contacts').all() as { id: number }[]) {
    const mine = cells.filter((c) => c.contact_id === id);
    const cell = (channel: string) => {
      const c = mine.find((x) => x.channel === channel && x.purpose === 'marketing');
      return listedCell(c ? { status: c.status, expiresAt: c.expires_at } : null);
    };
    const sms = cell('sms');
    const wa = cell('whatsapp');
    out.set(id, {
      sms_listed: sms.code,
      sms_listed_until: sms.until,
      wa_listed: wa.code,
      wa_listed_until: wa.until,
      pd_until: personalDataUntil(mine.filter((c) => c.purpose === 'personal_data').map((c) => ({ status: c.status, expiresAt: c.expires_at }))),
    });
  }
  return out;
}

const stored = (db: Db) =>
  new Map(
    (
      db.prepare('SELECT id, sms_listed, sms_listed_until, wa_listed, wa_listed_until, pd_until FROM contacts').all() as Record<
        string,
        number | null
      >[]
    ).map(({ id, ...rest }) => [id as number, rest]),
  );

describe('migration 0016_listed_status: what the list shows of each contact, kept with the contact', () => {
  it('keeps every row and fills each contact from its cells as the domain reads them', () => {
    const s = registerAt(15);
    const db = s.db;
    const before = snapshot(db);
    expect(migrate(db, 16)).toBe(16);
    expectKept(before, db);
    expectHealthy(db);
    expect(stored(db)).toEqual(expected(db));
    // Anna: SMS granted with the personal-data consent, WhatsApp pending; Semyon: WhatsApp revoked.
    expect(stored(db).get(s.ids.anna!)).toMatchObject({ sms_listed: 1, wa_listed: 3, pd_until: Number.MAX_SAFE_INTEGER });
    expect(stored(db).get(s.ids.semyon!)).toMatchObject({ sms_listed: 0, wa_listed: 5, pd_until: 0 });
    db.close();
  });

  it('every status, an expiry and a personal-data consent on either channel; the index a status filter seeks', () => {
    const s = registerAt(15);
    const db = s.db;
    const add = db.prepare(
      "INSERT INTO contacts (phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (?, ?, ?, ?, 'mobile', ?, ?)",
    );
    const cell = db.prepare(
      'INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, ?, ?, ?, ?, NULL)',
    );
    const statuses: ConsentStatus[] = ['granted', 'unproven', 'pending', 'expired', 'revoked', 'none'];
    statuses.forEach((status, i) => {
      const id = Number(add.run(`+7913000000${i}`, `913000000${i}`, `Тест ${i}`, `тест ${i}`, T0, T0).lastInsertRowid);
      cell.run(id, 'sms', 'marketing', status, T0, status === 'granted' || status === 'pending' ? T0 + i : null);
      cell.run(id, 'whatsapp', 'marketing', statuses[(i + 1) % statuses.length], T0, null);
      // The personal-data consent: none, on SMS without expiry, on WhatsApp until a day, revoked, on both.
      if (i % 5 === 1) cell.run(id, 'sms', 'personal_data', 'granted', T0, null);
      if (i % 5 === 2) cell.run(id, 'whatsapp', 'personal_data', 'granted', T0, T0 + 86_400_000);
      if (i % 5 === 3) cell.run(id, 'sms', 'personal_data', 'revoked', T0, null);
      if (i % 5 === 4) {
        cell.run(id, 'sms', 'personal_data', 'granted', T0, T0 + 5);
        cell.run(id, 'whatsapp', 'personal_data', 'granted', T0, T0 + 9);
      }
    });
    expect(migrate(db, 16)).toBe(16);
    expect(stored(db)).toEqual(expected(db));
    const listed = [...stored(db).values()];
    expect(new Set(listed.map((r) => r.sms_listed))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(listed.some((r) => r.pd_until === T0 + 86_400_000)).toBe(true);
    expect(listed.some((r) => r.pd_until === T0 + 9)).toBe(true);
    expect(listed.some((r) => r.sms_listed_until === T0 + 2)).toBe(true);

    // The repository keeps them from here on: a write of a cell, and a rebuilt range.
    const repo = new ConsentRepo(db);
    const zoe = s.ids.zoe!;
    repo.upsertState({
      contactId: zoe,
      channel: 'whatsapp',
      purpose: 'marketing',
      status: 'granted',
      since: T0,
      expiresAt: T0 + 7,
      lastEventSeq: null,
    });
    repo.upsertState({ contactId: zoe, channel: 'sms', purpose: 'personal_data', status: 'granted', since: T0, expiresAt: null, lastEventSeq: null });
    expect(stored(db).get(zoe)).toMatchObject({ wa_listed: 1, wa_listed_until: T0 + 7, pd_until: Number.MAX_SAFE_INTEGER });
    db.prepare('UPDATE contacts SET sms_listed = 4, wa_listed_until = 1, pd_until = 3').run();
    repo.relistRange(1, 1_000_000);
    expect(stored(db)).toEqual(expected(db));

    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan('SELECT id FROM contacts c WHERE c.removed_at IS NULL AND c.sms_listed = 5 ORDER BY c.name_key, c.id LIMIT 50')).toContain(
      'USING COVERING INDEX contacts_active_sms_listed',
    );
    expect(plan('SELECT id FROM contacts c WHERE c.removed_at IS NULL AND c.wa_listed = 1 ORDER BY c.name_key, c.id LIMIT 50')).toContain(
      'contacts_active_wa_listed',
    );
    // A tag filter in name order reads the name index alone (it holds the tags).
    expect(
      plan(
        "SELECT id FROM contacts c WHERE c.removed_at IS NULL AND c.tags <> '[]' AND EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN ('vip')) ORDER BY c.name_key, c.id LIMIT 50",
      ),
    ).toContain('USING COVERING INDEX contacts_active_name');
    db.close();
  });
});
