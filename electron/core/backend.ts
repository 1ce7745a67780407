import { createDispatcher, type Dispatch } from '../../shared/contract/dispatch';
import { ref, storeSaid } from '../../shared/contract/said';
import type { Handlers } from '../../shared/contract/api';
import { listPolicyPacks } from '../../shared/domain/policy/policy';
import { damageOf, openDatabase, type Db } from './db/open';
import { BUSY_CHANGE } from './db/busy';
import { randomIds, systemClock, type Clock, type Ids } from './infra/clock';
import { createContext, type ServiceContext } from './context';
import { addContact, getContact, updateContact } from './register/contacts';
import { deleteSegment, listContacts, listSegments, saveSegment, tagContacts } from './register/contact-list';
import { consentStatus, ensureDeadlines, rebuildProjection, recordConsent } from './register/consent';
import { deleteContact, eraseContact, mergeContacts, personOf } from './register/people';
import { getSettings, setupStatus, updateSettings } from './register/settings';
import { addStaff, ensureOwner, listStaff, resolveActor, setStaffActive } from './register/staff';
import { createForm, formPoster, formQr, formTemplateFor, listForms, printForm } from './intake/forms';
import { attachSheetScan, checkSheetPhone, contactSheetRows, correctSheetRow, enterSheetRow, getSheet, listSheets } from './intake/sheets';
import { listConfirmations } from './register/confirmations';
import { winback } from './register/winback';
import { batchAudience, listBatches, planBatch } from './campaigns/plan';
import { healthReport } from './sending/health';
import { acceptHead, listAudit, verifyAudit, verifyContact, type IntegrityDeps } from './register/integrity';
import { createCertificate } from './register/certificate';
import { IntegrityRepo } from './db/repos/integrity.repo';
import { Witness } from './register/witness';
import { listComplaints } from './intake/inbound';
import { FileStore } from './infra/files';
import { ImportJobs, RegisterLock } from './infra/jobs';
import { OptOutJournal, UnreadableJournal, journalPathFor } from './register/optout-journal';
import { OptOutIntake } from './register/optout-intake';
import { runImport, undoImport } from './intake/import';
import { deletePreset, inspectImport, savePreset } from './intake/presets';
import { createExport } from './intake/export';
import { appendAudit, iso, isoOrNull } from './context';
import { checkMessage, getLintProfile } from './campaigns/lint';
import { Outbox, getRecipient, listRecipients, resolveRecipient } from './sending/outbox';
import { sendConfirmations, startConfirmationTimer } from './sending/confirmation-waves';
import { listProviders, providerKinds, removeProvider, saveProvider, testProvider } from './sending/provider-settings';
import { createBatchReport } from './sending/report';
import { ProviderSync, syncsFrom } from './sending/sync';
import { BackupService } from './backups/service';
import { createBackupSync } from './backups/backups';
import { readWitness, witnessPathFor } from './register/witness';
import { MemorySecrets } from './infra/secrets';
import type { AdapterEnv, ProviderAdapter, ProviderConfig, SecretStore } from './sending/providers/types';
import type { FaultPoint } from './sending/runner';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { formatHead } from '../../shared/domain/integrity/head';
import type { Method } from '../../shared/contract/api';

