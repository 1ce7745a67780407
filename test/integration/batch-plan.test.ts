import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scopedBackend } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';
import { main } from '../../electron/cli/index';

const OK_TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

describe('batch plan', () => {
  it('counts every contact of the audience as eligible or excluded for one reason, and lists each group', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79120000001', 'sms', form); // eligible
    await grantPaper(t.call, '+79120000002', 'sms', form); // eligible, then complains (which withdraws marketing)
    await t.call('complaints.record', { phone: '+79120000002', note: 'звонил, ругался' });
    t.clock.advance(60_000);
    await grantPaper(t.call, '+79120000002', 'sms', form); // signs again: still held back after the complaint
    await grantPaper(t.call, '+79120000003', 'sms', form); // revoked
    await t.call('inbound.receive', { from: '+79120000003', text: 'СТОП' });
    await grantPaper(t.call, '+79120000004', 'sms', form, { purposes: ['marketing'] }); // no personal-data consent
    await t.call('consent.record', {
      phone: '+79120000005',
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
      evidence: { source: 'CRM' },
    }); // unproven
    await t.call('contacts.add', { phone: '+7 495 123-45-67' }); // landline, nothing else
    await grantPaper(t.call, '+74951234567', 'sms', form);
    await t.call('contacts.add', { phone: '+79120000007', tags: ['vip'] }); // nothing at all

    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT });
    expect(plan).toMatchObject({ audience: 7, eligible: 1, byChannel: { sms: 1, whatsapp: 0 }, lint: { ok: true, errors: [] } });
    expect(plan.excluded).toMatchObject({
      complained: 1,
      revoked: 1,
      // The one without the 152-FZ personal-data consent is said as such, not as plain "no consent" (issue #14).
      needs_personal_data: 1,
      no_consent: 2,
      invalid_number: 1,
      pending: 0,
      expired: 0,
      frequency_cap: 0,
      quiet_hours: 0,
    });

    const eligible = await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible' });
    expect(eligible.people).toMatchObject([{ phone: '+79120000001', channel: 'sms', proofEvent: expect.any(Number) }]);
    // The proof is a grant on that very channel and purpose.
    const contact = await t.call('contacts.get', { phone: '+79120000001' });
    expect(contact.timeline.find((e) => e.id === eligible.people[0]?.proofEvent)).toMatchObject({
      action: 'grant',
      channel: 'sms',
      purpose: 'marketing',
    });
    const none = await t.call('campaign.audience', { batch: plan.batch, reason: 'no_consent' });
    expect(none.people.map((p) => p.phone).sort()).toEqual(['+79120000005', '+79120000007']);
    const pd = await t.call('campaign.audience', { batch: plan.batch, reason: 'needs_personal_data' });
    expect(pd.people.map((p) => p.phone)).toEqual(['+79120000004']);

    // A revocation after planning shows at once in the lists (the counts are the plan's record).
    await t.call('inbound.receive', { from: '+79120000001', text: 'stop' });
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible' })).total).toBe(0);
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'revoked' })).total).toBe(2);
  });

  it('a cascade tries WhatsApp first and SMS for those WhatsApp cannot reach; tags narrow the audience', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79120000001', 'whatsapp', form);
    await grantPaper(t.call, '+79120000002', 'sms', form);
    await t.call('contacts.update', { id: 2, tags: ['vip'] });
    const plan = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text: OK_TEXT });
    expect(plan).toMatchObject({ audience: 2, eligible: 2, byChannel: { whatsapp: 1, sms: 1 } });
    const vip = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text: OK_TEXT, tags: ['vip'] });
    expect(vip).toMatchObject({ audience: 1, eligible: 1, byChannel: { whatsapp: 0, sms: 1 } });
  });

  it('records the lint verdict: a message with errors is planned but marked as not sendable', async () => {
    const t = scopedBackend();
    await russianShop(t);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Скидки!!!' });
    expect(plan.lint.ok).toBe(false);
    expect(plan.lint.errors.map((e) => e.rule)).toEqual(expect.arrayContaining(['LINT-OPTOUT-PRESENT']));
    expect((await t.call('campaign.list', {})).batches[0]).toMatchObject({ id: plan.batch, lintOk: false, state: 'planned' });
  });

  it('US: WhatsApp marketing to +1 is excluded, and night-time sends are deferred, not dropped', async () => {
    const t = scopedBackend();
    await t.call('settings.update', {
      businessName: 'Corner Shop',
      senderName: 'CornerShop',
      shopPhone: '+1 202 555 0100',
      defaultCountry: 'US',
      timezone: 'America/New_York',
      policyPack: 'us',
    });
    const form = await t.call('forms.create', {
      language: 'en',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing'],
      body: 'I agree to receive marketing texts from Corner Shop. Consent is not a condition of purchase. Reply STOP to cancel.',
    });
    for (const channel of ['sms', 'whatsapp'] as const)
      await t.call('consent.record', {
        phone: '+1 202 555 0123',
        channel,
        purpose: 'marketing',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: form.id, sheetRef: 'S-1' },
      });
    const text = 'Corner Shop: 10% off all bread this weekend. Reply STOP to opt out';
    const wa = await t.call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text, at: '2026-03-02T20:00:00Z' });
    expect(wa.excluded.whatsapp_us_pause).toBe(1);
    const cascade = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text, at: '2026-03-02T20:00:00Z' });
    expect(cascade).toMatchObject({ eligible: 1, byChannel: { sms: 1, whatsapp: 0 } });
    const night = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text, at: '2026-03-03T06:00:00Z' });
    expect(night.excluded.quiet_hours).toBe(1);
    const deferred = await t.call('campaign.audience', { batch: night.batch, reason: 'quiet_hours' });
    // When the recipient's zone is unknown, every US zone the pack lists must be inside 08:00–21:00: Honolulu opens last (18:00 UTC).
    expect(deferred.people[0]?.deferUntil).toBe('2026-03-03T18:00:00.000Z');

    // A territory's number keeps its own hours, outside the mainland zones: Puerto Rico at 21:30 and Guam at 04:30 are
    // quiet while every mainland zone is open (they were handed off), and each opens at its own 08:00.
    for (const [phone, at, opens] of [
      ['+1 787 555 0123', '2026-03-03T01:30:00Z', '2026-03-03T12:00:00.000Z'],
      ['+1 671 555 0123', '2026-03-03T18:30:00Z', '2026-03-03T22:00:00.000Z'],
    ] as const) {
      await t.call('consent.record', {
        phone,
        channel: 'sms',
        purpose: 'marketing',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: form.id, sheetRef: 'S-2' },
      });
      const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text, at });
      const quiet = await t.call('campaign.audience', { batch: plan.batch, reason: 'quiet_hours' });
      expect(quiet.people.map((p) => [p.phone, p.deferUntil])).toContainEqual([phone.replace(/ /g, ''), opens]);
    }
  });

  it('refuses a time in the past and an unknown batch', async () => {
    const t = scopedBackend();
    await russianShop(t);
    await expect(t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT, at: '2026-01-01T00:00:00Z' })).rejects.toThrow(
      /at: .* is in the past/,
    );
    await expect(t.call('campaign.audience', { batch: 9, reason: 'eligible' })).rejects.toThrow(/NOT_FOUND: batch: no batch 9/);
  });

  it('property: whoever the plan finds eligible has, at that moment, a consent the register calls sendable', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    const people = [0, 1, 2, 3];
    // A fresh set of numbers each round: +7912 <person> <round>.
    const number = (person: number, round: number) => `+7912${person}${String(round).padStart(6, '0')}`;
    const op = fc.record({
      person: fc.constantFrom(...people),
      channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
      purpose: fc.constantFrom('marketing' as const, 'personal_data' as const),
      kind: fc.constantFrom('grant', 'revoke', 'claim', 'stop'),
    });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 10 }),
        fc.constantFrom('sms' as const, 'whatsapp' as const, 'cascade' as const),
        async (ops, channel) => {
          round++;
          const tag = `r${round}`;
          for (const p of people) await t.call('contacts.add', { phone: number(p, round), tags: [tag] });
          for (const o of ops) {
            t.clock.advance(1000);
            const phone = number(o.person, round);
            if (o.kind === 'stop') await t.call('inbound.receive', { from: phone, channel: o.channel, text: 'STOP' });
            else if (o.kind === 'claim')
              await t.call('consent.record', {
                phone,
                channel: o.channel,
                purpose: o.purpose,
                action: 'claim',
                method: 'import',
                evidence: { source: 'CRM' },
              });
            else
              await t.call('consent.record', {
                phone,
                channel: o.channel,
                purpose: o.purpose,
                action: o.kind as 'grant' | 'revoke',
                method: 'paper_form',
                evidence: { formVersionId: form.id, sheetRef: 'S-1' },
              });
          }
          const plan = await t.call('campaign.plan', { channel, purpose: 'marketing', text: OK_TEXT, tags: [tag] });
          const eligible = await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible', limit: 1000 });
          expect(eligible.total).toBe(plan.eligible);
          for (const person of eligible.people) {
            const status = await t.call('consent.status', { phone: person.phone });
            expect(status.consents.find((c) => c.channel === person.channel && c.purpose === 'marketing')?.sendable).toBe(true);
          }
          // And nobody the register calls sendable on the batch's channels was left out (no complaints here).
          let sendable = 0;
          for (const p of people) {
            const status = await t.call('consent.status', { phone: number(p, round) });
            const route = channel === 'cascade' ? ['whatsapp', 'sms'] : [channel];
            if (status.consents.some((c) => route.includes(c.channel) && c.purpose === 'marketing' && c.sendable)) sendable++;
          }
          expect(plan.eligible).toBe(sendable);
        },
      ),
      { numRuns: process.env.CI ? 40 : 100 },
    );
  });
});

