import { startFakeTwilio, type FakeTwilio } from '../support/fake-providers/twilio';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ProvidersPage } from './pages/providers.page';
import { phoneOf, seedShop } from './seed';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'e2e-sync-token';
const FROM = '+15005550006';
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

let twilio: FakeTwilio | undefined;
test.afterEach(async () => {
  await twilio?.close();
  twilio = undefined;
});

type Cell = { channel: string; purpose: string; status: string };
type Timeline = { action: string; method: string | null; evidence: { source?: string } };

for (const lang of ['en', 'ru'] as const) {
  test(`a «Стоп» reply on Twilio comes back by itself: Sync now revokes, the next plan excludes, Health counts it (${lang}) (issue #16)`, async ({
    page,
    backend,
    appUrl,
  }) => {
    twilio = await startFakeTwilio({ accountSid: SID, authToken: TOKEN });
    await seedShop(backend, 8);
    await seed(backend, 'providers.save', {
      name: 'Twilio',
      kind: 'twilio',
      options: { accountSid: SID, from: FROM, baseUrl: twilio.url },
      secrets: { authToken: TOKEN },
    });
    // A campaign goes out through Twilio; then a customer answers «Стоп» to it.
    const plan = await seed<{ batch: number }>(backend, 'campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, name: 'Выпечка' });
    const sent = await seed<{ sent: number }>(backend, 'campaign.send', { batch: plan.batch, providers: ['Twilio'], wait: true });
    expect(sent.sent).toBeGreaterThan(0);
    // Twilio dates a message to the second: the answer comes a moment after the campaign, as in life.
    await new Promise((r) => setTimeout(r, 1_100));
    const stop = twilio.addInbound({ from: phoneOf(0), to: FROM, body: 'Стоп' });
    // A message from the operator's name, not a number: kept for no customer, and said so.
    twilio.addInbound({ from: 'MegaFon', to: FROM, body: 'Баланс: 120 руб.' });

    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    const providers = new ProvidersPage(page);
    await providers.open();
    await providers.row('Twilio').getByTestId('sync-now').click();
    const totals = providers.row('Twilio').getByTestId('sync-totals');
    await expect(totals).toContainText(lang === 'en' ? '1 opt-out' : '1 отписка');
    await expect(providers.row('Twilio').getByTestId('sync-error')).toHaveCount(0);
    await expect(providers.row('Twilio').getByTestId('sync-not-from-number')).toContainText(
      lang === 'en' ? '1 of the replies did not come from a phone number' : '1 ответ пришёл не с номера телефона',
    );
    await shoot(page, `settings-providers-sync-${lang}`);

    // The contact is revoked with the Twilio message as its evidence.
    const contact = await seed<{ consents: Cell[]; timeline: Timeline[] }>(backend, 'contacts.get', { phone: phoneOf(0) });
    expect(contact.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe('revoked');
    expect(contact.timeline.find((e) => e.action === 'revoke')!.evidence.source).toContain(stop.sid);
    // The next plan leaves the number out.
    const next = await seed<{ excluded: Record<string, number> }>(backend, 'campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(next.excluded.revoked).toBeGreaterThanOrEqual(1);
    // Health counts the opt-out against the campaign it answered.
    const health = await seed<{ campaigns: { campaign: number; optOuts: number }[] }>(backend, 'health.report', {});
    expect(health.campaigns.find((c) => c.campaign === plan.batch)!.optOuts).toBe(1);
  });
}
