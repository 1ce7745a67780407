import { describe, expect, it } from 'vitest';
import { grantPaper, scriptedShop } from '../support/shop';

// The computer's clock is set back (Windows corrects a clock that ran fast, a wrong time zone is fixed) after consents
// were recorded by it. A customer's STOP dated by the corrected clock used to sort before the grant it answers: the
// projection said "granted", the campaign went to them, and consent.status said "revoked".

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const BORIS = '+79120000002';
const MINUTE = 60_000;

type Shop = Awaited<ReturnType<typeof scriptedShop>>;
const marketing = async (t: Shop, phone: string) =>
  (await t.call('consent.status', { phone })).consents.filter((c) => c.purpose === 'marketing').map((c) => [c.channel, c.status]);

describe('the clock set back after a consent was recorded', () => {
  it('a STOP by reply: it wins, the campaign skips Boris, and every answer agrees', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(MINUTE);
    t.clock.advance(-10 * MINUTE);
    const stop = await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    expect(await marketing(t, BORIS)).toEqual([
      ['whatsapp', 'revoked'],
      ['sms', 'revoked'],
    ]);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(0);
    expect(plan.excluded.revoked).toBe(1);
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    expect(t.provider.taken.size).toBe(0);
    // The opt-out is dated when the grant was recorded: the register's time does not run back.
    const grant = t.backend.db
      .prepare<[], { recorded_at: number }>("SELECT recorded_at FROM consent_events WHERE action = 'grant' ORDER BY id LIMIT 1")
      .get()!;
    const revoke = t.backend.ctx.consent.eventById(stop.events[0]!.id)!;
    expect(revoke.occurredAt).toBe(grant.recorded_at);
    expect(revoke.recordedAt).toBe(grant.recorded_at);
    // What the computer's clock said is kept with it.
    expect(revoke.evidence.claimedAt).toBe(new Date(t.clock.now()).toISOString());
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('an opt-out recorded by staff, and one in an imported file without a date: they win too', async () => {
    const t = await scriptedShop();
    const VERA = '+79120000003';
    for (const p of [BORIS, VERA]) await grantPaper(t.call, p, 'sms', t.form);
    t.clock.advance(-30 * MINUTE);
    await t.call('consent.record', { phone: BORIS, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
    expect(await marketing(t, BORIS)).toContainEqual(['sms', 'revoked']);
    const { importFile, writeFile } = await import('../support/imports');
    await importFile(t, writeFile(t, 'stop.csv', `Name,Phone,SMS consent\nВера,${VERA},отписан\n`), { dryRun: false });
    expect(await marketing(t, VERA)).toContainEqual(['sms', 'revoked']);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan).toMatchObject({ eligible: 0, excluded: { revoked: 2 } });
  });

  it('an opt-out dated in the past on purpose (a paper slip) keeps its date, and a later consent still stands', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(MINUTE);
    const slip = new Date(t.clock.now() - 3 * 24 * 60 * MINUTE).toISOString();
    const out = await t.call('consent.record', {
      phone: BORIS,
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      method: 'verbal_in_store',
      occurredAt: slip,
    });
    expect(new Date(t.backend.ctx.consent.eventById(out.events[0]!.id)!.occurredAt).toISOString()).toBe(slip);
    expect(await marketing(t, BORIS)).toContainEqual(['sms', 'granted']);
  });

  it("a STOP the provider dated before the fast clock's grant, received while the clock is still behind: it wins", async () => {
    // The clock ran 10 minutes fast when Boris's consent was entered; it was corrected. Boris replied СТОП two minutes
    // after he gave it (the provider's own time, which is right); the reply is pulled a minute later. By the register's
    // dates the reply comes 8 minutes before the consent; in truth it came after. The register cannot tell the two
    // orders apart while its clock is behind its newest event, and an opt-out wins when in doubt.
    const t = await scriptedShop();
    t.clock.advance(10 * MINUTE);
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(-10 * MINUTE + 3 * MINUTE);
    const sent = new Date(t.clock.now() - MINUTE).toISOString();
    const stop = await t.call('inbound.receive', { from: BORIS, text: 'СТОП', at: sent, providerId: 'SM-late-1' });
    expect(stop.classified).toBe('opt_out');
    expect(await marketing(t, BORIS)).toContainEqual(['sms', 'revoked']);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan).toMatchObject({ eligible: 0, excluded: { revoked: 1 } });
    // Dated with the register's newest event; the provider's time is kept as what was claimed.
    const revoke = t.backend.ctx.consent.eventById(stop.events[0]!.id)!;
    const grant = t.backend.db
      .prepare<[], { occurred_at: number }>("SELECT occurred_at FROM consent_events WHERE action = 'grant' ORDER BY id LIMIT 1")
      .get()!;
    expect(revoke.occurredAt).toBe(grant.occurred_at);
    expect(revoke.evidence.claimedAt).toBe(sent);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('with the clock right again, a STOP the provider dated before a later consent still loses to it', async () => {
    // Boris said СТОП at 10:00 and signed a sheet in the shop at 10:05; the reply is pulled at 10:10. His last word is yes.
    const t = await scriptedShop();
    const stopAt = new Date(t.clock.now()).toISOString();
    t.clock.advance(5 * MINUTE);
    await grantPaper(t.call, BORIS, 'sms', t.form);
    t.clock.advance(5 * MINUTE);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП', at: stopAt, providerId: 'SM-late-2' });
    expect(await marketing(t, BORIS)).toContainEqual(['sms', 'granted']);
  });
});
