import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createBackend, type Backend } from '../../electron/core/backend';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { PaperPage } from './pages/paper.page';
import { FormsPage } from './pages/forms.page';
import { ContactsPage } from './pages/contacts.page';

interface Form {
  id: number;
  code: string;
}
interface Printed {
  serials: string[];
  personalDataSerials: string[];
  formCode: string;
}
interface Sheet {
  sheet: { serial: string; enteredRows: number; scans: number };
  rows: {
    row: number;
    contactId: number;
    phone: string;
    name: string;
    writtenName: string | null;
    signedOn: string;
    enteredBy: string;
    events: number[];
  }[];
  scans: { sha256: string; fileName: string }[];
  nextRow: number | null;
}
interface ContactDetail {
  timeline: { id: number; action: string; method: string; channel: string; purpose: string; evidence: Record<string, unknown> }[];
}

const DAY = 24 * 60 * 60 * 1000;

/** A day on the Moscow calendar, `offset` days from today, as YYYY-MM-DD. */
function moscowDay(offset = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    Date.now() + offset * DAY,
  );
}
const ru = (iso: string) => iso.split('-').reverse().join('.');

/** The Russian corner shop with the pack's Russian consent form. */
async function seedRuShop(backend: Backend): Promise<Form> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    shopPhone: '+7 912 000-00-00',
    timezone: 'Europe/Moscow',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru' });
  return seed<Form>(backend, 'forms.create', template);
}

