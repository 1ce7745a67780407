import { sql as m0001 } from './0001_init';
import { sql as m0002 } from './0002_inbound';
import { sql as m0003 } from './0003_imports';
import { sql as m0004 } from './0004_sheets';
import { sql as m0005 } from './0005_batches';
import { sql as m0006 } from './0006_outbox';
import { sql as m0007 } from './0007_integrity';
import { sql as m0008 } from './0008_register_id';

/** A numbered schema step; `foreignKeysOff` for steps that rebuild a table others reference (SQLite's documented procedure). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  foreignKeysOff?: boolean;
}

/** Every migration in order; index + 1 is the schema version it produces. Never edit one that has landed. */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: m0001 },
  { version: 2, name: '0002_inbound', sql: m0002 },
  { version: 3, name: '0003_imports', sql: m0003, foreignKeysOff: true },
  { version: 4, name: '0004_sheets', sql: m0004 },
  { version: 5, name: '0005_batches', sql: m0005 },
  { version: 6, name: '0006_outbox', sql: m0006 },
  { version: 7, name: '0007_integrity', sql: m0007 },
  { version: 8, name: '0008_register_id', sql: m0008 },
];
