import { existsSync } from 'node:fs';
import type { BackupInfo, BackupProblem, Output, RegisterSummary, RestoreLoss } from '../../../shared/contract/api';
import { UsageError } from '../args';
import { ref } from '../../../shared/contract/said';
import { command, type Arg, type Command, type Ctx, type Group, type Outcome } from '../spec';
import { staffFlag } from './common';

/** A backup named on the command line: a path when it names a file there, else a name in the backups folder. */
function locator(arg: string | undefined): { id: string } | { path: string } {
  if (arg === undefined || arg === '') throw new UsageError('cli.giveBackup');
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

/** `backup restore`: the preview and what would be lost; with --yes, the restore. */
async function restore(c: Ctx): Promise<Outcome> {
  const where = locator(c.args.B);
  const to = c.flags.to as string | undefined;
  const p = await c.call('backup.preview', where);
  if (!c.flags.yes) {
    const lines = previewLines(p);
    lines.push(
      to !== undefined
        ? `Nothing was restored yet: run again with --yes to write the restored register to ${to} (the current register is left as it is).`
        : 'Nothing was restored: run again with --yes to restore it (the current register is kept as a backup first).',
    );
    return { ok: true, value: { restored: false, preview: p }, human: lines.join('\n'), exit: 1 };
  }
  const v = await c.call('backup.restore', { ...where, ...c.input, ...(p.current ? { currentHead: p.current.head } : {}) });
  const lines = [`Restored ${p.backup.id} into ${v.path}: ${holds(v.restored)}`];
  if (v.keptAs) lines.push(`The register it replaced is kept as ${v.keptAs.path}${v.keptAs.register ? ` (${holds(v.keptAs.register)})` : ''}.`);
  lines.push(...lossLines(v.loss));
  lines.push(`The witness now remembers head ${v.head}${v.previousHead ? ` (it remembered ${v.previousHead})` : ''}.`);
  if (v.optOutsKept) lines.push(`Opt-outs recorded after the backup, entered again: ${v.optOutsKept} number(s).`);
  if (v.optOutsNotKept.length)
    lines.push(`Opt-outs that could not be entered again (record them by hand before sending): ${v.optOutsNotKept.join(', ')}.`);
  if (v.pausedBatches.length)
    lines.push(
      `Campaigns paused: ${v.pausedBatches.join(', ')} — check who already got the message ("optin campaign recipients ID"), then "optin campaign resume ID".`,
    );
  return { ok: true, value: v, human: lines.join('\n') };
}

const backupArg: Arg = {
  name: 'B',
  summary: 'backup: its name from "optin backup list", or the path of a backup file',
  required: true,
  missing: ref('cli.giveBackup'),
};

const commands: Command[] = [
  command({
    words: ['backup', 'list'],
    summary: 'the backups beside the register: when, why, size, checked (✓), what each holds, heads',
    method: 'backup.list',
    register: 'or-backups',
    human: (v) => {
      const lines = [
        `Backups in ${v.folder} — kept: the newest daily one of each of the last ${v.keeps.daily} days and of ${v.keeps.weekly} weeks before them, the last ${v.keeps.before} made before a change, every one made by hand`,
      ];
      if (v.backups.length === 0) lines.push('  none yet: "optin backup create" makes one');
      for (const b of v.backups) lines.push(...backupLines(b));
      return lines.join('\n');
    },
  }),
  {
    words: ['backup', 'create'],
    summary: 'back up now, checked after writing',
    flags: [
      { name: 'to', value: 'FOLDER', summary: 'back up to this folder or USB stick (default: backups/ beside the register)', field: 'to' },
      { name: 'note', value: 'T', summary: 'a note kept with the backup', field: 'note' },
      staffFlag,
    ],
    calls: ['backup.create'],
    run: async (c) => {
      const r = await c.call('backup.create', c.input);
      const b = r.backup;
      const lines = [`Backed up to ${b.path}`, ...backupLines(b)];
      if (b.verified && !b.verified.ok) lines.push('The backup was written but does not check out: see the problems above.');
      return { ok: true, value: r, human: lines.join('\n'), exit: b.verified?.ok === false ? 1 : 0 };
    },
  },
  {
    words: ['backup', 'verify'],
    summary: 'check a backup again: it opens, migrates, verifies, and its file and heads are as recorded',
    args: [backupArg],
    register: 'or-backups',
    calls: ['backup.verify'],
    run: async (c) => {
      const v = await c.call('backup.verify', locator(c.args.B));
      const lines = v.ok
        ? [
            `✓ ${v.backup.id} checks out: it opens, migrates to this version and audit verify finds nothing wrong${v.backup.sha256 ? '; the file and its heads are as recorded' : ''}`,
          ]
        : [`✗ ${v.backup.id} does not check out:`, ...problemLines(v.problems)];
      if (v.backup.register) lines.push(`  ${holds(v.backup.register)}`, `  head: ${v.backup.register.head}`);
      return { ok: true, value: v, human: lines.join('\n'), exit: v.ok ? 0 : 1 };
    },
  },
  {
    words: ['backup', 'preview'],
    summary: 'what the restored register would hold, and what restoring it would lose',
    args: [backupArg],
    register: 'or-backups',
    calls: ['backup.preview'],
    run: async (c) => {
      const p = await c.call('backup.preview', locator(c.args.B));
      return { ok: true, value: p, human: previewLines(p).join('\n'), exit: p.ok ? 0 : 1 };
    },
  },
  {
    words: ['backup', 'restore'],
    summary: 'restore a backup over the register, kept as a backup first (without --yes: the preview)',
    details: [
      'Works on a register that cannot be opened too. A backup is also made by itself before every migration, import',
      'and undo, and once a day while the app runs.',
    ],
    args: [backupArg],
    flags: [
      { name: 'yes', type: 'boolean', summary: 'restore it (else only the preview)' },
      { name: 'to', value: 'FILE', summary: 'write the restored register to a new file and leave the register as it is', field: 'to' },
      staffFlag,
    ],
    register: 'or-backups',
    calls: ['backup.preview', 'backup.restore'],
    run: restore,
  },
];

export const backupsGroup: Group = { title: 'Backups', commands };
