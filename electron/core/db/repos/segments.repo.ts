import type { Db } from '../open';

/** A saved filter of the contacts list (times in ms; the filter as the contract gives it). */
export interface SegmentRecord {
  id: number;
  name: string;
  filter: Record<string, unknown>;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

interface SegmentRow {
  id: number;
  name: string;
  filter: string;
  created_at: number;
  created_by: string;
  updated_at: number;
}

const toRecord = (r: SegmentRow): SegmentRecord => ({
  id: r.id,
  name: r.name,
  filter: JSON.parse(r.filter) as Record<string, unknown>,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

/** SQL for segments (migration 0013). */
export class SegmentsRepo {
  constructor(private readonly db: Db) {}

  list(): SegmentRecord[] {
    return this.db.prepare<[], SegmentRow>('SELECT * FROM segments ORDER BY name COLLATE NOCASE, id').all().map(toRecord);
  }

  /** By name, whatever its case in any script («весенние» finds «Весенние»; SQLite's NOCASE folds only ASCII). */
  byName(name: string): SegmentRecord | undefined {
    const folded = name.trim().toLowerCase();
    return this.list().find((s) => s.name.toLowerCase() === folded);
  }

  insert(s: Omit<SegmentRecord, 'id'>): SegmentRecord {
    const info = this.db
      .prepare('INSERT INTO segments (name, filter, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(s.name, JSON.stringify(s.filter), s.createdAt, s.createdBy, s.updatedAt);
    return { ...s, id: Number(info.lastInsertRowid) };
  }

  /** A new filter (and the name as now written) for an existing segment. */
  replace(id: number, name: string, filter: Record<string, unknown>, at: number): void {
    this.db.prepare('UPDATE segments SET name = ?, filter = ?, updated_at = ? WHERE id = ?').run(name, JSON.stringify(filter), at, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM segments WHERE id = ?').run(id);
  }
}
