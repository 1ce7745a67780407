import { effectiveState } from '../consent/fold';
import type { Channel, ConsentState } from '../consent/types';
import type { PolicyPack } from '../policy/policy';
import { nextAllowed, zonesOutside } from '../time/zones';
import { isUsNumber } from '../phone/reach';

/**
 * Why a contact may not receive a message now (DOMAIN §7(b)), in the order they are checked: an opt-out is
 * looked at first and always wins; quiet hours only defer. `no_contact` and `merged` are said before the gate is asked
 * (electron/core/campaigns/audience.ts): a removed contact is nobody, and a number merged into another contact is one
 * of that person's other numbers — messages go to the primary number, under its own consent — whatever its own
 * consent says (which stays as recorded).
 */
export const ExclusionReasons = [
  'revoked',
  'integrity',
  'no_contact',
  'merged',
  'invalid_number',
  'complained',
  'needs_personal_data',
  'no_consent',
  'pending',
  'expired',
  'whatsapp_us_pause',
  'frequency_cap',
  'quiet_hours',
] as const;
/** Why a contact was left out of a batch. */
export type ExclusionReason = (typeof ExclusionReasons)[number];

/** Everything the gate needs about one recipient, read from the register at the moment of the check. */
export interface GateRecipient {
  /** E.164. */
  phone: string;
  /** The number can take SMS/WhatsApp (not a landline), and no provider has flagged it invalid. */
  messageable: boolean;
  /** Folded consent states at the moment of the check, as stored in the projection. */
  state: (channel: Channel, purpose: 'marketing' | 'service' | 'personal_data') => ConsentState;
  /** When the contact last complained, if ever. */
  lastComplaintAt: number | null;
  /** Marketing messages handed off to this contact within the pack's frequency window before `at`. */
  recentMarketing: number;
  /** The recipient's time zone when known. */
  timeZone: string | null;
}

/** What is being sent, and when. */
export interface GateMessage {
  channel: Channel;
  purpose: 'marketing' | 'service';
  /** The moment of the check: the planned time when planning, now at hand-off. */
  at: number;
  /**
   * A double opt-in confirmation request (a service message asking the person to confirm marketing on this
   * channel, nothing else in it): `request` — the person asked and their marketing cell is pending, which is the
   * request's basis; `winback` — their marketing is only claimed or has expired, and the basis is their service
   * consent on this channel, or on SMS under a pack whose `winback.sms` is `claim` the claim (or lapsed consent)
   * itself (see {@link winbackBasis}). An opt-out still wins and quiet hours still defer it.
   */
  confirmation?: 'request' | 'winback' | undefined;
}

/** The shop's rules for the gate. */
export interface GateRules {
  policy: PolicyPack;
  /** Zones to assume for a recipient whose zone is unknown (the pack's, else the shop's). */
  fallbackTimeZones: readonly string[];
  /** A complaint keeps marketing away from that person for this long. */
  complaintCooldownDays: number;
}

/** The gate's answer: the consent event that makes the message lawful, or the one reason it may not go. */
export type GateVerdict =
  | { eligible: true; proofEvent: number }
  | { eligible: false; reason: ExclusionReason; proofEvent: null; /** quiet hours: the first moment it may go */ deferUntil?: number };

const DAY = 24 * 60 * 60 * 1000;

const refuse = (reason: ExclusionReason, deferUntil?: number): GateVerdict =>
  deferUntil === undefined ? { eligible: false, reason, proofEvent: null } : { eligible: false, reason, proofEvent: null, deferUntil };

/**
 * May this message go to this recipient at `message.at`? Pure: the caller reads the register (projection,
 * complaints, hand-off counts) as it stands at that moment and runs the gate again at hand-off.
 */