/** What createBackend needs; everything but the path has a production default. */
export interface BackendOptions {
  dbPath: string;
  /** Where uploads, exports and reports are staged; default: `files/` beside the register. */
  filesDir?: string;
  /** Where photos and scans of signed sheets are kept; default: `scans/` beside the register. */
  scansDir?: string;
  clock?: Clock;
  ids?: Ids;
  /** Validate outputs against the contract too (tests). */
  checkOutputs?: boolean;
  /** Where internal errors go; receives no input data, only the method and the error. */
  onInternalError?: (method: string, err: unknown) => void;
  /** Provider secrets: the OS keychain in the app, environment variables in the CLI; default: this process's memory. */
  secrets?: SecretStore;
  /** Where the file hand-off writes; default: `handoff/` beside the register. */
  handoffDir?: string;
  /** Resume unfinished batches in the background at start (the app and the local host; not the CLI). */
  autoResume?: boolean;
  /** Per-request provider timeout, ms. */
  providerTimeoutMs?: number;
  /** Tests: replace provider adapters, stop the process at a point of a hand-off, shorten waits. */
  adapterFactory?: (config: ProviderConfig, env: AdapterEnv) => ProviderAdapter;
  fault?: (point: FaultPoint, recipientId: number) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Daily backups while running (a timer; default: as autoResume — the app and the local host, not the CLI). */
  dailyBackups?: boolean;
  /**
   * Hand queued double opt-in confirmation requests to the outbox on a timer while running (default: as autoResume —
   * the app and the local host; the CLI sends them with `optin confirmations send`).
   */
  confirmationTimer?: boolean;
  /** How long an ordinary write waits for another process's long write before answering BUSY, ms (default 5 s). */
  busyWaitMs?: number;
  /**
   * Provider sync on a timer while running (at start, then every few minutes; default: as autoResume — the app and
   * the local host, not the CLI). Campaigns sync before their hand-offs either way.
   */
  providerSync?: boolean;
  /** Whether the machine is online (the timed sync skips its turn when not); default: always. */
  online?: () => boolean;
  /** The longest one provider's sync may take, ms (tests shorten it). */
  syncDeadlineMs?: number;
}

/** The running core: one dispatcher for every door. */
export interface Backend {
  dispatch: Dispatch;
  handlers: Handlers;
  ctx: ServiceContext;
  db: Db;
  files: FileStore;
  jobs: ImportJobs;
  outbox: Outbox;
  backups: BackupService;
  close(): void;
}

/** Calls that never touch the register run beside a long import instead of queueing behind it. */
const LOCK_FREE: ReadonlySet<Method> = new Set<Method>([
  'import.job',
  'import.cancel',
  'files.begin',
  'files.append',
  'files.finish',
  'files.read',
  'files.discard',
  // These lock the register themselves around their database work, never across a provider's network call.
  'campaign.send',
  'confirmations.send',
  'campaign.pause',
  'campaign.resume',
  'providers.test',
  'providers.sync',
  // Backups: listing and checking read files (and the register through a connection of their own); a restore
  // stops sending and takes the register's turn itself.
  'backup.list',
  'backup.verify',
  'backup.preview',
  'backup.restore',
  // An opt-out is never queued behind a long write: it goes in at once or into the opt-out journal (OptOutIntake).
  'consent.record',
  'inbound.receive',
  'complaints.record',
]);

/** The schema version of the first build that kept a witness beside the register (migration 0007 came with it). */
const WITNESS_SINCE_SCHEMA = 7;

