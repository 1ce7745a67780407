import type { Db } from '../open';
import { Statements } from './statements';

/** A staff row (times in ms). */
export interface StaffRecord {
  id: number;
  name: string;
  role: 'owner' | 'staff';
  active: boolean;
  createdAt: number;
}

interface StaffRow {
  id: number;
  name: string;
  role: 'owner' | 'staff';
  active: number;
  created_at: number;
}

const toRecord = (r: StaffRow): StaffRecord => ({ id: r.id, name: r.name, role: r.role, active: r.active === 1, createdAt: r.created_at });

/** SQL for staff members. */
export class StaffRepo {
  private readonly statements: Statements;

  constructor(private readonly db: Db) {
    this.statements = new Statements(db);
  }

  list(): StaffRecord[] {
    return this.db.prepare<[], StaffRow>('SELECT id, name, role, active, created_at FROM staff ORDER BY active DESC, name').all().map(toRecord);
  }

  get(id: number): StaffRecord | undefined {
    const r = this.db.prepare<[number], StaffRow>('SELECT id, name, role, active, created_at FROM staff WHERE id = ?').get(id);
    return r ? toRecord(r) : undefined;
  }

  /** By name, whatever its case in any script («мария» finds «Мария»; SQLite's NOCASE folds only ASCII). */
  byName(name: string): StaffRecord | undefined {
    const folded = name.trim().toLowerCase();
    return this.list().find((s) => s.name.toLowerCase() === folded);
  }

  firstOwner(): StaffRecord | undefined {
    const r = this.statements
      .get<[], StaffRow>("SELECT id, name, role, active, created_at FROM staff WHERE role = 'owner' AND active = 1 ORDER BY id LIMIT 1")
      .get();
    return r ? toRecord(r) : undefined;
  }

  insert(s: Omit<StaffRecord, 'id'>): StaffRecord {
    const info = this.db
      .prepare('INSERT INTO staff (name, role, active, created_at) VALUES (?, ?, ?, ?)')
      .run(s.name, s.role, s.active ? 1 : 0, s.createdAt);
    return { ...s, id: Number(info.lastInsertRowid) };
  }

  setActive(id: number, active: boolean): void {
    this.db.prepare('UPDATE staff SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
  }
}
