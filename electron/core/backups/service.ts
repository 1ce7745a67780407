import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { ref, said, storeSaid, type Said, type SaidRef } from '../../../shared/contract/said';
import { join, resolve } from 'node:path';
import {
  methods,
  type BackupInfo,
  type BackupProblem,
  type Handlers,
  type Output,
  type ParsedInput,
  type RegisterSummary,
  type RestoreLoss,
} from '../../../shared/contract/api';
import { createDispatcher, type Dispatch } from '../../../shared/contract/dispatch';
import { AppError } from '../../../shared/contract/errors';
import { formatHead } from '../../../shared/domain/integrity/head';
import { localDay } from '../../../shared/domain/time/zones';
import { randomIds, type Clock } from '../infra/clock';
import { openDatabase, type Db } from '../db/open';
import { IntegrityRepo } from '../db/repos/integrity.repo';
import { AuditRepo } from '../db/repos/audit.repo';
import type { RegisterLock } from '../infra/jobs';
import { Witness, readWitness, witnessPathFor } from '../register/witness';
import {
  KEEP,
  backupFileAt,
  backupsFolderFor,
  createBackup,
  inspectBackup,
  keepDamaged,
  listBackupFiles,
  summarize,
  toInfo,
  BACKUP_WRITTEN,
  type AuditedBackup,
  type BackupFile,
  type BackupRecord,
} from './backups';
import { compareWithCurrent, lostOptOuts, readCurrent, replaceFile, swapInto, writeNewFile } from './restore';
import type { LostOptOut } from '../db/repos/register.repo';
import { recordConsentEvents } from '../register/consent';
import { api } from '../../../shared/contract/api';
import { acceptHead, currentHeads, type IntegrityDeps } from '../register/integrity';
import { appendAudit, createContext, type ServiceContext } from '../context';
import { getSettings } from '../register/settings';
import { PLACEHOLDER_OWNER, resolveActor } from '../register/staff';

/** The register the backend has open, and what a restore must stop and start around it. */
export interface LiveRegister {
  db: Db;
  ctx: ServiceContext;
  integrity: IntegrityDeps;
  lock: RegisterLock;
  /** Stop handing off messages; resolves when every run has stopped (a restore replaces what they work on). */
  stopSending(): Promise<void>;
  /** Hand off again (unfinished, unpaused campaigns carry on). */
  startSending(): void;
}

/** What the backup service works with: the register's path, the clock, and the open register (null: it cannot be opened). */
export interface BackupServiceOptions {
  dbPath: string;
  clock: Clock;
  live: LiveRegister | null;
  /** Where a failed daily backup is reported (the app carries on). */
  onError?: (err: unknown) => void;
}

/** Why a campaign that was sending in a restored backup waits. */
export const RESTORED_PAUSE = storeSaid('outbox.pausedAfterRestore');

const HOUR = 60 * 60 * 1000;

/** What a `backup.written` row keeps of a backup: enough to tell it from a backup rewritten with its record. */
function writtenDetails(file: BackupFile, folder: string | null): Record<string, unknown> {
  return {
    backup: file.name,
    folder,
    reason: file.record?.reason ?? null,
    bytes: file.bytes,
    sha256: file.record?.sha256 ?? null,
    head: file.record?.summary?.head ?? null,
    wal: file.record?.wal?.sha256 ?? null,
  };
}

/** The backups of this name the audit log recorded (rows whose details are not what the app writes are skipped). */
function auditedIn(audit: AuditRepo, name: string): AuditedBackup[] {
  return audit.byAction(BACKUP_WRITTEN).flatMap((r) => {
    const d = r.details;
    if (d.backup !== name || typeof d.sha256 !== 'string') return [];
    return [{ row: r.id, sha256: d.sha256, head: typeof d.head === 'string' ? d.head : null, walSha256: typeof d.wal === 'string' ? d.wal : null }];
  });
}

/**
 * Backups through the contract: list, make (by hand, to a folder, daily, before a change), check, preview and restore.
 * Works without an open register too (the CLI, when the register is damaged): everything but making a backup.
 */
