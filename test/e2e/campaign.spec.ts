import { readFileSync } from 'node:fs';
import type { Backend } from '../../electron/core/backend';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ComposePage } from './pages/compose.page';
import { ProvidersPage } from './pages/providers.page';
import { CampaignPage } from './pages/campaign.page';

const SHOP_PHONE = '+79120000000';
const TEXT = 'Лавка у дома: {{first_name|покупатель}}, скидка 20% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const rendered = (firstName: string) => `Лавка у дома: ${firstName}, скидка 20% на выпечку до воскресенья. Отписаться: ответьте СТОП`;

/** Signed paper consents (SMS advertising and 152-FZ personal data) on sheet S-000001. */
const SIGNED = [
  { name: 'Анна Смирнова', phone: '+79121000001' },
  { name: 'Иван Петров', phone: '+79121000002' },
  { name: 'Мария Кузнецова', phone: '+79121000003' },
  { name: 'Пётр Соколов', phone: '+79121000004' },
  { name: 'Ольга Иванова', phone: '+79121000005' },
  { name: 'Елена Волкова', phone: '+79121000006' },
];
const STOPPED = { name: 'Сергей Морозов', phone: '+79121000007' };
const LANDLINE = { name: 'Офис на Ленина', phone: '+73432000008' };
const NO_CONSENT = { name: 'Дмитрий Лебедев', phone: '+79121000009' };
const COMPLAINED = { name: 'Павел Орлов', phone: '+79121000010' };

/**
 * A Russian shop with ten customers: six signed the paper form and may get SMS advertising; one replied STOP,
 * one signed with a landline number, one never agreed, one complained (and texted START again since).
 */
async function russianShop(backend: Backend): Promise<void> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    businessAddress: 'Екатеринбург, ул. Ленина, 1',
    timezone: 'Asia/Yekaterinburg',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  await seed(backend, 'staff.add', { name: 'Мария Кассир' });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru', channels: ['sms'] });
  const form = await seed<{ id: number }>(backend, 'forms.create', template);
  const printed = await seed<{ serials: string[] }>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 15 });
  const signedOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Yekaterinburg' }).format(new Date());
  const onPaper = [...SIGNED, STOPPED, LANDLINE, COMPLAINED];
  for (const [i, p] of onPaper.entries())
    await seed(backend, 'sheets.enterRow', { serial: printed.serials[0], row: i + 1, ...p, channels: ['sms'], signedOn, staff: 'Мария Кассир' });
  await seed(backend, 'contacts.add', NO_CONSENT);
  await seed(backend, 'inbound.receive', { from: STOPPED.phone, text: 'СТОП' });
  // A complaint withdraws marketing; the customer then texts START again, which counts only after the complaint's 90 days.
  await seed(backend, 'complaints.record', { phone: COMPLAINED.phone, note: 'Просит больше не писать' });
  await new Promise((ok) => setTimeout(ok, 20));
  await seed(backend, 'inbound.receive', { from: COMPLAINED.phone, text: 'СТАРТ' });
}

let fake: FakeWebhook;
test.afterEach(async () => {
  await fake?.close();
});