/** A small picture standing in for a phone photo of the signed sheet. */
function photo(): Buffer {
  const png = new PNG({ width: 48, height: 32 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = (i / 4) % 48 < 24 ? 240 : 30;
    png.data[i + 1] = 200;
    png.data[i + 2] = 180;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

test('a group sheet typed in with the keyboard alone: rows recorded with the sheet as evidence, duplicates flagged, refusals keep the row', async ({
  page,
  backend,
  appUrl,
}) => {
  const form = await seedRuShop(backend);
  const printed = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 12, copies: 2, paper: 'a4' });
  const serial = printed.serials[0]!;
  // Its separate personal-data document (152-FZ): the personal-data ticks name it.
  const pdSerial = printed.personalDataSerials[0]!;
  const today = moscowDay();
  const kb = page.keyboard;

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const paper = new PaperPage(page);
  await paper.open();
  await expect(paper.sheetItems()).toHaveCount(2);

  // A hand-held scanner types the sheet's QR text into the focused serial field, then Enter.
  await paper.scanSerial(`${printed.formCode} ${serial}`);
  await expect(paper.header()).toContainText(serial);
  await expect(paper.header()).toContainText(`${form.code} · Согласие на получение акций и новостей`);
  await expect(paper.header()).toContainText('Personal data');
  await expect(paper.progress()).toHaveText('0 / 12');
  await expect(paper.row()).toHaveValue('1');
  await expect(paper.date()).toHaveValue(today);
  await expect(page.getByTestId('key-legend')).toContainText('Alt+1…4');

  // Row 1: Tab from box to box, Space ticks: SMS, WhatsApp, ads, personal data.
  await paper.typeRow({ name: 'Анна Смирнова', phone: '8 912 345-67-01', ticks: [true, true, true, true] });
  await expect(paper.saved()).toContainText('Row 1 saved: Анна Смирнова, +7 912 345 67 01');
  await expect(paper.saved()).toContainText('new customer');
  await expect(paper.progress()).toHaveText('1 / 12');
  // Back to the name for the next row, the next row number, the date kept.
  await expect(paper.name()).toBeFocused();
  await expect(paper.name()).toHaveValue('');
  await expect(paper.row()).toHaveValue('2');
  await expect(paper.date()).toHaveValue(today);

  // Row 2: SMS, ads and personal data with the Alt shortcuts, straight from the phone field.
  await paper.typeRow({ name: 'Иван Петров', phone: '+7 (912) 345-67-02', shortcuts: ['Alt+1', 'Alt+3', 'Alt+4'] });
  await expect(paper.saved()).toContainText('Row 2 saved: Иван Петров');

  // A photo of the sheet: the rows typed after it name it in their evidence; the cursor goes back to the name.
  const image = photo();
  const sha = createHash('sha256').update(image).digest('hex');
  await paper.attachScan({ name: 'S-000001.png', mimeType: 'image/png', buffer: image });
  await expect(page.getByTestId('scan-sha')).toHaveText(`${sha.slice(0, 12)}…`);
  await expect(page.getByTestId('sheet-scans')).toHaveText('1');
  await expect(paper.name()).toBeFocused();

  // Row 3: the number is shown normalised as it is typed; WhatsApp and ads only.
  await paper.typeRow({ name: 'Мария Кузнецова', phone: '9123456703', ticks: [false, true, true, false] }, { submit: false });
  await expect(page.getByTestId('phone-normalized')).toHaveText('+7 912 345 67 03');
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Row 3 saved');

  // Row 4: the number of row 1 again — flagged with who it is and where it was entered, but not blocked.
  await paper.typeRow({ name: 'Анна С.', phone: '+79123456701', ticks: [true, false, true, true] }, { submit: false });
  await expect(paper.duplicate()).toContainText('Already a customer: Анна Смирнова');
  await expect(paper.duplicate()).toContainText(`already on ${serial} row 1`);
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Row 4 saved');
  await expect(paper.saved()).toContainText('existing customer');

  // A row number beyond the sheet: refused next to the row, nothing typed is lost, the cursor on the row number.
  await kb.press('Shift+Tab');
  await expect(paper.row()).toBeFocused();
  await kb.press('ControlOrMeta+A');
  await kb.type('13');
  await kb.press('Tab');
  await paper.typeRow({ name: 'Пётр Соколов', phone: '8 912 345-67-05', ticks: [true, false, true, true] });
  await expect(paper.error()).toContainText(`sheet ${serial} has 12 rows`);
  await expect(paper.row()).toBeFocused();
  await expect(paper.name()).toHaveValue('Пётр Соколов');
  await expect(paper.phone()).toHaveValue('8 912 345-67-05');
  await expect(page.getByTestId('entry-channel-sms')).toBeChecked();
  await kb.press('ControlOrMeta+A');
  await kb.type('5');
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Row 5 saved: Пётр Соколов');
  await expect(paper.error()).toHaveCount(0);

  // A date before the sheet was printed: refused, the cursor on the date, the row kept; fixed and saved.
  await expect(paper.row()).toHaveValue('6');
  await paper.typeRow({ name: 'Ольга Иванова', phone: '8 912 345-67-06', ticks: [true, true, true, true], date: moscowDay(-1) });
  await expect(paper.error()).toContainText(`before sheet ${serial} was printed`);
  await expect(paper.date()).toBeFocused();
  await expect(paper.name()).toHaveValue('Ольга Иванова');
  // Arrow up moves the date a day later: back to today.
  await kb.press('ArrowUp');
  await expect(paper.date()).toHaveValue(today);
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Row 6 saved: Ольга Иванова');
  await expect(paper.enteredRows()).toHaveCount(6);
  await expect(paper.progress()).toHaveText('6 / 12');

  // The register: one paper_form consent per ticked channel and consent, with the sheet, row and wording as evidence.
  const sheet = await seed<Sheet>(backend, 'sheets.get', { serial });
  expect(sheet.rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(sheet.rows.map((r) => r.events.length)).toEqual([4, 2, 1, 2, 2, 4]);
  expect(sheet.rows.every((r) => r.signedOn === today && r.enteredBy === 'Owner')).toBe(true);
  expect(sheet.rows[3]!.contactId).toBe(sheet.rows[0]!.contactId);
  expect(sheet.scans.map((s) => s.sha256)).toEqual([sha]);
  for (const r of sheet.rows) {
    const { timeline } = await seed<ContactDetail>(backend, 'contacts.get', { contactId: r.contactId });
    const events = timeline.filter((e) => r.events.includes(e.id));
    expect(events).toHaveLength(r.events.length);
    for (const e of events) {
      expect(e.method).toBe('paper_form');
      expect(e.action).toBe('grant');
      expect(e.evidence).toMatchObject({ sheetRef: e.purpose === 'personal_data' ? pdSerial : serial, row: r.row, formVersionId: form.id });
      // Rows typed after the photo was attached point to it.
      expect(e.evidence.scanSha256).toBe(r.row >= 3 ? sha : undefined);
    }
  }
  const row3 = await seed<ContactDetail>(backend, 'contacts.get', { contactId: sheet.rows[2]!.contactId });
  expect(row3.timeline.map((e) => `${e.channel}/${e.purpose}`)).toEqual(['whatsapp/marketing']);

  // The next row half typed: live normalisation and the duplicate flag, in both languages.
  await paper.typeRow({ name: 'Иван П.', phone: '8 (912) 345-67-02', ticks: [true, false, true, true] }, { submit: false });
  await expect(paper.duplicate()).toContainText(`already on ${serial} row 2`);
  await shoot(page, 'paper-entry-en');

  await shell.switchLanguage('RU');
  await expect(paper.date()).toHaveValue(ru(today));
  await expect(paper.duplicate()).toContainText(`Уже есть в базе: Иван Петров`);
  await expect(paper.duplicate()).toContainText(`уже есть в листе ${serial}, строка 2`);
  await expect(page.getByTestId('key-legend')).toContainText('сохранить строку');
  await shoot(page, 'paper-entry-ru');

  // In Russian the date is typed DD.MM.YYYY.
  await paper.date().focus();
  await kb.press('ControlOrMeta+A');
  await kb.type(ru(today));
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Строка 7 сохранена: Иван Петров');
  const after = await seed<Sheet>(backend, 'sheets.get', { serial });
  expect(after.rows.find((r) => r.row === 7)?.signedOn).toBe(today);

  // In Russian too: a date before printing is refused, then a row typed in already, naming who is on it.
  await paper.typeRow({ name: 'Тест', phone: '8 912 345-67-44', ticks: [true, false, true, true], date: ru(moscowDay(-1)) });
  await expect(paper.error()).toContainText(`раньше, чем лист ${serial} напечатан`);
  await expect(paper.date()).toBeFocused();
  for (let i = 0; i < 7; i++) await kb.press('Shift+Tab');
  await expect(paper.row()).toBeFocused();
  await kb.press('ControlOrMeta+A');
  await kb.type('2');
  await kb.press('Enter');
  await expect(paper.error()).toContainText(`строка 2 листа ${serial} уже внесена (Иван Петров`);
  await expect(paper.row()).toHaveAttribute('aria-invalid', 'true');
  await expect(paper.name()).toHaveValue('Тест');
  // Esc clears the row (the date stays) and puts the cursor back in the name.
  await kb.press('Escape');
  await expect(paper.name()).toHaveValue('');
  await expect(paper.name()).toBeFocused();
  await expect(paper.error()).toHaveCount(0);
});

test('under double opt-in a typed-in row says a confirmation will be sent; a full sheet hands the cursor back to the serial', async ({
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
  const form = await seed<Form>(backend, 'forms.create', template);
  const printed = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'individual', copies: 1, paper: 'a4' });
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());

  await new ShellPage(page).open(appUrl, 'en');
  const paper = new PaperPage(page);
  await paper.open();
  // Just the number, as staff often type it.
  await paper.scanSerial('1');
  await expect(paper.header()).toContainText(printed.serials[0]!);
  await expect(page.getByTestId('double-opt-in-note')).toContainText('double opt-in');
  await paper.typeRow({ name: 'Lena Vogel', phone: '0151 23456789', shortcuts: ['Alt+A'] });
  await expect(paper.saved()).toContainText('Row 1 saved: Lena Vogel, +49 1512 3456789');
  await expect(page.getByTestId('confirmation-queued')).toContainText('queued until a messaging provider is connected');
  await expect(page.getByTestId('sheet-full')).toBeVisible();
  await expect(paper.serial()).toBeFocused();

  const sheet = await seed<Sheet>(backend, 'sheets.get', { serial: printed.serials[0] });
  expect(sheet.rows).toHaveLength(1);
  expect(sheet.rows[0]!.signedOn).toBe(today);
  const { timeline } = await seed<ContactDetail>(backend, 'contacts.get', { contactId: sheet.rows[0]!.contactId });
  expect(timeline.length).toBeGreaterThan(0);
  expect(timeline.every((e) => e.action === 'request' && e.method === 'paper_form' && e.evidence.sheetRef === printed.serials[0])).toBe(true);
  // One confirmation message per channel, waiting for the provider outbox.
  const { confirmations } = await seed<{ confirmations: { state: string; channel: string }[] }>(backend, 'confirmations.list', {});
  expect(confirmations.map((c) => c.state).sort()).toEqual([...new Set(timeline.map((e) => e.channel))].map(() => 'queued'));
});

