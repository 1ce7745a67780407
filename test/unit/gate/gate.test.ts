import { describe, expect, it } from 'vitest';
import { gate, winbackBasis, type GateRecipient } from '../../../shared/domain/gate/gate';
import { getPolicyPack } from '../../../shared/domain/policy/policy';
import type { Channel, ConsentState } from '../../../shared/domain/consent/types';

const AT = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const state = (status: ConsentState['status'], seq = 7, expiresAt: number | null = null): ConsentState => ({
  status,
  since: AT - DAY,
  lastEventSeq: seq,
  expiresAt,
});
const none: ConsentState = { status: 'none', since: null, lastEventSeq: null, expiresAt: null };

function recipient(cells: Partial<Record<`${Channel}/${string}`, ConsentState>>, extra: Partial<GateRecipient> = {}): GateRecipient {
  return {
    phone: '+79123456789',
    messageable: true,
    state: (c, p) => cells[`${c}/${p}`] ?? none,
    lastComplaintAt: null,
    recentMarketing: 0,
    timeZone: 'Europe/Moscow',
    ...extra,
  };
}

const rules = (pack: 'ru' | 'eu' | 'us' | 'de') => ({ policy: getPolicyPack(pack), fallbackTimeZones: ['Europe/Moscow'], complaintCooldownDays: 90 });
const sms = { channel: 'sms' as const, purpose: 'marketing' as const, at: AT };

describe('send-time gate', () => {
  it('lets a proven consent through and names the event that proves it', () => {
    expect(gate(recipient({ 'sms/marketing': state('granted', 42) }), sms, rules('eu'))).toEqual({ eligible: true, proofEvent: 42 });
  });

  it.each([
    ['no consent at all', {}, 'no_consent'],
    ['an unproven claim', { 'sms/marketing': state('unproven') }, 'no_consent'],
    ['double opt-in not confirmed', { 'sms/marketing': state('pending', 3, AT + DAY) }, 'pending'],
    ['revoked', { 'sms/marketing': state('revoked') }, 'revoked'],
    ['expired by an event', { 'sms/marketing': state('expired') }, 'expired'],
    ['past its maximum age', { 'sms/marketing': state('granted', 5, AT - 1) }, 'expired'],
    ['consent on WhatsApp only', { 'whatsapp/marketing': state('granted') }, 'no_consent'],
  ] as const)('%s → %s', (_, cells, reason) => {
    expect(gate(recipient(cells), sms, rules('eu'))).toMatchObject({ eligible: false, reason });
  });

  it('Russia: marketing also needs the separate personal-data consent', () => {
    expect(gate(recipient({ 'sms/marketing': state('granted') }), sms, rules('ru'))).toMatchObject({ reason: 'needs_personal_data' });
    expect(gate(recipient({ 'sms/marketing': state('granted', 9), 'sms/personal_data': state('granted') }), sms, rules('ru'))).toEqual({
      eligible: true,
      proofEvent: 9,
    });
  });

  it('an opt-out is reported before anything else, even an invalid number or a complaint', () => {
    const r = recipient({ 'sms/marketing': state('revoked') }, { messageable: false, lastComplaintAt: AT - DAY });
    expect(gate(r, sms, rules('eu'))).toMatchObject({ reason: 'revoked' });
  });

  it('excludes landlines, recent complaints, and frequency caps', () => {
    const ok = { 'sms/marketing': state('granted') };
    expect(gate(recipient(ok, { messageable: false }), sms, rules('eu'))).toMatchObject({ reason: 'invalid_number' });
    expect(gate(recipient(ok, { lastComplaintAt: AT - 10 * DAY }), sms, rules('eu'))).toMatchObject({ reason: 'complained' });
    expect(gate(recipient(ok, { lastComplaintAt: AT - 100 * DAY }), sms, rules('eu'))).toMatchObject({ eligible: true });
    expect(gate(recipient(ok, { recentMarketing: 4 }), sms, rules('eu'))).toMatchObject({ reason: 'frequency_cap' });
    // Service messages are not marketing: no cap, no complaint cooldown.
    const service = { ...sms, purpose: 'service' as const };
    expect(gate(recipient({ 'sms/service': state('granted', 2) }, { recentMarketing: 40, lastComplaintAt: AT }), service, rules('eu'))).toEqual({
      eligible: true,
      proofEvent: 2,
    });
  });

  it('never sends WhatsApp marketing to a US number', () => {
    const r = recipient({ 'whatsapp/marketing': state('granted') }, { phone: '+12025550123', timeZone: 'America/New_York' });
    expect(gate(r, { ...sms, channel: 'whatsapp' }, rules('us'))).toMatchObject({ reason: 'whatsapp_us_pause' });
  });

  it('defers (not drops) a message planned in the quiet hours of the recipient, to the first allowed moment', () => {
    const night = Date.parse('2026-11-24T06:00:00Z'); // 01:00 in New York
    const r = recipient({ 'sms/marketing': state('granted') }, { phone: '+12025550123', timeZone: 'America/New_York' });
    const v = gate(r, { ...sms, at: night }, rules('us'));
    expect(v).toMatchObject({ eligible: false, reason: 'quiet_hours', deferUntil: Date.parse('2026-11-24T13:00:00Z') });
    // Unknown zone: every fallback zone must be inside the window.
    const unknown = gate(
      { ...r, timeZone: null },
      { ...sms, at: Date.parse('2026-11-24T14:00:00Z') },
      { ...rules('us'), fallbackTimeZones: ['America/New_York', 'America/Los_Angeles'] },
    );
    expect(unknown).toMatchObject({ reason: 'quiet_hours', deferUntil: Date.parse('2026-11-24T16:00:00Z') });
  });
});

