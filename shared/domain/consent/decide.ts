import { said, type Said } from '../../contract/said';
import { missingEvidence, type PolicyPack } from '../policy/policy';
import { Channels, type Channel, type ConsentAction, type ConsentEvidence, type ConsentMethod, type Purpose } from './types';

/** How far ahead of the register's clock a device's clock may be before a date counts as "in the future". */
export const CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * The time rule: an event never lies ahead of when it was recorded. A date ahead of `recordedAt` (within the
 * tolerance; beyond it the door refuses) is stored as `recordedAt`, and the date the device claimed is returned
 * so the caller keeps it in the evidence. Without this a grant dated a few minutes ahead would sort after a STOP
 * recorded in between and win over it.
 */
export function stampTime(occurredAt: number, recordedAt: number): { occurredAt: number; claimedAt: number | null } {
  return occurredAt > recordedAt ? { occurredAt: recordedAt, claimedAt: occurredAt } : { occurredAt, claimedAt: null };
}

/** True when a date given for an event is further ahead than any clock error explains. */
export function isFutureDate(occurredAt: number, now: number): boolean {
  return occurredAt > now + CLOCK_TOLERANCE_MS;
}

/** The pack's deadlines: how long a consent counts, and how long a request waits for its answer. */
export type ExpiryLimits = Pick<PolicyPack, 'maxConsentAgeDays' | 'pendingExpiryHours'>;

/** When an event of `action` that occurred at `occurredAt` stops counting under the pack (null: never by itself). */
export function expiryFor(action: ConsentAction, occurredAt: number, policy: ExpiryLimits): number | null {
  if (action === 'grant' || action === 'confirm') return policy.maxConsentAgeDays !== null ? occurredAt + policy.maxConsentAgeDays * DAY_MS : null;
  if (action === 'request') return occurredAt + policy.pendingExpiryHours * HOUR_MS;
  return null;
}

/** What a "yes" becomes under the pack: a grant, a claim (evidence missing) or a request (double opt-in). */
export type GrantDecision =
  | { action: 'grant'; downgraded: null }
  | { action: 'claim' | 'request'; downgraded: { to: 'claim' | 'request'; reason: string; said: Said; missing: string[] } };

/** A downgrade's reason: by key (`said`, for a person in their language) and in English (`reason`). */
const why = (s: Said): { reason: string; said: Said } => ({ reason: s.message, said: s });

/** A claim, with the reason, when `evidence` is not what the pack demands of `method` (not accepted, or fields missing); else null. */
function evidenceShortfall(policy: PolicyPack, method: ConsentMethod, evidence: ConsentEvidence): GrantDecision | null {
  const missing = missingEvidence(policy, method, evidence);
  if (missing !== null && missing.length === 0) return null;
  const reason =
    missing === null
      ? said('consent.downgradeNotAccepted', { pack: policy.id, method })
      : said('consent.downgradeMissing', { pack: policy.id, missing: missing.join(', ') });
  return { action: 'claim', downgraded: { to: 'claim', ...why(reason), missing: missing ?? [] } };
}

/**
 * What a "yes" to a pending request becomes: a confirmation when it came from the number itself (a reply: inbound or
 * QR keyword with the message's id), or — except under double opt-in, where only such a reply confirms — when it
 * carries the evidence the pack demands of its method; anything else is recorded as a claim, which leaves the request
 * pending. Without this a request and a confirm entered by staff made a sendable consent out of an unproven "yes".
 */
export function decideConfirm(
  policy: PolicyPack,
  method: ConsentMethod,
  evidence: ConsentEvidence,
): GrantDecision | { action: 'confirm'; downgraded: null } {
  // The customer's own reply confirms what the request asked (its wording is the request's): that is the proof.
  const fromNumber = (method === 'inbound_keyword' || method === 'qr_keyword') && evidence.inboundMessageId !== undefined;
  if (fromNumber) return { action: 'confirm', downgraded: null };
  const short = evidenceShortfall(policy, method, evidence);
  if (short) return short;
  if (policy.doubleOptIn)
    return { action: 'claim', downgraded: { to: 'claim', ...why(said('consent.downgradeDoubleOptIn', { pack: policy.id })), missing: [] } };
  return { action: 'confirm', downgraded: null };
}

/**
 * The claim downgrade, in one place: a grant without the evidence the pack demands is recorded as a claim
 * (visible, never sendable); under a double-opt-in pack a proven grant is recorded as a request until confirmed,
 * unless `viaConfirmation` says the customer cannot be asked (a file), in which case it stays a claim.
 */
export function decideGrant(
  policy: PolicyPack,
  method: ConsentMethod,
  evidence: ConsentEvidence,
  options: { canConfirm?: boolean } = {},
): GrantDecision {
  const short = evidenceShortfall(policy, method, evidence);
  if (short) return short;
  if (policy.doubleOptIn) {
    if (options.canConfirm === false)
      return {
        action: 'claim',
        downgraded: { to: 'claim', ...why(said('consent.downgradeDoubleOptInFile', { pack: policy.id })), missing: [] },
      };
    return {
      action: 'request',
      downgraded: {
        to: 'request',
        ...why(said('consent.downgradeDoubleOptIn', { pack: policy.id })),
        missing: [],
      },
    };
  }
  return { action: 'grant', downgraded: null };
}

/** The cells a revocation reaches under the policy: opt-out always wins, and by default everywhere. */
export function revocationTargets(channel: Channel, purpose: Purpose, policy: PolicyPack): { channel: Channel; purpose: Purpose }[] {
  const all = policy.revocationScope === 'all_marketing';
  if (purpose === 'marketing') return all ? Channels.map((c) => ({ channel: c, purpose: 'marketing' as const })) : [{ channel, purpose }];
  if (purpose === 'personal_data') {
    // Without the processing consent nothing may be sent for marketing either (152-FZ art. 15).
    return [
      ...Channels.map((c) => ({ channel: c, purpose: 'personal_data' as const })),
      ...Channels.map((c) => ({ channel: c, purpose: 'marketing' as const })),
    ];
  }
  return [{ channel, purpose }];
}