export function gate(recipient: GateRecipient, message: GateMessage, rules: GateRules): GateVerdict {
  if (message.confirmation) return gateConfirmation(recipient, message, message.confirmation, rules);
  const { channel, purpose, at } = message;
  const { policy } = rules;
  const cell = effectiveState(recipient.state(channel, purpose), at);

  // An opt-out wins over everything. Its reach (every channel under a revoke-all pack, marketing with the
  // personal-data consent) is written as events when it is recorded, so the cell itself says so; a newer
  // proven grant is a new consent and counts.
  if (cell.status === 'revoked') return refuse('revoked');
  if (!recipient.messageable) return refuse('invalid_number');
  if (purpose === 'marketing' && recipient.lastComplaintAt !== null && at - recipient.lastComplaintAt < rules.complaintCooldownDays * DAY)
    return refuse('complained');

  switch (cell.status) {
    case 'granted':
      break;
    case 'pending':
      return refuse('pending');
    case 'expired':
      return refuse('expired');
    default:
      // none, or an unproven claim: nothing that may be relied on.
      return refuse('no_consent');
  }
  if (purpose === 'marketing' && policy.requiresPersonalDataConsent) {
    const pdGranted = (['sms', 'whatsapp'] as const).some((c) => effectiveState(recipient.state(c, 'personal_data'), at).status === 'granted');
    // Russia (152-FZ): marketing needs the separate personal-data consent too; said as its own reason everywhere.
    if (!pdGranted) return refuse('needs_personal_data');
  }
  // Meta paused marketing templates to US numbers (1 Apr 2025): never via WhatsApp, SMS only with SMS consent.
  // Canada and the Caribbean share +1 but not the pause.
  if (channel === 'whatsapp' && purpose === 'marketing' && isUsNumber(recipient.phone)) return refuse('whatsapp_us_pause');
  if (purpose === 'marketing' && policy.frequencyCap && recipient.recentMarketing >= policy.frequencyCap.messages) return refuse('frequency_cap');
  if (purpose === 'marketing' && policy.quietHours) {
    const zones = recipient.timeZone ? [recipient.timeZone] : rules.fallbackTimeZones;
    if (zonesOutside(at, zones, policy.quietHours).length > 0) {
      const next = nextAllowed(at, zones, policy.quietHours);
      return next === null ? refuse('quiet_hours') : refuse('quiet_hours', next);
    }
  }
  return cell.lastEventSeq === null ? refuse('no_consent') : { eligible: true, proofEvent: cell.lastEventSeq };
}

/** Quiet hours of the pack for this recipient at `at`: the deferral, or null when the message may go now. */
function quietHours(recipient: GateRecipient, at: number, rules: GateRules): GateVerdict | null {
  const { policy } = rules;
  if (!policy.quietHours) return null;
  const zones = recipient.timeZone ? [recipient.timeZone] : rules.fallbackTimeZones;
  if (zonesOutside(at, zones, policy.quietHours).length === 0) return null;
  const next = nextAllowed(at, zones, policy.quietHours);
  return next === null ? refuse('quiet_hours') : refuse('quiet_hours', next);
}

/**
 * What a win-back request on `channel` may stand on under `policy`: the service consent on that channel, or (SMS under
 * a pack that allows it) the claim or lapsed consent it asks about. WhatsApp always needs the service consent: Meta
 * lets a business write first only to people who opted in to its messages (a pack cannot loosen that).
 */
export function winbackBasis(channel: Channel, policy: PolicyPack): 'service_consent' | 'claim' {
  return channel === 'sms' ? policy.winback.sms : 'service_consent';
}

/**
 * A double opt-in confirmation request (see {@link GateMessage.confirmation}): an opt-out of marketing or of
 * service messages on the channel stops it; the proof is the pending request itself, or (a win-back) the service
 * consent on this channel — or, where {@link winbackBasis} allows, the claim or lapsed consent itself; quiet hours
 * defer it like marketing.
 */
function gateConfirmation(recipient: GateRecipient, message: GateMessage, kind: 'request' | 'winback', rules: GateRules): GateVerdict {
  const { channel, at } = message;
  const marketing = effectiveState(recipient.state(channel, 'marketing'), at);
  const service = effectiveState(recipient.state(channel, 'service'), at);
  if (marketing.status === 'revoked' || service.status === 'revoked') return refuse('revoked');
  if (!recipient.messageable) return refuse('invalid_number');
  let proof: number | null;
  if (kind === 'request') {
    if (marketing.status === 'granted') return refuse('no_consent');
    if (marketing.status === 'expired') return refuse('expired');
    if (marketing.status !== 'pending') return refuse('no_consent');
    proof = marketing.lastEventSeq;
  } else {
    if (marketing.status === 'granted') return refuse('no_consent');
    if (service.status === 'granted') proof = service.lastEventSeq;
    else if (winbackBasis(channel, rules.policy) === 'claim' && (marketing.status === 'unproven' || marketing.status === 'expired'))
      proof = marketing.lastEventSeq;
    else return refuse(service.status === 'expired' ? 'expired' : 'no_consent');
  }
  const quiet = quietHours(recipient, at, rules);
  if (quiet) return quiet;
  return proof === null ? refuse('no_consent') : { eligible: true, proofEvent: proof };
}
