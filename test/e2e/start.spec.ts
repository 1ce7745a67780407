import { test, expect, seed, shoot } from './fixtures';

type Setup = { configured: boolean; steps: { id: string; done: boolean }[] };
type Settings = { defaultCountry: string; timezone: string; policyPack: string };

test.describe('first start on an English machine in London (issue #17 item 4)', () => {
  test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

  test('proposes the United Kingdom, not Russia; the zone is found by city; the checklist shows what is left', async ({ page, backend, appUrl }) => {
    await page.addInitScript(() => localStorage.removeItem('optin.language'));
    await page.goto(appUrl);
    // A register nobody has set up opens on the first-run questions.
    await expect(page.getByTestId('where-card')).toBeVisible();
    await expect(page.getByTestId('where-country')).toHaveValue('GB — United Kingdom');
    await expect(page.getByTestId('where-timezone')).toHaveValue(/^Europe\/London/);
    await expect(page.getByTestId('where-pack')).toHaveValue('United Kingdom (PECR, UK GDPR)');
    await expect(page.getByTestId('step-rules')).toHaveAttribute('data-done', 'false');
    await shoot(page, 'start-en');

    // The zone is found by a city people know, not only by its IANA name.
    await page.getByTestId('where-timezone').click();
    await page.keyboard.type('Manchester');
    await page.getByRole('option', { name: /Manchester — Europe\/London/ }).click();
    await page.getByTestId('where-apply').click();
    await expect(page.getByTestId('where-card')).toBeHidden();
    await expect(page.getByTestId('step-rules')).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId('start-progress')).toHaveText('1 of 6 done');

    const s = await seed<Settings>(backend, 'settings.get', {});
    expect([s.defaultCountry, s.timezone, s.policyPack]).toEqual(['GB', 'Europe/London', 'uk']);
    expect((await seed<Setup>(backend, 'settings.setup', {})).configured).toBe(true);
  });
});

test.describe('first start in Russian', () => {
  test.use({ locale: 'ru-RU', timezoneId: 'Europe/Moscow' });

  test('«Казань» finds Moscow time; the 152-FZ pack is proposed and saved', async ({ page, backend, appUrl }) => {
    await page.addInitScript(() => localStorage.removeItem('optin.language'));
    await page.goto(appUrl);
    await expect(page.getByTestId('where-card')).toContainText('Где находится магазин?');
    await expect(page.getByTestId('where-pack')).toHaveValue('Россия (38-ФЗ, 126-ФЗ, 152-ФЗ)');
    await page.getByTestId('where-timezone').click();
    await page.keyboard.type('Казань');
    await expect(page.getByRole('option', { name: 'Казань — Europe/Moscow (UTC+03:00)' })).toBeVisible();
    await shoot(page, 'start-ru');
    await page.getByRole('option', { name: 'Казань — Europe/Moscow (UTC+03:00)' }).click();
    await page.getByTestId('where-apply').click();
    await expect(page.getByTestId('start-progress')).toHaveText('Готово: 1 из 6');
    const s = await seed<Settings>(backend, 'settings.get', {});
    expect([s.defaultCountry, s.timezone, s.policyPack]).toEqual(['RU', 'Europe/Moscow', 'ru']);
  });
});
