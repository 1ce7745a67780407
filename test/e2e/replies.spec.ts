import type { Page } from '@playwright/test';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';

interface Cells {
  consents: { channel: string; purpose: string; status: string }[];
}

/** Type a customer's reply into the Record a reply form and send it. */
async function recordReply(page: Page, reply: { from: string; text: string; channel?: 'SMS' | 'WhatsApp' }): Promise<void> {
  await page.getByTestId('reply-from').fill(reply.from);
  if (reply.channel) await page.getByTestId('reply-channel').getByText(reply.channel, { exact: true }).click();
  await page.getByTestId('reply-text').fill(reply.text);
  await page.getByTestId('reply-save').click();
}

test('complaints listed and recorded; replies typed in are classified and acted on, explained in the UI language', async ({
  page,
  backend,
  appUrl,
}) => {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    shopPhone: '+7 912 000-00-00',
    timezone: 'Europe/Moscow',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru' });
  const form = await seed<{ id: number }>(backend, 'forms.create', template);
  await seed(backend, 'contacts.add', { phone: '+79123456701', name: 'Анна Смирнова' });
  await seed(backend, 'contacts.add', { phone: '+79123456702', name: 'Иван Петров' });
  for (const channel of ['sms', 'whatsapp'])
    await seed(backend, 'consent.record', {
      phone: '+79123456701',
      channel,
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
    });
  // A complaint that came in by message: the customer's own words are kept.
  const complaint = await seed<{ classified: string }>(backend, 'inbound.receive', {
    from: '+79123456702',
    channel: 'whatsapp',
    text: 'Это спам! Откуда у вас мой номер?',
  });
  expect(complaint.classified).toBe('complaint');

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await page.getByTestId('nav-replies').click();
  const complaints = page.getByTestId('complaint');
  await expect(complaints).toHaveCount(1);
  await expect(complaints.first()).toContainText('their message');
  await expect(complaints.first()).toContainText('«Это спам! Откуда у вас мой номер?»');
  await expect(complaints.first()).toContainText('Иван Петров');

  // A complaint is recorded against a customer in the register: another number is flagged as typed, and refused.
  await page.getByTestId('complaint-phone').fill('8 912 345-67-99');
  await expect(page.getByTestId('phone-owner')).toContainText('This number is not in the register');
  await page.getByTestId('complaint-note').fill('Says she never signed up for the newsletter');
  await page.getByTestId('complaint-save').click();
  await expect(page.getByTestId('error')).toContainText('Not found');
  await expect(page.getByTestId('complaint-note')).toHaveValue('Says she never signed up for the newsletter');

  // A complaint made at the till, noted by staff.
  await page.getByTestId('complaint-phone').fill('8 912 345-67-01');
  await expect(page.getByTestId('phone-normalized')).toContainText('+7 912 345 67 01');
  await expect(page.getByTestId('phone-owner')).toHaveText('Customer: Анна Смирнова');
  await page.getByTestId('complaint-save').click();
  await expect(page.getByTestId('complaint-saved')).toBeVisible();
  await expect(complaints).toHaveCount(2);
  await expect(complaints.first()).toContainText('staff note');
  await expect(complaints.first()).toContainText('Says she never signed up for the newsletter');
  await expect(complaints.first()).toContainText('Анна Смирнова');
  await expect(complaints.first()).toContainText('Owner');

  // The customer opens from the list.
  await complaints.last().getByTestId('customer-link').click();
  await expect(page.getByTestId('contact-name')).toHaveText('Иван Петров');
  await page.getByTestId('nav-replies').click();

  await page.getByTestId('tab-record').click();
  // START with a code no form has: read as a subscription, nothing recorded, and said why.
  await recordReply(page, { from: '+7 912 345-67-09', text: 'START F9-9' });
  await expect(page.getByTestId('reply-class')).toHaveText('Subscription · F9-9');
  await expect(page.getByTestId('reply-no-events')).toHaveText('No consent changed.');
  await expect(page.getByTestId('reply-note')).toContainText('There is no consent form with code F9-9');

  // START with the shop's form code on WhatsApp: both consents of the form recorded.
  await recordReply(page, { from: '+7 912 345-67-10', text: 'START F1-1', channel: 'WhatsApp' });
  await expect(page.getByTestId('reply-class')).toHaveText('Subscription · F1-1');
  await expect(page.getByTestId('reply-events')).toContainText('Consent recorded: WhatsApp · Marketing, WhatsApp · Personal data');

  // STOP by SMS: under the ru pack every marketing consent goes, at once.
  await recordReply(page, { from: '+7 912 345-67-01', text: 'СТОП', channel: 'SMS' });
  await expect(page.getByTestId('reply-class')).toHaveText('Opt-out');
  await expect(page.getByTestId('reply-events')).toContainText('Opt-out: SMS · Marketing, WhatsApp · Marketing withdrawn');
  const status = await seed<Cells>(backend, 'consent.status', { phone: '+79123456701' });
  const marketing = status.consents.filter((c) => c.purpose === 'marketing').map((c) => `${c.channel}:${c.status}`);
  expect(marketing.sort()).toEqual(['sms:revoked', 'whatsapp:revoked']);
  await shoot(page, 'replies-en');

  await shell.switchLanguage('RU');
  await expect(page.getByTestId('reply-class')).toHaveText('Отказ');
  await expect(page.getByTestId('reply-events')).toContainText('Отказ: SMS · Реклама, WhatsApp · Реклама — отозвано');
  await expect(page.getByTestId('reply-result')).toContainText('Клиент попросил больше не писать');
  await shoot(page, 'replies-ru');

  await page.getByTestId('tab-complaints').click();
  await expect(complaints.first()).toContainText('запись сотрудника');
  await expect(complaints.last()).toContainText('сообщение клиента');
  await shoot(page, 'complaints-ru');
});