/** A register whose clock can be moved, so a sheet can have been printed weeks ago. */
const withClock = test.extend<{ clock: { shift: number } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring.
  clock: async ({}, use) => use({ shift: 0 }),
  backend: async ({ clock }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-e2e-'));
    const backend = createBackend({ dbPath: join(dir, 'register.db'), checkOutputs: true, clock: { now: () => Date.now() + clock.shift } });
    await use(backend);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

withClock(
  'the sheet picker: empty state, unknown serials refused, sheets not returned after two weeks flagged',
  async ({ page, backend, appUrl, clock }) => {
    const form = await seedRuShop(backend);
    await new ShellPage(page).open(appUrl, 'en');
    const paper = new PaperPage(page);
    await paper.open();
    await expect(page.getByTestId('sheets-empty')).toContainText('Print consent sheets from Consent forms');
    await expect(page.getByTestId('go-forms')).toBeVisible();

    // A serial nobody printed: refused where it was typed, the text kept for correcting.
    await paper.scanSerial('S-000099');
    await expect(paper.error()).toContainText('Not found');
    await expect(paper.serial()).toHaveValue('S-000099');
    await expect(paper.serial()).toBeFocused();

    clock.shift = -20 * DAY;
    const old = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 10, copies: 1, paper: 'a4' });
    clock.shift = 0;
    const fresh = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 12, copies: 1, paper: 'a4' });

    await page.getByTestId('nav-contacts').click();
    await paper.open();
    await expect(paper.sheetItems()).toHaveCount(2);
    const lost = paper.sheetItems().filter({ hasText: old.serials[0]! });
    await expect(lost.getByTestId('not-returned')).toHaveText('not returned');
    await expect(lost).toContainText('0 / 10');
    await expect(paper.sheetItems().filter({ hasText: fresh.serials[0]! }).getByTestId('not-returned')).toHaveCount(0);

    // A click on a listed sheet opens it, ready to type.
    await paper.sheetItems().filter({ hasText: fresh.serials[0]! }).click();
    await expect(paper.header()).toContainText(fresh.serials[0]!);
    await expect(paper.name()).toBeFocused();
    await expect(paper.error()).toHaveCount(0);

    // The scanner fired at another sheet while the cursor is in the name: that sheet opens, nothing is recorded.
    await page.keyboard.type(`${old.formCode} ${old.serials[0]}`);
    await page.keyboard.press('Enter');
    await expect(paper.header()).toContainText(old.serials[0]!);
    await expect(paper.name()).toHaveValue('');
    await expect(paper.name()).toBeFocused();
    expect((await seed<Sheet>(backend, 'sheets.get', { serial: fresh.serials[0] })).rows).toHaveLength(0);
  },
);

