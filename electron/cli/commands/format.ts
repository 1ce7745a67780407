import type { Method, Output, PendingOptOut } from '../../shared/contract/api';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** An opt-out accepted while the register was busy, in words. */
function pendingLine(p: PendingOptOut): string {
  return `opt-out ${p.channel}/${p.purpose} for ${p.phone} accepted at ${p.receivedAt} while the register was busy with ${p.waitingFor}: no message goes to this number; it is entered into the register as soon as that is done${p.problem ? ` (not entered yet: ${p.problem})` : ''}`;
}

/** Plain-text rendering of a result for people at a terminal. */
export function formatHuman(method: Method, value: unknown): string {
  switch (method) {
    case 'contacts.add':
    case 'contacts.update': {
      const c = value as Output<'contacts.add'>;
      return `contact ${c.id}  ${c.phone}  ${c.name}${c.messageable ? '' : '  (cannot receive SMS/WhatsApp)'}`;
    }
    case 'contacts.list': {
      const v = value as Output<'contacts.list'>;
      const rows = v.contacts.map(
        (c) =>
          `${pad(String(c.id), 8)}${pad(c.phone, 17)}${pad(c.name, 30)}sms:${pad(marketingCell(c.marketing.sms, c.marketingBlockedBy.sms), 34)}whatsapp:${marketingCell(c.marketing.whatsapp, c.marketingBlockedBy.whatsapp)}`,
      );
      return [...rows, `${v.contacts.length} shown${v.total !== null ? ` of ${v.total}` : ''}`].join('\n');
    }
    case 'contacts.get': {
      const v = value as Output<'contacts.get'>;
      const cells = v.consents
        .filter((c) => c.status !== 'none')
        .map((c) => `  ${pad(`${c.channel}/${c.purpose}`, 26)}${pad(c.status, 10)}${c.since ?? ''}`);
      const events = v.timeline.map(
        (e) =>
          `  #${pad(String(e.id), 7)}${e.occurredAt}  ${pad(e.action, 8)}${pad(`${e.channel}/${e.purpose}`, 26)}${pad(e.method, 17)}by ${e.recordedBy}${e.formCode ? `  form ${e.formCode}` : ''}`,
      );
      return [
        `contact ${v.contact.id}  ${v.contact.phone}  ${v.contact.name}`,
        'consents:',
        ...(cells.length ? cells : ['  none']),
        ...(v.pending ?? []).map(pendingLine),
        'timeline:',
        ...(events.length ? events : ['  no events']),
      ].join('\n');
    }
    case 'consent.record': {
      const v = value as Output<'consent.record'>;
      const lines = v.events.map((e) => `recorded #${e.id} ${e.action} ${e.channel}/${e.purpose} for ${e.phone}`);
      if (v.downgraded) lines.push(`note: recorded as ${v.downgraded.to}, not a grant — ${v.downgraded.reason}`);
      if (v.pending) lines.push(pendingLine(v.pending));
      return lines.join('\n');
    }
    case 'consent.status': {
      const v = value as Output<'consent.status'>;
      return [
        `${v.phone} at ${v.at}`,
        ...v.consents.map(
          (c) =>
            `  ${pad(`${c.channel}/${c.purpose}`, 26)}${pad(c.status, 10)}${pad(c.since ?? '', 26)}${c.sendable ? 'sendable' : (c.blockedBy ?? '')}`,
        ),
        ...(v.pending ?? []).map(pendingLine),
      ].join('\n');
    }
    case 'audit.verify': {
      const v = value as Output<'audit.verify'>;
      const witness =
        v.witness.state === 'none'
          ? 'witness: none (the register lives in memory)'
          : `witness: ${v.witness.path} — ${
              v.witness.state === 'consistent'
                ? `the register holds what it saw${v.witness.updatedAt ? ` (updated ${v.witness.updatedAt})` : ''}`
                : v.witness.state === 'diverged'
                  ? 'the register no longer holds what it saw'
                  : 'unreadable'
            }`;
      return [
        `${v.ok ? 'OK' : 'FAILED'}: ${v.events} consent events, ${v.auditRows} audit rows${v.ok ? '' : `, ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`}`,
        `consent events: ${v.heads.events.count} (last event ${v.heads.events.lastId}, hash ${v.heads.events.lastHash})`,
        `audit rows: ${v.heads.audit.count} (last row ${v.heads.audit.lastId}, hash ${v.heads.audit.lastHash})`,
        `head: ${v.head}`,
        witness,
        ...(v.expected ? [`expected head: ${v.expected.held ? 'held' : 'NOT held'}`] : []),
        ...v.problems.map((p) => `  ${p.kind}: ${p.message}`),
      ].join('\n');
    }
    case 'audit.acceptHead': {
      const v = value as Output<'audit.acceptHead'>;
      return [`the witness now remembers: ${v.head}`, `it remembered before: ${v.previous ?? 'nothing'}`].join('\n');
    }
    case 'forms.template':
      // Plain wording, ready to redirect into a file, edit and pass to forms create --text-file.
      return (value as Output<'forms.template'>).body;
    case 'forms.create': {
      const f = value as Output<'forms.create'>;
      return `form version ${f.id}  ${f.code}  "${f.title}"  sha256 ${f.sha256}`;
    }
    case 'batch.plan': {
      const v = value as Output<'batch.plan'>;
      const reasons = Object.entries(v.excluded).filter(([, n]) => n > 0);
      return [
        `batch ${v.batch} "${v.name}" planned for ${v.plannedAt}: ${v.eligible} of ${v.audience} may receive it` +
          (v.byChannel.whatsapp && v.byChannel.sms ? ` (WhatsApp ${v.byChannel.whatsapp}, SMS ${v.byChannel.sms})` : ''),
        ...(reasons.length ? ['excluded:', ...reasons.map(([r, n]) => `  ${pad(r, 20)}${n}`)] : []),
        v.lint.ok
          ? `message: no errors, ${v.lint.warnings} warning${v.lint.warnings === 1 ? '' : 's'}${v.lint.segments !== null ? `, ${v.lint.segments} SMS segment${v.lint.segments === 1 ? '' : 's'} (${v.lint.encoding})` : ''}`
          : ['message has errors — it cannot be sent until they are fixed:', ...v.lint.errors.map((e) => `  ${e.rule}: ${e.message}`)].join('\n'),
      ].join('\n');
    }
    case 'confirmations.list': {
      const v = value as Output<'confirmations.list'>;
      const rows = v.confirmations.map(
        (c) =>
          `${pad(c.phone, 17)}${pad(c.channel, 10)}${pad(c.state + (c.stateReason ? ` (${c.stateReason})` : ''), 24)}${pad(c.outcome, 11)}expires ${c.expiresAt}`,
      );
      return [...rows, `${v.confirmations.length} shown of ${v.total}`].join('\n');
    }
    default:
      return JSON.stringify(value, null, 2);
  }
}

/** A marketing status as the list shows it: a granted consent the gate still blocks says why (same reason as a campaign). */
function marketingCell(status: string, blockedBy: string | null): string {
  return status === 'granted' && blockedBy ? `granted (${blockedBy.replace(/_/g, ' ')})` : status;
}