test('double opt-in: the confirmation owed to a customer waits for the provider outbox; a YES typed in settles it', async ({
  page,
  backend,
  appUrl,
}) => {
  await seed(backend, 'settings.update', {
    businessName: 'Bäckerei Sonne',
    shopPhone: '+49 30 1234567',
    timezone: 'Europe/Berlin',
    defaultCountry: 'DE',
    policyPack: 'de',
  });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'en' });
  await seed(backend, 'forms.create', template);
  await seed(backend, 'contacts.add', { phone: '+4915123456789', name: 'Lena Vogel' });
  const start = await seed<{ events: { action: string }[] }>(backend, 'inbound.receive', {
    from: '+4915123456789',
    channel: 'sms',
    text: 'START F1-1',
  });
  expect(start.events.map((e) => e.action)).toContain('request');

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await page.getByTestId('nav-replies').click();
  await expect(page.getByTestId('tab-confirmations')).toContainText('1');
  await page.getByTestId('tab-confirmations').click();
  await expect(page.getByTestId('outbox-note')).toContainText('hands queued confirmation messages to your messaging provider by itself');
  const row = page.getByTestId('confirmation');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Lena Vogel');
  await expect(row.getByTestId('confirmation-state')).toHaveText('queued');
  await expect(row.getByTestId('confirmation-outcome')).toHaveText('waiting for reply');
  await row.getByTestId('confirmation-toggle').click();
  await expect(page.getByTestId('confirmation-text')).toContainText(
    'Bäckerei Sonne: you asked to get messages from the shop on SMS. To confirm, reply YES.',
  );
  await shoot(page, 'confirmations-en');

  // The customer answered YES on the shop phone: typed in, it confirms and the queued message is no longer owed.
  await page.getByTestId('tab-record').click();
  await recordReply(page, { from: '0151 23456789', text: 'Yes' });
  await expect(page.getByTestId('reply-class')).toHaveText('Confirmation');
  await expect(page.getByTestId('reply-events')).toContainText('Confirmed: SMS · Marketing');
  await page.getByTestId('tab-confirmations').click();
  await expect(row.getByTestId('confirmation-state')).toHaveText('cancelled');
  await expect(row).toContainText('confirmed before it was sent');
  await expect(row.getByTestId('confirmation-outcome')).toHaveText('confirmed');

  await shell.switchLanguage('RU');
  await expect(row.getByTestId('confirmation-outcome')).toHaveText('подтвердил');
  await shoot(page, 'confirmations-ru');
});
