import { test, expect, seed, screenshot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import type { Backend } from '../../electron/core/backend';

const FIRST = ['Анна', 'Иван', 'Мария', 'Пётр', 'Ольга', 'John', 'Emma', 'Lukas'];
const LAST = ['Смирнова', 'Петров', 'Кузнецова', 'Соколов', 'Иванова', 'Smith', 'Müller', 'Brown'];

/** A shop with a few hundred customers, consent wording, staff and some history. */
async function seedShop(backend: Backend): Promise<void> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    timezone: 'Europe/Moscow',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  await seed(backend, 'staff.add', { name: 'Мария Кассир' });
  await seed(backend, 'forms.create', {
    title: 'Акции и скидки',
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Я согласен(на) получать рекламные сообщения магазина «Лавка у дома» по SMS и WhatsApp не чаще 4 раз в неделю. Отписаться: ответьте СТОП.',
  });
  for (let i = 0; i < 300; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    await seed(backend, 'contacts.add', { phone: `+7912${String(1000000 + i)}`, name, tags: i % 5 === 0 ? ['vip'] : [] });
  }
  for (let i = 0; i < 40; i++) {
    await seed(backend, 'consent.record', {
      phone: `+7912${String(1000000 + i)}`,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: 1, sheetRef: `S-${100 + i}` },
      occurredAt: '2026-03-01T10:00:00+03:00',
    });
  }
  for (let i = 40; i < 50; i++) {
    await seed(backend, 'consent.record', {
      phone: `+7912${String(1000000 + i)}`,
      channel: 'whatsapp',
      purpose: 'marketing',
      action: 'grant',
      method: 'import',
    });
  }
  await seed(backend, 'consent.record', {
    phone: '+79121000003',
    channel: 'sms',
    purpose: 'marketing',
    action: 'revoke',
    method: 'inbound_keyword',
    evidence: { inboundMessageId: 'SM123', note: 'СТОП' },
  });
}

