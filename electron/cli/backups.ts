import { existsSync } from 'node:fs';
import type { Dispatch } from '../../shared/contract/dispatch';
import type { BackupInfo, BackupProblem, Method, Output, RegisterSummary, RestoreLoss } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import { UsageError, defined } from './args';

/** Flags the backup commands read. */
export interface BackupFlags {
  to?: string | undefined;
  note?: string | undefined;
  yes?: boolean | undefined;
  staff?: string | undefined;
}

type Result = { ok: true; value: unknown; human: string; exit?: number } | { ok: false; error: ApiError };

async function call<M extends Method>(
  dispatch: Dispatch,
  method: M,
  input: Record<string, unknown>,
): Promise<{ ok: true; value: Output<M> } | { ok: false; error: ApiError }> {
  const r = await dispatch(method, input);
  return r.ok ? { ok: true, value: r.value as Output<M> } : { ok: false, error: r.error };
}

/** A backup named on the command line: a path when it names a file there, else a name in the backups folder. */
function locator(arg: string | undefined): { id: string } | { path: string } {
  if (arg === undefined || arg === '') throw new UsageError('give the backup: its name from "optin backup list", or the path of a backup file');
  return /[\\/]/.test(arg) || existsSync(arg) ? { path: arg } : { id: arg };
}

const kb = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

function holds(s: RegisterSummary): string {
  return `${s.contacts} contact${s.contacts === 1 ? '' : 's'} · ${s.events} consent event${s.events === 1 ? '' : 's'} · ${s.auditRows} audit row${s.auditRows === 1 ? '' : 's'} · last event ${s.lastEventAt ?? 'none'}`;
}

function problemLines(problems: BackupProblem[]): string[] {
  return problems.map((p) => `  ✗ ${p.message}`);
}

function backupLines(b: BackupInfo): string[] {
  const mark = b.verified === null ? '?' : b.verified.ok ? '✓' : '✗';
  const lines = [
    `${mark} ${b.createdAt ?? '(no record)'}  ${(b.reason ?? 'unknown').padEnd(16)} ${kb(b.bytes).padStart(8)}  ${b.id}${b.note ? `  — ${b.note}` : ''}`,
  ];
  if (b.register) lines.push(`    ${holds(b.register)}`, `    head: ${b.register.head}`);
  if (b.verified && !b.verified.ok) lines.push(...problemLines(b.verified.problems).map((l) => `  ${l}`));
  return lines;
}

function lossLines(loss: RestoreLoss): string[] {
  return [loss.warning];
}

function previewLines(p: Output<'backup.preview'>): string[] {
  const lines = [`Backup ${p.backup.id} (${p.backup.reason ?? 'no record'}, ${p.backup.createdAt ?? 'time unknown'})`];
  lines.push(p.ok ? '  ✓ it checks out' : '  ✗ it does not check out, and cannot be restored:', ...problemLines(p.problems));
  if (p.restored) lines.push(`The restored register would hold: ${holds(p.restored)}`, `  head: ${p.restored.head}`);
  if (p.current) lines.push(`The current register holds: ${holds(p.current)}`, `  head: ${p.current.head}`);
  else if (p.currentProblem) lines.push(`The current register: ${p.currentProblem}`);
  lines.push(...lossLines(p.loss));
  return lines;
}

/** `optin backup list|create|verify|preview|restore`. */
export async function backupCommand(dispatch: Dispatch, command: string | undefined, arg: string | undefined, f: BackupFlags): Promise<Result> {
  switch (command) {
    case 'list': {
      if (arg !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
      const r = await call(dispatch, 'backup.list', {});
      if (!r.ok) return r;
      const v = r.value;
      const lines = [
        `Backups in ${v.folder} — kept: the newest daily one of each of the last ${v.keeps.daily} days and of ${v.keeps.weekly} weeks before them, the last ${v.keeps.before} made before a change, every one made by hand`,
      ];
      if (v.backups.length === 0) lines.push('  none yet: "optin backup create" makes one');
      for (const b of v.backups) lines.push(...backupLines(b));
      return { ok: true, value: v, human: lines.join('\n') };
    }
    case 'create': {
      if (arg !== undefined) throw new UsageError(`unexpected argument "${arg}" (to back up to a folder, give it with --to)`);
      const r = await call(dispatch, 'backup.create', defined({ to: f.to, note: f.note, staff: f.staff }));
      if (!r.ok) return r;
      const b = r.value.backup;
      const lines = [`Backed up to ${b.path}`, ...backupLines(b)];
      if (b.verified && !b.verified.ok) lines.push('The backup was written but does not check out: see the problems above.');
      return { ok: true, value: r.value, human: lines.join('\n'), exit: b.verified?.ok === false ? 1 : 0 };
    }
    case 'verify': {
      const r = await call(dispatch, 'backup.verify', locator(arg));
      if (!r.ok) return r;
      const v = r.value;
      const lines = v.ok
        ? [
            `✓ ${v.backup.id} checks out: it opens, migrates to this version and audit verify finds nothing wrong${v.backup.sha256 ? '; the file and its heads are as recorded' : ''}`,
          ]
        : [`✗ ${v.backup.id} does not check out:`, ...problemLines(v.problems)];
      if (v.backup.register) lines.push(`  ${holds(v.backup.register)}`, `  head: ${v.backup.register.head}`);
      return { ok: true, value: v, human: lines.join('\n'), exit: v.ok ? 0 : 1 };
    }
    case 'preview': {
      const r = await call(dispatch, 'backup.preview', locator(arg));
      if (!r.ok) return r;
      return { ok: true, value: r.value, human: previewLines(r.value).join('\n'), exit: r.value.ok ? 0 : 1 };
    }
    case 'restore': {
      const where = locator(arg);
      const p = await call(dispatch, 'backup.preview', where);
      if (!p.ok) return p;
      if (!f.yes) {
        const lines = previewLines(p.value);
        lines.push(
          f.to !== undefined
            ? `Nothing was restored yet: run again with --yes to write the restored register to ${f.to} (the current register is left as it is).`
            : 'Nothing was restored: run again with --yes to restore it (the current register is kept as a backup first).',
        );
        return { ok: true, value: { restored: false, preview: p.value }, human: lines.join('\n'), exit: 1 };
      }
      const r = await call(dispatch, 'backup.restore', defined({ ...where, to: f.to, currentHead: p.value.current?.head, staff: f.staff }));
      if (!r.ok) return r;
      const v = r.value;
      const lines = [`Restored ${p.value.backup.id} into ${v.path}: ${holds(v.restored)}`];
      if (v.keptAs) lines.push(`The register it replaced is kept as ${v.keptAs.path}${v.keptAs.register ? ` (${holds(v.keptAs.register)})` : ''}.`);
      lines.push(...lossLines(v.loss));
      lines.push(`The witness now remembers head ${v.head}${v.previousHead ? ` (it remembered ${v.previousHead})` : ''}.`);
      if (v.pausedBatches.length)
        lines.push(
          `Campaigns paused: ${v.pausedBatches.join(', ')} — check who already got the message ("optin batch recipients ID"), then "optin batch resume ID".`,
        );
      return { ok: true, value: v, human: lines.join('\n') };
    }
    default:
      throw new UsageError(`backup: expected list, create, verify, preview or restore${command ? `, not "${command}"` : ''}`);
  }
}
