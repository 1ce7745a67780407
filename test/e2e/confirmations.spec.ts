import type { Backend } from '../../electron/core/backend';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';

let fake: FakeWebhook;
test.afterEach(async () => {
  await fake?.close();
});

/** A German shop (de pack: double opt-in) whose messaging goes through its webhook. */
async function germanShop(backend: Backend, hookUrl: string): Promise<number> {
  await seed(backend, 'settings.update', {
    businessName: 'Bäckerei Sonne',
    shopPhone: '+49 30 1234567',
    timezone: 'Europe/Berlin',
    defaultCountry: 'DE',
    policyPack: 'de',
  });
  const form = await seed<{ id: number }>(backend, 'forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Bäckerei Sonne by SMS. Reply STOP to opt out.',
  });
  await seed(backend, 'providers.save', { name: 'Shop relay', kind: 'webhook', options: { url: hookUrl } });
  return form.id;
}

test('double opt-in: paper rows become confirmation messages sent through the provider; a JA confirms; the tab counts them (EN, RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(120_000);
  fake = await startFakeWebhook();
  const form = await germanShop(backend, fake.hookUrl);
  const people = [
    ['+4915123456781', 'Lena Vogel'],
    ['+4915123456782', 'Jonas Weber'],
    ['+4915123456783', 'Mia Schulz'],
  ] as const;
  for (const [phone, name] of people)
    await seed(backend, 'consent.record', {
      phone,
      name,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form, sheetRef: 'S-000001' },
    });
  const sent = await seed<{ waves: { sent: number }[] }>(backend, 'confirmations.send', { wait: true });
  expect(sent.waves.map((w) => w.sent)).toEqual([3]);
  await seed(backend, 'inbound.receive', { from: people[0][0], channel: 'sms', text: 'JA' });
  await seed(backend, 'inbound.receive', { from: people[1][0], channel: 'sms', text: 'STOP' });
  // One more paper row arrives later: queued until the next round.
  await seed(backend, 'consent.record', {
    phone: '+4915123456784',
    name: 'Paul Fischer',
    channel: 'sms',
    purpose: 'marketing',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: form, sheetRef: 'S-000002' },
  });

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await page.getByTestId('nav-replies').click();
  await page.getByTestId('tab-confirmations').click();
  await expect(page.getByTestId('outbox-note')).toContainText('hands queued confirmation messages to your messaging provider by itself');
  const counts = page.getByTestId('confirmations-counts');
  await expect(counts.getByTestId('count-sent')).toHaveText('sent: 3');
  await expect(counts.getByTestId('count-confirmed')).toHaveText('confirmed: 1');
  const rows = page.getByTestId('confirmation');
  await expect(rows).toHaveCount(4);
  await expect(rows.filter({ hasText: 'Lena Vogel' }).getByTestId('confirmation-outcome')).toHaveText('confirmed');
  await expect(rows.filter({ hasText: 'Jonas Weber' }).getByTestId('confirmation-outcome')).toHaveText('declined');
  await expect(rows.filter({ hasText: 'Mia Schulz' }).getByTestId('confirmation-state')).toHaveText('sent');
  await expect(rows.filter({ hasText: 'Paul Fischer' }).getByTestId('confirmation-state')).toHaveText('queued');
  await shoot(page, 'confirmations-tab-en');

  // Send now: the queued one goes through the provider.
  await page.getByTestId('confirmations-send').click();
  await expect(page.getByTestId('confirmations-sent')).toContainText('1 wave(s) handed to the provider');
  await expect.poll(() => fake.messages.filter((m) => m.to === '+4915123456784').length, { timeout: 15_000 }).toBe(1);

  await shell.switchLanguage('RU');
  await expect(page.getByTestId('outbox-note')).toContainText('Программа сама передаёт сообщения');
  await expect(rows.filter({ hasText: 'Lena Vogel' }).getByTestId('confirmation-outcome')).toHaveText('подтвердил');
  await shoot(page, 'confirmations-tab-ru');
});

test('win-back: the contacts list asks people with an unproven claim to confirm, counting those who cannot be asked and why (EN, RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(120_000);
  await seed(backend, 'settings.update', {
    businessName: 'Corner Shop',
    shopPhone: '+44 20 7946 0000',
    timezone: 'Europe/London',
    defaultCountry: 'GB',
    policyPack: 'uk',
  });
  const service = await seed<{ id: number }>(backend, 'forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['service'],
    body: 'I agree to receive order updates from Corner Shop by SMS. Reply STOP to opt out.',
  });
  for (let i = 0; i < 6; i++) {
    const phone = `+44791112300${i}`;
    await seed(backend, 'consent.record', { phone, name: `Customer ${i}`, channel: 'sms', purpose: 'marketing', action: 'claim', method: 'import' });
    if (i < 4)
      await seed(backend, 'consent.record', {
        phone,
        channel: 'sms',
        purpose: 'service',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: service.id, sheetRef: 'S-000001' },
      });
  }

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('winback-open').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('winback-askable')).toHaveText('4 of 6 can be asked.');
  await expect(dialog.getByTestId('winback-blocked')).toContainText('no consent to service messages on this channel');
  await expect(dialog.getByTestId('winback-text')).toContainText('would you like to get messages from the shop on SMS? To confirm, reply YES.');
  await shoot(page, 'winback-dialog-en');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await shell.switchLanguage('RU');
  await page.getByTestId('winback-open').click();
  await expect(dialog.getByTestId('winback-askable')).toHaveText('Можно спросить: 4 из 6.');
  await expect(dialog.getByTestId('winback-ask')).toHaveText('Спросить 4 человека');
  await expect(dialog.getByTestId('winback-text')).toContainText('Чтобы подтвердить, ответьте ДА');
  await shoot(page, 'winback-dialog-ru');
  await dialog.getByTestId('winback-ask').click();
  await expect(dialog.getByTestId('winback-done')).toContainText('4');
});

test('win-back from the contacts list asks everyone the search finds, not only the rows loaded so far', async ({ page, backend, appUrl }) => {
  test.setTimeout(120_000);
  await seed(backend, 'settings.update', { businessName: 'Bike Shop Boston', timezone: 'America/New_York', defaultCountry: 'US', policyPack: 'us' });
  // 130 people whose SMS "yes" an import only claimed: more than the list loads at once.
  for (let i = 0; i < 130; i++)
    await seed(backend, 'consent.record', {
      phone: `+1617555${String(1000 + i)}`,
      name: `Rider ${i}`,
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
    });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('winback-open').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('winback-askable')).toHaveText('130 of 130 can be asked.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // A search narrows it to whom it finds: Rider 12 and Rider 120…129.
  await new ContactsPage(page).search('Rider 12');
  await expect(page.getByTestId('contact-row')).toHaveCount(11);
  await page.getByTestId('winback-open').click();
  await expect(dialog.getByTestId('winback-askable')).toHaveText('11 of 11 can be asked.');
  await shoot(page, 'winback-search-en');
});
