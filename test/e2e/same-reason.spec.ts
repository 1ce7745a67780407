import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import { ComposePage } from './pages/compose.page';
import { CampaignPage } from './pages/campaign.page';
import { seedShop } from './seed';

// Issue #14 finding 6: under the ru pack a marketing consent without the separate personal-data consent is not
// sendable, and the list, the contact page and the plan say so with the same reason (the one gate's answer).
const PERSON = 'Мария Смирнова 2';
const TEXT = 'Лавка у дома: {{first_name|покупатель}}, скидка 20% на выпечку до воскресенья. Отписаться: ответьте СТОП';

const WORDS = {
  en: { list: 'needs PD consent', contact: 'Needs personal-data consent', plan: 'Needs personal-data consent' },
  ru: { list: 'без согласия на ПДн', contact: 'Нужно согласие на обработку ПДн', plan: 'Нужно согласие на обработку ПДн' },
} as const;

for (const lang of ['en', 'ru'] as const) {
  test(`needs personal-data consent: the same reason in the list, on the contact page and in the plan (${lang})`, async ({
    page,
    backend,
    appUrl,
  }) => {
    await seedShop(backend, 20);
    await new ShellPage(page).open(appUrl, lang);
    const words = WORDS[lang];

    const contacts = new ContactsPage(page);
    await contacts.search(PERSON);
    await expect(contacts.rows()).toHaveCount(1);
    const badge = contacts.rows().first().locator('[data-status=granted]').first();
    await expect(badge).toHaveAttribute('data-blocked-by', 'needs_personal_data');
    await expect(badge).toHaveText(words.list);
    await shoot(page, `same-reason-list-${lang}`);

    await contacts.open(PERSON);
    const contact = new ContactPage(page);
    await expect(contact.cell('sms', 'marketing').getByTestId('sendable')).toContainText(words.contact);
    await shoot(page, `same-reason-contact-${lang}`);

    const compose = new ComposePage(page);
    await compose.open();
    await compose.type(TEXT);
    const campaign = new CampaignPage(page);
    await campaign.plan();
    // Contacts 2, 6, 10, 14 and 18 have a proven marketing consent on paper and no personal-data consent.
    await expect(campaign.exclusion('needs_personal_data')).toContainText(words.plan);
    await expect(campaign.exclusion('needs_personal_data')).toContainText('5');
    await shoot(page, `same-reason-plan-${lang}`);
  });
}