test('a campaign end to end: provider and test message, plan with exclusions, confirmation, outbox, proof, reports', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(120_000);
  fake = await startFakeWebhook();
  await russianShop(backend);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');

  // Settings → Providers: add the shop's webhook and prove it with a test message to the shop's own phone.
  const providers = new ProvidersPage(page);
  await providers.open();
  await expect(providers.card().getByTestId('providers-empty')).toBeVisible();
  await providers.add({ name: 'Shop relay', options: { url: fake.hookUrl } });
  await expect(providers.modal()).toHaveCount(0);
  const row = providers.row('Shop relay');
  await expect(row).toContainText('Webhook (your own system)');
  await expect(row).toContainText('SMS');
  await expect(row).toContainText('WhatsApp');
  await providers.openTest('Shop relay');
  await expect(page.getByTestId('test-to')).toHaveValue(/\+7 912 000/);
  const result = await providers.sendTest();
  await expect(result).toHaveAttribute('data-outcome', 'accepted');
  await expect(result).toContainText('Accepted by the provider');
  await expect(result).toContainText('wh-1');
  await shoot(page, 'provider-test-en');
  expect(fake.messages).toHaveLength(1);
  expect(fake.messages[0]).toMatchObject({ to: SHOP_PHONE, channel: 'sms', batch: 0 });
  expect(fake.messages[0]!.text).toContain('Лавка у дома');
  await page.keyboard.press('Escape');
  await providers.card().scrollIntoViewIfNeeded();
  await shoot(page, 'providers-en');
  await shell.switchLanguage('RU');
  await expect(providers.card()).toContainText('Вебхук (ваша система)');
  await shoot(page, 'providers-ru');
  await providers.row('Shop relay').getByTestId('edit-provider').click();
  await expect(providers.modal().getByTestId('secrets-notice')).toContainText('хранит секреты только в памяти');
  await shoot(page, 'provider-modal-ru');
  await page.keyboard.press('Escape');
  await shell.switchLanguage('EN');

  // Compose the message and plan it for everyone.
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type(TEXT);
  await expect(page.getByTestId('verdict')).toContainText('No errors');
  const campaign = new CampaignPage(page);
  await campaign.describe({ name: 'Осенняя выпечка' });
  await expect(page.getByTestId('plan-note')).toContainText('Next: the plan');
  await page.getByTestId('campaign-plan-card').scrollIntoViewIfNeeded();
  await shoot(page, 'compose-campaign-en');
  await campaign.plan();
  await expect(page.getByTestId('campaign-name')).toHaveText('Осенняя выпечка');
  await expect(campaign.figure('audience')).toHaveText('10');
  await expect(campaign.figure('eligible')).toHaveText('6');
  await expect(campaign.figure('excluded')).toHaveText('4');
  await expect(campaign.exclusions()).toHaveCount(4);
  for (const reason of ['revoked', 'invalid_number', 'complained', 'no_consent'])
    await expect(campaign.exclusion(reason).getByTestId('reason-count')).toHaveText('1');
  await expect(campaign.exclusion('revoked')).toContainText('Opted out');
  await expect(page.getByTestId('lint-verdict')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('lint-segments')).toContainText('2 segments');
  await shoot(page, 'campaign-plan-en');

  // Who is behind a count: the landline.
  const people = await campaign.openPeople('invalid_number');
  await expect(people.getByTestId('audience-person')).toHaveCount(1);
  await expect(people.getByTestId('audience-person')).toContainText('Офис на Ленина');
  await expect(people.getByTestId('audience-person')).toContainText('+7 343 200');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('audience-modal')).toHaveCount(0);

  await shell.switchLanguage('RU');
  await expect(campaign.exclusion('revoked')).toContainText('Отписались');
  await expect(page.getByTestId('send')).toHaveText('Отправить…');
  await shoot(page, 'campaign-plan-ru');
  await shell.switchLanguage('EN');

  // The final confirmation names the people and the cost in SMS segments; nothing goes before it.
  await expect(page.getByTestId('send-provider-sms')).toHaveValue(/Shop relay/);
  const confirmation = await campaign.openConfirmation();
  await expect(confirmation.getByTestId('confirm-people')).toHaveText('6 people will get this message.');
  await expect(confirmation.getByTestId('confirm-sms')).toContainText('6 messages × 2 segments = 12 segments, through Shop relay');
  await expect(confirmation.getByTestId('confirm-segments')).toHaveText('Estimated cost: 12 segments of SMS.');
  await shoot(page, 'campaign-confirm-en');
  expect(fake.messages).toHaveLength(1);
  await campaign.confirm();

  // The outbox: progress to the end.
  await expect(campaign.outbox()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(campaign.count('sent')).toHaveText('6');
  await expect(campaign.count('failed')).toHaveText('0');
  await expect(campaign.count('pending')).toHaveText('0');
  // Those the plan left out are in the outbox too, skipped with their reason, so the report accounts for everyone.
  await expect(campaign.count('skipped')).toHaveText('4');
  await expect(page.getByTestId('skip-reasons')).toContainText('Not a mobile number: 1');
  await expect(page.getByTestId('progress-text')).toContainText('10 of 10 handled');
  await expect(campaign.recipientRows()).toHaveCount(10);
  await campaign.filterRecipients(/^Sent · 6$/);
  await expect(campaign.recipientRows()).toHaveCount(6);
  await expect(campaign.recipientRows().locator('[data-status=sent]')).toHaveCount(6);
  await expect(page.getByTestId('campaign-state')).toHaveText('Done');
  await shoot(page, 'outbox-en');
  await shell.switchLanguage('RU');
  await expect(page.getByTestId('progress-text')).toContainText('Обработано 10 из 10');
  await shoot(page, 'outbox-ru');
  await shell.switchLanguage('EN');

  // The provider got exactly the eligible people, once each, with their own text.
  const batch = Number(await page.getByTestId('campaign-screen').getAttribute('data-batch'));
  const sent = fake.messages.filter((m) => m.batch === batch);
  expect(sent).toHaveLength(SIGNED.length);
  expect(sent.map((m) => m.to).sort()).toEqual(SIGNED.map((p) => p.phone).sort());
  for (const p of SIGNED) expect(sent.find((m) => m.to === p.phone)).toMatchObject({ text: rendered(p.name.split(' ')[0]!), channel: 'sms' });
  expect(new Set(sent.map((m) => m.idempotencyKey)).size).toBe(SIGNED.length);

  // One recipient: the path and the consent that made the message lawful.
  const detail = await campaign.openRecipient(SIGNED[0]!.phone);
  await expect(detail.getByTestId('recipient-text')).toHaveText(rendered('Анна'));
  await expect(detail.getByTestId('path-step')).toHaveCount(1);
  await expect(detail.getByTestId('path-step')).toContainText('through Shop relay');
  const proof = detail.getByTestId('proof');
  await expect(proof.getByTestId('proof-method')).toContainText('Paper form');
  await expect(proof.getByTestId('proof-recorded')).toContainText('Мария Кассир');
  await expect(proof.getByTestId('proof-form')).toContainText('F1-1');
  await expect(proof.getByTestId('proof-form')).toContainText(/fingerprint [0-9a-f]{64}/);
  await expect(proof.getByTestId('proof-sheet')).toContainText('S-000001');
  await expect(proof.getByTestId('proof-hash')).toContainText(/[0-9a-f]{64}/);
  await shoot(page, 'recipient-en');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('recipient-detail')).toHaveCount(0);

  // Reports: the PDF previewed (and saved), the CSV downloaded.
  const report = await campaign.openPdfReport();
  await expect(report.getByTestId('pdf-preview')).not.toHaveAttribute('data-pages', '0');
  await shoot(page, 'report-en');
  const pdf = await campaign.download('save-report-pdf');
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  expect(
    readFileSync(await pdf.path())
      .subarray(0, 5)
      .toString(),
  ).toBe('%PDF-');
  await page.keyboard.press('Escape');
  const csv = await campaign.download('report-csv');
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const csvText = readFileSync(await csv.path(), 'utf8');
  for (const p of SIGNED) expect(csvText).toContain(p.name);
  expect(csvText).toContain('S-000001');

  // The list of campaigns shows it done.
  await campaign.openList();
  await expect(campaign.rows()).toHaveCount(1);
  await expect(campaign.rows().first()).toContainText('Осенняя выпечка');
  await expect(campaign.rows().first().getByTestId('campaign-state')).toHaveText('Done');
  await shoot(page, 'campaigns-list-en');
});

