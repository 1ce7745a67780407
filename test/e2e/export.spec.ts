import { readFileSync } from 'node:fs';
import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ImportPage } from './pages/import.page';
import { seedShop } from './seed';

for (const lang of ['en', 'ru'] as const) {
  test(`export for a CRM or for Excel, in words a shop owner knows (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend, 20);
    await new ShellPage(page).open(appUrl, lang);
    const imp = new ImportPage(page);
    await imp.open();
    await imp.tab('export');
    await expect(page.getByTestId('export-for-excel')).toBeChecked();
    await page.getByTestId('export-for-crm').check();
    // The separator follows the language for a CRM: the Excel formats are not asked.
    await expect(page.getByTestId('format-utf8')).toHaveCount(0);
    await shoot(page, `export-${lang}`);
    await page.getByTestId('export-contacts').check();
    const crm = await imp.download('export-run');
    const text = readFileSync(await crm.path(), 'utf8');
    const [header, ...rows] = text.split('\r\n');
    expect(header!.startsWith(lang === 'ru' ? 'Телефон;Полное имя;E-mail;' : 'Phone,Name,Email,')).toBe(true);
    expect(rows[0]).toMatch(/^\+\d+[;,]/);
    expect(text).not.toMatch(/'\+\d/);

    // For Excel: as before, a BOM and every + number behind a quote.
    await page.getByTestId('export-for-excel').check();
    const excel = await imp.exportFile('contacts', 'utf8');
    const xtext = readFileSync(await excel.path(), 'utf8');
    expect(xtext.startsWith('\uFEFFphone,name,')).toBe(true);
    expect(xtext).toMatch(/\r\n'\+\d/);
  });
}
