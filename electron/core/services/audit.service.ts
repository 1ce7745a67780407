import type { AuditProblem, Output, ParsedInput } from '../../../shared/contract/api';
import { GENESIS_HASH } from '../../../shared/domain/consent/canonical';
import { chainHash } from '../hash';
import { auditPayload, iso, type ServiceContext } from './context';
import { diffCells, eventPayload, foldRange, REBUILD_CHUNK } from './consent.service';

/** audit.list: newest audit rows first. */
export function listAudit(ctx: ServiceContext, input: ParsedInput<'audit.list'>): Output<'audit.list'> {
  return {
    entries: ctx.audit
      .page(input.offset, input.limit)
      .map((r) => ({ id: r.id, at: iso(r.at), actor: r.actor, action: r.action, entity: r.entity, details: r.details })),
  };
}

/**
 * audit.verify: walk both hash chains and the projection. Catches an altered row (hash mismatch), a removed or
 * reordered row (broken link or id gap), events removed from the end (audit rows pointing past them) and a
 * projection that no longer equals the fold of the events.
 */
export function verifyAudit(ctx: ServiceContext): Output<'audit.verify'> {
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem): void => {
    if (problems.length < 1000) problems.push(p);
  };

  let events = 0;
  let prev = { id: 0, hash: GENESIS_HASH };
  const eventIds = new Set<number>();
  for (const e of ctx.consent.iterateChain()) {
    events++;
    eventIds.add(e.id);
    if (e.id !== prev.id + 1)
      report({ table: 'consent_events', id: e.id, kind: 'missing', message: `events ${prev.id + 1}…${e.id - 1} are missing before event ${e.id}` });
    if (e.prevHash !== prev.hash)
      report({
        table: 'consent_events',
        id: e.id,
        kind: 'chain_broken',
        message: `event ${e.id} does not follow event ${prev.id}: removed, inserted or reordered`,
      });
    const { prevHash, hash, ...rest } = e;
    if (chainHash(prevHash, eventPayload(rest)) !== hash)
      report({ table: 'consent_events', id: e.id, kind: 'hash_mismatch', message: `event ${e.id} was altered after it was recorded` });
    prev = { id: e.id, hash: e.hash };
  }
  const lastEventId = prev.id;
  const lastEventHash = prev.hash;

  let auditRows = 0;
  let aprev = { id: 0, hash: GENESIS_HASH };
  for (const r of ctx.audit.iterate()) {
    auditRows++;
    if (r.id !== aprev.id + 1)
      report({ table: 'audit_log', id: r.id, kind: 'missing', message: `audit rows ${aprev.id + 1}…${r.id - 1} are missing before row ${r.id}` });
    if (r.prevHash !== aprev.hash)
      report({ table: 'audit_log', id: r.id, kind: 'chain_broken', message: `audit row ${r.id} does not follow row ${aprev.id}` });
    if (chainHash(r.prevHash, auditPayload(r)) !== r.hash)
      report({ table: 'audit_log', id: r.id, kind: 'hash_mismatch', message: `audit row ${r.id} was altered after it was written` });
    // Each recorded consent operation names its events: a missing one means events were cut from the log.
    const ids = r.action === 'consent.recorded' && Array.isArray(r.details.events) ? (r.details.events as unknown[]) : [];
    for (const id of ids) {
      if (typeof id === 'number' && !eventIds.has(id))
        report({ table: 'consent_events', id, kind: 'missing', message: `event ${id}, recorded in audit row ${r.id}, is gone` });
    }
    if (r.action === 'consent.recorded' && typeof r.details.lastHash === 'string' && ids.length > 0) {
      const lastId = ids[ids.length - 1];
      if (typeof lastId === 'number' && lastId === lastEventId && r.details.lastHash !== lastEventHash)
        report({
          table: 'consent_events',
          id: lastId,
          kind: 'hash_mismatch',
          message: `event ${lastId} differs from the hash the audit log recorded`,
        });
    }
    aprev = { id: r.id, hash: r.hash };
  }

  // The projection must equal the fold of the events.
  const maxId = ctx.contacts.maxId();
  for (let lo = 1; lo <= maxId; lo += REBUILD_CHUNK) {
    const hi = lo + REBUILD_CHUNK - 1;
    diffCells(foldRange(ctx, lo, hi), ctx.consent.statesForContactRange(lo, hi), (f, s) => {
      const cell = (f ?? s)!;
      report({
        table: 'consent_state',
        id: cell.contactId,
        kind: 'projection_mismatch',
        message: `contact ${cell.contactId} ${cell.channel}/${cell.purpose}: stored "${s?.status ?? 'nothing'}", events say "${f?.status ?? 'none'}"`,
      });
    });
  }

  return { ok: problems.length === 0, events, auditRows, problems };
}
