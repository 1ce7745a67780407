import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';
import { optin } from '../support/cli';

const H = 3_600_000;
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const phone = (i: number) => `+791200000${String(i).padStart(2, '0')}`;

/** A Russian shop (Moscow time) with 40 paper SMS consents and the in-process provider "gw", which refuses one number. */
async function shop() {
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z')); // Monday 12:00 in Moscow
  const provider = new ScriptedProvider(['sms'], (m) =>
    m.to === phone(40)
      ? { kind: 'refused', code: '30007', message: 'Message filtered', action: 'fail' }
      : { kind: 'accepted', providerMessageId: null },
  );
  const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t, { provider: true });
  for (let i = 1; i <= 40; i++) await grantPaper(t.call, phone(i), 'sms', form);
  return { ...t, provider };
}

describe('health through the backend', () => {
  it('counts a campaign’s hand-offs, failures, opt-outs within 48 h and complaints, and warns on the next plan', async () => {
    const t = await shop();
    const first = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, name: 'Выпечка' });
    expect(first.health).toEqual([]);
    const sent = await t.call('campaign.send', { batch: first.batch, providers: ['gw'], wait: true });
    expect(sent).toMatchObject({ sent: 39, failed: 1 });
    const handedOffAt = t.clock.t;

    // Two customers answer STOP within hours, one just inside 48 h; one after 48 h does not count against the campaign.
    t.clock.t = handedOffAt + 2 * H;
    await t.call('inbound.receive', { from: phone(1), text: 'СТОП' });
    await t.call('inbound.receive', { from: phone(2), text: 'отпишите меня' });
    t.clock.t = handedOffAt + 47 * H;
    await t.call('inbound.receive', { from: phone(3), text: 'стоп' });
    t.clock.t = handedOffAt + 49 * H;
    await t.call('inbound.receive', { from: phone(4), text: 'STOP' });
    // A complaint withdraws marketing too, and is counted once, as a complaint (not also as an opt-out).
    await t.call('complaints.record', { phone: phone(5), note: 'Жалуется: не подписывалась на рассылку' });

    const report = await t.call('health.report', {});
    expect(report.timeZone).toBe('Europe/Moscow');
    expect(report.thresholds).toMatchObject({ pack: 'ru', optOutRate: 0.02, complaintRate: 0.001, optOutWindowHours: 48 });
    expect(report.weeks).toHaveLength(8);
    expect(report.campaigns).toHaveLength(1);
    const c = report.campaigns[0]!;
    expect(c).toMatchObject({
      campaign: first.batch,
      name: 'Выпечка',
      week: '2026-W10',
      handedOff: 39,
      failed: 1,
      failedByReason: { '30007': 1 },
      optOuts: 3,
      complaints: 1,
    });
    expect(c.rates.optOut).toBeCloseTo(3 / 39, 10);
    expect(c.rates.complaint).toBeCloseTo(1 / 39, 10);
    expect(c.rates.failed).toBeCloseTo(1 / 40, 10);
    const week = report.weeks.find((w) => w.week === '2026-W10')!;
    expect(week).toMatchObject({ from: '2026-03-02', handedOff: 39, failed: 1, optOuts: 3, optOutsAll: 4, complaints: 1, complaintsAll: 1 });
    expect(report.weeks.filter((w) => w.week !== '2026-W10').every((w) => w.handedOff === 0 && w.rates.optOut === null)).toBe(true);
    expect(report.quality).toEqual({ stored: true, signals: [] });
    expect(report.warnings.map((w) => [w.kind, w.campaign, w.count, w.handedOff])).toEqual([
      ['opt_out_rate', first.batch, 3, 39],
      ['complaint_rate', first.batch, 1, 39],
    ]);

    // The next plan carries the warnings, with the numbers behind them.
    const next = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(next.health).toEqual(report.warnings);
    expect(next.health[0]).toMatchObject({ campaignName: 'Выпечка', rate: 3 / 39, threshold: 0.02, windowHours: 48 });

    // One campaign only; and bad input is named.
    const only = await t.call('health.report', { campaign: first.batch, weeks: 1 });
    expect(only.campaigns.map((x) => x.campaign)).toEqual([first.batch]);
    expect(only.weeks.map((w) => w.week)).toEqual(['2026-W10']);
    await expect(t.call('health.report', { campaign: 999 })).rejects.toThrow(/NOT_FOUND: campaign: no campaign 999/);
    await expect(t.call('health.report', { weeks: 0 })).rejects.toThrow(/VALIDATION_FAILED/);

    // optin health --json prints the same figures (the CLI runs on the real clock: enough weeks to reach March).
    const cli = await optin(t.dbPath, 'health', '--json', '--weeks', '104');
    expect(cli.code, cli.err).toBe(0);
    const printed = cli.json() as unknown as typeof report;
    expect(printed.campaigns).toEqual(report.campaigns);
    expect(printed.warnings).toEqual(report.warnings);
    expect(printed.weeks.find((w) => w.week === '2026-W10')).toEqual(week);
    const human = await optin(t.dbPath, 'health', '--weeks', '104');
    expect(human.out).toContain('opt-outs within 48 h: 3 of 39 handed off = 7.7 %, above 2.0 %');
    const bad = await optin(t.dbPath, 'health', '--weeks', 'many');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--weeks');
  });

  it('warns when one opt-out in 39 crosses 2 %, and the next plan forgets campaigns older than 30 days', async () => {
    const t = await shop();
    const first = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: first.batch, providers: ['gw'], wait: true });
    t.clock.advance(H);
    await t.call('inbound.receive', { from: phone(1), text: 'СТОП' }); // 1 of 39 = 2.6 %: above 2 %
    const report = await t.call('health.report', { weeks: 2 });
    expect(report.warnings.map((w) => w.kind)).toEqual(['opt_out_rate']);
    t.clock.advance(31 * 24 * H);
    const later = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(later.health).toEqual([]);
    const now = await t.call('health.report', { weeks: 8 });
    expect(now.campaigns).toHaveLength(1); // still in the 8 weeks the view shows
  });
});
