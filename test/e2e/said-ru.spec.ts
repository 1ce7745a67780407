import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { storeSaid, ref } from '../../shared/contract/said';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ProvidersPage } from './pages/providers.page';
import { CampaignPage } from './pages/campaign.page';
import { ImportPage } from './pages/import.page';
import { customersCsv } from './files/customers';
import { seedShop } from './seed';

/**
 * What the core says outside an error — a recipient's history, why rows of a file were rejected, what is wrong with a
 * provider — arrives by key and reads in Russian in the Russian window (issue #14 point 6: nothing is matched by its
 * English any more).
 */
const fakes: FakeWebhook[] = [];
test.afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

test('a campaign whose provider refuses, a recipient given up after retries, in Russian', async ({ page, backend, appUrl }) => {
  test.setTimeout(120_000);
  await seedShop(backend, 40);
  const fake = await startFakeWebhook();
  fakes.push(fake);
  // The wrong path: the receiver answers 404 {"error":"not found"} to every message.
  await seed(backend, 'providers.save', { name: 'Шлюз', kind: 'webhook', options: { url: `${fake.hookUrl}-wrong` } });
  const plan = await seed<{ batch: number }>(backend, 'campaign.plan', {
    name: 'Весенняя распродажа',
    channel: 'sms',
    purpose: 'marketing',
    text: 'Лавка у дома: скидка 10% до воскресенья. Отписаться: СТОП',
  });
  await seed(backend, 'campaign.send', { batch: plan.batch, providers: ['Шлюз'] });
  await expect
    .poll(async () => (await seed<{ state: string }>(backend, 'campaign.progress', { batch: plan.batch })).state, { timeout: 30_000 })
    .toBe('done');
  // One recipient as the runner leaves it after ten answers of 503: given up, its last answer in the history.
  const list = await seed<{ recipients: { id: number; phone: string; status: string }[] }>(backend, 'campaign.recipients', { batch: plan.batch });
  const failed = list.recipients.filter((r) => r.status === 'failed');
  expect(failed.length).toBeGreaterThan(1);
  const retried = failed[0]!;
  const ctx = backend.ctx;
  const now = Date.now();
  ctx.outbox.update(
    retried.id,
    { status: 'failed', reason: storeSaid('outbox.gaveUp', { code: 'HTTP_503', count: 10 }), attempts: 10 },
    now,
    storeSaid('outbox.answer', { code: 'HTTP_503', answer: ref('answer.webhookHttp', { status: 503 }) }),
  );

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const campaign = new CampaignPage(page);
  await campaign.openList();
  await campaign.openFromList('Весенняя распродажа');
  const table = page.getByTestId('recipients');
  await expect(table).toContainText('HTTP_503: попыток было 10, больше не повторяем');
  await expect(table).toContainText('HTTP_404: вебхук: not found');
  await shoot(page, 'said-campaign-ru');
  const detail = await campaign.openRecipient(retried.phone);
  const history = detail.getByTestId('recipient-history');
  await expect(history).toContainText('передано провайдеру «Шлюз»');
  await expect(history).toContainText('HTTP_503: вебхук ответил HTTP 503');
  await expect(detail).toContainText('HTTP_503: попыток было 10, больше не повторяем');
  await expect(detail).not.toContainText('gave up');
  await page.getByRole('dialog').screenshot({ path: 'test-results/screenshots/said-recipient-ru.png' });
});

test('the import report names rejected rows in Russian', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 3);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(customersCsv());
  await imp.toMapping();
  await imp.preview();
  const rows = imp.rejectedRows();
  await expect(rows.nth(0)).toContainText('нет правильного номера: «12345» в столбце «Телефон»: слишком короткий для своей страны');
  await expect(rows.nth(1)).toContainText('полей в строке: 9, а в заголовке: 8');
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await expect(page.getByTestId('rejected-table')).toContainText('слишком короткий для своей страны');
  await expect(page.getByTestId('rejected-table')).not.toContainText('too short');
  await shoot(page, 'said-import-report-ru');
});

test('Settings → Providers names what a provider lacks in Russian', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 1);
  // Saved without its auth token: the provider says what it lacks.
  await seed(backend, 'providers.save', {
    name: 'Twilio',
    kind: 'twilio',
    options: { accountSid: `AC${'0'.repeat(32)}`, from: '+15551234567' },
  });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const providers = new ProvidersPage(page);
  await providers.open();
  const problem = providers.row('Twilio').getByTestId('provider-problem');
  await expect(problem.first()).toContainText('Auth token: не задан секрет — задайте его в настройках провайдера');
  await expect(providers.row('Twilio')).not.toContainText('is missing');
  await providers.card().scrollIntoViewIfNeeded();
  await providers.card().screenshot({ path: 'test-results/screenshots/said-providers-ru.png' });
});
