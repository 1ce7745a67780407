import type { Db } from './db/open';
import { ContactsRepo } from './db/repos/contacts.repo';
import { ConsentRepo } from './db/repos/consent.repo';
import { SettingsRepo } from './db/repos/settings.repo';
import { StaffRepo } from './db/repos/staff.repo';
import { FormsRepo } from './db/repos/forms.repo';
import { AuditRepo } from './db/repos/audit.repo';
import { InboundRepo } from './db/repos/inbound.repo';
import { ImportsRepo } from './db/repos/imports.repo';
import { SheetsRepo } from './db/repos/sheets.repo';
import { ConfirmationsRepo } from './db/repos/confirmations.repo';
import { BatchesRepo } from './db/repos/batches.repo';
import { OutboxRepo } from './db/repos/outbox.repo';
import { SegmentsRepo } from './db/repos/segments.repo';
import type { Clock, Ids } from './infra/clock';
import type { OptOutLookup } from './register/optout-journal';
import { chainHash } from './infra/hash';
import { GENESIS_HASH } from '../../shared/domain/consent/canonical';

/** Everything a service needs: the database, its repos, and injected time and ids. */
export interface ServiceContext {
  db: Db;
  contacts: ContactsRepo;
  consent: ConsentRepo;
  settings: SettingsRepo;
  staff: StaffRepo;
  forms: FormsRepo;
  audit: AuditRepo;
  inbound: InboundRepo;
  imports: ImportsRepo;
  sheets: SheetsRepo;
  confirmations: ConfirmationsRepo;
  batches: BatchesRepo;
  outbox: OutboxRepo;
  segments: SegmentsRepo;
  clock: Clock;
  ids: Ids;
  /** Opt-outs accepted while the register was busy, not entered yet: the gate reads them (see register/optout-journal.ts). */
  optouts?: OptOutLookup | undefined;
}

/** Build the repos over an open database. */
export function createContext(db: Db, clock: Clock, ids: Ids): ServiceContext {
  const contacts = new ContactsRepo(db);
  return {
    db,
    contacts,
    // Its projection writes keep columns of contacts the list reads (what it has worked out is forgotten then).
    consent: new ConsentRepo(db, () => contacts.touch()),
    settings: new SettingsRepo(db),
    staff: new StaffRepo(db),
    forms: new FormsRepo(db),
    audit: new AuditRepo(db),
    inbound: new InboundRepo(db),
    imports: new ImportsRepo(db),
    sheets: new SheetsRepo(db),
    confirmations: new ConfirmationsRepo(db),
    batches: new BatchesRepo(db),
    outbox: new OutboxRepo(db),
    segments: new SegmentsRepo(db),
    clock,
    ids,
  };
}

/** The content an audit row's hash covers. */
export function auditPayload(r: {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string;
  details: Record<string, unknown>;
}): Record<string, unknown> {
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, details: r.details };
}

/** Append one hash-chained audit row; call inside the transaction of the change it records. */
export function appendAudit(ctx: ServiceContext, actor: string, action: string, entity: string, details: Record<string, unknown>): void {
  const last = ctx.audit.lastLink();
  const row = { id: (last?.id ?? 0) + 1, at: ctx.clock.now(), actor, action, entity, details };
  const prevHash = last?.hash ?? GENESIS_HASH;
  ctx.audit.insert({ ...row, prevHash, hash: chainHash(prevHash, auditPayload(row)) });
}

/** ms → ISO 8601 UTC. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** ms|null → ISO|null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
