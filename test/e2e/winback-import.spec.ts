import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ImportPage } from './pages/import.page';

const phone = (i: number) => `+1202555${String(1100 + i)}`;

/** A US deli's customer list: 0-4 said "yes" to SMS, 5-6 to WhatsApp, 7 to nothing — bare claims, nothing proves them. */
function delicatessenCsv(): { name: string; buffer: Buffer } {
  const rows = Array.from({ length: 8 }, (_, i) => `Customer ${i},${phone(i)},${i < 5 ? 'yes' : ''},${i === 5 || i === 6 ? 'yes' : ''}`);
  return { name: 'deli-customers.csv', buffer: Buffer.from(['Name,Phone,SMS marketing,WhatsApp marketing', ...rows].join('\n')) };
}

test('win-back from an import report: the claims the file made can be asked to confirm — SMS on the claim itself under US rules, WhatsApp only with its opt-in (EN, RU) (issue #16)', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(120_000);
  await seed(backend, 'settings.update', {
    businessName: 'Corner Deli',
    shopPhone: '+1 202 555 0100',
    timezone: 'America/New_York',
    defaultCountry: 'US',
    policyPack: 'us',
  });
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const imp = new ImportPage(page);
  await imp.open();
  await imp.upload(delicatessenCsv());
  await imp.toMapping();
  await imp.preview();
  await expect(imp.figure('claims')).toHaveAttribute('data-value', '7');
  await imp.commit();
  await expect(imp.report()).toBeVisible();

  // The report offers the asking; the dialog counts this import's people and says why the others cannot be asked.
  const offer = page.getByTestId('report-winback');
  await expect(offer).toContainText('7 consents in this file are only claimed');
  await page.getByTestId('report-winback-open').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('winback-askable')).toHaveText('5 of 8 can be asked.');
  const blocked = dialog.getByTestId('winback-blocked');
  await expect(blocked).toContainText(
    'on WhatsApp, no consent to service messages there: WhatsApp lets a shop write first only to people who opted in to its messages: 2',
  );
  await expect(blocked).toContainText('nothing to win back (consent proven, pending, or never given): 1');
  await expect(dialog.getByTestId('winback-text')).toContainText('To confirm, reply YES.');
  await expect(dialog.getByTestId('winback-by-channel')).toHaveText('Requests to send: 5 by SMS, 0 on WhatsApp.');
  await expect(dialog.getByTestId('winback-ask')).toHaveText('Ask 5 people');
  await shoot(page, 'winback-import-report-en');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await shell.switchLanguage('RU');
  await expect(offer).toContainText('Заявленных, но не доказанных файлом согласий: 7');
  await page.getByTestId('report-winback-open').click();
  await expect(dialog.getByTestId('winback-askable')).toHaveText('Можно спросить: 5 из 8.');
  await expect(blocked).toContainText('WhatsApp разрешает магазину писать первым только тем, кто согласился получать его сообщения: 2');
  await expect(dialog.getByTestId('winback-text')).toContainText('Чтобы подтвердить, ответьте ДА');
  await expect(dialog.getByTestId('winback-ask')).toHaveText('Спросить 5 человек');
  await shoot(page, 'winback-import-report-ru');
  await dialog.getByTestId('winback-ask').click();
  await expect(dialog.getByTestId('winback-done')).toContainText('5');

  // Later, from Past imports: the same import's people, nobody asked twice.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await imp.tab('history');
  await imp.batches().first().getByTestId('batch-winback').click();
  await expect(dialog.getByTestId('winback-askable')).toHaveText('Можно спросить: 0 из 8.');
  await expect(dialog.getByTestId('winback-blocked')).toContainText('уже спросили, ждём ответа: 5');
  await expect(dialog.getByTestId('winback-ask')).toBeDisabled();

  // Five neutral requests wait for the outbox, each a win-back about an SMS claim of this import.
  const list = await seed<{ total: number; confirmations: { kind: string; channel: string; phone: string }[] }>(backend, 'confirmations.list', {});
  expect(list.total).toBe(5);
  expect(list.confirmations.every((c) => c.kind === 'winback' && c.channel === 'sms')).toBe(true);
  expect(list.confirmations.map((c) => c.phone).sort()).toEqual([0, 1, 2, 3, 4].map(phone).sort());
});
