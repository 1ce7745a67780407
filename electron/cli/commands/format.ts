import type { Output, PendingOptOut, PrimaryNumber } from '../../../shared/contract/api';

export const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** An opt-out accepted while the register was busy, in words. */
function pendingLine(p: PendingOptOut): string {
  return `opt-out ${p.channel}/${p.purpose} for ${p.phone} accepted at ${p.receivedAt} while the register was busy with ${p.waitingFor}: no message goes to this number; it is entered into the register as soon as that is done${p.problem ? ` (not entered yet: ${p.problem})` : ''}`;
}

/** A complaint recorded, with the revocations of marketing it made (or kept while the register was busy). */
export function complaintRecorded(v: Output<'complaints.record'>): string {
  if (v.pending)
    return `complaint accepted while the register was busy with ${v.pending.waitingFor}: no marketing goes to ${v.pending.phone} on any channel; the complaint and its opt-out are entered into the register as soon as that is done`;
  return [
    `complaint ${v.id} recorded`,
    ...v.events.map((e) => `recorded #${e.id} ${e.action} ${e.channel}/${e.purpose} for ${e.phone}`),
    'a complaint withdraws marketing on every channel; a consent given again counts once 90 days have passed since the complaint',
  ].join('\n');
}

/** A contact added or updated. */
export function contactLine(c: Output<'contacts.add'>): string {
  return `contact ${c.id}  ${c.phone}  ${c.name}${c.messageable ? '' : '  (cannot receive SMS/WhatsApp)'}`;
}

/** A page of the contacts list. */
export function contactsList(v: Output<'contacts.list'>): string {
  const rows = v.contacts.map(
    (c) =>
      `${pad(String(c.id), 8)}${pad(c.phone, 17)}${pad(c.name, 30)}sms:${pad(marketingCell(c.marketing.sms, c.marketingBlockedBy.sms), 34)}whatsapp:${marketingCell(c.marketing.whatsapp, c.marketingBlockedBy.whatsapp)}`,
  );
  return [...rows, `${v.contacts.length} shown${v.total !== null ? ` of ${v.total}` : ''}`].join('\n');
}

/** A contact's page: consents and timeline. */
export function contactPage(v: Output<'contacts.get'>): string {
  const cells = v.consents
    .filter((c) => c.status !== 'none')
    .map((c) => `  ${pad(`${c.channel}/${c.purpose}`, 26)}${pad(c.status, 10)}${c.since ?? ''}`);
  const events = v.timeline.map(
    (e) =>
      `  #${pad(String(e.id), 7)}${e.occurredAt}  ${pad(e.action, 8)}${pad(`${e.channel}/${e.purpose}`, 26)}${pad(e.method, 17)}by ${e.recordedBy}${e.formCode ? `  form ${e.formCode}` : ''}`,
  );
  return [
    `contact ${v.contact.id}  ${v.contact.phone}  ${v.contact.name}`,
    ...(v.primary ? [mergedLine(v.primary)] : []),
    ...(v.contact.erasedAt ? [`erased on request: asked ${v.contact.erasureRequestedAt ?? '?'}, erased ${v.contact.erasedAt}`] : []),
    'consents:',
    ...(cells.length ? cells : ['  none']),
    ...(v.pending ?? []).map(pendingLine),
    'timeline:',
    ...(events.length ? events : ['  no events']),
  ].join('\n');
}

/** What a merge did. */
export function contactsMerged(v: Output<'contacts.merge'>): string {
  return [
    `merged into contact ${v.primary.id} (${v.primary.phone}): ${v.merged.map((m) => m.phone).join(', ')}`,
    v.filled.length ? `filled in: ${v.filled.join(', ')}` : 'no field of the primary changed',
    'campaigns go to the primary number, under its own consent; each number keeps its own consent on record, and an opt-out of any of them (one given before this merge too) stops the person',
  ].join('\n');
}

/** Who a win-back asks (or would ask) to confirm a claimed or expired consent, and why the others cannot be asked. */
export function contactsWinback(v: Output<'contacts.winback'>, dryRun: boolean): string {
  const channels = (['sms', 'whatsapp'] as const)
    .filter((c) => v.byChannel[c] > 0)
    .map((c) => `${c === 'sms' ? 'SMS' : 'WhatsApp'} ${v.byChannel[c]}`);
  return [
    `${v.askable} of ${v.considered} contact(s) can be asked to confirm${channels.length ? ` (${channels.join(', ')})` : ''}`,
    ...(v.blocked.length ? ['cannot be asked:', ...v.blocked.map((b) => `  ${pad(b.reason, 22)}${b.count}`)] : []),
    dryRun
      ? 'dry run: nothing was recorded or queued (run again without --dry-run to ask them)'
      : `${v.asked} confirmation request(s) recorded and queued; a YES that comes back turns the claim into a proven consent`,
    `the request (en): ${v.text.en}`,
    `the request (ru): ${v.text.ru}`,
  ].join('\n');
}

/** What a deletion request did. */
export function contactsErased(v: Output<'contacts.erase'>): string {
  return [
    `erased on request (asked ${v.requestedAt}, done ${v.erasedAt}): ${v.erased.map((c) => c.phone).join(', ')}`,
    `${v.revocations} revocation${v.revocations === 1 ? '' : 's'} recorded; the numbers and their opt-out are kept`,
  ].join('\n');
}

/** The events a consent call recorded. */
export function consentRecorded(v: Output<'consent.record'>): string {
  const lines = v.events.map((e) => `recorded #${e.id} ${e.action} ${e.channel}/${e.purpose} for ${e.phone}`);
  if (v.downgraded) lines.push(`note: recorded as ${v.downgraded.to}, not a grant — ${v.downgraded.reason}`);
  if (v.pending) lines.push(pendingLine(v.pending));
  return lines.join('\n');
}