test('paper entry keeps what was written: a number known by another name asks same person or fix the number; an opt-out says who wins (EN and RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  const form = await seedRuShop(backend);
  const printed = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 12, copies: 1, paper: 'a4' });
  const serial = printed.serials[0]!;
  // Known customers: Анна Смирнова, and Борис Орлов who opted out of SMS ads yesterday.
  await seed(backend, 'sheets.enterRow', { serial, row: 1, name: 'Анна Смирнова', phone: '+79123456701', channels: ['sms'], signedOn: moscowDay() });
  await seed(backend, 'sheets.enterRow', { serial, row: 2, name: 'Борис Орлов', phone: '+79123456702', channels: ['sms'], signedOn: moscowDay() });
  await seed(backend, 'consent.record', { phone: '+79123456702', channel: 'sms', purpose: 'marketing', action: 'revoke' });
  const kb = page.keyboard;

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const paper = new PaperPage(page);
  await paper.open();
  await paper.scanSerial(serial);
  await expect(paper.row()).toHaveValue('3');

  // Row 3 says Мария Кузнецова, but the number is Анна's: warned as it is typed, refused on Enter with the choice.
  await paper.typeRow({ name: 'Мария Кузнецова', phone: '8 912 345-67-01', ticks: [true, false, true, true] }, { submit: false });
  await expect(page.getByTestId('row-warning-name')).toContainText('This number belongs to Анна Смирнова');
  await kb.press('Enter');
  const clash = page.getByTestId('name-clash');
  await expect(clash).toContainText('+7 912 345 67 01 belongs to Анна Смирнова, but this row says Мария Кузнецова');
  await shoot(page, 'paper-name-clash-en');
  // The number was misread: fix it, the choice goes, the row saves as a new customer.
  await clash.getByTestId('clash-fix-number').click();
  await expect(paper.phone()).toBeFocused();
  await kb.press('ControlOrMeta+A');
  await kb.type('8 912 345-67-03');
  await expect(clash).toHaveCount(0);
  await kb.press('Enter');
  await expect(paper.saved()).toContainText('Row 3 saved: Мария Кузнецова');
  await expect(paper.saved()).toContainText('new customer');
  await expect(paper.saved()).toContainText(`personal-data consent from ${printed.personalDataSerials[0]}`);

  // Row 4: Анна's number with her nickname: the same person; she keeps her name, the row keeps what was written.
  await paper.typeRow({ name: 'Аня Смирнова', phone: '+79123456701', ticks: [true, false, true, true] });
  await clash.getByTestId('clash-same-person').click();
  await expect(paper.saved()).toContainText('Row 4 saved: Анна Смирнова');
  await expect(paper.saved()).toContainText('written as Аня Смирнова');
  const sheet = await seed<Sheet>(backend, 'sheets.get', { serial });
  expect(sheet.rows.map((r) => r.writtenName)).toEqual(['Анна Смирнова', 'Борис Орлов', 'Мария Кузнецова', 'Аня Смирнова']);
  expect(sheet.rows[3]!.contactId).toBe(sheet.rows[0]!.contactId);

  // Row 5: Борис again, dated today, the day he opted out: the opt-out still wins, and the row says so.
  await paper.typeRow({ name: 'Борис Орлов', phone: '+79123456702', ticks: [true, false, true, true] }, { submit: false });
  await expect(page.getByTestId('row-warning-out')).toContainText('opted out of SMS');
  await expect(page.getByTestId('row-warning-out')).toContainText('the opt-out still wins: nothing will be sent');
  await shoot(page, 'paper-opted-out-en');

  await shell.switchLanguage('RU');
  await expect(page.getByTestId('row-warning-out')).toContainText('отказ остаётся в силе');
  await shoot(page, 'paper-opted-out-ru');
  // A clash in Russian: the choice in Russian.
  await page.getByTestId('entry-name').fill('Мария Кузнецова');
  await page.getByTestId('entry-save').click();
  await expect(clash).toContainText('принадлежит клиенту Борис Орлов');
  await expect(clash.getByTestId('clash-same-person')).toContainText('Тот же человек');
  await expect(clash.getByTestId('clash-fix-number')).toHaveText('Исправить номер');
  await shoot(page, 'paper-name-clash-ru');
  // A new number without the personal-data tick: under the Russian rules its marketing would not be sent.
  await clash.getByTestId('clash-fix-number').click();
  await kb.press('ControlOrMeta+A');
  await kb.type('8 912 345-67-09');
  await page.getByTestId('entry-purpose-personal_data').uncheck();
  await expect(page.getByTestId('row-warning-pd')).toContainText('нет согласия на обработку персональных данных');
  await expect(page.getByTestId('row-warning-out')).toHaveCount(0);
  await shoot(page, 'paper-personal-data-ru');
  await page.getByTestId('entry-purpose-personal_data').check();
  await expect(page.getByTestId('row-warning-pd')).toHaveCount(0);

  // Printing: slips are the default; a group sheet warns that each customer sees the rows above.
  await new FormsPage(page).open();
  await page.getByTestId('open-print').click();
  const modal = page.getByTestId('print-modal');
  await expect(modal.getByTestId('print-layout').locator('input:checked')).toHaveValue('slip');
  await expect(modal.getByTestId('print-group-warning')).toHaveCount(0);
  await modal.getByTestId('print-layout').locator('label').nth(2).click();
  await expect(modal.getByTestId('print-group-warning')).toContainText('каждый клиент видит имена и номера телефонов');
  await shoot(page, 'print-dialog-group-ru');
  await page.keyboard.press('Escape');
  await shell.switchLanguage('EN');
  await page.getByTestId('open-print').click();
  await expect(modal.getByTestId('print-layout')).toContainText('Tear-off slips (default)');
  await modal.getByTestId('make-sheets').click();
  await expect(modal.getByTestId('print-serials')).toContainText('S-000003');
  await expect(modal.getByTestId('print-personal-data')).toContainText('S-000004');
  // A slip and its personal-data slip below the cut line, on one page.
  await expect(new FormsPage(page).previewPages()).toHaveCount(1);
  await shoot(page, 'print-dialog-slip-en');
  const list = await seed<{ sheets: { serial: string; layout: string; personalDataSerial: string | null }[] }>(backend, 'sheets.list', {});
  expect(list.sheets[0]).toMatchObject({ serial: 'S-000003', layout: 'slip', personalDataSerial: 'S-000004' });
});

