import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createBackend, type Backend } from '../../electron/core/backend';
import { localTime } from '../../shared/domain/time/zones';
import { pdfText, renderPage } from '../support/pdf';
import { test as base, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';

const DAY = 24 * 60 * 60 * 1000;
const ZONE = 'Europe/Moscow';
const PHONE = '+79123456789';

/** How far behind the wall clock the register's clock runs: the seed enters the paper row «on the day» it was entered. */
let behind = 0;

/** The usual fixtures, with a register whose clock the seed can set back (the sheet is printed before it is signed). */
const test = base.extend<{ backend: Backend }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring.
  backend: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-e2e-'));
    behind = 0;
    const backend = createBackend({ dbPath: join(dir, 'register.db'), checkOutputs: true, clock: { now: () => Date.now() - behind } });
    await use(backend);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

/**
 * A customer with a history to prove: a paper slip signed 20 days ago (the name written as «Дмитрий Смирнов»), STOP
 * by SMS 10 days ago, a new opt-in by SMS keyword 5 days ago.
 */
async function seedHistory(backend: Backend): Promise<void> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    businessAddress: 'Казань, ул. Баумана, 1',
    timezone: ZONE,
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru' });
  const form = await seed<{ id: number; code: string }>(backend, 'forms.create', template);
  behind = 22 * DAY; // printed 22 days ago
  const printed = await seed<{ serials: string[] }>(backend, 'forms.print', { formVersionId: form.id, copies: 1 });
  behind = 19 * DAY; // signed 20 days ago, entered the day after
  const signedOn = localTime(Date.now() - 20 * DAY, ZONE).date;
  await seed(backend, 'sheets.enterRow', { serial: printed.serials[0], row: 1, name: 'Дмитрий Смирнов', phone: PHONE, channels: ['sms'], signedOn });
  behind = 0;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  await seed(backend, 'inbound.receive', { from: PHONE, text: 'СТОП', channel: 'sms', providerId: 'SM-stop-1', at: ago(10) });
  await seed(backend, 'inbound.receive', { from: PHONE, text: `ПОДПИСАТЬСЯ ${form.code}`, channel: 'sms', providerId: 'SM-start-2', at: ago(5) });
}

for (const lang of ['en', 'ru'] as const) {
  test(`contact page: the consent certificate as of a past moment, as a PDF and as a JSON-LD record (${lang})`, async ({ page, backend, appUrl }) => {
    await seedHistory(backend);
    await new ShellPage(page).open(appUrl, lang);
    await new ContactsPage(page).find('Дмитрий Смирнов');
    const panel = page.getByTestId('certificate-panel');
    await expect(panel).toContainText(lang === 'en' ? 'Proof for this customer' : 'Доказательство согласия');

    // 15 days ago at noon, shop time: the paper consent was in force; the STOP and the new opt-in came later.
    const day = localTime(Date.now() - 15 * DAY, ZONE).date;
    await panel.getByTestId('certificate-at').fill(`${day}T12:00`);
    await panel.getByTestId('certificate-at').blur();
    // Shown in the UI's order (Russian ДД.ММ.ГГГГ, English as the browser's English), whatever the browser's locale.
    const [y, mo, d] = day.split('-');
    await expect(panel.getByTestId('certificate-at')).toHaveValue(lang === 'ru' ? `${d}.${mo}.${y} 12:00` : /^\d{2}\/\d{2}\/\d{4} 12:00$/);
    await panel.scrollIntoViewIfNeeded();
    await shoot(page, `certificate-contact-${lang}`);
    await panel.screenshot({ path: `test-results/screenshots/certificate-panel-${lang}.png` });

    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('certificate-pdf').click()]);
    expect(pdfDownload.suggestedFilename()).toMatch(/^consent \+79123456789 \d{4}-\d{2}-\d{2}\.pdf$/);
    mkdirSync('test-results/certificate', { recursive: true });
    const pdf = join('test-results/certificate', `certificate-${lang}.pdf`);
    await pdfDownload.saveAs(pdf);
    await expect(panel.getByTestId('certificate-made')).toContainText(
      lang === 'en' ? "this person's history verifies" : 'история этого человека проверена',
    );

    const text = (await pdfText(pdf, { layout: true })).join('\n');
    if (lang === 'en') {
      expect(text).toContain('Consent certificate');
      expect(text).toContain(`as of ${day} 12:00 (+03:00)`);
      expect(text).toMatch(/SMS · marketing\s+given — a message may go/);
      expect(text).toContain('name as written «Дмитрий Смирнов»');
      expect(text).toContain('What changed after that moment');
      expect(text).toContain('SM-stop-1');
    } else {
      expect(text).toContain('Справка о согласии');
      expect(text).toContain(`на ${day} 12:00 (+03:00)`);
      expect(text).toMatch(/SMS · реклама\s+дано — сообщение можно/);
      expect(text).toContain('имя, как написано «Дмитрий Смирнов»');
      expect(text).toContain('Что изменилось после этого момента');
      expect(text).toContain('SM-start-2');
    }
    // The certificate itself, as a picture to look at.
    for (const n of [1, 2]) {
      const px = await renderPage(pdf, n, 100);
      const png = new PNG({ width: px.width, height: px.height });
      png.data = Buffer.from(px.data);
      writeFileSync(`test-results/screenshots/certificate-pdf-${lang}-${n}.png`, PNG.sync.write(png));
    }

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('certificate-jsonld').click()]);
    expect(jsonDownload.suggestedFilename()).toMatch(/\.jsonld$/);
    const path = join('test-results/certificate', `record-${lang}.jsonld`);
    await jsonDownload.saveAs(path);
    const rec = JSON.parse(readFileSync(path, 'utf8')) as {
      '@type': string;
      'optin:asOf': string;
      'dpv:hasPersonalDataHandling': { 'optin:channel': string; 'optin:purpose': string; 'dpv:hasConsentStatus': { '@id': string } }[];
    };
    expect(rec['@type']).toBe('dpv:ConsentRecord');
    expect(rec['optin:asOf']).toBe(new Date(`${day}T12:00:00+03:00`).toISOString());
    const sms = rec['dpv:hasPersonalDataHandling'].find((p) => p['optin:channel'] === 'sms' && p['optin:purpose'] === 'marketing');
    expect(sms?.['dpv:hasConsentStatus']).toEqual({ '@id': 'dpv:ConsentGiven' });

    // A moment still to come cannot be certified: said at the field, the buttons wait.
    const ahead = localTime(Date.now() + 3 * DAY, ZONE).date;
    await panel.getByTestId('certificate-at').fill(`${ahead}T12:00`);
    await expect(panel).toContainText(lang === 'en' ? 'A moment still to come' : 'Этот момент ещё не наступил');
    await expect(panel.getByTestId('certificate-pdf')).toBeDisabled();
  });
}
