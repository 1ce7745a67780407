import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ImportPage, type UploadFile } from './pages/import.page';
import { seedShop } from './seed';

const FIXTURES = join('test', 'fixtures', 'import');
const fixture = (name: string): UploadFile => ({ name, buffer: readFileSync(join(FIXTURES, name)) });

/** A workbook as a shop keeps one: a title row above the header, a second sheet. */
async function workbook(): Promise<UploadFile> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Клиенты');
  ws.addRow(['Клиенты магазина «Ромашка»']);
  ws.addRow(['ФИО', 'Телефон', 'Согласие на смс', 'Дата согласия', 'Источник согласия']);
  ws.addRow(['Семён Фёдоров', 79120004401, 'да', new Date(Date.UTC(2024, 2, 12)), 'анкета']);
  ws.addRow(['Анна Смирнова', '+7 912 000-44-02', 'да', null, null]);
  wb.addWorksheet('Архив').addRow(['пусто']);
  return { name: 'клиенты.xlsx', buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}

for (const lang of ['en', 'ru'] as const) {
  test(`an amoCRM export through the wizard: warnings on screen, grouped, in ${lang}`, async ({ page, backend, appUrl }) => {
    await seedShop(backend, 5);
    await new ShellPage(page).open(appUrl, lang);
    const imp = new ImportPage(page);
    await imp.open();
    await imp.upload(fixture('amocrm-shop-ru.csv'));
    await expect(imp.presetBadge()).toContainText('amoCRM');
    await imp.toMapping();
    await expect(imp.field('Источник')).toHaveValue(lang === 'ru' ? 'Источник согласия' : 'Consent source');
    await expect(page.getByTestId('file-consent')).toBeVisible();
    await imp.preview();
    const groups = page.getByTestId('warning-groups');
    await expect(groups).toBeVisible();
    await expect(page.getByTestId('warning-group-consent_claim')).toContainText(lang === 'ru' ? 'неподтверждённое' : 'unproven claim');
    await page.getByTestId('warning-group-consent_claim').getByRole('button').click();
    await expect(page.getByTestId('warning-group-consent_claim').getByTestId('warning-example')).toContainText(lang === 'ru' ? 'Строка 4' : 'Row 4');
    await expect(page.getByTestId('warning-group-consent_claim').getByTestId('warning-example')).toContainText(
      lang === 'ru' ? 'нет источника' : 'no source',
    );
    await page.getByTestId('warning-group-extension_dropped').getByRole('button').click();
    await shoot(page, `import-warnings-${lang}`);

    // The downloadable report opens as columns in a Russian Excel: «;» and a BOM.
    const report = await imp.download('download-report');
    const text = readFileSync(await report.path(), 'utf8');
    expect(text.startsWith(lang === 'ru' ? '\uFEFFrow;problem;reason;' : '\uFEFFrow,problem,reason,')).toBe(true);
  });
}

for (const lang of ['en', 'ru'] as const) {
  test(`a Canadian file's slash dates that read as two days: the wizard says which day it took, in ${lang}`, async ({ page, backend, appUrl }) => {
    await seed(backend, 'settings.update', {
      businessName: 'Maple Corner',
      senderName: 'MAPLE',
      shopPhone: '+1 647 555 0100',
      defaultCountry: 'CA',
      timezone: 'America/Toronto',
      policyPack: 'ca',
    });
    await new ShellPage(page).open(appUrl, lang);
    const imp = new ImportPage(page);
    await imp.open();
    const csv = [
      'Name,Phone,SMS consent,Consent date,Consent source',
      'Ann Tremblay,+1 647 234 5678,yes,12/05/2026,store signup',
      'Luc Gagnon,+1 647 234 5679,yes,25/11/2025,store signup',
      'Mia Roy,+1 647 234 5680,STOP,03/04/2026,',
    ].join('\n');
    await imp.upload({ name: 'maple-crm.csv', buffer: Buffer.from(csv) });
    await imp.toMapping();
    await imp.preview();
    const group = page.getByTestId('warning-group-date_ambiguous');
    await expect(group).toContainText(lang === 'ru' ? 'два разных дня' : 'two different days');
    await group.getByRole('button').click();
    const examples = group.getByTestId('warning-example');
    await expect(examples).toHaveCount(2);
    await expect(examples.first()).toContainText(
      lang === 'ru' ? '12.05.2026 или 05.12.2026, прочитано как 12.05.2026' : '12 May 2026 or 5 Dec 2026, read as 12 May 2026',
    );
    await expect(examples.nth(1)).toContainText(
      lang === 'ru' ? '04.03.2026 или 03.04.2026, прочитано как 03.04.2026' : '4 Mar 2026 or 3 Apr 2026, read as 3 Apr 2026',
    );
    await shoot(page, `import-ambiguous-date-${lang}`);
  });
}