describe('optin batch plan (CLI, as the issue writes it)', () => {
  it('answers {"batch","eligible","excluded":{…},"lint":{…}} and exits 1 on a refusal naming the flag', async () => {
    const t = scopedBackend();
    await russianShop(t);
    t.backend.close();
    let out = '';
    let err = '';
    const io = { out: (s: string) => (out += s + '\n'), err: (s: string) => (err += s + '\n') };
    const code = await main(['batch', 'plan', '--channel', 'sms', '--purpose', 'marketing', '--text', OK_TEXT, '--db', t.dbPath, '--json'], io);
    expect(code).toBe(0);
    const v = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(expect.arrayContaining(['batch', 'eligible', 'excluded', 'lint']));
    expect(Object.keys(v.excluded as object)).toEqual(
      expect.arrayContaining(['no_consent', 'pending', 'revoked', 'expired', 'invalid_number', 'frequency_cap', 'quiet_hours', 'complained']),
    );
    out = '';
    expect(await main(['batch', 'plan', '--channel', 'fax', '--purpose', 'marketing', '--text', OK_TEXT, '--db', t.dbPath], io)).toBe(1);
    expect(err).toMatch(/optin: --channel:/);
    expect(await main(['batch', 'plan', '--channel', 'sms', '--purpose', 'marketing', '--db', t.dbPath], io)).toBe(1);
    expect(err).toContain('--text: give the message');
  });
});
