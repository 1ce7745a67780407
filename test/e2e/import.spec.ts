import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ImportPage } from './pages/import.page';
import { seedShop } from './seed';
import { customersCsv, longCsv, spreadsheetFile } from './files/customers';

/** The text of a downloaded file, decoded. */
async function downloaded(download: { path(): Promise<string> }, encoding = 'utf8'): Promise<string> {
  return iconv.decode(readFileSync(await download.path()), encoding);
}

test('import a Windows-1251 file: detect, adjust a column, preview, import, report, undo, export', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 20);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(customersCsv());

  // What was detected.
  await expect(imp.encoding()).toHaveValue('Windows-1251 (Cyrillic)');
  await expect(imp.delimiter()).toHaveValue('Semicolon (;)');
  await expect(imp.presetBadge()).toContainText('Format not recognised');
  await expect(imp.sampleTable()).toContainText('Мария Кузнецова');
  await expect(page.getByTestId('file-name')).toHaveText('клиенты-касса.csv');

  // Read as UTF-8 the Cyrillic breaks; back to Windows-1251 it is right again.
  await imp.pick('encoding', 'UTF-8');
  await expect(imp.sampleTable()).not.toContainText('Мария Кузнецова');
  await imp.pick('encoding', 'Windows-1251 (Cyrillic)');
  await expect(imp.sampleTable()).toContainText('Мария Кузнецова');

  // The suggested mapping, one change (the city becomes a tag), and the checks.
  await imp.toMapping();
  await expect(imp.field('Телефон')).toHaveValue('Phone');
  await expect(imp.field('ФИО')).toHaveValue('Full name');
  await expect(imp.field('Согласие на рассылку')).toHaveValue('Consent');
  await expect(imp.row('Согласие на рассылку').getByTestId('channel-3-sms')).toBeChecked();
  await expect(imp.row('Согласие на рассылку').getByTestId('channel-3-whatsapp')).toBeChecked();
  await expect(imp.row('Согласие на рассылку').getByTestId('purpose-3')).toHaveValue('Marketing');
  await expect(imp.field('Дата согласия')).toHaveValue('Consent date');
  await expect(imp.field('Источник согласия')).toHaveValue('Consent source');
  await expect(imp.field('Не беспокоить')).toHaveValue('Do not contact');
  await expect(imp.field('Город')).toHaveValue('Ignore');
  await expect(imp.row('Город')).toContainText('Екатеринбург');
  await imp.setField('Город', 'Tags');

  await imp.setField('Телефон', 'Ignore');
  await expect(page.getByTestId('no-phone')).toBeVisible();
  await expect(page.getByTestId('to-preview')).toBeDisabled();
  await imp.setField('Телефон', 'Phone');
  await expect(page.getByTestId('no-phone')).toHaveCount(0);

  // A consent column needs channels and a purpose.
  await imp.setField('Email', 'Consent');
  await expect(page.getByTestId('consent-missing-2')).toHaveText('Choose the channels and the purpose this consent is for');
  await expect(page.getByTestId('to-preview')).toBeDisabled();
  await imp.row('Email').getByTestId('channel-2-sms').check();
  await expect(page.getByTestId('consent-missing-2')).toHaveText('Choose the purpose');
  await imp.setField('Email', 'E-mail');
  await expect(page.getByTestId('to-preview')).toBeEnabled();

  // Saved as a preset, the mapping is recognised the next time.
  await page.getByTestId('save-preset').click();
  await page.getByTestId('preset-name').fill('Касса');
  await page.getByTestId('preset-save').click();
  await expect(page.getByTestId('preset-saved')).toContainText('Касса');

  // Preview: nothing written, the figures of what an import would do.
  await imp.preview();
  await expect(imp.figure('rows')).toHaveAttribute('data-value', '7');
  const figures = {
    created: 3,
    updated: 1,
    merged: 1,
    unchanged: 0,
    rejected: 2,
    consentsGranted: 6,
    claims: 2,
    requests: 0,
    // The do-not-contact row withdraws every purpose on both channels (its personal-data consent too): 6.
    revocations: 6,
    warnings: 1,
  };
  for (const [key, value] of Object.entries(figures)) await expect(imp.figure(key)).toHaveAttribute('data-value', String(value));
  await expect(page.getByTestId('claims-note')).toContainText('never used for sending');
  await expect(imp.rejectedRows()).toHaveCount(2);
  await expect(imp.rejectedRows().nth(0)).toContainText('5');
  await expect(imp.rejectedRows().nth(0)).toContainText('"12345" in Телефон: too short for its country');
  await expect(imp.rejectedRows().nth(1)).toContainText('has 9 fields but the header has 8');
  expect((await seed<{ total: number }>(backend, 'contacts.list', {})).total).toBe(20);

  // Import.
  await expect(page.getByTestId('commit')).toHaveText('Import 5 rows');
  await imp.commit();
  await expect(imp.report()).toBeVisible();
  await expect(page.getByTestId('report-done')).toContainText('Import no. 1.');
  await expect(imp.figure('created')).toHaveAttribute('data-value', '3');
  await expect(imp.figure('rejected')).toHaveAttribute('data-value', '2');
  const report = await downloaded(await imp.download('download-report'));
  expect(report).toContain('row,problem,reason,Телефон,ФИО');
  expect(report).toContain('5,rejected,');
  expect(report).toContain('3,warning,');

  // The new contacts are in the list, with the city as a tag and the consents recorded.
  await page.getByTestId('open-contacts').click();
  const contacts = new ContactsPage(page);
  await expect(contacts.count()).toHaveText('23 contacts');
  await contacts.search('9125550101');
  await expect(contacts.rows()).toHaveCount(1);
  await expect(contacts.rows().first()).toContainText('Анна Смирнова');
  await expect(contacts.rows().first()).toContainText('Екатеринбург');
  await expect(contacts.rows().first().locator('[data-status=granted]')).toHaveCount(2);
  await contacts.search('9125550103');
  await expect(contacts.rows().first().locator('[data-status=revoked]')).toHaveCount(2);

  // Undo from Past imports: created contacts go, the opt-out and its contact stay.
  await imp.open();
  await imp.tab('history');
  await expect(imp.batches()).toHaveCount(1);
  await expect(imp.batches().first()).toContainText('клиенты-касса.csv');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('undo-keeps-optouts')).toContainText('never undone');
  await page.getByTestId('undo-confirm').click();
  await expect(page.getByTestId('undo-removed')).toHaveText('Contacts removed: 2');
  await expect(page.getByTestId('undo-restored')).toHaveText('Contacts restored to their earlier details: 1');
  await expect(page.getByTestId('undo-retracted')).toHaveText('Consents and claims retracted: 8');
  await expect(page.getByTestId('undo-kept')).toHaveText('Opt-outs kept: 6 (contacts kept for them: 1)');
  await page.getByTestId('undo-done').click();
  await expect(page.getByTestId('batch-undone')).toBeVisible();
  await expect(page.getByTestId('undo')).toHaveCount(0);
  await shell.goContacts();
  await expect(contacts.rows()).toHaveCount(1);
  await expect(contacts.rows().first()).toContainText('Мария Кузнецова');
  await contacts.search('9125550101');
  await expect(page.getByTestId('empty')).toContainText('Nobody matches');
  await contacts.search('');
  await expect(contacts.count()).toHaveText('21 contacts');

  // The same file dropped again is recognised by the saved preset.
  await imp.open();
  await imp.tab('import');
  await page.getByTestId('import-another').click();
  await imp.drop(customersCsv());
  await expect(imp.presetBadge()).toHaveText('Recognised: Касса');
  await imp.toMapping();
  await expect(imp.field('Город')).toHaveValue('Tags');

  // Export the contacts, in UTF-8 and in Windows-1251.
  await imp.tab('export');
  const utf8 = await imp.exportFile('contacts', 'utf8');
  expect(utf8.suggestedFilename()).toMatch(/^optin-contacts-.*\.csv$/);
  // With a byte-order mark, so Excel opens it as UTF-8.
  expect([...readFileSync(await utf8.path()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = await downloaded(utf8);
  expect(text.split('\r\n')[0]).toContain('phone,name');
  expect(text).toContain('+79125550103,Мария Кузнецова');
  expect(text).not.toContain('+79125550102');
  await expect(page.getByTestId('export-result')).toContainText('21 rows');
  await expect(page.getByTestId('export-lossy')).toHaveCount(0);
  const cp1251 = await downloaded(await imp.exportFile('contacts', 'cp1251'), 'windows-1251');
  expect(cp1251.split('\r\n')[0]).toContain('phone;name');
  expect(cp1251).toContain('+79125550103;Мария Кузнецова');
  const suppression = await downloaded(await imp.exportFile('suppression', 'utf8'));
  expect(suppression).toContain('+79125550103');
  await expect(page.getByTestId('export-result')).toContainText('2 rows');
});

test('errors in Russian: a spreadsheet instead of a CSV, a preset without a name', async ({ page, backend, appUrl }) => {
  await seedShop(backend, 5);
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'ru');
  const imp = new ImportPage(page);
  await imp.open();
  await expect(page.getByRole('heading', { name: 'Импорт и экспорт' })).toBeVisible();
  await imp.upload(spreadsheetFile());
  await expect(page.getByTestId('error')).toContainText('Этот файл не удаётся прочитать');
  await expect(page.getByTestId('error')).toContainText('Сохраните его как CSV');

  await imp.upload(customersCsv());
  await expect(imp.encoding()).toHaveValue('Windows-1251 (кириллица)');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await imp.toMapping();
  await expect(imp.field('Не беспокоить')).toHaveValue('Не беспокоить');
  await expect(imp.field('Дата согласия')).toHaveValue('Дата согласия');
  await page.getByTestId('save-preset').click();
  await page.getByTestId('preset-name').fill(' ');
  await page.getByTestId('preset-save').click();
  await expect(page.getByTestId('error')).toContainText('назовите набор');
  await page.keyboard.press('Escape');

  await imp.preview();
  await expect(imp.rejectedRows().nth(0)).toContainText('нет правильного номера: «12345» в столбце «Телефон»: слишком короткий для своей страны');
  await expect(imp.rejectedRows().nth(1)).toContainText('полей в строке: 9, а в заголовке: 8');
  await expect(page.getByTestId('commit')).toHaveText('Импортировать 5 строк');
});