test('a Google export, an Excel workbook and a Bitrix24 «Экспорт в Excel» through the wizard', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  await new ShellPage(page).open(appUrl, 'ru');
  const imp = new ImportPage(page);
  await imp.open();

  // Google: a club named by its organisation; Google's system labels are not tags.
  await imp.upload(fixture('google-shop.csv'));
  await expect(imp.presetBadge()).toContainText('Google');
  await imp.toMapping();
  await expect(imp.field('Organization Name')).toHaveValue('Компания или клуб');
  await imp.preview();
  await expect(imp.figure('rows')).toHaveAttribute('data-value', '5');
  await page.getByTestId('back-to-mapping').click();
  await page.getByTestId('back-to-detect').click();
  await page.getByTestId('another-file').click();

  // An Excel workbook: the sheet is chosen, the header is below a title.
  await imp.upload(await workbook());
  await expect(page.getByTestId('file-format')).toContainText('Книга Excel');
  await expect(page.getByTestId('sheet')).toHaveValue('Клиенты');
  await expect(imp.encoding()).toHaveCount(0);
  await expect(imp.sampleTable()).toContainText('Семён Фёдоров');
  await imp.toMapping();
  // One source and date for the file: the row without its own becomes a consent, not a claim.
  await page.getByTestId('file-consent-source').fill('анкеты в магазине, 2024');
  // The date in the UI's language (not the browser's mm/dd/yyyy): typed as ISO or as ДД.ММ.ГГГГ, shown as ДД.ММ.ГГГГ.
  const fileDate = page.getByTestId('file-consent-date');
  await expect(fileDate).toHaveAttribute('placeholder', 'ДД.ММ.ГГГГ');
  await fileDate.fill('2024-06-01');
  await fileDate.blur();
  await expect(fileDate).toHaveValue('01.06.2024');
  await fileDate.fill('1.6.2024');
  await fileDate.blur();
  await expect(fileDate).toHaveValue('01.06.2024');
  await fileDate.click();
  // Its calendar speaks Russian and starts the week on Monday.
  await expect(page.getByText('июнь 2024', { exact: true })).toBeVisible();
  await shoot(page, 'import-file-consent-ru');
  await fileDate.press('Escape');
  await fileDate.blur();
  await imp.preview();
  await expect(imp.figure('consentsGranted')).toHaveAttribute('data-value', '2');
  await expect(imp.figure('claims')).toHaveAttribute('data-value', '0');
  await page.getByTestId('back-to-mapping').click();
  await page.getByTestId('back-to-detect').click();
  await page.getByTestId('another-file').click();

  // Bitrix24's HTML table saved as .xls, in Windows-1251.
  await imp.upload(fixture('bitrix24-export.xls'));
  await expect(page.getByTestId('file-format')).toContainText('веб-страницы');
  await expect(imp.delimiter()).toHaveCount(0);
  await expect(imp.sampleTable()).toContainText('анкета «Ромашка» №12');
  await imp.toMapping();
  await imp.preview();
  await expect(imp.figure('rows')).toHaveAttribute('data-value', '4');
  await expect(imp.rejectedRows()).toHaveCount(1);
  await imp.commit();
  await expect(imp.report()).toBeVisible();

  // A real binary .xls is refused saying what it is and how to save it.
  await page.getByTestId('import-another').click();
  await imp.upload({
    name: 'старый.xls',
    buffer: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]),
  });
  await expect(page.getByTestId('error')).toContainText('xlsx');
});