test('a paper row typed wrong is corrected, then voided, from the contact page with the reason kept (EN and RU)', async ({
  page,
  backend,
  appUrl,
}) => {
  const form = await seedRuShop(backend);
  const printed = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 12, copies: 1, paper: 'a4' });
  const serial = printed.serials[0]!;
  await seed(backend, 'sheets.enterRow', { serial, row: 1, name: 'Анна Смирнова', phone: '+79123456780', channels: ['sms'], signedOn: moscowDay() });

  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  await shell.goContacts();
  await new ContactsPage(page).open('Анна Смирнова');
  const card = page.getByTestId('paper-rows');
  await expect(card.getByTestId('paper-row')).toHaveCount(1);
  await expect(card).toContainText(`${serial} · row 1`);
  await expect(page.getByTestId('cell-sms-marketing').getByTestId('sendable')).toContainText('✓');

  // The last digit was misread: the number as written on the sheet, with the reason.
  await card.getByTestId('paper-row-correct').click();
  const modal = page.getByTestId('correct-row-modal');
  await modal.getByTestId('correct-row-phone').fill('8 912 345-67-89');
  await modal.getByTestId('correct-row-reason').fill('last digit misread');
  await modal.getByTestId('correct-row-save').click();
  await expect(card.getByTestId('paper-row')).toHaveAttribute('data-state', 'correct');
  await expect(card.getByTestId('paper-row-reason')).toContainText('last digit misread · by Owner');
  // This number lost the row's consents; the corrected one has them.
  await expect(page.getByTestId('cell-sms-marketing').getByTestId('sendable')).toContainText('✕');
  const moved = await seed<{ consents: { channel: string; purpose: string; sendable: boolean }[] }>(backend, 'consent.status', {
    phone: '+79123456789',
  });
  expect(moved.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.sendable).toBe(true);
  await expect(page.locator('[data-testid=timeline-event][data-action=retract]').first()).toContainText(
    /row 1 of sheet S-00000[12] was voided or corrected/,
  );

  // Not signed after all: voided, and the corrected number loses what the row gave it.
  await card.getByTestId('paper-row-void').click();
  await expect(modal.getByTestId('correct-row-action').locator('input:checked')).toHaveValue('void');
  await modal.getByTestId('correct-row-reason').fill('not signed by the customer');
  await modal.getByTestId('correct-row-save').click();
  await expect(card.getByTestId('paper-row')).toHaveAttribute('data-state', 'void');
  await expect(card.getByTestId('paper-row-void')).toHaveCount(0);
  const voided = await seed<{ consents: { channel: string; purpose: string; sendable: boolean }[] }>(backend, 'consent.status', {
    phone: '+79123456789',
  });
  expect(voided.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.sendable).toBe(false);
  await shoot(page, 'contact-paper-rows-en');

  await shell.switchLanguage('RU');
  await expect(card).toContainText('аннулирована');
  await expect(card).toContainText('Строки анкет');
  await expect(page.locator('[data-testid=timeline-event][data-action=retract]').first()).toContainText(
    /строка 1 листа S-00000[12] аннулирована или исправлена/,
  );
  await shoot(page, 'contact-paper-rows-ru');
});
