import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { journalPathFor } from '../register/optout-journal';

/**
 * What lies beside a register file and shows a register was kept there: its opt-out journal (made beside the register
 * only once the register has opened) or a backup of it in the `backups/` folder beside it (backups/backups.ts: a
 * file `<stem>.<UTC stamp>[-n].<reason>.db`, its record `<file>.json` naming the register file it was taken from).
 * Read only when the register file holds no tables, to tell an emptied register from a new one.
 */
export type RegisterTrace = { kind: 'journal'; path: string } | { kind: 'backup'; path: string };

const STAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z(?:-\\d+)?';
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first trace found beside `dbPath` (the journal, else the newest backup of it), or null: nothing shows a register was there. */
export function registerTrace(dbPath: string): RegisterTrace | null {
  const journal = journalPathFor(dbPath);
  const st = statSync(journal, { throwIfNoEntry: false });
  if (st?.isFile() && st.size > 0) return { kind: 'journal', path: journal };
  const backup = newestBackup(dbPath);
  return backup ? { kind: 'backup', path: backup } : null;
}

/** The newest backup of the register at `dbPath`: a backup file named for it, or a record naming it (its file may be gone). */
function newestBackup(dbPath: string): string | null {
  const folder = join(dirname(resolve(dbPath)), 'backups');
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null;
  }
  const file = basename(dbPath);
  const stem = file.replace(/\.[^.]+$/, '') || 'register';
  const named = new RegExp(`^${escapeRe(stem)}\\.${STAMP}\\.[a-z-]+\\.db$`);
  // Newest first: the UTC stamp in the name sorts by time.
  for (const name of names.sort().reverse()) {
    if (named.test(name)) return join(folder, name);
    if (name.endsWith('.db.json') && recordNames(join(folder, name), file)) return join(folder, name.slice(0, -'.json'.length));
  }
  return null;
}

/** Whether the backup record at `path` says it was taken from a register file called `file`. */
function recordNames(path: string, file: string): boolean {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; register?: unknown } | null;
    return typeof r?.format === 'string' && r.format.startsWith('optin-desk-backup/') && r.register === file;
  } catch {
    return false;
  }
}
