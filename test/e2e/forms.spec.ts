import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { FormsPage } from './pages/forms.page';

async function russianShop(backend: Parameters<typeof seed>[0]) {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    businessAddress: 'г. Пермь, ул. Ленина, д. 5',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
  });
}

test('forms: write wording from the template, save a version, edit it into a new one', async ({ page, backend, appUrl }) => {
  await russianShop(backend);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const forms = new FormsPage(page);
  await forms.open();
  await expect(page.getByTestId('forms-empty')).toBeVisible();

  await forms.newFromTemplate();
  await page.getByTestId('form-language').getByText('Russian', { exact: true }).click();
  await page.getByTestId('use-template').click();
  await page.getByTestId('use-template').click(); // confirm replacing the English text
  await expect(page.getByTestId('form-body-input')).toHaveValue(/Согласие на обработку персональных данных/);
  // Every check holds for the pack's own template, including the separate 152-FZ consent.
  await expect(forms.checks()).toHaveCount(5);
  await expect(page.locator('[data-testid=wording-checks] li[data-ok=false]')).toHaveCount(0);
  await shoot(page, 'form-editor-en');
  await forms.save();
  await expect(page.getByTestId('form-code')).toHaveText('F1-1');
  await expect(page.getByTestId('form-body')).toContainText('«Лавка у дома»');

  // An edit never changes a saved version: it makes F1-2 and F1-1 stays readable.
  await page.getByTestId('edit-form').click();
  await expect(page.getByTestId('new-version-note')).toContainText('F1-1 stays as it is');
  await page.getByTestId('form-body-input').fill('Я согласен получать акции «Лавка у дома» по SMS, не чаще 4 сообщений в неделю. Отписка: СТОП.');
  await expect(page.locator('[data-testid=wording-checks] li[data-ok=false]')).toHaveCount(1);
  await forms.save();
  await expect(page.getByTestId('form-code')).toHaveText('F1-2');
  await page.getByTestId('form-versions').getByText('F1-1').click();
  await expect(page.getByTestId('form-body')).toContainText('Согласие на обработку персональных данных');
  const versions = await seed<{ code: string }[]>(backend, 'forms.list', {});
  expect(versions.map((v) => v.code).sort()).toEqual(['F1-1', 'F1-2']);
});

test('forms: print group sheets with recorded serials, preview them, make a QR poster (EN and RU)', async ({ page, backend, appUrl }) => {
  await russianShop(backend);
  const template = await seed<Record<string, unknown>>(backend, 'forms.template', { language: 'ru' });
  await seed(backend, 'forms.create', template);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const forms = new FormsPage(page);
  await forms.open();
  await shoot(page, 'forms-en');

  await forms.printSheets({ layout: 'group', rows: 12, copies: 2, paper: 'A4' });
  // Under the ru pack each sheet is followed by its personal-data document, on the next serial.
  await expect(page.getByTestId('print-serials')).toContainText('S-000001 to S-000003');
  await expect(page.getByTestId('print-personal-data')).toContainText('S-000002, S-000004');
  await expect(page.getByTestId('print-group-warning')).toContainText('every customer sees the names and phone numbers');
  await expect(forms.previewPages()).toHaveCount(4);
  await shoot(page, 'print-preview-en');
  const sheets = await seed<{ total: number; sheets: { serial: string; rows: number }[] }>(backend, 'sheets.list', {});
  expect(sheets.total).toBe(2);
  expect(sheets.sheets.every((s) => s.rows === 12)).toBe(true);

  // Too many rows for the wording: the refusal names how many fit, nothing is recorded.
  await page.keyboard.press('Escape');
  await forms.printSheets({ layout: 'group', rows: 40, copies: 1, paper: 'US Letter' });
  // The group sheet carries the consent wording alone (its personal-data part is a document of its own), so more fit.
  await expect(page.getByTestId('error')).toContainText('at most 18 rows fit under this wording');
  await page.keyboard.press('Escape');
  expect((await seed<{ total: number }>(backend, 'sheets.list', {})).total).toBe(2);

  await page.getByTestId('open-qr').click();
  await expect(page.getByTestId('qr-image')).toBeVisible();
  await expect(page.getByTestId('qr-text')).toHaveText('ПОДПИСАТЬСЯ F1-1 «Лавка у дома»');
  await page.getByTestId('make-poster').click();
  // pdf.js renders the poster page; on a busy machine that takes longer than the default wait.
  await expect(forms.previewPages()).toHaveCount(1, { timeout: 20_000 });
  await shoot(page, 'qr-poster-en');
  await page.keyboard.press('Escape');

  await shell.switchLanguage('RU');
  await expect(page.getByRole('heading', { name: 'Формы согласия' })).toBeVisible();
  await shoot(page, 'forms-ru');
  await page.getByTestId('open-print').click();
  await page.getByTestId('print-modal').getByTestId('print-layout').getByText('Один клиент на листе').click();
  await page.getByTestId('make-sheets').click();
  await expect(page.getByTestId('print-serials')).toContainText('Лист S-000005 записан');
  await expect(page.getByTestId('print-personal-data')).toContainText('S-000006');
  await expect(forms.previewPages()).toHaveCount(2);
  await shoot(page, 'print-preview-ru');
  await page.keyboard.press('Escape');
  await page.getByTestId('edit-form').click();
  await shoot(page, 'form-editor-ru');
});
