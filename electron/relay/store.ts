import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RelaySource } from './types';

/** The relay's own database file inside its data folder. (The relay is a program of its own: this is its only SQL.) */
export const RELAY_DB_FILE = 'relay.sqlite';

/** A stored webhook, body as the text that was received (Meta's JSON) or stored (Twilio's fields as JSON). */
export interface StoredEvent {
  id: number;
  source: RelaySource;
  receivedAt: number;
  body: string;
}

interface EventRow {
  id: number;
  source: string;
  received_at: number;
  body: string;
}

/**
 * The relay's durable queue: one SQLite file in WAL mode with `synchronous = FULL`, so an event is on disk (fsync'd)
 * when `append` returns — the relay answers 200 only after that. Ids grow and are never reused (AUTOINCREMENT), and the
 * folder has an id of its own (`instance`) that cursors carry, so a wiped or replaced data folder is noticed.
 */
export class RelayStore {
  private constructor(
    private readonly db: Database.Database,
    readonly instance: string,
  ) {}

  /** Opens (or creates) the store in `dir`, creating the folder when missing. */
  static open(dir: string): RelayStore {
    fs.mkdirSync(dir, { recursive: true });
    const db = new Database(path.join(dir, RELAY_DB_FILE));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(`
        CREATE TABLE IF NOT EXISTS relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS relay_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          source TEXT NOT NULL CHECK (source IN ('whatsapp', 'twilio')),
          received_at INTEGER NOT NULL,
          body TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS relay_events_received ON relay_events (received_at);
      `);
      db.prepare(`INSERT OR IGNORE INTO relay_meta (key, value) VALUES ('instance', ?)`).run(randomBytes(6).toString('hex'));
      const row = db.prepare(`SELECT value FROM relay_meta WHERE key = 'instance'`).get() as { value: string };
      return new RelayStore(db, row.value);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Stores one event durably and returns its id. */
  append(source: RelaySource, body: string, receivedAt: number): number {
    const r = this.db.prepare(`INSERT INTO relay_events (source, received_at, body) VALUES (?, ?, ?)`).run(source, receivedAt, body);
    return Number(r.lastInsertRowid);
  }

  /**
   * Up to `limit` events with an id above `after`, oldest first, and whether more follow. A page stops early once its
   * bodies pass `maxBytes` (it always holds at least one event), so a page of large webhooks stays a sane size.
   */
  page(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): { events: StoredEvent[]; more: boolean } {
    const rows = this.db
      .prepare(`SELECT id, source, received_at, body FROM relay_events WHERE id > ? ORDER BY id LIMIT ?`)
      .all(after, limit + 1) as EventRow[];
    const events: StoredEvent[] = [];
    let bytes = 0;
    for (const r of rows.slice(0, limit)) {
      bytes += r.body.length;
      if (events.length && bytes > maxBytes) break;
      events.push({ id: r.id, source: r.source as RelaySource, receivedAt: r.received_at, body: r.body });
    }
    return { events, more: rows.length > events.length };
  }

  /** The highest id ever given out in this folder (0 before the first event), deleted events included. */
  lastId(): number {
    const row = this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'relay_events'`).get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /** Drops the events up to and including `upTo`; returns how many were dropped. */
  ack(upTo: number): number {
    return this.db.prepare(`DELETE FROM relay_events WHERE id <= ?`).run(upTo).changes;
  }

  /** Drops events received before `before` (ms), acknowledged or not; returns how many. */
  prune(before: number): number {
    return this.db.prepare(`DELETE FROM relay_events WHERE received_at < ?`).run(before).changes;
  }

  /** How many events are waiting. */
  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM relay_events`).get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
