/**
 * Time one import of a CSV file into a fresh register, for profiling (`node --import tsx --cpu-prof
 * test/bench/import-one.ts FILE [dry]`); prints the time of runImport alone and the peak memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createBackend } from '../../electron/core/backend';
import { runImport } from '../../electron/core/intake/import';
import { sniffFile } from '../../electron/core/intake/reader';
import { autoMap } from '../../shared/domain/csv/presets';

const file = process.argv[2];
if (!file) throw new Error('usage: import-one.ts FILE [dry]');
const dir = mkdtempSync(join(tmpdir(), 'optin-import-one-'));
const b = createBackend({ dbPath: join(dir, 'register.db') });
await b.dispatch('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'eu' });
const stored = b.files.adopt(file);
const { mapping } = autoMap((await sniffFile(file)).headers);
const t = performance.now();
const s = await runImport(b.ctx, b.files, stored, { mapping, merge: 'fill_blanks', actor: 'Owner' }, process.argv[3] === 'dry');
console.log(
  `${process.argv[3] === 'dry' ? 'preview' : 'commit'} ${Math.round(performance.now() - t)} ms for ${s.rows} rows; peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
);
b.close();
rmSync(dir, { recursive: true, force: true });