/** A number merged into another contact: where its messages go instead (its cells say `merged`). */
const mergedLine = (p: PrimaryNumber): string =>
  `merged into contact ${p.contactId} (${p.phone}): messages go to that number; this number's consent stays on record`;

/** A number's consents at an instant. */
export function consentStatus(v: Output<'consent.status'>): string {
  return [
    `${v.phone} at ${v.at}`,
    ...(v.primary ? [mergedLine(v.primary)] : []),
    ...v.consents.map(
      (c) => `  ${pad(`${c.channel}/${c.purpose}`, 26)}${pad(c.status, 10)}${pad(c.since ?? '', 26)}${c.sendable ? 'sendable' : (c.blockedBy ?? '')}`,
    ),
    ...(v.pending ?? []).map(pendingLine),
  ].join('\n');
}

/** What audit verify found, with both chains' heads and the witness. */
export function auditVerified(v: Output<'audit.verify'>): string {
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

/** The head the witness now remembers. */
export function headAccepted(v: Output<'audit.acceptHead'>): string {
  return [`the witness now remembers: ${v.head}`, `it remembered before: ${v.previous ?? 'nothing'}`].join('\n');
}

/** A new wording version. */
export function formCreated(f: Output<'forms.create'>): string {
  return `form version ${f.id}  ${f.code}  "${f.title}"  sha256 ${f.sha256}`;
}

/** A planned campaign: who may receive it, who not and why, and what the linter says of the message. */
export function planned(v: Output<'campaign.plan'>): string {
  const reasons = Object.entries(v.excluded).filter(([, n]) => n > 0);
  return [
    `campaign ${v.batch} "${v.name}" planned for ${v.plannedAt}: ${v.eligible} of ${v.audience} may receive it` +
      (v.byChannel.whatsapp && v.byChannel.sms ? ` (WhatsApp ${v.byChannel.whatsapp}, SMS ${v.byChannel.sms})` : ''),
    ...(v.promotional
      ? ['planned as marketing: the message is promotional, so it goes only to people whose marketing consent is in force, under the marketing rules']
      : []),
    ...(reasons.length ? ['excluded:', ...reasons.map(([r, n]) => `  ${pad(r, 20)}${n}`)] : []),
    v.lint.ok
      ? `message: no errors, ${v.lint.warnings} warning${v.lint.warnings === 1 ? '' : 's'}${v.lint.segments !== null ? `, ${v.lint.segments} SMS segment${v.lint.segments === 1 ? '' : 's'} (${v.lint.encoding})` : ''}`
      : ['message has errors — it cannot be sent until they are fixed:', ...v.lint.errors.map((e) => `  ${e.rule}: ${e.message}`)].join('\n'),
    ...(v.health.length ? ['health of recent campaigns (optin health):', ...v.health.map((w) => `  ${healthWarningLine(w)}`)] : []),
  ].join('\n');
}

/** A rate as a percentage ("2.6 %", "0.05 %"), "—" when there is none. */
export const pct = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`);

/** One health warning in words, with the numbers behind it. */
export function healthWarningLine(w: Output<'health.report'>['warnings'][number]): string {
  if (w.kind === 'quality') return `WhatsApp quality ${w.detail ?? ''} (${w.at})`;
  const what = w.kind === 'opt_out_rate' ? `opt-outs within ${w.windowHours} h` : `complaints within ${(w.windowHours ?? 0) / 24} days`;
  return `campaign ${w.campaign} "${w.campaignName}": ${what}: ${w.count} of ${w.handedOff} handed off = ${pct(w.rate)}, above ${pct(w.threshold)}`;
}

/** Double opt-in confirmation messages and what became of them. */
export function confirmationsList(v: Output<'confirmations.list'>): string {
  const rows = v.confirmations.map(
    (c) =>
      `${pad(c.phone, 17)}${pad(c.channel, 10)}${pad(c.state + (c.stateReason ? ` (${c.stateReason})` : ''), 24)}${pad(c.outcome, 11)}expires ${c.expiresAt}`,
  );
  const k = v.counts;
  return [
    ...rows,
    `${v.confirmations.length} shown of ${v.total}; queued ${k.queued}, sent ${k.sent}, confirmed ${k.confirmed}, declined ${k.declined}, expired ${k.expired}, waiting ${k.waiting}`,
  ].join('\n');
}

/** `confirmations send`: each wave with where its messages are, lapsed requests, channels nobody carries. */
export function confirmationsSent(v: Output<'confirmations.send'>): string {
  const lines = v.waves.map(
    (w) =>
      `campaign ${w.batch}: ${w.kind === 'winback' ? 'win-back' : 'confirmation'} requests, ${w.channel}, ${w.language} via ${w.provider} — ${w.queued} queued, ${w.sent} sent, ${w.pending} pending, ${w.skipped} skipped, ${w.failed} failed`,
  );
  if (!v.waves.length) lines.push('no confirmation requests waiting');
  if (v.expired) lines.push(`${v.expired} request(s) expired before they could go`);
  for (const n of v.noProvider) lines.push(`${n.waiting} ${n.channel} request(s) wait: no provider carries ${n.channel} (optin providers add)`);
  return lines.join('\n');
}

/** Any answer without its own wording: indented JSON. */
export const asJsonText = (value: unknown): string => JSON.stringify(value, null, 2);

/** A marketing status as the list shows it: a granted consent the gate still blocks says why (same reason as a campaign). */
function marketingCell(status: string, blockedBy: string | null): string {
  return status === 'granted' && blockedBy ? `granted (${blockedBy.replace(/_/g, ' ')})` : status;
}
