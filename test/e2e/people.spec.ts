import type { Backend } from '../../electron/core/backend';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';

/** The words each language shows, and the shop each one runs (Marina's in Kazan, Tom's in Leeds). */
const SHOPS = {
  en: {
    settings: {
      businessName: 'Bike Shop Leeds',
      senderName: 'BIKESHOP',
      shopPhone: '+44 113 496 0000',
      timezone: 'Europe/London',
      defaultCountry: 'GB',
      policyPack: 'uk',
    },
    person: { phone: '+447911123001', name: 'Ann Lee', edited: 'Ann Lee-Smith' },
    other: '+447911123002',
    otherName: 'Ann (work)',
    typo: { phone: '+447911123009', name: 'Typo Person' },
    words: {
      fixed: 'The number cannot be changed',
      others: 'Other numbers',
      erased: 'Personal data erased on request',
      merged: 'Merged into',
      mergedCell: 'messages go to that number',
    },
  },
  ru: {
    settings: {
      businessName: 'Цветочная лавка',
      senderName: 'ROMASHKA',
      shopPhone: '+7 843 000-00-00',
      timezone: 'Europe/Moscow',
      defaultCountry: 'RU',
      policyPack: 'ru',
    },
    person: { phone: '+79123001001', name: 'Анна Петрова', edited: 'Анна Петрова-Сафина' },
    other: '+79123001002',
    otherName: 'Анна (работа)',
    typo: { phone: '+79123001009', name: 'Ошибочный Контакт' },
    words: {
      fixed: 'Номер изменить нельзя',
      others: 'Другие номера',
      erased: 'Персональные данные удалены по запросу',
      merged: 'Объединён с контактом',
      mergedCell: 'сообщения уходят на этот номер',
    },
  },
} as const;

async function seedPeople(backend: Backend, lang: 'en' | 'ru'): Promise<void> {
  const s = SHOPS[lang];
  await seed(backend, 'settings.update', s.settings);
  await seed(backend, 'contacts.add', { phone: s.person.phone, name: s.person.name, tags: ['flowers'] });
  await seed(backend, 'consent.record', { phone: s.person.phone, channel: 'sms', purpose: 'marketing', action: 'grant', method: 'verbal_in_store' });
  // The person's second number said STOP: revoked, and merging must not change that.
  await seed(backend, 'consent.record', { phone: s.other, channel: 'sms', purpose: 'marketing', action: 'revoke' });
  // Then it asked for WhatsApp offers again (a START reply): granted — once merged, kept on record but not sendable.
  await seed(backend, 'inbound.receive', { from: s.other, channel: 'whatsapp', text: lang === 'en' ? 'START' : 'СТАРТ' });
  await seed(backend, 'contacts.update', {
    id: (await seed<{ contact: { id: number } }>(backend, 'contacts.get', { phone: s.other })).contact.id,
    name: s.otherName,
  });
  await seed(backend, 'contacts.add', { phone: s.typo.phone, name: s.typo.name });
}

