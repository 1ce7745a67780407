import { sql as m0001 } from './0001_init';

/** Every migration in order; index + 1 is the schema version it produces. Never edit one that has landed. */
export const migrations: readonly { version: number; name: string; sql: string }[] = [{ version: 1, name: '0001_init', sql: m0001 }];
