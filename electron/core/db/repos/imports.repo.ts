import type { Db } from '../open';

/** One committed import as stored. */
export interface BatchRecord {
  id: number;
  fileName: string;
  fileSha256: string;
  fileBytes: number;
  options: Record<string, unknown>;
  summary: Record<string, unknown>;
  firstEventId: number | null;
  lastEventId: number | null;
  committedAt: number;
  committedBy: string;
  undoneAt: number | null;
  undoneBy: string | null;
}

interface BatchRow {
  id: number;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  options: string;
  summary: string;
  first_event_id: number | null;
  last_event_id: number | null;
  committed_at: number;
  committed_by: string;
  undone_at: number | null;
  undone_by: string | null;
}

const toBatch = (r: BatchRow): BatchRecord => ({
  id: r.id,
  fileName: r.file_name,
  fileSha256: r.file_sha256,
  fileBytes: r.file_bytes,
  options: JSON.parse(r.options) as Record<string, unknown>,
  summary: JSON.parse(r.summary) as Record<string, unknown>,
  firstEventId: r.first_event_id,
  lastEventId: r.last_event_id,
  committedAt: r.committed_at,
  committedBy: r.committed_by,
  undoneAt: r.undone_at,
  undoneBy: r.undone_by,
});

/** A saved column mapping (by header name, so it applies to the next file of the same shape). */
export interface PresetRecord {
  id: number;
  name: string;
  mapping: unknown;
  createdAt: number;
  updatedAt: number;
}

/** SQL for import batches, their before-images and saved mapping presets. */
export class ImportsRepo {
  private readonly saveBeforeStmt;

  constructor(private readonly db: Db) {
    this.saveBeforeStmt = db.prepare('INSERT OR IGNORE INTO import_batch_updates (batch_id, contact_id, before) VALUES (?, ?, ?)');
  }

  /** The id the next batch will get (call inside the write transaction that inserts it). */
  nextBatchId(): number {
    return (this.db.prepare<[], { n: number | null }>('SELECT max(id) AS n FROM import_batches').get()?.n ?? 0) + 1;
  }

  insertBatch(b: Omit<BatchRecord, 'undoneAt' | 'undoneBy'>): void {
    this.db
      .prepare(
        `INSERT INTO import_batches (id, file_name, file_sha256, file_bytes, options, summary, first_event_id, last_event_id, committed_at, committed_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        b.id,
        b.fileName,
        b.fileSha256,
        b.fileBytes,
        JSON.stringify(b.options),
        JSON.stringify(b.summary),
        b.firstEventId,
        b.lastEventId,
        b.committedAt,
        b.committedBy,
      );
  }

  /** Record a batch's figures and event range once it has run (the row is inserted first so its changes can point to it). */
  finishBatch(id: number, summary: Record<string, unknown>, firstEventId: number | null, lastEventId: number | null): void {
    this.db
      .prepare('UPDATE import_batches SET summary = ?, first_event_id = ?, last_event_id = ? WHERE id = ?')
      .run(JSON.stringify(summary), firstEventId, lastEventId, id);
  }

  getBatch(id: number): BatchRecord | undefined {
    const r = this.db.prepare<[number], BatchRow>('SELECT * FROM import_batches WHERE id = ?').get(id);
    return r ? toBatch(r) : undefined;
  }

  listBatches(limit: number): BatchRecord[] {
    return this.db.prepare<[number], BatchRow>('SELECT * FROM import_batches ORDER BY id DESC LIMIT ?').all(limit).map(toBatch);
  }

  markUndone(id: number, at: number, by: string): void {
    this.db.prepare('UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS NULL').run(at, by, id);
  }

  /**
   * Everyone an import brought in or touched, by contact id: the contacts it added, those whose fields it changed,
   * and those it recorded a consent event for (a batch's events are the range first_event_id..last_event_id).
   * Contacts removed since are left out.
   */
  contactsOf(batchId: number): number[] {
    return this.db
      .prepare<{ b: number }, [number]>(
        `SELECT c.id FROM contacts c
          WHERE c.removed_at IS NULL
            AND (c.import_batch_id = @b
              OR c.id IN (SELECT u.contact_id FROM import_batch_updates u WHERE u.batch_id = @b)
              OR c.id IN (SELECT e.contact_id FROM import_batches i JOIN consent_events e ON e.id BETWEEN i.first_event_id AND i.last_event_id
                           WHERE i.id = @b))
          ORDER BY c.id`,
      )
      .raw()
      .all({ b: batchId })
      .map(([id]) => id);
  }

  /** Keep a contact's fields as they were before the batch first changed them. */
  saveBefore(batchId: number, contactId: number, before: unknown): void {
    this.saveBeforeStmt.run(batchId, contactId, JSON.stringify(before));
  }

  befores(batchId: number): { contactId: number; before: unknown }[] {
    return this.db
      .prepare<[number], { contact_id: number; before: string }>('SELECT contact_id, before FROM import_batch_updates WHERE batch_id = ?')
      .all(batchId)
      .map((r) => ({ contactId: r.contact_id, before: JSON.parse(r.before) as unknown }));
  }

  listPresets(): PresetRecord[] {
    return this.db
      .prepare<[], { id: number; name: string; mapping: string; created_at: number; updated_at: number }>(
        'SELECT id, name, mapping, created_at, updated_at FROM import_presets ORDER BY name',
      )
      .all()
      .map((r) => ({ id: r.id, name: r.name, mapping: JSON.parse(r.mapping) as unknown, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  /** Save (or replace, by name) a preset. */
  savePreset(name: string, mapping: unknown, at: number): PresetRecord {
    this.db
      .prepare(
        `INSERT INTO import_presets (name, mapping, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(mapping), at, at);
    return this.listPresets().find((p) => p.name.toLowerCase() === name.toLowerCase())!;
  }

  deletePreset(id: number): boolean {
    return this.db.prepare('DELETE FROM import_presets WHERE id = ?').run(id).changes > 0;
  }
}
