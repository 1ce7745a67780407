import { test, expect, seed } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import { nameOf, seedShop } from './seed';

test.describe('contacts list', () => {
  test('shows every contact with coloured marketing statuses and tags', async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await expect(contacts.count()).toHaveText('300 contacts');
    await expect(contacts.rows().first()).toBeVisible();
    // Sorted by name: Latin before Cyrillic.
    await expect(contacts.rows().first()).toContainText('Emma Brown');
    await contacts.search('Анна Смирнова 0');
    const row = contacts.rows().first();
    await expect(row.locator('[data-status=granted]')).toHaveCount(1);
    await expect(row).toContainText('vip');
    await expect(row).toContainText('+7 912 100 00 00');
  });

  test('search as you type by name (Cyrillic and Latin) and by phone in any format', async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await expect(contacts.rows().first()).toBeVisible();

    // Key by key: every prefix is a request; only the last answer may win.
    await contacts.typeSearch('Ольга Соколов 1');
    await expect(contacts.rows()).toHaveCount(1);
    await expect(contacts.rows().first()).toContainText(nameOf(156));
    await expect(contacts.count()).toHaveText('1 found');

    await contacts.search('müller');
    await expect(contacts.rows().first()).toContainText('Müller');
    await expect(contacts.rows().filter({ hasNotText: 'Müller' })).toHaveCount(0);

    for (const phone of ['8 912 100-02-99', '+7 (912) 1000299', '89121000299', '9121000299']) {
      await contacts.search(phone);
      await expect(contacts.rows(), phone).toHaveCount(1);
      await expect(contacts.rows().first()).toContainText(nameOf(299));
    }
    await contacts.search('+7 912');
    await expect(contacts.rows().first()).toBeVisible();
    await contacts.search('8912');
    await expect(contacts.rows().first()).toBeVisible();

    await contacts.search('nobody-like-this');
    await expect(page.getByTestId('empty')).toContainText('nobody-like-this');
    await contacts.search('');
    await expect(contacts.count()).toHaveText('300 contacts');
  });

  test('stays virtualised: only visible rows are in the page, more load on scroll', async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await expect(contacts.rows().first()).toBeVisible();
    expect(await contacts.renderedRows().count()).toBeLessThan(60);
    await contacts.scroller().evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(page.locator('[role=row][aria-rowindex="300"]')).toHaveAttribute('data-testid', 'contact-row');
    expect(await contacts.renderedRows().count()).toBeLessThan(60);
  });

  test('open a contact from the list and come back', async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await contacts.find('Ольга Смирнова 4');
    const contact = new ContactPage(page);
    await expect(contact.name()).toHaveText('Ольга Смирнова 4');
    await expect(contact.events().first()).toHaveAttribute('data-action', 'revoke');
    await page.getByText('All contacts').click();
    await expect(contacts.rows()).toHaveCount(1);
  });
});

test.describe('add contact', () => {
  test('normalises live, warns about landlines, refuses a bad number naming the field', async ({ page, backend, appUrl }) => {
    await seedShop(backend, 10);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await contacts.openAddContact();
    await contacts.fillNewContact('8 (999) 123-45-67');
    await expect(contacts.phonePreview()).toContainText('+79991234567');
    // A Yekaterinburg landline: valid, but no SMS or WhatsApp.
    await contacts.fillNewContact('8 343 371-12-34');
    await expect(contacts.phonePreview()).toContainText('+73433711234');
    await expect(contacts.phonePreview()).toContainText('cannot receive SMS or WhatsApp');
    await contacts.fillNewContact('12');
    await expect(page.getByText('too short')).toBeVisible();
    await contacts.saveNewContact();
    const error = page.getByTestId('error');
    await expect(error).toContainText('This is not a valid phone number');
    await expect(error.locator('[data-field=phone]')).toContainText('Phone');
  });

  test('adds a contact and opens it; a duplicate links to the existing one', async ({ page, backend, appUrl }) => {
    await seedShop(backend, 10);
    await new ShellPage(page).open(appUrl);
    const contacts = new ContactsPage(page);
    await contacts.openAddContact();
    await contacts.fillNewContact('8 (999) 123-45-67', 'Новый Покупатель');
    await page.getByTestId('new-tags').fill('vip, опт');
    await contacts.saveNewContact();
    const contact = new ContactPage(page);
    await expect(contact.name()).toHaveText('Новый Покупатель');
    await expect(page.getByTestId('contact-country')).toHaveText('Russia');
    const stored = await seed<{ contact: { tags: string[] } }>(backend, 'contacts.get', { phone: '+79991234567' });
    expect(stored.contact.tags).toEqual(['vip', 'опт']);

    await page.getByTestId('nav-contacts').click();
    await expect(contacts.count()).toHaveText('11 contacts');
    await contacts.openAddContact();
    await contacts.fillNewContact('+7 999 123 45 67');
    await contacts.saveNewContact();
    await expect(page.getByTestId('conflict')).toContainText('already in the register');
    await page.getByTestId('conflict').getByRole('button').click();
    await expect(contact.name()).toHaveText('Новый Покупатель');
  });
});