/** The composition root: open the register, wire services to the contract. */
export function createBackend(options: BackendOptions): Backend {
  const clock = options.clock ?? systemClock;
  // A register file already there (not one this opening sets up): its witness should be beside it.
  const existed = options.dbPath !== ':memory:' && existsSync(options.dbPath);
  // The schema version the file had before this opening migrated it (a file written before witnesses had none).
  let openedAtVersion = Number.POSITIVE_INFINITY;
  // Before a migration of an existing register, a backup of it as it is (issue #15 §8): refused to open without one.
  const db = openDatabase(options.dbPath, {
    beforeMigrate: (raw, from, to) => {
      openedAtVersion = from;
      const w = readWitness(witnessPathFor(options.dbPath));
      createBackupSync(raw, options.dbPath, {
        reason: 'before-migration',
        note: storeSaid('backups.noteBeforeMigration', { from, to }),
        clock,
        expectHead: w.state === 'ok' ? w.value.head : null,
      });
    },
  });
  const ctx = createContext(db, clock, options.ids ?? randomIds);
  ensureOwner(ctx);
  try {
    ensureDeadlines(ctx);
  } catch (err) {
    // Folding the projection at opening met a value the file should never hold: named, like damage found at opening.
    const damage = damageOf(err, options.dbPath);
    if (!damage) throw err;
    db.close();
    throw damage;
  }
  const files = new FileStore(
    options.filesDir ?? (options.dbPath === ':memory:' ? join(tmpdir(), 'optin-desk-files') : join(dirname(options.dbPath), 'files')),
  );
  const scansDir = options.scansDir ?? (options.dbPath === ':memory:' ? join(tmpdir(), 'optin-desk-scans') : join(dirname(options.dbPath), 'scans'));
  const reportInternal =
    options.onInternalError ??
    ((method: string, err: unknown) =>
      console.error(`[optin] ${method} failed: ${err instanceof Error ? err.name + ': ' + err.message : 'unknown error'}`));
  // The chains' heads are remembered outside the register file after every committed write (see Witness).
  const integrityRepo = new IntegrityRepo(db);
  const integrity: IntegrityDeps = {
    repo: integrityRepo,
    witness:
      options.dbPath === ':memory:'
        ? null
        : new Witness(
            options.dbPath,
            {
              heads: () => integrityRepo.heads(),
              hashAt: (chain, id) => integrityRepo.hashAt(chain, id),
              schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
              ready: () => db.open && !db.inTransaction,
            },
            () => ctx.clock.now(),
          ),
  };
  const syncWitness = (): void => {
    try {
      integrity.witness?.sync();
    } catch (err) {
      // The write it follows is committed; a witness that could not be written shows at the next verify.
      try {
        reportInternal('witness', err);
      } catch {
        // a test's reporter may throw
      }
    }
  };
  // A register holding consent events whose witness is gone: the witness is written after every write, so it was
  // deleted or the register was moved without it. A register shortened before then would not show against a new one,
  // so the opening is on record (audit verify names it until the head is accepted) before the witness starts again.
  // (Reached through a symbolic link, the witness may be beside the file the link points to.)
  const witnessGone = (path: string): boolean => readWitness(witnessPathFor(path)).state === 'absent';
  if (
    existed &&
    openedAtVersion >= WITNESS_SINCE_SCHEMA &&
    integrity.witness &&
    witnessGone(options.dbPath) &&
    witnessGone(realpathSync(options.dbPath))
  ) {
    const heads = integrityRepo.heads();
    if (heads.events.lastId > 0)
      db.transaction(() =>
        appendAudit(ctx, 'system', 'witness.missing', 'witness', { witness: witnessPathFor(options.dbPath), register: formatHead(heads) }),
      ).immediate();
  }
  syncWitness();
  // For work in the background: a failure is reported and the work carries on (a test's reporter may throw).
  const reportQuietly = (method: string, err: unknown): void => {
    try {
      reportInternal(method, err);
    } catch {
      // reported as far as it could be
    }
  };
  // Opt-outs accepted while another process holds the register wait in a journal beside it (register/optout-journal.ts).
  let journal: OptOutJournal | null = null;
  const journalPath = journalPathFor(options.dbPath);
  const journalWasThere = journalPath !== ':memory:' && (statSync(journalPath, { throwIfNoEntry: false })?.size ?? 0) > 0;
  try {
    journal = new OptOutJournal(journalPath, () => ctx.clock.now());
    ctx.optouts = journal;
  } catch (err) {
    // Without it an opt-out waits for the register like any write (as before); never a reason not to open. But a
    // journal that was there and cannot be read may hold opt-outs the customers were told about: every send waits.
    reportQuietly('optouts', err);
    if (journalWasThere) ctx.optouts = new UnreadableJournal(journalPath, err instanceof Error ? err.message : String(err));
  }
  let optOuts: OptOutIntake | null = null;
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  // Every turn at the register (calls, import jobs, the outbox's steps) is followed by entering waiting opt-outs
  // and a look at the heads.
  const lock = new RegisterLock({
    afterEach: () => {
      try {
        optOuts?.drain();
      } catch (err) {
        reportQuietly('optouts', err);
      }
      syncWitness();
    },
    changes: () => changes.get()!,
    busyWaitMs: options.busyWaitMs,
    describeBusy: () => optOuts?.describe(false) ?? BUSY_CHANGE,
  });
  optOuts = new OptOutIntake(ctx, journal, lock, (err) => reportQuietly('optouts', err));
  const intake = optOuts;
  const jobs = new ImportJobs(
    lock,
    (err) => {
      try {
        reportInternal('import.start', err);
      } catch {
        // a test's reporter may throw; the job has recorded the failure already
      }
    },
    (what) => journal?.announce(what) ?? (() => undefined),
  );
  const secrets = options.secrets ?? new MemorySecrets();
  // Built right after the outbox (it uses the outbox's adapters); runs ask it before their hand-offs.
  let providerSync: ProviderSync | null = null;
  const outbox = new Outbox({
    ctx,
    lock,
    secrets,
    handoffDir:
      options.handoffDir ?? (options.dbPath === ':memory:' ? join(tmpdir(), 'optin-desk-handoff') : join(dirname(options.dbPath), 'handoff')),
    timeoutMs: options.providerTimeoutMs,
    adapterFactory: options.adapterFactory,
    fault: options.fault,
    sleep: options.sleep,
    onInternalError: (err) => reportQuietly('batch.run', err),
    describeBusy: () => intake.describe(false),
    syncProviders: (maxAgeMs) => providerSync?.ensureFresh(maxAgeMs) ?? Promise.resolve(),
  });
  const sync = new ProviderSync({
    ctx,
    lock,
    adapterFor: (name) => outbox.adapterFor(name),
    online: options.online,
    deadlineMs: options.syncDeadlineMs,
    onInternalError: (err) => reportQuietly('providers.sync', err),
  });
  providerSync = sync;
  const backups = new BackupService({
    dbPath: options.dbPath,
    clock,
    live:
      options.dbPath === ':memory:'
        ? null
        : {
            db,
            ctx,
            integrity,
            lock,
            stopSending: () => outbox.close(),
            startSending: () => {
              outbox.reopen();
              if (options.autoResume) outbox.resumeAll();
            },
          },
    onError: (err) => {
      try {
        reportInternal('backup.daily', err);
      } catch {
        // a test's reporter may throw
      }
    },
  });
  const handlers: Handlers = {
    'contacts.add': (i) => addContact(ctx, i),
    'contacts.update': (i) => updateContact(ctx, i),
    'contacts.person': (i) => personOf(ctx, i),
    'contacts.merge': (i) => mergeContacts(ctx, i),
    'contacts.delete': (i) => deleteContact(ctx, i),
    'contacts.erase': (i) => eraseContact(ctx, i),
    'contacts.list': (i) => listContacts(ctx, i),
    'contacts.tag': (i) => tagContacts(ctx, i),
    'segments.list': () => listSegments(ctx),
    'segments.save': (i) => saveSegment(ctx, i),
    'segments.delete': (i) => deleteSegment(ctx, i),
    'contacts.get': (i) => {
      const page = getContact(ctx, i);
      const pending = intake.pendingFor(page.contact.phone, page.contact.id);
      return pending.length ? { ...page, pending } : page;
    },
    'contacts.certificate': (i) => createCertificate(ctx, integrity, files, i),
    'consent.record': (i) => (i.action === 'revoke' ? intake.revoke(i) : lock.run(() => recordConsent(ctx, i))),
    'consent.status': (i) => consentStatus(ctx, i),
    'settings.get': () => getSettings(ctx),
    'lint.check': (i) => checkMessage(ctx, i),
    'lint.profile': () => getLintProfile(ctx),
    'settings.update': (i) => updateSettings(ctx, i),
    'settings.setup': () => setupStatus(ctx),
    'policy.list': () => listPolicyPacks(),
    'staff.list': () => listStaff(ctx),
    'staff.add': (i) => addStaff(ctx, i),
    'staff.setActive': (i) => setStaffActive(ctx, i),
    'forms.list': () => listForms(ctx),
    'forms.create': (i) => createForm(ctx, i),
    'forms.template': (i) => formTemplateFor(ctx, i),
    'forms.print': (i) => printForm(ctx, files, i),
    'forms.qr': (i) => formQr(ctx, files, i),
    'forms.poster': (i) => formPoster(ctx, files, i),
    'sheets.list': (i) => listSheets(ctx, i),
    'sheets.get': (i) => getSheet(ctx, i),
    'sheets.checkPhone': (i) => checkSheetPhone(ctx, i),
    'sheets.enterRow': (i) => enterSheetRow(ctx, i),
    'sheets.correctRow': (i) => correctSheetRow(ctx, i),
    'sheets.contactRows': (i) => contactSheetRows(ctx, i),
    'sheets.attachScan': (i) => attachSheetScan(ctx, files, scansDir, i),
    'confirmations.list': (i) => listConfirmations(ctx, i),
    'contacts.winback': (i) => winback(ctx, i),
    'confirmations.send': (i) => sendConfirmations({ ctx, lock, outbox }, i),
    'campaign.plan': (i) => planBatch(ctx, i),
    'campaign.list': (i) => listBatches(ctx, i),
    'campaign.audience': (i) => batchAudience(ctx, i),
    'campaign.send': (i) => outbox.send(i),
    'campaign.progress': (i) => outbox.progress(i.batch),
    'campaign.pause': (i) => outbox.pause(i),
    'campaign.resume': (i) => outbox.resume(i),
    'campaign.recipients': (i) => listRecipients(ctx, i),
    'campaign.recipient': (i) => getRecipient(ctx, i),
    'campaign.resolve': (i) => {
      const out = resolveRecipient(ctx, i);
      if (out.recipient.status === 'queued') outbox.start(out.recipient.batch);
      return out;
    },
    'campaign.report': (i) => createBatchReport(ctx, files, i),
    'providers.kinds': () => providerKinds(secrets),
    'providers.list': () => {
      const list = listProviders(ctx, outbox, secrets);
      const states = sync.states();
      return {
        providers: list.providers.map((p) => {
          const st = states.get(p.name);
          const syncs = syncsFrom(p.kind, p.options);
          return {
            ...p,
            sync: !syncs
              ? null
              : {
                  syncedAt: st && st.kind === p.kind ? isoOrNull(st.syncedAt) : null,
                  attemptedAt: st && st.kind === p.kind ? iso(st.attemptedAt) : null,
                  totals: st && st.kind === p.kind ? st.totals : { inbound: 0, optOuts: 0, confirmations: 0, statuses: 0, notFromNumber: 0 },
                  error: st && st.kind === p.kind ? st.error : null,
                },
          };
        }),
      };
    },
    'providers.save': (i) => saveProvider(ctx, outbox, secrets, i),
    'providers.remove': (i) => removeProvider(ctx, outbox, secrets, i),
    'providers.test': (i) => testProvider(ctx, outbox, (fn) => lock.run(fn), i),
    'providers.sync': (i) => sync.sync(i),
    'audit.verify': (i) => verifyAudit(ctx, integrity, i),
    'audit.verifyContact': (i) => verifyContact(ctx, integrity, i),
    'audit.acceptHead': (i) => acceptHead(ctx, integrity, i),
    'audit.list': (i) => listAudit(ctx, i),
    'register.rebuildProjection': () => intake.during(storeSaid('busy.rebuild'), () => rebuildProjection(ctx)),
    'inbound.receive': (i) => intake.inbound(i),
    'complaints.record': (i) => intake.complaint(i),
    'complaints.list': (i) => listComplaints(ctx, i),
    'health.report': (i) => healthReport(ctx, i),
    'files.begin': (i) => ({ uploadId: files.beginUpload(i.name) }),
    'files.append': (i) => ({ bytes: files.appendChunk(i.uploadId, i.offset, Buffer.from(i.data, 'base64')) }),
    'files.finish': (i) => {
      const f = files.finishUpload(i.uploadId);
      return { fileId: f.id, name: f.name, bytes: f.bytes };
    },
    'files.discard': (i) => ({ discarded: files.discard(i.fileId) }),
    'files.read': (i) => {
      const r = files.read(i.fileId, i.offset, i.length);
      return { name: files.get(i.fileId).name, data: r.data.toString('base64'), total: r.total };
    },
    'import.inspect': (i) => inspectImport(ctx, files, i),
    'import.start': (i) => {
      const file = files.get(i.fileId);
      const actor = resolveActor(ctx, i.staff);
      return jobs.start(
        i.dryRun,
        file.bytes,
        (control) =>
          runImport(
            ctx,
            files,
            file,
            {
              mapping: i.mapping,
              defaultCountry: i.defaultCountry,
              merge: i.merge,
              encoding: i.encoding,
              delimiter: i.delimiter,
              sheet: i.sheet,
              consentForFile: i.consentForFile,
              language: i.language,
              actor,
            },
            i.dryRun,
            control,
          ),
        storeSaid('busy.importOf', { file: file.name }),
      );
    },
    'import.job': (i) => jobs.get(i.jobId),
    'import.cancel': (i) => jobs.cancel(i.jobId),
    'import.undo': (i) => intake.during(storeSaid('busy.undoImport', { batch: i.batch }), () => undoImport(ctx, i.batch, resolveActor(ctx, i.staff))),
    'import.batches': () => ({
      batches: ctx.imports.listBatches(200).map((b) => ({
        id: b.id,
        fileName: b.fileName,
        fileSha256: b.fileSha256,
        rows: Number(b.summary.rows ?? 0),
        created: Number(b.summary.created ?? 0),
        updated: Number(b.summary.updated ?? 0),
        consentsGranted: Number(b.summary.consentsGranted ?? 0),
        revocations: Number(b.summary.revocations ?? 0),
        committedAt: iso(b.committedAt),
        committedBy: b.committedBy,
        undoneAt: b.undoneAt === null ? null : iso(b.undoneAt),
      })),
    }),
    'import.savePreset': (i) => savePreset(ctx, i),
    'import.deletePreset': (i) => deletePreset(ctx, i),
    'export.create': (i) => createExport(ctx, files, i),
    'backup.list': () => backups.list(),
    'backup.create': (i) => backups.create(i),
    'backup.verify': (i) => backups.verify(i),
    'backup.preview': (i) => backups.preview(i),
    'backup.restore': (i) => backups.restore(i),
  };
  // A backup before every import that writes and every undo, in the same turn at the register (nothing is written
  // when none could be made).
  const startImport = handlers['import.start'];
  handlers['import.start'] = async (i) => {
    if (!i.dryRun) await backups.before('before-import', ref('backups.noteBeforeImport', { file: files.get(i.fileId).name }));
    return startImport(i);
  };
  const undo = handlers['import.undo'];
  handlers['import.undo'] = async (i) => {
    await backups.before('before-undo', ref('backups.noteBeforeUndo', { batch: i.batch }));
    return undo(i);
  };
  // Every call that reads or writes the register waits its turn (see RegisterLock). Damage SQLite meets in a page
  // only this call read is named like damage found at opening: the file, and "restore a backup".
  const named = async (run: () => unknown): Promise<unknown> => {
    try {
      return await run();
    } catch (err) {
      throw damageOf(err, options.dbPath) ?? err;
    }
  };
  const locked = Object.fromEntries(
    Object.entries(handlers).map(([method, fn]) => [
      method,
      LOCK_FREE.has(method as Method)
        ? (input: never) => named(() => (fn as (i: never) => unknown)(input))
        : (input: never) => named(() => lock.run(() => (fn as (i: never) => unknown)(input))),
    ]),
  ) as unknown as Handlers;
  const dispatch = createDispatcher(locked, {
    ...(options.checkOutputs !== undefined ? { checkOutputs: options.checkOutputs } : {}),
    onInternalError: reportInternal,
  });
  if (options.autoResume) outbox.resumeAll();
  if (options.dailyBackups ?? options.autoResume) backups.startDaily();
  if (options.providerSync ?? options.autoResume) sync.start();
  const stopConfirmations =
    (options.confirmationTimer ?? options.autoResume)
      ? startConfirmationTimer({ ctx, lock, outbox }, (err) => reportQuietly('confirmations.send', err))
      : () => undefined;
  // Opt-outs left waiting (by this register's last process, or another one now) are entered at the first free turn.
  intake.startPolling();
  intake.poke();
  return {
    dispatch,
    handlers,
    ctx,
    db,
    files,
    jobs,
    outbox,
    backups,
    close: () => {
      backups.stopDaily();
      sync.stop();
      stopConfirmations();
      // What is in flight stays `sending` and is reconciled at the next start.
      void outbox.close();
      intake.close();
      if (db.open) syncWitness();
      db.close();
    },
  };
}