test('a provider that refuses its token pauses the campaign; fixed in settings, Resume finishes it', async ({ page, backend, appUrl }) => {
  test.setTimeout(120_000);
  fake = await startFakeWebhook({ token: 'right-token' });
  await russianShop(backend);
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: fake.hookUrl }, secrets: { token: 'old-token' } });
  await seed(backend, 'campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, name: 'Выпечка по средам', locale: 'en' });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');

  // Opened later from the list: the plan is counted again against the register.
  const campaign = new CampaignPage(page);
  await campaign.openList();
  await campaign.openFromList('Выпечка по средам');
  await expect(page.getByTestId('plan-source')).toContainText('Counted again');
  await expect(campaign.figure('eligible')).toHaveText('6');
  await expect(campaign.exclusions()).toHaveCount(4);
  await campaign.openConfirmation();
  await campaign.confirm();

  // The webhook answers 401: the campaign stops and says why; nobody got anything.
  await expect(campaign.pausedBanner()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('paused-reason')).toContainText('Shop relay answered HTTP 401: the webhook refused the token');
  await expect(campaign.count('pending')).toHaveText('6');
  expect(fake.messages).toHaveLength(0);
  await shoot(page, 'outbox-paused-en');

  // Fix the token in Settings, come back and resume.
  const providers = new ProvidersPage(page);
  await providers.open();
  await expect(providers.row('Shop relay').getByTestId('secret-status')).toContainText('stored');
  await providers.edit('Shop relay', { secrets: { token: 'right-token' } });
  await expect(providers.modal()).toHaveCount(0);
  await campaign.openList();
  await campaign.openFromList('Выпечка по средам');
  await expect(campaign.pausedBanner()).toBeVisible();
  await campaign.resume();
  await expect(campaign.pausedBanner()).toHaveCount(0);
  await expect(campaign.outbox()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(campaign.count('sent')).toHaveText('6');
  expect(fake.messages.map((m) => m.to).sort()).toEqual(SIGNED.map((p) => p.phone).sort());
});

