import type { Backend } from '../../electron/core/backend';
import { HealthRepo } from '../../electron/core/db/repos/health.repo';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ComposePage } from './pages/compose.page';
import { CampaignPage } from './pages/campaign.page';

const TEXT = 'Лавка у дома: скидка 20% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const phone = (i: number) => `+7912200${String(i).padStart(4, '0')}`;

/**
 * A Russian shop whose first campaign went to 30 customers through its webhook: two answered STOP within the hour and
 * one complained — 6.7 % opt-outs and 3.3 % complaints, both above the ru pack's 2 % and 0.1 %.
 */
async function sentCampaign(backend: Backend, fake: FakeWebhook): Promise<void> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    businessAddress: 'Екатеринбург, ул. Ленина, 1',
    timezone: 'Asia/Yekaterinburg',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru', channels: ['sms'] });
  const form = await seed<{ id: number }>(backend, 'forms.create', template);
  for (let i = 1; i <= 30; i++)
    for (const purpose of ['marketing', 'personal_data'])
      await seed(backend, 'consent.record', {
        phone: phone(i),
        channel: 'sms',
        purpose,
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
      });
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: fake.hookUrl } });
  const plan = await seed<{ batch: number; health: unknown[] }>(backend, 'campaign.plan', {
    channel: 'sms',
    purpose: 'marketing',
    text: TEXT,
    name: 'Осенняя выпечка',
  });
  expect(plan.health).toEqual([]);
  const sent = await seed<{ sent: number }>(backend, 'campaign.send', { batch: plan.batch, providers: ['Shop relay'], wait: true });
  expect(sent.sent).toBe(30);
  await seed(backend, 'inbound.receive', { from: phone(1), text: 'СТОП' });
  await seed(backend, 'inbound.receive', { from: phone(2), text: 'отпишите меня' });
  await seed(backend, 'complaints.record', { phone: phone(3), note: 'Не подписывалась на рассылку' });
}

let fake: FakeWebhook;
test.afterEach(async () => {
  await fake?.close();
});

test('the Health view counts a campaign’s opt-outs and complaint, highlights them, and the next plan warns with the numbers', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(120_000);
  fake = await startFakeWebhook();
  await sentCampaign(backend, fake);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');

  await page.getByTestId('nav-health').click();
  const row = page.getByTestId('health-campaign');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Осенняя выпечка');
  await expect(row).toHaveAttribute('data-warn', 'true');
  await expect(row.getByTestId('cell-optouts')).toHaveText('2 · 6.7%');
  await expect(row.getByTestId('cell-optouts')).toHaveAttribute('data-hot', 'true');
  await expect(row.getByTestId('cell-complaints')).toHaveText('1 · 3.3%');
  const warnings = page.getByTestId('health-warnings').getByTestId('health-warning');
  await expect(warnings).toHaveCount(2);
  await expect(warnings.nth(0)).toContainText("“Осенняя выпечка”: opt-outs within 48 h: 2 of 30 messages handed off = 6.7%, above the pack's 2.0%");
  await expect(warnings.nth(1)).toContainText("complaints within 7 days: 1 of 30 messages handed off = 3.3%, above the pack's 0.10%");
  await expect(page.getByTestId('health-thresholds')).toContainText('Rules pack ru');
  await expect(page.getByTestId('health-quality')).toContainText('No WhatsApp quality signals in these weeks');
  const thisWeek = page.getByTestId('health-week').first();
  await expect(thisWeek.getByTestId('cell-optouts')).toHaveText('2 · 6.7%');
  await shoot(page, 'health-en');

  await shell.switchLanguage('RU');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Здоровье рассылок');
  await expect(warnings.nth(0)).toContainText('«Осенняя выпечка»: отписок в течение 48 ч — 2 из 30 переданных сообщений = 6,7');
  await expect(row.getByTestId('cell-complaints')).toContainText('3,3');
  await shoot(page, 'health-ru');
  await shell.switchLanguage('EN');

  // The next campaign's plan shows the warning with the numbers behind it.
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type(TEXT);
  const campaign = new CampaignPage(page);
  await campaign.describe({ name: 'Зимняя выпечка' });
  await campaign.plan();
  const alert = page.getByTestId('plan-health');
  await expect(alert).toContainText('recent campaigns crossed the health thresholds');
  await expect(alert.getByTestId('health-warning')).toHaveCount(2);
  await expect(alert.getByTestId('health-warning').first()).toContainText('opt-outs within 48 h: 2 of 30 messages handed off = 6.7%');
  await shoot(page, 'health-plan-en');
  await shell.switchLanguage('RU');
  await expect(alert).toContainText('Перед отправкой: недавние рассылки превысили пороги');
  await shoot(page, 'health-plan-ru');
  await alert.getByTestId('plan-health-open').click();
  await expect(page.getByTestId('health-screen')).toBeVisible();

  // Meta flags the business number (a webhook the relay brought in with the last sync): Health lists it.
  new HealthRepo(backend.ctx.db).recordQuality({
    provider: 'wa',
    topic: 'phone_quality',
    value: 'FLAGGED',
    detail: 'TIER_1K',
    evidenceId: 'whatsapp:phone_quality:79120000000:1:FLAGGED',
    at: Date.now() - 60_000,
    receivedAt: Date.now(),
  });
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('nav-health').click();
  const signal = page.getByTestId('quality-signal');
  await expect(signal).toHaveCount(1);
  await expect(signal).toContainText('Качество номера');
  await expect(signal).toContainText('лимит сообщений TIER_1K');
  await expect(signal).toHaveAttribute('data-rating', 'FLAGGED');
  await page.getByTestId('health-quality').scrollIntoViewIfNeeded();
  await shoot(page, 'health-quality-ru');
  await shell.switchLanguage('EN');
  await expect(signal).toContainText('Phone number quality');
  await expect(signal).toContainText('messaging limit TIER_1K');
  await shoot(page, 'health-quality-en');
});
