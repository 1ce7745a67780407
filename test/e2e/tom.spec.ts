import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-providers';
import { pdfText } from '../support/pdf';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { FormsPage } from './pages/forms.page';
import { ContactPage } from './pages/contact.page';
import { ContactsPage } from './pages/contacts.page';
import { ImportPage } from './pages/import.page';
import { ProvidersPage } from './pages/providers.page';
import { ComposePage } from './pages/compose.page';
import { CampaignPage } from './pages/campaign.page';
import { SettingsPage } from './pages/settings.page';
import { googleCsv, hubspotCsv, workshopXlsx } from './files/tom';

/**
 * Issue #17: Tom's day end to end. A bike shop in Leeds, the English UI and the uk pack: the first start, Google
 * Contacts, HubSpot (undone) and the workshop's Excel book, a customer's proof as of a past date, the integrity check
 * against a report, and a WhatsApp campaign. No 152-FZ label anywhere on his screens. Screenshots tom-NN-*.png.
 */
test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

let fake: FakeWebhook | undefined;
test.afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** No Russian personal-data law on a UK shop's screen. */
async function no152(page: import('@playwright/test').Page): Promise<void> {
  // (The pack chooser's closed list names every pack, Russia's laws included: only what is on screen counts.)
  await expect(page.getByText(/152-FZ|Personal data|personal-data consent \(/).filter({ visible: true })).toHaveCount(0);
}

test("Tom's day: a bike shop in Leeds, in English", async ({ page, backend, appUrl }) => {
  test.setTimeout(240_000);
  fake = await startFakeWebhook();
  await page.addInitScript(() => localStorage.removeItem('optin.language'));
  await page.goto(appUrl);
  const shell = new ShellPage(page);

  // 1. First start: the United Kingdom, its time zone and its rules are proposed.
  await expect(page.getByTestId('where-country')).toHaveValue('GB — United Kingdom');
  await expect(page.getByTestId('where-pack')).toHaveValue('United Kingdom (PECR, UK GDPR)');
  // The zone comes from his computer (the city list has no Leeds; London's zone is the one).
  await expect(page.getByTestId('where-timezone')).toHaveValue(/^Europe\/London/);
  await page.getByTestId('where-apply').click();
  await expect(page.getByTestId('start-progress')).toHaveText('1 of 6 done');
  await shoot(page, 'tom-01-start-en');

  // 2. The shop's name.
  await shell.goSettings();
  await page.getByTestId('business-name').fill('Leeds Cycle Works');
  await page.getByLabel('Shop WhatsApp / SMS number').fill('+44 113 496 0000');
  await page.getByLabel('Address', { exact: true }).fill('12 Call Lane, Leeds LS1 6DT');
  await page.getByTestId('save-identity').click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await expect(page.getByTestId('staff-table')).toContainText('Owner');
  await no152(page);
  await shoot(page, 'tom-02-settings-en');

  // 3. His wording from the UK template: marketing and service only, no personal-data (152-FZ) consent offered.
  const forms = new FormsPage(page);
  await forms.open();
  await forms.newFromTemplate();
  await expect(page.getByTestId('form-purpose-marketing')).toBeVisible();
  await expect(page.getByTestId('form-purpose-personal_data')).toHaveCount(0);
  await no152(page);
  await shoot(page, 'tom-03-wording-en');
  await forms.save();
  await expect(page.getByTestId('form-code')).toHaveText(/F1-1/);

  // 4. Google Contacts from his phone: the club by its organisation, Google's «* myContacts» is not a tag.
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(googleCsv());
  await expect(imp.presetBadge()).toContainText('Google');
  await imp.toMapping();
  await expect(imp.field('Organization Name')).toHaveValue('Company or club name');
  await no152(page);
  await shoot(page, 'tom-04-google-mapping-en');
  await imp.previewOk();
  await expect(imp.figure('rows')).toHaveAttribute('data-value', '3');
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await page.getByTestId('import-another').click();

  // 5. HubSpot from the web shop — then undone: it was last year's list.
  await imp.upload(hubspotCsv());
  await expect(imp.presetBadge()).toContainText('HubSpot');
  await imp.toMapping();
  await imp.previewOk();
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await imp.tab('history');
  await expect(imp.batches()).toHaveCount(2);
  await imp.undo(2);
  await expect(page.getByTestId('undo-result')).toBeVisible();
  await shoot(page, 'tom-05-undo-en');
  await page.getByRole('button', { name: 'Done' }).click();
  await imp.tab('import');
  await page.getByTestId('import-another').click();

  // 6. The workshop's Excel book: WhatsApp consents with their date and where they were given.
  await imp.upload(await workshopXlsx());
  await expect(page.getByTestId('file-format')).toContainText('Excel');
  await expect(imp.sampleTable()).toContainText('Sam Patel');
  await imp.toMapping();
  await imp.previewOk();
  await expect(imp.figure('consentsGranted')).toHaveAttribute('data-value', '2');
  await shoot(page, 'tom-06-xlsx-preview-en');
  await imp.commit();
  await expect(imp.report()).toBeVisible();

  // The list: the club has its name, no «myContacts» tag, HubSpot's people are gone.
  const contacts = new ContactsPage(page);
  await shell.goContacts();
  await expect(contacts.rows()).toHaveCount(5);
  await expect(page.getByTestId('contacts-scroll')).toContainText('Leeds Riders Club');
  await expect(page.getByTestId('contacts-scroll')).not.toContainText('myContacts');
  await expect(page.getByTestId('contacts-scroll')).not.toContainText('Priya');
  await no152(page);
  await shoot(page, 'tom-07-contacts-en');

  // 7. Sam said stop today; a regulator asks what Tom knew on 1 June 2025: the certificate as of then.
  await seed(backend, 'inbound.receive', { from: '+447400123701', text: 'STOP', channel: 'whatsapp' });
  await contacts.open('Sam Patel');
  const contact = new ContactPage(page);
  await expect(contact.cell('whatsapp', 'marketing')).toContainText('revoked');
  await expect(page.getByTestId('consent-cells')).not.toContainText('Personal data');
  const panel = page.getByTestId('certificate-panel');
  await panel.getByTestId('certificate-at').fill('2025-06-01T12:00');
  await panel.scrollIntoViewIfNeeded();
  await shoot(page, 'tom-08-certificate-en');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('certificate-pdf').click()]);
  mkdirSync('test-results/tom', { recursive: true });
  const pdf = join('test-results/tom', 'certificate-sam.pdf');
  await download.saveAs(pdf);
  const certificate = (await pdfText(pdf, { layout: true })).join('\n');
  expect(certificate).toContain('as of 2025-06-01 12:00 (+01:00)');
  expect(certificate).toMatch(/WhatsApp · marketing\s+given — a message may go/);
  expect(certificate).toContain('What changed after that moment');
  expect(certificate).not.toContain('152-FZ');

  // 8. A WhatsApp campaign through his webhook: Lucy gets it; Sam opted out.
  const providers = new ProvidersPage(page);
  await providers.open();
  await providers.add({ name: 'Shop relay', options: { url: fake.hookUrl } });
  const compose = new ComposePage(page);
  await compose.open();
  await compose.setChannel('WhatsApp');
  await compose.type('Leeds Cycle Works: {{first_name|there}}, 15% off spring services this week. Reply STOP to opt out');
  const campaign = new CampaignPage(page);
  await campaign.describe({ name: 'Spring service' });
  await campaign.plan();
  await expect(campaign.figure('eligible')).toHaveText('1');
  await expect(campaign.exclusion('revoked').getByTestId('reason-count')).toHaveText('1');
  await no152(page);
  await shoot(page, 'tom-09-plan-en');
  // The webhook is down for maintenance at first: the campaign says why it waits, then goes when it answers.
  const down = { httpStatus: 503, retryAfter: 4, body: { error: 'maintenance, back in a few seconds' } };
  fake.script([down, down]);
  await campaign.openConfirmation();
  await campaign.confirm();
  const retrying = page.getByTestId('retrying-banner');
  await expect(retrying).toBeVisible({ timeout: 15_000 });
  await expect(retrying).toContainText('waiting for another try');
  await expect(retrying.getByTestId('retrying-answer')).toContainText('503');
  await expect(retrying.getByTestId('retrying-next')).toContainText('Next try');
  await shoot(page, 'tom-10a-retrying-en');
  await shell.switchLanguage('RU');
  await expect(retrying).toContainText('ждёт новой попытки');
  await shoot(page, 'tom-10b-retrying-ru');
  await shell.switchLanguage('EN');
  await expect(campaign.outbox()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(retrying).toHaveCount(0);
  await expect(campaign.count('sent')).toHaveText('1');
  await shoot(page, 'tom-10-outbox-en');
  const sent = fake.messages.filter((m) => m.batch > 0);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    to: '+447400123702',
    channel: 'whatsapp',
    text: 'Leeds Cycle Works: Lucy, 15% off spring services this week. Reply STOP to opt out',
  });
  const report = await campaign.openPdfReport();
  await expect(report.getByTestId('pdf-preview')).not.toHaveAttribute('data-pages', '0');
  await shoot(page, 'tom-11-report-en');
  await page.keyboard.press('Escape');

  // 9. The integrity check, and the report's two head lines checked in the app (no command line).
  const batch = Number(await page.getByTestId('campaign-screen').getAttribute('data-batch'));
  const made = await seed<{ head: string }>(backend, 'campaign.report', { batch, format: 'pdf', locale: 'en' });
  const printed = made.head
    .split(',')
    .map((part) => part.slice(0, part.lastIndexOf(':') + 17))
    .join('\n');
  const settings = new SettingsPage(page);
  await shell.goSettings();
  await settings.verify();
  await expect(page.getByTestId('verify-result')).toContainText('The register is intact');
  await page.getByTestId('report-head').fill(printed);
  await page.getByTestId('check-report').click();
  await expect(page.getByTestId('report-check-result')).toContainText("The register still holds this report's history");
  await page.getByTestId('integrity-card').scrollIntoViewIfNeeded();
  await shoot(page, 'tom-12-integrity-en');
  await shell.switchLanguage('RU');
  await expect(page.getByTestId('report-check-result')).toContainText('Реестр по-прежнему содержит историю этого отчёта');
  await page.getByTestId('integrity-card').scrollIntoViewIfNeeded();
  await shoot(page, 'tom-12-integrity-ru');
  await shell.switchLanguage('EN');
  // A head the register never had is named as such.
  await page.getByTestId('report-head').fill(printed.replace(/events:(\d+):[0-9a-f]{16}/, 'events:$1:0123456789abcdef'));
  await page.getByTestId('check-report').click();
  await expect(page.getByTestId('report-check-result')).toContainText('The register no longer matches this report');
  // That is the report's finding: the register's own witness is fine, so there is nothing to accept here.
  await expect(page.getByTestId('verify-result')).toBeVisible();
  await expect(page.getByTestId('accept-head')).toHaveCount(0);
});
