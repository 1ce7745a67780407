import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ProvidersPage } from './pages/providers.page';

const fakes: FakeWebhook[] = [];
test.afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

test('a new address for a provider clears its stored secret; the page warns before saving and says so after (EN and RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  const shopRelay = await startFakeWebhook({ token: 'shop-relay-token' });
  const elsewhere = await startFakeWebhook({ path: '/in' });
  fakes.push(shopRelay, elsewhere);
  await seed(backend, 'settings.update', { businessName: 'Лавка у дома', shopPhone: '+7 912 000-00-00', defaultCountry: 'RU' });
  await seed(backend, 'providers.save', {
    name: 'Shop relay',
    kind: 'webhook',
    options: { url: shopRelay.hookUrl },
    secrets: { token: 'shop-relay-token' },
  });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const providers = new ProvidersPage(page);
  await providers.open();
  await expect(providers.row('Shop relay').getByTestId('secret-status')).toContainText('stored');

  // Other settings leave the secret alone, and say nothing.
  await providers.row('Shop relay').getByTestId('edit-provider').click();
  await providers.modal().getByTestId('provider-option-ratePerSecond').fill('5');
  await expect(providers.modal().getByTestId('secret-will-clear')).toHaveCount(0);
  await providers.modal().getByTestId('save-provider').click();
  await expect(providers.modal()).toHaveCount(0);
  await expect(providers.card().getByTestId('secret-cleared')).toHaveCount(0);
  await expect(providers.row('Shop relay').getByTestId('secret-status')).toContainText('stored');

  // A new address: warned while typing, told after saving.
  await providers.row('Shop relay').getByTestId('edit-provider').click();
  await expect(providers.modal().getByTestId('provider-secret-token')).toHaveAttribute('placeholder', 'Stored — leave empty to keep it');
  await providers.modal().getByTestId('provider-option-url').fill(elsewhere.hookUrl);
  await expect(providers.modal().getByTestId('secret-will-clear')).toContainText(
    'the stored secret is removed so it is never sent to the new address',
  );
  await expect(providers.modal().getByTestId('provider-secret-token')).not.toHaveAttribute('placeholder', 'Stored — leave empty to keep it');
  await providers.modal().getByTestId('save-provider').click();
  await expect(providers.modal()).toHaveCount(0);
  const notice = providers.card().getByTestId('secret-cleared');
  await expect(notice).toContainText('The address of “Shop relay” changed, so its stored secret was removed');
  await expect(providers.row('Shop relay').getByTestId('secret-status')).toContainText('not set');

  // The test message goes to the new address without the old token.
  await providers.openTest('Shop relay');
  await expect(await providers.sendTest()).toBeVisible();
  expect(elsewhere.received).toHaveLength(1);
  expect(elsewhere.received[0]!.headers.authorization).toBeUndefined();
  await page.keyboard.press('Escape');

  await shell.switchLanguage('RU');
  await expect(notice).toContainText('Адрес провайдера «Shop relay» изменился, поэтому сохранённый секрет удалён');
  // Entered again for the new address, it is kept; a save that moves nothing clears the notice.
  await providers.row('Shop relay').getByTestId('edit-provider').click();
  await providers.modal().getByTestId('provider-secret-token').fill('token-for-elsewhere');
  await providers.modal().getByTestId('save-provider').click();
  await expect(providers.modal()).toHaveCount(0);
  await expect(notice).toHaveCount(0);
  await expect(providers.row('Shop relay').getByTestId('secret-status')).toContainText('сохранён');
  await providers.row('Shop relay').getByTestId('edit-provider').click();
  await providers.modal().getByTestId('provider-option-url').fill(shopRelay.hookUrl);
  await expect(providers.modal().getByTestId('secret-will-clear')).toContainText('Адрес меняется: при сохранении сохранённый секрет будет удалён');
  await providers.modal().getByTestId('provider-option-url').fill(elsewhere.hookUrl);
  await expect(providers.modal().getByTestId('secret-will-clear')).toHaveCount(0);
});

test('under the Russian pack a provider abroad warns of the cross-border transfer (152-FZ art. 12), and WhatsApp of its block; a UK shop sees neither', async ({
  page,
  backend,
  appUrl,
}) => {
  await seed(backend, 'settings.update', { businessName: 'Лавка у дома', defaultCountry: 'RU', policyPack: 'ru', timezone: 'Europe/Moscow' });
  await seed(backend, 'providers.save', {
    name: 'Twilio',
    kind: 'twilio',
    options: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15005550006' },
  });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const providers = new ProvidersPage(page);
  await providers.open();
  await expect(providers.row('Twilio').getByTestId('provider-cross-border')).toContainText('уведомите Роскомнадзор');
  await providers.card().getByTestId('add-provider').click();
  await expect(providers.modal().getByTestId('provider-cross-border')).toHaveCount(0);
  await providers.modal().getByTestId('provider-kind').click();
  await page.getByRole('option', { name: 'WhatsApp Cloud API (Meta)', exact: true }).click();
  const warning = providers.modal().getByTestId('provider-cross-border');
  await expect(warning).toContainText('трансграничная передача персональных данных');
  await expect(warning).toContainText('WhatsApp в России заблокирован');
  await shoot(page, 'provider-cross-border-ru');
  await page.keyboard.press('Escape');

  await seed(backend, 'settings.update', { policyPack: 'uk', defaultCountry: 'GB', timezone: 'Europe/London' });
  await page.reload();
  await shell.switchLanguage('EN');
  await providers.open();
  await expect(providers.row('Twilio')).toBeVisible();
  await expect(page.getByTestId('provider-cross-border')).toHaveCount(0);
});