for (const lang of ['en', 'ru'] as const) {
  test(`contact page: edit, merge two numbers, carry out a deletion request, delete a contact never asked (${lang})`, async ({
    page,
    backend,
    appUrl,
  }) => {
    const s = SHOPS[lang];
    await seedPeople(backend, lang);
    await new ShellPage(page).open(appUrl, lang);
    const contacts = new ContactsPage(page);
    await contacts.find(s.person.name);

    // Edit: the number is shown and explained, never changed.
    await page.getByTestId('edit-contact').click();
    await expect(page.getByTestId('number-fixed')).toContainText(s.words.fixed);
    await expect(page.getByTestId('edit-phone')).toBeDisabled();
    await page.getByTestId('edit-name').fill(s.person.edited);
    await page.getByTestId('edit-email').fill('ann@example.com');
    await shoot(page, `people-edit-${lang}`);
    await page.getByTestId('edit-save').click();
    await expect(page.getByTestId('contact-name')).toHaveText(s.person.edited);

    // Merge the second number into this one (this one stays the main number).
    await page.getByTestId('merge-contact').click();
    await page.getByTestId('merge-other').fill(s.other);
    await page.getByTestId('primary-this').click();
    await page.getByTestId('merge-confirm').click();
    const others = page.getByTestId('other-numbers');
    await expect(others).toContainText(s.words.others);
    await expect(others.getByTestId('other-number')).toHaveCount(1);
    await expect(others.getByTestId('other-number').locator('[data-status=revoked]').first()).toBeVisible();
    await expect(others.getByTestId('other-number').locator('[data-status=granted][data-blocked-by=merged]')).toBeVisible();
    await shoot(page, `people-merged-${lang}`);

    // The merged number's page says whose it is, and keeps its own (revoked) consent.
    await others.getByTestId('other-number').getByRole('button').first().click();
    await expect(page.getByTestId('merged-banner')).toContainText(s.words.merged);
    await expect(page.getByTestId('cell-sms-marketing').locator('[data-status=revoked]')).toBeVisible();
    // Its granted WhatsApp consent is kept, but the cell says where messages go instead of green, as a campaign would.
    const wa = page.getByTestId('cell-whatsapp-marketing');
    await expect(wa.locator('[data-status=granted][data-blocked-by=merged]')).toBeVisible();
    await expect(wa.getByTestId('sendable')).toContainText(s.words.mergedCell);
    await shoot(page, `people-merged-number-${lang}`);
    await page.getByTestId('primary-link').click();
    await expect(page.getByTestId('contact-name')).toHaveText(s.person.edited);

    // A contact with consent history cannot be deleted: the deletion request is offered instead.
    await expect(page.getByTestId('delete-contact')).toHaveCount(0);
    await page.getByTestId('erase-contact').click();
    await page.getByTestId('erase-reference').fill(lang === 'en' ? 'e-mail of today' : 'письмо от сегодня');
    await shoot(page, `people-erase-dialog-${lang}`);
    await page.getByTestId('erase-confirm').click();
    await expect(page.getByTestId('erased-banner')).toContainText(s.words.erased);
    await expect(page.getByTestId('contact-name')).not.toHaveText(s.person.edited);
    await expect(page.getByTestId('cell-sms-marketing').locator('[data-status=revoked]')).toBeVisible();
    await expect(page.getByTestId('erase-contact')).toHaveCount(0);
    await shoot(page, `people-erased-${lang}`);

    // A contact never asked can be deleted.
    await page.getByTestId('nav-contacts').click();
    await contacts.find(s.typo.name);
    await page.getByTestId('delete-contact').click();
    await page.getByTestId('delete-confirm').click();
    await contacts.search(s.typo.name);
    await expect(contacts.rows()).toHaveCount(0);

    const verify = await seed<{ problems: unknown[] }>(backend, 'audit.verify', {});
    expect(verify.problems).toEqual([]);
  });
}

for (const lang of ['en', 'ru'] as const) {
  test(`a wrong number: from the edit dialog, the right number is added and the wrong one merged into it (${lang})`, async ({
    page,
    backend,
    appUrl,
  }) => {
    const s = SHOPS[lang];
    await seedPeople(backend, lang);
    await new ShellPage(page).open(appUrl, lang);
    await new ContactsPage(page).find(s.typo.name);
    const right = lang === 'en' ? '+447911123010' : '+79123001010';

    await page.getByTestId('edit-contact').click();
    await page.getByTestId('wrong-number').click();
    await page.getByTestId('merge-other').fill(right);
    await page.getByTestId('merge-confirm').click();
    // Not in the register yet: said so, and offered in one step.
    await expect(page.getByTestId('merge-missing')).toBeVisible();
    await shoot(page, `people-wrong-number-${lang}`);
    await page.getByTestId('merge-add').click();

    // The wrong number is now another number of the right one, whose page has the name filled in from it.
    await expect(page.getByTestId('merged-banner')).toBeVisible();
    await page.getByTestId('primary-link').click();
    await expect(page.getByTestId('contact-name')).toHaveText(s.typo.name);
    await expect(page.getByTestId('other-numbers').getByTestId('other-number')).toHaveCount(1);
    const verify = await seed<{ problems: unknown[] }>(backend, 'audit.verify', {});
    expect(verify.problems).toEqual([]);
  });
}
