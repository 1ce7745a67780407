import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import { seedShop } from './seed';

for (const lang of ['en', 'ru'] as const) {
  test(`screenshots of the main screens (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    const contacts = new ContactsPage(page);
    await expect(contacts.count()).toContainText('300');
    await expect(contacts.rows().first()).toBeVisible();
    await shoot(page, `contacts-${lang}`);

    await contacts.openAddContact();
    await contacts.fillNewContact('8 343 371-12-34', lang === 'ru' ? 'Иван Петров' : 'Ivan Petrov');
    await expect(contacts.phonePreview()).toBeVisible();
    await shoot(page, `add-contact-${lang}`);
    await page.keyboard.press('Escape');

    await contacts.find('Ольга Смирнова 4');
    const contact = new ContactPage(page);
    await expect(contact.events()).toHaveCount(5);
    await shoot(page, `contact-${lang}`);

    await page.getByTestId('record-consent').click();
    await expect(page.getByTestId('rec-save')).toBeVisible();
    await shoot(page, `record-consent-${lang}`);
    await page.keyboard.press('Escape');

    await shell.goSettings();
    await expect(page.getByTestId('policy-values')).toBeVisible();
    await shoot(page, `settings-${lang}`);
  });
}