test('a cascade: checked for both channels, one provider per leg, the confirmation counts the SMS fallback', async ({ page, backend, appUrl }) => {
  fake = await startFakeWebhook();
  await russianShop(backend);
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: fake.hookUrl } });
  // Two regulars (one of them opted out) make the audience.
  for (const p of [SIGNED[0]!, SIGNED[1]!, STOPPED]) {
    const { contacts } = await seed<{ contacts: { id: number }[] }>(backend, 'contacts.list', { query: p.phone });
    await seed(backend, 'contacts.update', { id: contacts[0]!.id, tags: ['постоянные'] });
  }
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const compose = new ComposePage(page);
  await compose.open();
  await compose.setChannel('WhatsApp → SMS');
  await expect(page.getByTestId('cascade-hint')).toBeVisible();
  // A WhatsApp-only finding is marked with its channel; the SMS counter stays.
  await compose.type('Лавка у дома: {{first_name}} {{name}}, скидка 20% на выпечку. Отписаться: ответьте СТОП');
  await expect(compose.diagnostic('WA-VAR-ADJACENT').getByTestId('finding-channel')).toHaveText('WhatsApp only');
  await expect(page.getByTestId('segments')).toBeVisible();
  await compose.replaceText(TEXT);
  await expect(page.getByTestId('verdict')).toContainText('No errors');
  const campaign = new CampaignPage(page);
  await campaign.describe({ tags: ['постоянные'] });
  await campaign.plan();
  await expect(page.getByTestId('campaign-channel')).toHaveText('WhatsApp → SMS');
  await expect(page.getByTestId('campaign-audience')).toHaveText('Audience: tags постоянные');
  await expect(campaign.figure('audience')).toHaveText('3');
  await expect(campaign.exclusion('revoked').getByTestId('reason-count')).toHaveText('1');
  await expect(page.getByTestId('plan-eligible-note')).toHaveText('WhatsApp 0 · SMS 2');
  await expect(page.getByTestId('send-provider-whatsapp')).toHaveValue(/Shop relay/);
  await expect(page.getByTestId('send-provider-sms')).toHaveValue(/Shop relay/);
  await page.getByTestId('send-fallback').fill('30');
  await shoot(page, 'campaign-cascade-en');
  const confirmation = await campaign.openConfirmation();
  await expect(confirmation.getByTestId('confirm-sms')).toContainText('2 messages × 2 segments = 4 segments, through Shop relay');
  await confirmation.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('confirm-send')).toHaveCount(0);
  expect(fake.messages).toHaveLength(0);
});