for (const lang of ['en', 'ru'] as const) {
  test(`main screens render and read well (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    const contacts = new ContactsPage(page);
    await expect(contacts.rows().first()).toBeVisible();
    await expect(page.getByTestId('count')).toContainText('300');
    await screenshot(page, `contacts-${lang}`);

    await contacts.search('Анна Смирнова 0');
    await expect(contacts.rows()).toHaveCount(1);
    await contacts.open('Анна Смирнова 0');
    const contact = new ContactPage(page);
    await expect(contact.events()).toHaveCount(1);
    await shell.goContacts();
    await contacts.search('+7 912 100-00-03');
    await expect(contacts.rows()).toHaveCount(1);
    await contacts.open('Пётр');
    await expect(contact.events()).toHaveCount(3);
    await expect(contact.cell('sms', 'marketing')).toContainText(lang === 'ru' ? 'отозвано' : 'revoked');
    await screenshot(page, `contact-${lang}`);

    await shell.goSettings();
    await expect(page.getByTestId('policy-values')).toBeVisible();
    await expect(page.getByTestId('forms-table')).toContainText('F1-1');
    await screenshot(page, `settings-${lang}`);
  });
}

test('search as you type by name and by phone, in any format', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.search('мюл');
  await expect(contacts.rows()).toHaveCount(0);
  await contacts.search('müller');
  await expect(contacts.rows().first()).toContainText('Müller');
  await contacts.search('8 912 100-02-99');
  await expect(contacts.rows()).toHaveCount(1);
  await expect(contacts.rows().first()).toContainText('299');
  await contacts.search('nobody-like-this');
  await expect(page.getByTestId('empty')).toBeVisible();
});

test('the list stays virtualised: only visible rows are in the page, more load on scroll', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await expect(contacts.rows().first()).toBeVisible();
  expect(await page.locator('[role=row]').count()).toBeLessThan(80);
  await page.getByTestId('contacts-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(contacts.rows().last()).toBeVisible();
  expect(await page.locator('[role=row]').count()).toBeLessThan(80);
});

test('add a contact: live normalisation, invalid number refused, duplicate points to the existing one', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  await new ShellPage(page).open(appUrl);
  await page.getByTestId('add-contact').click();
  await page.getByTestId('new-phone').fill('8 (999) 123-45-67');
  await expect(page.getByTestId('phone-preview')).toContainText('+79991234567');
  await page.getByTestId('new-phone').fill('12');
  await page.getByTestId('save-contact').click();
  await expect(page.getByTestId('error')).toBeVisible();
  await page.getByTestId('new-phone').fill('8 (999) 123-45-67');
  await page.getByTestId('new-name').fill('Новый Покупатель');
  await page.getByTestId('save-contact').click();
  await expect(page.getByTestId('contact-name')).toHaveText('Новый Покупатель');
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('add-contact').click();
  await page.getByTestId('new-phone').fill('+79991234567');
  await page.getByTestId('save-contact').click();
  await expect(page.getByTestId('conflict')).toBeVisible();
});

test('record a consent and an opt-out from the contact page; the timeline follows', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.search('Emma');
  await contacts.open('Emma');
  const contact = new ContactPage(page);
  await expect(contact.cell('sms', 'marketing')).toContainText('none');
  await contact.recordGrant({ form: 'F1-1 — Акции и скидки (RU)', sheet: 'S-777', note: 'signed at the till' });
  await expect(contact.events()).toHaveCount(1);
  await expect(contact.cell('sms', 'marketing')).toContainText('granted');
  await expect(contact.events().first()).toContainText('S-777');
  await expect(contact.events().first()).toContainText('F1-1');
  // Without a sheet reference the ru pack cannot prove a paper consent: it becomes an unproven claim.
  await contact.recordGrant({ form: 'F1-1 — Акции и скидки (RU)' });
  await expect(page.getByTestId('downgraded')).toBeVisible();
  await page.getByTestId('rec-done').click();
  await contact.recordOptOut();
  await expect(page.getByTestId('revoked-all')).toBeVisible();
  await page.getByTestId('rec-done').click();
  await expect(contact.cell('sms', 'marketing')).toContainText('revoked');
  await expect(contact.cell('whatsapp', 'marketing')).toContainText('revoked');
  await expect(contact.events().first()).toHaveAttribute('data-action', 'revoke');
});

test('settings: save identity, tighten the pack, a loosening is refused naming the field, add staff', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  await seed(backend, 'settings.update', { policyPack: 'us', defaultCountry: 'US', timezone: 'America/New_York' });
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await shell.goSettings();
  await page.getByTestId('business-name').fill('Corner Shop');
  await page.getByTestId('save-identity').click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await page.getByTestId('quiet-start').fill('07:00');
  await page.getByTestId('save-policy').click();
  await expect(page.getByText('the send window must lie within 08:00-21:00').first()).toBeVisible();
  await page.getByTestId('quiet-start').fill('09:00');
  await page.getByTestId('max-age').fill('365');
  await page.getByTestId('save-policy').click();
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  await page.getByTestId('staff-name').fill('Sam');
  await page.getByTestId('add-staff').click();
  await expect(page.getByTestId('staff-table')).toContainText('Sam');
  await page.getByTestId('verify').click();
  await expect(page.getByTestId('verify-result')).toContainText('Intact');
  const s = await seed<{ policyOverrides: { quietHours?: { start: string }; maxConsentAgeDays?: number }; businessName: string }>(
    backend,
    'settings.get',
    {},
  );
  expect(s.businessName).toBe('Corner Shop');
  expect(s.policyOverrides).toMatchObject({ quietHours: { start: '09:00' }, maxConsentAgeDays: 365 });
});

test('switching the language shows Russian labels and Russian errors', async ({ page, backend, appUrl }) => {
  await seedShop(backend);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  await expect(page.getByTestId('nav-contacts')).toContainText('Contacts');
  await shell.switchLanguage('RU');
  await expect(page.getByTestId('nav-contacts')).toContainText('Контакты');
  await page.getByTestId('add-contact').click();
  await page.getByTestId('new-phone').fill('abc');
  await page.getByTestId('save-contact').click();
  await expect(page.getByTestId('error')).toContainText('Это не похоже на правильный номер телефона');
});
