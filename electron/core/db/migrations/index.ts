import { sql as m0001 } from './0001_init';
import { sql as m0002 } from './0002_inbound';

/** Every migration in order; index + 1 is the schema version it produces. Never edit one that has landed. */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: '0001_init', sql: m0001 },
  { version: 2, name: '0002_inbound', sql: m0002 },
];
