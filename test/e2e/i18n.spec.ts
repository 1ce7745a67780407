import { test, expect } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { SettingsPage } from './pages/settings.page';
import { seedShop } from './seed';

test('switching to Russian shows Russian labels, errors and field names, and is remembered', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await expect(page.getByTestId('nav-contacts')).toContainText('Contacts');
  await shell.switchLanguage('RU');
  await expect(page.getByTestId('nav-contacts')).toContainText('Контакты');
  await expect(page.getByTestId('nav-settings')).toContainText('Настройки');
  await expect(page.getByRole('heading', { name: 'Контакты' })).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('20 контактов');
  // A granted consent that the ru pack still blocks (no personal-data consent) says why, in Russian.
  const badge = page.locator('[data-status=granted]').first();
  const blocked = await badge.getAttribute('data-blocked-by');
  await expect(badge).toHaveText(blocked === 'needs_personal_data' ? 'без согласия на ПДн' : 'есть');

  const contacts = new ContactsPage(page);
  await contacts.openAddContact();
  await contacts.fillNewContact('abc');
  await contacts.saveNewContact();
  const error = page.getByTestId('error');
  await expect(error).toContainText('Это не похоже на правильный номер телефона');
  await expect(error.locator('[data-field=phone]')).toContainText('Телефон');
  await page.keyboard.press('Escape');

  // Remembered across a restart of the window.
  await page.reload();
  await expect(page.getByTestId('nav-contacts')).toContainText('Контакты');

  await shell.goSettings();
  await page.getByTestId('policy-pack').click();
  await page.getByRole('option', { name: /^US/ }).click();
  await page.getByTestId('save-policy').click();
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  const settings = new SettingsPage(page);
  await settings.tighten({ quietEnd: '22:00' });
  await expect(page.getByTestId('error')).toContainText('Правила можно только ужесточить');
  await expect(settings.fieldError('quiet-start')).toContainText('окно отправки должно быть в пределах 08:00–21:00');
});