test('sending at night: the confirmation says the messages are not held by a recommended window, and when it opens (EN, RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  fake = await startFakeWebhook();
  await russianShop(backend);
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: fake.hookUrl } });
  // The computer's clock at 01:30 in Yekaterinburg (20:30 UTC), the next such night after now.
  const night = new Date();
  night.setUTCHours(20, 30, 0, 0);
  if (night.getTime() < Date.now() + 3_600_000) night.setUTCDate(night.getUTCDate() + 1);
  await page.clock.setFixedTime(night);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type(TEXT);
  await expect(page.getByTestId('verdict')).toContainText('No errors');
  const campaign = new CampaignPage(page);
  await campaign.plan();
  const confirmation = await campaign.openConfirmation();
  const quiet = confirmation.getByTestId('confirm-quiet');
  await expect(quiet).toHaveAttribute('data-held', 'false');
  await expect(quiet).toContainText(
    'When they go it will be outside the recommended 09:00–21:00 for the recipients (Asia/Yekaterinburg), and nothing holds them.',
  );
  await expect(quiet).toContainText(', 09:00');
  await shoot(page, 'campaign-night-en');
  await confirmation.getByTestId('confirm-cancel').click();
  // The plan card names the warning its count stands for.
  await expect(page.locator('[data-testid=lint-warnings] [data-rule=LINT-QUIET-HOURS]')).toContainText('The messages go out at the time set');
  await shell.switchLanguage('RU');
  await expect(page.locator('[data-testid=lint-warnings] [data-rule=LINT-QUIET-HOURS]')).toContainText('Сообщения уйдут в назначенное время');
  const again = await campaign.openConfirmation();
  await expect(again.getByTestId('confirm-quiet')).toContainText('вне рекомендуемого окна 09:00–21:00, и их ничто не задержит');
  await shoot(page, 'campaign-night-ru');
  await again.getByTestId('confirm-cancel').click();
  expect(fake.messages).toHaveLength(0);
});

test('a campaign sent for tomorrow shows as scheduled, with the time it waits for, not as sending (EN, RU)', async ({ page, backend, appUrl }) => {
  fake = await startFakeWebhook();
  await russianShop(backend);
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: fake.hookUrl } });
  const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Yekaterinburg' }).format(new Date(Date.now() + 86_400_000));
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type(TEXT);
  const campaign = new CampaignPage(page);
  await campaign.describe({ at: `${tomorrow}T12:00` });
  await campaign.plan();
  await campaign.openConfirmation();
  await campaign.confirm();
  await expect(page.getByTestId('outbox-scheduled')).toContainText('waits until');
  await expect(page.getByTestId('outbox-scheduled')).toContainText('12:00');
  await expect(page.getByTestId('outbox-running')).toHaveCount(0);
  await expect(page.getByTestId('campaign-state')).toHaveAttribute('data-state', 'scheduled');
  await expect(page.getByTestId('campaign-state')).toHaveText('Scheduled');
  await shoot(page, 'campaign-scheduled-en');
  await shell.switchLanguage('RU');
  await expect(page.getByTestId('campaign-state')).toHaveText('По расписанию');
  await expect(page.getByTestId('outbox-scheduled')).toContainText('ждёт до');
  await page.getByTestId('nav-campaigns').click();
  await expect(page.getByTestId('campaign-state').first()).toHaveText('По расписанию');
  expect(fake.messages).toHaveLength(0);
});