export class BackupService {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly o: BackupServiceOptions) {}

  private get dbPath(): string {
    return this.o.dbPath;
  }

  private requireFile(): void {
    if (this.dbPath === ':memory:') throw new AppError('CONFLICT', 'backups.inMemory');
  }

  private requireLive(): LiveRegister {
    this.requireFile();
    if (!this.o.live) throw new AppError('CONFLICT', 'backups.registerUnopenable', { path: this.dbPath });
    return this.o.live;
  }

  /** The head the witness beside the register remembers (a fresh backup must hold it). */
  private witnessHead(): string | null {
    const w = readWitness(witnessPathFor(this.dbPath));
    return w.state === 'ok' ? w.value.head : null;
  }

  private today(ctx: ServiceContext): string {
    const now = this.o.clock.now();
    try {
      return localDay(now, getSettings(ctx).timezone);
    } catch {
      return new Date(now).toISOString().slice(0, 10);
    }
  }

  /**
   * Make a backup now; the caller holds the register's turn (an import's job, an undo, a restore, the daily timer).
   * Throws when it cannot be written: the change it comes before does not happen. Once written, the register's audit
   * log records its file's SHA-256 and the heads it holds (`backup.written`): the record beside a backup is a file
   * anyone may rewrite along with the backup, the audit log is in the register's hash chain — a check and a restore
   * hold the backup to what it recorded.
   */
  async backUpNow(reason: NonNullable<BackupInfo['reason']>, note: string | null, folder?: string, actor = 'system'): Promise<BackupFile> {
    const live = this.requireLive();
    const file = await createBackup(live.db, this.dbPath, {
      reason,
      note,
      ...(folder ? { folder } : {}),
      clock: this.o.clock,
      day: this.today(live.ctx),
      expectHead: this.witnessHead(),
    });
    live.ctx.db.transaction(() => appendAudit(live.ctx, actor, BACKUP_WRITTEN, 'register', writtenDetails(file, folder ?? null))).immediate();
    return file;
  }

  /** Before a change that could lose something (an import, an undo): a backup, or an error naming why there is none. */
  async before(reason: 'before-import' | 'before-undo', note: SaidRef): Promise<void> {
    if (this.dbPath === ':memory:' || !this.o.live) return;
    try {
      // The note is stored by key: the backups list says it in the person's language.
      await this.backUpNow(reason, storeSaid(note.key, note.params));
    } catch (err) {
      throw new AppError('CONFLICT', 'backups.beforeFailed', {
        note,
        reason: err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : 'error',
        folder: backupsFolderFor(this.dbPath),
      });
    }
  }

  /** backup.list */
  list(): Output<'backup.list'> {
    this.requireFile();
    return { folder: backupsFolderFor(this.dbPath), backups: listBackupFiles(this.dbPath).map((f) => toInfo(f)), keeps: { ...KEEP } };
  }

  /** backup.create: by hand, into the backups folder or another folder (a USB stick). */
  async create(input: ParsedInput<'backup.create'>): Promise<Output<'backup.create'>> {
    const live = this.requireLive();
    const actor = resolveActor(live.ctx, input.staff);
    let folder: string | undefined;
    if (input.to !== undefined) {
      folder = resolve(input.to);
      if (!existsSync(folder))
        throw new AppError('VALIDATION_FAILED', 'backups.noSuchFolder', { folder }, { fields: [{ path: 'to', key: 'backups.noSuchFolderField' }] });
    }
    // On record inside the backup itself (written first): who copied the register where.
    const audit = (action: string, details: Record<string, unknown>): void =>
      live.ctx.db.transaction(() => appendAudit(live.ctx, actor, action, 'register', details)).immediate();
    audit('backup.created', { folder: folder ?? null, note: input.note ?? null });
    let file: BackupFile;
    try {
      file = await this.backUpNow('manual', input.note ?? null, folder, actor);
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0]! : 'error';
      audit('backup.failed', { folder: folder ?? null, error: why.slice(0, 300) });
      throw folder
        ? new AppError('CONFLICT', 'backups.writeFailedTo', { folder, reason: why })
        : new AppError('CONFLICT', 'backups.writeFailed', { reason: why });
    }
    return { backup: toInfo(file, folder ? file.path : file.name) };
  }

  /** The backup a locator names: a file in the backups folder by name, or a path anywhere. */
  private locate(input: { id?: string | undefined; path?: string | undefined }): { file: BackupFile; id: string } {
    this.requireFile();
    if (input.id !== undefined) {
      const path = join(backupsFolderFor(this.dbPath), input.id);
      if (!existsSync(path))
        throw new AppError(
          'NOT_FOUND',
          'backups.noSuchBackup',
          { id: input.id, folder: backupsFolderFor(this.dbPath) },
          { fields: [{ path: 'id', key: 'backups.noSuchBackupField' }] },
        );
      return { file: backupFileAt(path), id: input.id };
    }
    const path = resolve(input.path ?? '');
    if (!existsSync(path))
      throw new AppError('NOT_FOUND', 'backups.noSuchFile', { path }, { fields: [{ path: 'path', key: 'backups.noSuchFileField' }] });
    return { file: backupFileAt(path), id: path };
  }

  private inspect(file: BackupFile) {
    return inspectBackup(
      file.path,
      {
        sha256: file.record?.sha256 ?? null,
        head: file.record?.summary?.head ?? null,
        walSha256: file.record?.wal?.sha256 ?? null,
        audited: this.audited(file),
        record: `${file.name}.json`,
      },
      this.o.clock,
    );
  }

  /**
   * What the register's audit log recorded of this backup when it was made. Without an open register (damaged), its
   * audit log is read through a read-only connection of its own, as far as it can be: a backup it cannot vouch for is
   * checked by its record alone, as backups made before the audit log recorded them are.
   */
  private audited(file: BackupFile): AuditedBackup[] {
    if (this.o.live) return auditedIn(this.o.live.ctx.audit, file.name);
    try {
      const db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
      try {
        return auditedIn(new AuditRepo(db), file.name);
      } finally {
        db.close();
      }
    } catch {
      return [];
    }
  }

  /** Remember a check's verdict in the backup's record (when it has one and it can be written). */
  private remember(file: BackupFile, verdict: { ok: boolean; problems: BackupProblem[] }): BackupFile {
    if (!file.record) return file;
    const record: BackupRecord = {
      ...file.record,
      verified: { ok: verdict.ok, at: new Date(this.o.clock.now()).toISOString(), problems: verdict.problems },
    };
    try {
      writeFileSync(`${file.path}.json`, JSON.stringify(record, null, 2) + '\n');
    } catch {
      // a read-only stick: the verdict is answered, not kept
    }
    return { ...file, record };
  }

  /** backup.verify: check a backup again (opens, migrates in a copy, audit verify, same file and heads as recorded). */
  verify(input: ParsedInput<'backup.verify'>): Output<'backup.verify'> {
    const { file, id } = this.locate(input);
    const r = this.inspect(file);
    r.cleanup();
    const kept = this.remember(file, r);
    const info = toInfo(kept, id);
    return { backup: { ...info, register: info.register ?? r.summary }, ok: r.ok, problems: r.problems };
  }

  /**
   * What the register now is, for a preview: read through a connection of its own, so it sees only what is committed
   * (an import holding the backend's connection mid-transaction is not half counted) and takes no turn at the register.
   */
  private current(): { summary: RegisterSummary | null; problem: Said | null } {
    return readCurrent(this.dbPath);
  }

  /** backup.preview: what the restored register would hold, and what restoring it would lose. */
  preview(input: ParsedInput<'backup.preview'>): Output<'backup.preview'> {
    const { file, id } = this.locate(input);
    const r = this.inspect(file);
    try {
      const current = this.current();
      const loss =
        r.summary && r.migrated
          ? compareWithCurrent(this.dbPath, r.migrated, r.summary, current.summary, current.problem?.message ?? null)
          : unknownLoss('the backup cannot be read, so what it holds cannot be compared');
      const info = toInfo(file, id);
      return {
        backup: { ...info, register: info.register ?? r.summary },
        ok: r.ok,
        problems: r.problems,
        restored: r.summary,
        current: current.summary,
        currentProblem: current.problem?.message ?? null,
        currentProblemSaid: current.problem,
        loss,
      };
    } finally {
      r.cleanup();
    }
  }

  /**
   * backup.restore. Over the current register: the backup must check out, the register must not have moved since
   * the preview (`currentHead`), and the register is kept as a backup first. Sending stops, the restored register's
   * content is written into the register file with the online backup API (every open connection sees it whole), its
   * unfinished campaigns are paused for someone to check, the restore is recorded in the audit log and the witness
   * accepts the restored head (a deliberate restore, as `audit.acceptHead`). With `to`: a new register file instead.
   */
  async restore(input: ParsedInput<'backup.restore'>): Promise<Output<'backup.restore'>> {
    const { file } = this.locate(input);
    const r = this.inspect(file);
    try {
      if (!r.ok || !r.summary || !r.migrated)
        throw new AppError(
          'CONFLICT',
          'backups.doesNotCheckOut',
          { name: file.name, problems: r.problems.map((p) => p.message).join('; ') },
          {
            problems: r.problems,
          },
        );
      const restored = r.summary;
      const migrated = r.migrated;
      if (input.to !== undefined) return this.restoreToNewFile(resolve(input.to), file, migrated, restored, input.staff);
      if (this.o.live) return await this.restoreLive(this.o.live, file, migrated, restored, input);
      return this.restoreOffline(file, migrated, restored, input.staff);
    } finally {
      r.cleanup();
    }
  }

  private async restoreLive(
    live: LiveRegister,
    file: BackupFile,
    migrated: string,
    restored: RegisterSummary,
    input: ParsedInput<'backup.restore'>,
  ): Promise<Output<'backup.restore'>> {
    if (input.currentHead === undefined)
      throw new AppError(
        'VALIDATION_FAILED',
        'backups.previewFirst',
        {},
        {
          fields: [{ path: 'currentHead', key: 'backups.previewFirstField' }],
        },
      );
    const actor = resolveActor(live.ctx, input.staff);
    const moved = (): void => {
      const now = formatHead(currentHeads(live.ctx));
      if (now !== input.currentHead) throw new AppError('CONFLICT', 'backups.registerChanged', { head: now });
    };
    moved();
    await live.stopSending();
    try {
      return await live.lock.run(async () => {
        moved();
        const previewed = currentHeads(live.ctx);
        const current = summarizeLive(live);
        const loss = compareWithCurrent(this.dbPath, migrated, restored, current, null);
        // The opt-outs the restored register lacks, read now: they are entered again once it is in place.
        const carried = loss.optOuts > 0 ? lostOptOuts(this.dbPath, migrated) : [];
        // Never overwrite the register without keeping it first.
        const kept = await this.backUpNow('before-restore', storeSaid('backups.noteBeforeRestore', { name: file.name }));
        // Since the preview, only keeping it (one audit row) may have changed the register; and it must stay so until the
        // copy holds the register's write lock: an opt-out another process records meanwhile (keeping a register takes
        // seconds) would otherwise be overwritten without a word, neither restored nor counted as lost.
        const keptHeads = currentHeads(live.ctx);
        const onlyKept =
          keptHeads.events.lastId === previewed.events.lastId &&
          keptHeads.events.lastHash === previewed.events.lastHash &&
          keptHeads.audit.lastId === previewed.audit.lastId + 1;
        const changed = () => new AppError('CONFLICT', 'backups.registerChanged', { head: formatHead(currentHeads(live.ctx)) });
        if (!onlyKept) throw changed();
        await swapInto(this.dbPath, migrated, live.db, () => {
          if (formatHead(currentHeads(live.ctx)) !== formatHead(keptHeads)) throw changed();
        });
        return this.settleRestored(live.ctx, live.integrity, actor, file, current, loss, kept, this.dbPath, undefined, carried);
      });
    } finally {
      live.startSending();
    }
  }

  /** The register file cannot be opened (damaged): keep it byte for byte, then put the restored register in its place. */
  private restoreOffline(file: BackupFile, migrated: string, restored: RegisterSummary, staff: string | undefined): Output<'backup.restore'> {
    const current = readCurrent(this.dbPath);
    const why = current.problem ?? said('backups.registerUnopened');
    const loss = compareWithCurrent(this.dbPath, migrated, restored, current.summary, why.message);
    const kept = keepDamaged(this.dbPath, ref(why.key!, why.params), this.o.clock);
    replaceFile(this.dbPath, migrated);
    return this.withOpened(this.dbPath, (ctx, integrity) =>
      this.settleRestored(ctx, integrity, resolveActorOrOwner(ctx, staff), file, current.summary, loss, kept, this.dbPath),
    );
  }

  /** `to`: the restored register as a new file; the current register is left as it is. */
  private restoreToNewFile(
    target: string,
    file: BackupFile,
    migrated: string,
    restored: RegisterSummary,
    staff: string | undefined,
  ): Output<'backup.restore'> {
    if (target === resolve(this.dbPath))
      throw new AppError('VALIDATION_FAILED', 'backups.toIsCurrent', {}, { fields: [{ path: 'to', key: 'backups.currentRegisterField' }] });
    try {
      writeNewFile(target, migrated);
    } catch (err) {
      throw new AppError(
        'VALIDATION_FAILED',
        'backups.toNotWritable',
        { reason: err instanceof Error ? err.message : 'cannot be written' },
        { fields: [{ path: 'to', key: 'common.cannotBeWritten' }] },
      );
    }
    const loss: RestoreLoss = {
      ...unknownLoss(''),
      compared: true,
      nothing: true,
      warning: `Nothing is lost: the current register is left as it is; the backup was restored to ${target}.`,
    };
    return this.withOpened(target, (ctx, integrity) =>
      this.settleRestored(ctx, integrity, resolveActorOrOwner(ctx, staff), file, null, loss, null, target, restored),
    );
  }

  /** Open a register file that no backend holds, with its witness, for the last steps of a restore. */
  private withOpened<T>(path: string, fn: (ctx: ServiceContext, integrity: IntegrityDeps) => T): T {
    const db = openDatabase(path);
    try {
      const ctx = createContext(db, this.o.clock, randomIds);
      const repo = new IntegrityRepo(db);
      const witness = new Witness(
        path,
        {
          heads: () => repo.heads(),
          hashAt: (chain, id) => repo.hashAt(chain, id),
          schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
          ready: () => db.open && !db.inTransaction,
        },
        () => this.o.clock.now(),
      );
      return fn(ctx, { repo, witness });
    } finally {
      db.close();
    }
  }

  /** After the restored content is in place: pause its unfinished campaigns, record the restore, accept its head. */
  private settleRestored(
    ctx: ServiceContext,
    integrity: IntegrityDeps,
    actor: string,
    file: BackupFile,
    replaced: RegisterSummary | null,
    loss: RestoreLoss,
    kept: BackupFile | null,
    path: string,
    restoredSummary?: RegisterSummary,
    carried: readonly LostOptOut[] = [],
  ): Output<'backup.restore'> {
    const now = this.o.clock.now();
    const paused: number[] = [];
    const entered = new Set<string>();
    const notKept: string[] = [];
    ctx.db
      .transaction(() => {
        // Every opt-out the replaced register recorded after the backup is entered again through the one append, with its
        // own time and method, naming the restore: an opt-out always wins and a restore never loses one. One entry per
        // opt-out (the pack's scope reaches its other cells again); one that cannot be entered is named, not dropped silently.
        const seen = new Set<string>();
        for (const o of carried) {
          const key = `${o.phone}|${o.purpose}|${o.occurredAt}`;
          if (seen.has(key)) continue;
          seen.add(key);
          try {
            ctx.db.transaction(() =>
              recordConsentEvents(
                ctx,
                api['consent.record'].input.parse({
                  phone: o.phone,
                  channel: o.channel,
                  purpose: o.purpose,
                  action: 'revoke',
                  method: o.method,
                  occurredAt: new Date(o.occurredAt).toISOString(),
                  ...(ctx.staff.byName(actor) ? { staff: actor } : {}),
                  evidence: { note: storeSaid('note.keptAcrossRestore', { uid: o.uid, backup: file.name }) },
                }),
              ),
            )();
            entered.add(o.phone);
          } catch {
            notKept.push(o.phone);
          }
        }
        for (const run of ctx.outbox.openRuns()) {
          ctx.outbox.updateRun(run.batchId, { pausedReason: RESTORED_PAUSE, pausedAt: now });
          appendAudit(ctx, actor, 'batch.paused', `batch:${run.batchId}`, { reason: 'restored from a backup' });
          paused.push(run.batchId);
        }
        appendAudit(ctx, actor, 'backup.restored', 'register', {
          backup: file.name,
          backupCreatedAt: file.record?.createdAt ?? null,
          backupHead: file.record?.summary?.head ?? restoredSummary?.head ?? null,
          replacedHead: replaced?.head ?? null,
          keptAs: kept?.name ?? null,
          lost: { events: loss.events, optOuts: loss.optOuts, contacts: loss.contacts, messages: loss.messages, imports: loss.imports },
          optOutsKept: entered.size,
          ...(notKept.length ? { optOutsNotKept: notKept } : {}),
        });
        // The register kept first is recorded in the register now in place (the row recording it, if any, was in the
        // register it replaced): restoring it back is held to what was kept.
        if (kept?.record) appendAudit(ctx, actor, BACKUP_WRITTEN, 'register', writtenDetails(kept, null));
      })
      .immediate();
    // A deliberate restore: the witness remembers the restored register (recorded in the audit log, as audit.acceptHead).
    const accepted = acceptHead(ctx, integrity, { staff: ctx.staff.byName(actor) ? actor : undefined });
    return {
      path,
      restored: summarizeCtx(ctx),
      keptAs: kept ? toInfo(kept) : null,
      loss,
      head: accepted.head,
      previousHead: accepted.previous,
      pausedBatches: paused,
      optOutsKept: entered.size,
      optOutsNotKept: [...new Set(notKept)],
    };
  }

  /** A daily backup, unless one was made today (by the shop's calendar); the register's turn is taken here. */
  async dailyIfDue(): Promise<BackupFile | null> {
    const live = this.o.live;
    if (!live || this.dbPath === ':memory:') return null;
    return live.lock.run(async () => {
      const today = this.today(live.ctx);
      const last = listBackupFiles(this.dbPath).find((f) => f.record?.reason === 'daily');
      if (last?.record?.day === today) return null;
      return this.backUpNow('daily', null);
    });
  }

  /** Daily backups while the app runs: a first look soon after start, then every hour (timers that never keep the process alive). */
  startDaily(firstMs = 60_000, everyMs = HOUR): void {
    if (!this.o.live || this.dbPath === ':memory:' || this.timers.length) return;
    const tick = (): void => {
      this.dailyIfDue().catch((err: unknown) => this.o.onError?.(err));
    };
    const first = setTimeout(tick, firstMs);
    const every = setInterval(tick, everyMs);
    first.unref();
    every.unref();
    this.timers.push(first, every);
  }

  stopDaily(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

const summarizeLive = (live: LiveRegister): RegisterSummary => summarize(live.db);
const summarizeCtx = (ctx: ServiceContext): RegisterSummary => summarize(ctx.db);

function resolveActorOrOwner(ctx: ServiceContext, staff: string | undefined): string {
  if (staff !== undefined && ctx.staff.byName(staff)) return staff;
  return ctx.staff.firstOwner()?.name ?? PLACEHOLDER_OWNER;
}

function unknownLoss(warning: string): RestoreLoss {
  return {
    compared: false,
    sameHistory: false,
    sameRegister: false,
    commonEvents: 0,
    events: 0,
    optOuts: 0,
    optOutPhones: [],
    lastEventAt: null,
    backupOnlyEvents: 0,
    auditRows: 0,
    contacts: 0,
    messages: 0,
    imports: 0,
    nothing: false,
    warning,
  };
}

/**
 * The backup operations for a register that cannot be opened (the CLI, when the file is damaged): list, check,
 * preview and restore work from the backups alone; every other operation is refused, naming why.
 */
export function offlineBackupDispatch(dbPath: string, clock: Clock): Dispatch {
  const service = new BackupService({ dbPath, clock, live: null });
  const refuse = (): never => {
    throw new AppError('REGISTER_DAMAGED', 'backups.registerDamagedOnlyBackups', { path: dbPath }, { path: dbPath });
  };
  const backupHandlers: Pick<Handlers, 'backup.list' | 'backup.create' | 'backup.verify' | 'backup.preview' | 'backup.restore'> = {
    'backup.list': () => service.list(),
    'backup.create': (i) => service.create(i),
    'backup.verify': (i) => service.verify(i),
    'backup.preview': (i) => service.preview(i),
    'backup.restore': (i) => service.restore(i),
  };
  const handlers = { ...Object.fromEntries(methods.map((m) => [m, refuse])), ...backupHandlers } as Handlers;
  return createDispatcher(handlers);
}
