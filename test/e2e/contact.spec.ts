import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import { seedShop } from './seed';

const WORDING = 'F1-1 — Акции и скидки (RU)';

test('record a consent and an opt-out from the contact page; cells and timeline follow', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.find('John Смирнова 5');
  const contact = new ContactPage(page);
  await expect(contact.cell('sms', 'marketing')).toContainText('none');
  await expect(page.getByText('No consent recorded yet.')).toBeVisible();

  // A proven paper consent: granted, but the ru pack also needs the separate personal-data consent to send.
  await contact.recordGrant({ form: WORDING, sheet: 'S-777', note: 'signed at the till' });
  await expect(contact.events()).toHaveCount(1);
  await expect(contact.cell('sms', 'marketing')).toContainText('granted');
  await expect(contact.cell('sms', 'marketing').getByTestId('sendable')).toContainText('Needs personal-data consent');
  const first = contact.events().first();
  await expect(first).toContainText('S-777');
  await expect(first).toContainText('F1-1');
  await expect(first).toContainText('signed at the till');
  await expect(first).toContainText('by Owner');
  await expect(first).toContainText('pack RU');

  await contact.recordGrant({ purpose: 'Personal data', form: WORDING, sheet: 'S-777' });
  await expect(contact.events()).toHaveCount(2);
  await expect(contact.cell('sms', 'marketing').getByTestId('sendable')).toContainText('may be messaged');

  // Without a sheet reference the ru pack cannot prove a paper consent: it is stored as an unproven claim, and said so.
  // The form says so before it is saved, naming what is missing in words, not field names.
  await contact.fillGrant({ channel: 'WhatsApp', form: WORDING });
  await expect(page.getByTestId('evidence-missing')).toContainText('Still missing: sheet reference');
  await page.getByTestId('rec-sheet').fill('S-778');
  await expect(page.getByTestId('evidence-missing')).toHaveCount(0);
  await page.getByTestId('rec-sheet').fill('');
  await expect(page.getByTestId('evidence-missing')).toBeVisible();
  await shoot(page, 'record-consent-missing-en');
  await page.getByTestId('rec-save').click();
  await expect(page.getByTestId('downgraded')).toContainText('Recorded as an unproven claim, not a consent.');
  await expect(page.getByTestId('downgraded')).toContainText('The RU pack needs more evidence: sheet reference.');
  await expect(page.getByTestId('downgraded')).not.toContainText('{{');
  await shoot(page, 'record-consent-claim-en');
  await contact.done();
  await expect(contact.cell('whatsapp', 'marketing')).toContainText('unproven');

  // One opt-out on SMS withdraws marketing on every channel under the ru pack.
  await contact.recordOptOut();
  await expect(page.getByTestId('revoked-all')).toContainText('WhatsApp · Marketing');
  await contact.done();
  await expect(contact.cell('sms', 'marketing')).toContainText('revoked');
  await expect(contact.cell('whatsapp', 'marketing')).toContainText('revoked');
  await expect(contact.cell('sms', 'personal_data')).toContainText('granted');
  await expect(contact.events()).toHaveCount(5);
  await expect(contact.events().first()).toHaveAttribute('data-action', 'revoke');

  // The list shows the new statuses too.
  await page.getByTestId('nav-contacts').click();
  await expect(contacts.rows().first().locator('[data-status=revoked]')).toHaveCount(2);
});

test('in Russian: what the pack still needs before saving, and why it was kept as a claim after', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  await new ShellPage(page).open(appUrl, 'ru');
  await new ContactsPage(page).find('John Смирнова 5');
  const contact = new ContactPage(page);
  await contact.fillGrant({ form: WORDING });
  await expect(page.getByTestId('evidence-missing')).toContainText('Ещё не хватает: номер листа');
  await shoot(page, 'record-consent-missing-ru');
  await page.getByTestId('rec-save').click();
  await expect(page.getByTestId('downgraded')).toContainText('Записано как неподтверждённое заявление, а не согласие.');
  await expect(page.getByTestId('downgraded')).toContainText('Правилам RU не хватает доказательств: номер листа.');
  await expect(page.getByTestId('downgraded')).not.toContainText('{{');
  await shoot(page, 'record-consent-claim-ru');
});

test('a consent dated in the future is refused, naming the field; dates are in the shop time zone', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.find('Анна Смирнова 0');
  const contact = new ContactPage(page);
  // Seeded at 10:00 +05:00 and the shop is in Yekaterinburg (+05): shown as 10:00 whatever the browser's zone.
  await expect(contact.events().last()).toContainText('1 Mar 2026, 10:00');

  await page.getByTestId('record-consent').click();
  await page.getByTestId('rec-when').fill('2099-01-01T10:00');
  await page.getByTestId('rec-save').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('The date is in the future');
  await expect(error.locator('[data-field=occurredAt]')).toContainText('When it happened');
});
