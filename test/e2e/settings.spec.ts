import { test, expect, seed } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { SettingsPage } from './pages/settings.page';
import { ContactsPage } from './pages/contacts.page';
import { seedShop } from './seed';

test('save business identity; the header shows the business name', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await shell.goSettings();
  const settings = new SettingsPage(page);
  await settings.saveBusinessName('Corner Shop');
  await expect(page.getByTestId('saved')).toBeVisible();
  await expect(page.getByTestId('business')).toHaveText('Corner Shop');
  await page.getByTestId('business-name').fill('   ');
  await page.getByTestId('save-identity').click();
  await expect(page.getByTestId('error').locator('[data-field=businessName]')).toContainText('Business name');
  const s = await seed<{ businessName: string }>(backend, 'settings.get', {});
  expect(s.businessName).toBe('Corner Shop');
});

test('tighten the policy pack; a loosening is refused with the field named', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  await seed(backend, 'settings.update', { policyPack: 'us', defaultCountry: 'US', timezone: 'America/New_York' });
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await shell.goSettings();
  const settings = new SettingsPage(page);
  await expect(settings.policyValues()).toContainText('08:00–21:00');

  await settings.tighten({ quietStart: '07:00' });
  await expect(page.getByTestId('error')).toContainText('A shop can only tighten its policy pack');
  await expect(page.getByTestId('error').locator('[data-field="policyOverrides.quietHours"]')).toContainText('Send window');
  await expect(settings.fieldError('quiet-start')).toContainText('must lie within 08:00-21:00');

  await settings.tighten({ quietStart: '09:00', maxAgeDays: '365' });
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  await expect(settings.policyValues()).toContainText('09:00–21:00');
  await expect(settings.policyValues()).toContainText('365');
  await expect(settings.policyValues()).toContainText('tightened');
  const s = await seed<{ policyOverrides: object }>(backend, 'settings.get', {});
  expect(s.policyOverrides).toMatchObject({ quietHours: { start: '09:00', end: '21:00' }, maxConsentAgeDays: 365 });
});

test('a shorter maximum consent age expires an older consent in the contacts list at once', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 0);
  const form = await seed<{ id: number }[]>(backend, 'forms.list', {});
  const signed = new Date(Date.now() - 400 * 86_400_000).toISOString();
  for (const [phone, name, occurredAt] of [
    ['+79120000101', 'Анна Старая', signed],
    ['+79120000102', 'Борис Новый', undefined],
  ] as const)
    for (const purpose of ['marketing', 'personal_data'] as const)
      await seed(backend, 'consent.record', {
        phone,
        name,
        channel: 'sms',
        purpose,
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: form[0]!.id, sheetRef: 'S-000001' },
        ...(occurredAt ? { occurredAt } : {}),
      });
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await shell.goContacts();
  const contacts = new ContactsPage(page);
  await expect(contacts.rows().filter({ hasText: 'Анна Старая' })).toContainText('granted');
  await shell.goSettings();
  await new SettingsPage(page).tighten({ maxAgeDays: '365' });
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  await shell.goContacts();
  await expect(contacts.rows().filter({ hasText: 'Анна Старая' })).toContainText('expired');
  await expect(contacts.rows().filter({ hasText: 'Борис Новый' })).toContainText('granted');
});

test('staff: add, deactivate and reactivate; consent wording gets a new version; the register verifies', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await shell.goSettings();
  const settings = new SettingsPage(page);
  await settings.addStaff('Sam');
  const sam = settings.staffRows().filter({ hasText: 'Sam' });
  await expect(sam).toContainText('active');
  await sam.getByRole('button', { name: 'Deactivate' }).click();
  await expect(sam).toContainText('inactive');
  await sam.getByRole('button', { name: 'Reactivate' }).click();
  await expect(sam).not.toContainText('inactive');
  await settings.addStaff('Sam');
  await expect(page.getByTestId('error')).toContainText('already exists');

  await page.getByTestId('form-row').filter({ hasText: 'F1-1' }).getByTestId('new-version').click();
  await expect(page.getByTestId('form-title')).toHaveValue('Акции и скидки');
  await page
    .getByTestId('form-body')
    .fill('Я согласен(на) получать рекламу «Лавки у дома» по SMS и WhatsApp не чаще 2 раз в неделю. Отписаться: СТОП.');
  await page.getByTestId('create-form').click();
  await expect(page.getByTestId('form-created')).toContainText('F1-2');
  await expect(page.getByTestId('forms-table')).toContainText('F1-2');

  await settings.createForm('', 'short');
  await expect(page.getByTestId('error').locator('[data-field=title]')).toBeVisible();

  await settings.verify();
  await expect(page.getByTestId('verify-result')).toContainText('The register is intact');
});