test('a long file shows progress and can be cancelled: nothing is written', async ({ page, backend, appUrl }) => {
  test.setTimeout(120_000);
  await seedShop(backend, 5);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(longCsv(300_000));
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  await expect(imp.presetBadge()).toBeVisible({ timeout: 30_000 });
  await imp.toMapping();
  await expect(imp.field('sms consent')).toHaveValue('Consent');

  // Cancel the preview: back to the columns.
  await imp.startPreview();
  await expect(page.getByTestId('job-progress')).toBeVisible();
  await page.getByTestId('cancel-job').click();
  await expect(page.getByTestId('notice')).toHaveText('Preview cancelled. Nothing was written.');
  await expect(page.getByTestId('mapping-table')).toBeVisible();

  // Preview to the end, then cancel the import itself.
  await imp.startPreview();
  await expect(page.getByTestId('job-rows')).not.toHaveText(/^0 rows/);
  await shoot(page, 'import-progress-en');
  await expect(imp.figure('created')).toHaveAttribute('data-value', '300000', { timeout: 60_000 });
  await imp.commit();
  await expect(page.getByTestId('job-progress')).toContainText('Nothing is written if you cancel.');
  await page.getByTestId('cancel-job').click();
  await expect(page.getByTestId('notice')).toHaveText('Import cancelled. Nothing was written.', { timeout: 30_000 });
  await expect(page.getByTestId('preview')).toBeVisible();
  expect((await seed<{ total: number }>(backend, 'contacts.list', {})).total).toBe(5);
  expect((await seed<{ batches: unknown[] }>(backend, 'import.batches', {})).batches).toHaveLength(0);
});

