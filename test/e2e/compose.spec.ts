import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ComposePage } from './pages/compose.page';
import { seedShop } from './seed';

test('compose: problems are underlined as you type, fixes apply in one click, the counter follows', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  await seed(backend, 'settings.update', { brandAliases: ['Lavka'], shopDomains: ['lavka.ru'] });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const compose = new ComposePage(page);
  await compose.open();

  await compose.type('HUGE AUTUMN SALE today only!!! The best prices in town — “gifts” for everyone… http://bit.ly/x');
  await expect(compose.diagnostic('LINT-SENDER-ID')).toBeVisible();
  await expect(compose.diagnostic('LINT-OPTOUT-PRESENT')).toBeVisible();
  await expect(compose.diagnostic('LINT-CAPS')).toBeVisible();
  await expect(compose.diagnostic('LINT-UCS2-TRIGGER')).toHaveCount(4);
  await expect(compose.underlines('error').first()).toBeVisible();
  await expect(compose.underlines('warning').first()).toBeVisible();
  await expect(page.getByTestId('encoding')).toHaveText('UCS-2');
  await expect(page.getByTestId('verdict')).toContainText('Blocked');
  await shoot(page, 'compose-en');

  await compose.fix('LINT-SENDER-ID');
  await compose.fix('LINT-OPTOUT-PRESENT');
  for (let i = 0; i < 4; i++) await compose.fix('LINT-UCS2-TRIGGER');
  await compose.fix('LINT-EXCLAMATION');
  await compose.fix('LINT-CAPS');
  await expect(page.getByTestId('encoding')).toHaveText('GSM-7');
  await expect(page.getByTestId('verdict')).toContainText('No errors');
  expect(await compose.text()).toBe(
    'Lavka: huge autumn sale today only! The best prices in town - "gifts" for everyone... http://bit.ly/x. Reply STOP to opt out',
  );
  await expect(page.getByTestId('segments')).toContainText('1 segment');

  // Undo takes a fix back, like any edit.
  await compose.editor().press('ControlOrMeta+z');
  await expect(compose.diagnostic('LINT-CAPS')).toBeVisible();
});

test('compose in Russian: diagnostics, preview with a sample contact and switching a warning off', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type('{{first_name}}, только сегодня скидка 30% на всё! Лучшие цены в городе. Отписаться: ответьте 2');
  await expect(compose.diagnostic('LINT-SENDER-ID')).toContainText('не указан отправитель');
  await expect(compose.diagnostic('LINT-OPTOUT-KEYWORD-VALID')).toContainText('не распознаётся как отписка');
  await expect(compose.diagnostic('LINT-CLAIM-URGENCY')).toBeVisible();
  await expect(compose.diagnostic('LINT-CLAIM-SUPERLATIVE')).toBeVisible();
  await expect(page.getByTestId('preview-text')).toContainText(', только сегодня скидка');
  await expect(page.getByTestId('preview-text')).not.toContainText('{{');
  await compose.fix('LINT-OPTOUT-KEYWORD-VALID');
  await compose.fix('LINT-SENDER-ID');
  await compose.fix('LINT-PLACEHOLDER-FALLBACK');
  expect(await compose.text()).toContain('{{first_name|покупатель}}');
  expect(await compose.text()).toContain('ответьте СТОП');
  await expect(page.getByTestId('verdict')).toContainText('можно отправлять');
  await expect(page.getByTestId('segments')).toContainText('части');
  await shoot(page, 'compose-ru');

  await compose.diagnostic('LINT-CLAIM-SUPERLATIVE').getByTestId('switch-off').click();
  await expect(compose.diagnostic('LINT-CLAIM-SUPERLATIVE')).toHaveCount(0);
  const s = await seed<{ lintDisabledRules: string[] }>(backend, 'settings.get', {});
  expect(s.lintDisabledRules).toEqual(['LINT-CLAIM-SUPERLATIVE']);
  // The other warnings keep their switch; errors never have one.
  await expect(compose.diagnostic('LINT-SENDER-ID')).toHaveCount(0);
  await expect(compose.diagnostic('LINT-CLAIM-URGENCY').getByTestId('switch-off')).toBeVisible();
});

test('compose for WhatsApp: template rules, send-time window and its fix', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  await seed(backend, 'settings.update', { policyPack: 'us', timezone: 'America/New_York', defaultCountry: 'US', businessName: 'Corner Shop' });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const compose = new ComposePage(page);
  await compose.open();
  await compose.setChannel('WhatsApp');
  await compose.type('{{first_name|there}} {{name|friend}}, Corner Shop has new arrivals');
  await expect(compose.diagnostic('WA-VAR-EDGE')).toBeVisible();
  await expect(compose.diagnostic('WA-VAR-ADJACENT')).toBeVisible();
  await page.getByTestId('compose-optout-button').click();
  await expect(compose.diagnostic('LINT-OPTOUT-PRESENT')).toHaveCount(0);
  await page.getByTestId('compose-send-at').fill('2026-12-01T03:30');
  await expect(compose.diagnostic('LINT-QUIET-HOURS')).toBeVisible();
  await compose.fix('LINT-QUIET-HOURS');
  await expect(compose.diagnostic('LINT-QUIET-HOURS')).toHaveCount(0);
  await compose.fix('WA-VAR-EDGE');
  await expect(compose.diagnostic('WA-VAR-EDGE')).toHaveCount(0);
  await shoot(page, 'compose-whatsapp-en');
});
