/**
 * Time one contacts export of an existing register, for profiling (`node --import tsx --cpu-prof
 * test/bench/export-one.ts REGISTER.db`).
 */
import { createBackend } from '../../electron/core/backend';
import { createExport } from '../../electron/core/intake/export';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: export-one.ts REGISTER.db');
const b = createBackend({ dbPath });
const t = performance.now();
const r = createExport(b.ctx, b.files, { what: 'contacts', for: 'excel', language: 'en', encoding: 'utf-8' });
console.log(`export ${Math.round(performance.now() - t)} ms for ${r.rows} contacts (${(r.bytes / 1e6).toFixed(0)} MB)`);
b.files.discard(r.fileId);
b.close();