for (const lang of ['en', 'ru'] as const) {
  test(`screenshots of import and export (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend, 20);
    await seed(backend, 'contacts.add', { phone: '+4915112345678', name: 'Zoë Müller 🌸' });
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    const imp = new ImportPage(page);
    await imp.open();
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    await shoot(page, `import-file-${lang}`);

    await imp.upload(customersCsv());
    await expect(imp.sampleTable()).toBeVisible();
    await shoot(page, `import-detect-${lang}`);

    await imp.toMapping();
    await imp.setField('Город', lang === 'ru' ? 'Метки' : 'Tags');
    await shoot(page, `import-mapping-${lang}`);

    await imp.preview();
    await expect(imp.figure('rows')).toHaveAttribute('data-value', '7');
    await shoot(page, `import-preview-${lang}`);

    await imp.commit();
    await expect(imp.report()).toBeVisible();
    await shoot(page, `import-report-${lang}`);

    await imp.tab('history');
    await expect(imp.batches()).toHaveCount(1);
    await shoot(page, `import-history-${lang}`);
    await page.getByTestId('undo').click();
    await expect(page.getByTestId('undo-confirm')).toBeVisible();
    await shoot(page, `import-undo-${lang}`);
    await page.getByTestId('undo-confirm').click();
    await expect(page.getByTestId('undo-result')).toBeVisible();
    await shoot(page, `import-undone-${lang}`);
    await page.getByTestId('undo-done').click();

    await imp.tab('export');
    await imp.exportFile('contacts', 'cp1251');
    await expect(page.getByTestId('export-lossy')).toBeVisible();
    await shoot(page, `export-${lang}`);
  });
}
