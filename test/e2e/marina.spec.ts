import { readFileSync } from 'node:fs';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { FormsPage } from './pages/forms.page';
import { PaperPage } from './pages/paper.page';
import { ContactPage } from './pages/contact.page';
import { ContactsPage } from './pages/contacts.page';
import { ImportPage } from './pages/import.page';
import { ProvidersPage } from './pages/providers.page';
import { ComposePage } from './pages/compose.page';
import { CampaignPage } from './pages/campaign.page';
import { amoCrmCsv, bitrixHtmlXls } from './files/marina';

/**
 * Issue #17: Marina's day end to end. A flower shop in Kazan, the Russian UI and the ru pack: the first start, her
 * wording, printed sheets and the QR poster, keyboard paper entry, an opt-out, her Bitrix24 and amoCRM files, a
 * campaign through her webhook, its report, and the export for her CRM. Screenshots marina-NN-*.png at each step.
 */
test.use({ locale: 'ru-RU', timezoneId: 'Europe/Moscow' });

let fake: FakeWebhook | undefined;
test.afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Today on the Moscow calendar as YYYY-MM-DD (what the paper entry proposes). */
const moscowToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());

test("Marina's day: a flower shop in Kazan, in Russian", async ({ page, appUrl }) => {
  test.setTimeout(240_000);
  fake = await startFakeWebhook();
  await page.addInitScript(() => localStorage.removeItem('optin.language'));
  await page.goto(appUrl);
  const shell = new ShellPage(page);

  // 1. First start: the shop is in Kazan; the Russian rules are proposed.
  await expect(page.getByTestId('where-card')).toContainText('Где находится магазин?');
  await expect(page.getByTestId('where-pack')).toHaveValue('Россия (38-ФЗ, 126-ФЗ, 152-ФЗ)');
  await page.getByTestId('where-timezone').click();
  await page.keyboard.type('Казань');
  await page.getByRole('option', { name: 'Казань — Europe/Moscow (UTC+03:00)' }).click();
  await page.getByTestId('where-apply').click();
  await expect(page.getByTestId('start-progress')).toHaveText('Готово: 1 из 6');
  await shoot(page, 'marina-01-start-ru');

  // 2. The shop's name in Settings; the staff list shows the register's own owner in Russian.
  await shell.goSettings();
  await page.getByTestId('business-name').fill('Цветочная лавка');
  await page.getByTestId('sender-name').fill('CVETY');
  await page.getByLabel('Номер магазина для WhatsApp и SMS').fill('+7 917 270-00-00');
  await page.getByLabel('Адрес', { exact: true }).fill('Казань, ул. Баумана, 12');
  await page.getByTestId('save-identity').click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await page.getByTestId('staff-name').fill('Алина');
  await page.getByTestId('add-staff').click();
  await expect(page.getByTestId('staff-row')).toHaveCount(2);
  await expect(page.getByTestId('staff-table')).toContainText('Владелец');
  await expect(page.getByTestId('staff-table')).not.toContainText('Owner');
  await page.getByTestId('staff-table').scrollIntoViewIfNeeded();
  await shoot(page, 'marina-02-settings-ru');

  // 3. Her wording, from the pack's Russian template; the name reads correctly without declension.
  const forms = new FormsPage(page);
  await forms.open();
  await forms.newFromTemplate();
  await expect(page.getByTestId('form-body-input')).toHaveValue(/«Цветочная лавка»/);
  await expect(page.getByTestId('form-body-input')).not.toHaveValue(/даю Цветочная лавка/);
  await shoot(page, 'marina-03-wording-ru');
  await forms.save();
  await expect(page.getByTestId('form-code')).toHaveText(/F1-1/);

  // 4. Printed sheets: the layouts are whole, one a line; a group sheet of 10 rows.
  await page.getByTestId('open-print').click();
  const modal = page.getByTestId('print-modal');
  for (const name of ['Отрывные бланки (по умолчанию)', 'Один клиент на листе', 'Общий лист (много клиентов)'])
    await expect(modal.getByTestId('print-layout').getByText(name, { exact: true })).toBeVisible();
  await modal.getByTestId('print-layout-group').click();
  await modal.getByTestId('print-rows').fill('10');
  await shoot(page, 'marina-04-print-dialog-ru');
  await modal.getByTestId('make-sheets').click();
  await expect(page.getByTestId('print-serials')).toContainText('S-000001');
  await expect(forms.previewPages()).toHaveCount(2, { timeout: 20_000 });
  await shoot(page, 'marina-05-print-preview-ru');
  await page.keyboard.press('Escape');

  // 5. The QR poster for the counter.
  await page.getByTestId('open-qr').click();
  await expect(page.getByTestId('qr-text')).toHaveText('ПОДПИСАТЬСЯ F1-1 «Цветочная лавка»');
  await page.getByTestId('make-poster').click();
  await expect(forms.previewPages()).toHaveCount(1, { timeout: 20_000 });
  await shoot(page, 'marina-06-poster-ru');
  await page.keyboard.press('Escape');

  // 6. The signed sheet typed in with the keyboard: SMS, WhatsApp, advertising, personal data.
  const paper = new PaperPage(page);
  await paper.open();
  await paper.serial().click();
  await paper.scanSerial('F1-1 S-000001');
  await expect(paper.header()).toContainText('S-000001');
  await expect(paper.date()).toHaveValue(moscowToday().split('-').reverse().join('.'));
  await paper.typeRow({ name: 'Зульфия Нуриева', phone: '8 917 270-31-01', ticks: [true, true, true, true] });
  await expect(paper.saved()).toContainText('Зульфия Нуриева');
  await paper.typeRow({ name: 'Тимур Валиев', phone: '+7 917 270-31-02', ticks: [true, false, true, true] });
  await expect(paper.saved()).toContainText('Тимур Валиев');
  await paper.typeRow({ name: 'Эльвира Хасанова', phone: '9172703103', ticks: [true, true, true, true] });
  await expect(paper.saved()).toContainText('Эльвира Хасанова');
  await expect(paper.progress()).toHaveText('3 / 10');
  await expect(page.getByTestId('entry-staff')).toHaveValue('Владелец');
  // The register's own owner is «Владелец» wherever the sheet names who printed or typed it.
  await expect(paper.header()).toContainText('Владелец');
  await expect(paper.enteredRows().first()).toContainText('Владелец');
  await expect(page.getByText(/\bOwner\b/).filter({ visible: true })).toHaveCount(0);
  await shoot(page, 'marina-07-paper-ru');

  // 7. Тимур phones to say stop: the opt-out wins at once.
  const contacts = new ContactsPage(page);
  await shell.goContacts();
  await contacts.open('Тимур Валиев');
  const contact = new ContactPage(page);
  await contact.recordOptOut();
  await shoot(page, 'marina-08-optout-modal-ru');
  await expect(page.getByTestId('revoked-all')).toContainText('SMS · Реклама');
  await contact.done();
  await expect(contact.cell('sms', 'marketing')).toContainText('отозвано');
  await expect(contact.events().first()).toContainText('Владелец');
  await shoot(page, 'marina-08-optout-ru');

  // 8. Her older customers: Bitrix24's «Экспорт в Excel» (an HTML table saved as .xls), then amoCRM's export.
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(bitrixHtmlXls());
  await expect(page.getByTestId('file-format')).toContainText('веб-страницы');
  await expect(imp.sampleTable()).toContainText('Рустем');
  await imp.toMapping();
  await imp.preview();
  await expect(imp.figure('rows')).toHaveAttribute('data-value', '3');
  await shoot(page, 'marina-09-bitrix-preview-ru');
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await page.getByTestId('import-another').click();

  await imp.upload(amoCrmCsv());
  await expect(imp.presetBadge()).toContainText('amoCRM');
  await imp.toMapping();
  await expect(imp.field('Полное имя контакта')).toHaveValue('ФИО');
  await expect(imp.field('Источник')).toHaveValue('Источник согласия');
  await shoot(page, 'marina-10-amocrm-mapping-ru');
  await imp.preview();
  await expect(page.getByTestId('warning-groups')).toBeVisible();
  await expect(page.getByTestId('warning-group-consent_claim')).toContainText('неподтверждённое');
  await shoot(page, 'marina-11-amocrm-preview-ru');
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await shoot(page, 'marina-12-amocrm-done-ru');

  // 9. Her webhook (the shop's own SMS gateway), proven with a test message to the shop's phone.
  const providers = new ProvidersPage(page);
  await providers.open();
  await providers.add({ name: 'Шлюз', options: { url: fake.hookUrl } });
  await expect(providers.row('Шлюз')).toContainText('Вебхук (ваша система)');

  // 10. Compose and plan: those who signed the paper, the proven import rows; the opted-out and claims left out.
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type('Цветочная лавка: {{first_name|покупатель}}, тюльпаны к 8 Марта со скидкой 15%. Отписаться: ответьте СТОП');
  const campaign = new CampaignPage(page);
  await page.getByTestId('campaign-plan-card').getByTestId('campaign-name').fill('Тюльпаны к 8 Марта');
  await shoot(page, 'marina-13-compose-ru');
  await campaign.plan();
  await expect(page.getByTestId('lint-verdict')).toHaveAttribute('data-ok', 'true');
  await expect(campaign.exclusion('revoked').getByTestId('reason-count')).toHaveText('1');
  await shoot(page, 'marina-14-plan-ru');
  await shell.switchLanguage('EN');
  await expect(campaign.exclusion('needs_personal_data')).toContainText('personal');
  await shoot(page, 'marina-14-plan-en');
  await shell.switchLanguage('RU');
  // Nine in the audience: the two who signed for SMS (Тимур opted out), Bitrix24's and amoCRM's proven consents
  // without the separate personal-data one (152-FZ), amoCRM's claim and no-consent rows, and the office landline.
  await expect(campaign.figure('audience')).toHaveText('9');
  await expect(campaign.figure('eligible')).toHaveText('2');
  await expect(campaign.exclusion('needs_personal_data').getByTestId('reason-count')).toHaveText('3');
  await expect(campaign.exclusion('no_consent').getByTestId('reason-count')).toHaveText('2');
  await expect(campaign.exclusion('invalid_number').getByTestId('reason-count')).toHaveText('1');
  const eligible = 2;

  // 11. Send through the webhook; the outbox to the end.
  await campaign.openConfirmation();
  await campaign.confirm();
  await expect(campaign.outbox()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(campaign.count('sent')).toHaveText(String(eligible));
  await shoot(page, 'marina-15-outbox-ru');
  const sent = fake.messages.filter((m) => m.batch > 0);
  expect(sent).toHaveLength(eligible);
  expect(sent.map((m) => m.to)).not.toContain('+79172703102');
  expect(sent.find((m) => m.to === '+79172703101')?.text).toBe(
    'Цветочная лавка: Зульфия, тюльпаны к 8 Марта со скидкой 15%. Отписаться: ответьте СТОП',
  );

  // 12. The report: statuses whole, the owner in Russian, where to check it in the app.
  const report = await campaign.openPdfReport();
  await expect(report.getByTestId('pdf-preview')).not.toHaveAttribute('data-pages', '0');
  await shoot(page, 'marina-16-report-ru');
  await page.keyboard.press('Escape');

  // 13. The export for her CRM: phones as plain +7…, «;», Russian headers.
  await imp.open();
  await imp.tab('export');
  await page.getByTestId('export-for-crm').check();
  await page.getByTestId('export-contacts').check();
  await shoot(page, 'marina-17-export-ru');
  const crm = await imp.download('export-run');
  const text = readFileSync(await crm.path(), 'utf8');
  expect(text.replace(/^\uFEFF/, '').startsWith('Телефон;Полное имя;')).toBe(true);
  expect(text).toContain('+79172703101;Зульфия Нуриева');
  expect(text).toContain('Гульнара Хабибуллина');
  expect(text).not.toMatch(/'\+\d/);
});