describe('win-back requests: what the neutral question may stand on', () => {
  // 18:00 UTC: daytime in Moscow and in New York (quiet hours aside).
  const winback = (channel: Channel) => ({ channel, purpose: 'service' as const, at: AT + 6 * 3_600_000, confirmation: 'winback' as const });
  const usRules = { policy: getPolicyPack('us'), fallbackTimeZones: ['America/New_York'], complaintCooldownDays: 90 };
  const usRecipient = (cells: Parameters<typeof recipient>[0]) => recipient(cells, { phone: '+12025550143', timeZone: 'America/New_York' });

  it('the service consent on the channel carries it under every pack, and is the proof', () => {
    const cells = { 'sms/marketing': state('unproven', 3), 'sms/service': state('granted', 8) };
    for (const pack of ['ru', 'eu', 'de'] as const)
      expect(gate(recipient(cells), winback('sms'), rules(pack))).toEqual({ eligible: true, proofEvent: 8 });
    expect(gate(usRecipient(cells), winback('sms'), usRules)).toEqual({ eligible: true, proofEvent: 8 });
  });

  it('where a request for consent is itself a message that needs consent (ru, eu, de, uk, ca), a claim alone carries nothing', () => {
    for (const pack of ['ru', 'eu', 'de', 'uk', 'ca'] as const) {
      expect(getPolicyPack(pack).winback.sms).toBe('service_consent');
      const r = { policy: getPolicyPack(pack), fallbackTimeZones: ['Europe/Moscow'], complaintCooldownDays: 90 };
      expect(gate(recipient({ 'sms/marketing': state('unproven') }), winback('sms'), r)).toMatchObject({ eligible: false, reason: 'no_consent' });
      expect(gate(recipient({ 'sms/marketing': state('expired') }), winback('sms'), r)).toMatchObject({ eligible: false, reason: 'no_consent' });
    }
  });

  it('US SMS: the claim (or the lapsed consent) itself carries a neutral request, and is named as its proof', () => {
    expect(winbackBasis('sms', getPolicyPack('us'))).toBe('claim');
    expect(gate(usRecipient({ 'sms/marketing': state('unproven', 11) }), winback('sms'), usRules)).toEqual({ eligible: true, proofEvent: 11 });
    expect(gate(usRecipient({ 'sms/marketing': state('expired', 12) }), winback('sms'), usRules)).toEqual({ eligible: true, proofEvent: 12 });
    // Nothing to win back: no claim, a proven consent, or one waiting for its confirmation.
    expect(gate(usRecipient({}), winback('sms'), usRules)).toMatchObject({ eligible: false, reason: 'no_consent' });
    expect(gate(usRecipient({ 'sms/marketing': state('granted') }), winback('sms'), usRules)).toMatchObject({
      eligible: false,
      reason: 'no_consent',
    });
    // An opt-out still wins, of marketing or of service messages; a bad number still stops it; quiet hours still defer it.
    expect(gate(usRecipient({ 'sms/marketing': state('revoked') }), winback('sms'), usRules)).toMatchObject({ reason: 'revoked' });
    expect(gate(usRecipient({ 'sms/marketing': state('unproven'), 'sms/service': state('revoked') }), winback('sms'), usRules)).toMatchObject({
      reason: 'revoked',
    });
    expect(
      gate(
        recipient({ 'sms/marketing': state('unproven') }, { phone: '+12025550143', timeZone: 'America/New_York', messageable: false }),
        winback('sms'),
        usRules,
      ),
    ).toMatchObject({ reason: 'invalid_number' });
    const night = Date.parse('2026-11-24T05:00:00Z'); // midnight in New York
    expect(gate(usRecipient({ 'sms/marketing': state('unproven') }), { ...winback('sms'), at: night }, usRules)).toMatchObject({
      reason: 'quiet_hours',
    });
  });

  it('WhatsApp always needs the WhatsApp service consent (Meta: opt-in before a business writes first), even under the US pack', () => {
    expect(winbackBasis('whatsapp', getPolicyPack('us'))).toBe('service_consent');
    expect(gate(usRecipient({ 'whatsapp/marketing': state('unproven') }), winback('whatsapp'), usRules)).toMatchObject({
      eligible: false,
      reason: 'no_consent',
    });
    expect(
      gate(usRecipient({ 'whatsapp/marketing': state('unproven'), 'whatsapp/service': state('granted', 21) }), winback('whatsapp'), usRules),
    ).toEqual({
      eligible: true,
      proofEvent: 21,
    });
    // An SMS service consent does not carry a WhatsApp request.
    expect(
      gate(usRecipient({ 'whatsapp/marketing': state('unproven'), 'sms/service': state('granted') }), winback('whatsapp'), usRules),
    ).toMatchObject({
      eligible: false,
    });
  });
});
