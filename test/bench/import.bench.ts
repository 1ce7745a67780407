/**
 * CSV import/export benchmark (issue #3). Targets on a 2-core machine: import 1,000,000 rows (a typical CRM
 * export, ~120 bytes a row) into an empty register in < 20 s and into a register already holding 1,000,000
 * contacts in < 30 s, peak memory < 400 MB; export 1,000,000 contacts in < 5 s. Every figure is printed beside
 * floors measured in the same run on the same file: papaparse alone over the file, and a bare prepared-statement
 * insert of the same rows in one transaction. Each phase runs in its own process so its peak memory is its own.
 * BENCH_ROWS=100000 for a quicker run.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Papa from 'papaparse';
import Database from 'better-sqlite3';
import { createBackend } from '../../electron/core/backend';
import { runImport } from '../../electron/core/intake/import';
import { createExport } from '../../electron/core/intake/export';
import { autoMap } from '../../shared/domain/csv/presets';
import { sniffFile } from '../../electron/core/intake/reader';
import { writeCrmCsv } from './crm-file';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const T0 = Date.parse('2026-06-01T09:00:00Z');

interface PhaseResult {
  ms: number;
  maxRssMb: number;
  /** CPU time the phase used, all its threads together: steadier than the clock on a machine whose disk or host stalls. */
  cpuS: number;
  note?: string;
}

async function importInto(dbPath: string, file: string): Promise<string> {
  const backend = createBackend({ dbPath, clock: { now: () => T0 } });
  await backend.dispatch('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'eu' });
  const stored = backend.files.adopt(file);
  const sniff = await sniffFile(file);
  const { mapping } = autoMap(sniff.headers);
  const s = await runImport(backend.ctx, backend.files, stored, { mapping, merge: 'fill_blanks', actor: 'Owner' }, false);
  backend.close();
  return `${s.rows.toLocaleString('en')} rows: ${s.created.toLocaleString('en')} new, ${s.updated.toLocaleString('en')} updated, ${s.consentsGranted.toLocaleString('en')} grants, ${s.revocations.toLocaleString('en')} revocations, ${s.rejected} rejected`;
}

/** One measured phase, run in this process (as a child of the orchestrator). */
async function phase(name: string, dir: string): Promise<PhaseResult> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let note: string | undefined;
  const fileA = join(dir, 'crm-a.csv');
  const fileB = join(dir, 'crm-b.csv');
  switch (name) {
    case 'papaparse': {
      let rows = 0;
      await new Promise<void>((done, fail) =>
        Papa.parse(createReadStream(fileA) as unknown as File, { step: () => void rows++, complete: () => done(), error: fail }),
      );
      note = `${rows.toLocaleString('en')} records`;
      break;
    }
    case 'bare-insert': {
      const db = new Database(join(dir, 'bare.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(
        'CREATE TABLE t (id TEXT, first TEXT, last TEXT, phone TEXT, email TEXT, city TEXT, tags TEXT, consent TEXT, date TEXT, source TEXT) STRICT',
      );
      const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      // This floor is parse + insert of the raw cells: what an import costs before any checking or indexing.
      await new Promise<void>((done, fail) =>
        Papa.parse<string[]>(createReadStream(fileA) as unknown as File, {
          chunk: (r) => {
            db.transaction(() => {
              for (const cells of r.data) if (cells.length === 10) ins.run(...cells);
            })();
          },
          complete: () => done(),
          error: fail,
        }),
      );
      db.close();
      break;
    }
    case 'import-empty':
      note = await importInto(join(dir, 'register.db'), fileA);
      break;
    case 'import-full':
      note = await importInto(join(dir, 'register.db'), fileB);
      break;
    case 'export': {
      const backend = createBackend({ dbPath: join(dir, 'register.db'), clock: { now: () => T0 } });
      const r = createExport(backend.ctx, backend.files, { what: 'contacts', for: 'excel', language: 'en', encoding: 'utf-8' });
      note = `${r.rows.toLocaleString('en')} contacts, ${(r.bytes / 1e6).toFixed(0)} MB`;
      backend.close();
      break;
    }
    case 'export-floor': {
      const db = new Database(join(dir, 'register.db'), { readonly: true });
      let n = 0;
      let bytes = 0;
      for (const r of db.prepare('SELECT phone, name, email, tags FROM contacts').raw().iterate()) {
        n++;
        bytes += (r as string[]).join(',').length;
      }
      db.close();
      note = `${n.toLocaleString('en')} rows scanned, ${(bytes / 1e6).toFixed(0)} MB of text`;
      break;
    }
  }
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - start,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuS: (used.user + used.system) / 1e6,
    ...(note ? { note } : {}),
  };
}

if (process.argv[2] === '--phase') {
  const r = await phase(process.argv[3]!, process.argv[4]!);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
function run(name: string, dir: string): PhaseResult {
  const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--phase', name, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  if (out.status !== 0 || !line.startsWith('{')) throw new Error(`phase ${name} failed: ${out.stderr.slice(-2000)}`);
  return JSON.parse(line) as PhaseResult;
}

const dir = mkdtempSync(join(tmpdir(), 'optin-import-bench-'));
try {
  console.log(`Optin Desk import/export benchmark — ${ROWS.toLocaleString('en')} rows (node ${process.version})`);
  await writeCrmCsv(join(dir, 'crm-a.csv'), ROWS);
  // The second file: half the numbers already in the register (updates), half new.
  await writeCrmCsv(join(dir, 'crm-b.csv'), ROWS, Math.floor(ROWS / 2));
  const size = statSync(join(dir, 'crm-a.csv')).size;
  console.log(`file: ${(size / 1e6).toFixed(0)} MB, ${(size / ROWS).toFixed(0)} bytes a row\n`);
  const fmt = (r: PhaseResult): string =>
    `${(r.ms / 1000).toFixed(1).padStart(6)} s  cpu ${r.cpuS.toFixed(1).padStart(6)} s  peak ${r.maxRssMb.toFixed(0).padStart(4)} MB`;
  const papa = run('papaparse', dir);
  const bare = run('bare-insert', dir);
  console.log(`floor: papaparse alone          ${fmt(papa)}   ${papa.note ?? ''}`);
  console.log(`floor: bare prepared insert     ${fmt(bare)}   (parse + insert of the raw cells, one table, no indexes)`);
  const a = run('import-empty', dir);
  console.log(`import into an empty register   ${fmt(a)}   target < 20 s, < 400 MB   ${a.note ?? ''}`);
  const b = run('import-full', dir);
  console.log(`import into a full register     ${fmt(b)}   target < 30 s, < 400 MB   ${b.note ?? ''}`);
  const ef = run('export-floor', dir);
  const e = run('export', dir);
  console.log(`floor: bare scan of contacts    ${fmt(ef)}   ${ef.note ?? ''}`);
  console.log(`export contacts with consent    ${fmt(e)}   target < 5 s   ${e.note ?? ''}`);
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
