import { test, expect, seed } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ComposePage } from './pages/compose.page';
import { CampaignPage } from './pages/campaign.page';
import { nameOf, seedShop } from './seed';

/**
 * Working with the list (issue #17 item 13): Marina narrows her 300 customers to those whose SMS marketing is granted
 * but held back for want of the personal-data consent (the gate's own words on the badge), with the tag vip; sorts
 * them by number, newest last; tags two she picked and then all matching; saves the filter as a segment — in English
 * and in Russian, with screenshots of the list and of the bulk tag dialog.
 */
const WORDS = {
  en: { npd: 'needs PD consent', number: 'Number', found: (n: number) => `${n} found`, done: /Done: 6 of 6 contacts changed/ },
  ru: { npd: 'нужно согласие на ПДн', number: 'Номер', found: (n: number) => new RegExp(`\\b${n}\\b`), done: /изменено 6 из 6/ },
} as const;

for (const lang of ['en', 'ru'] as const) {
  test(`filter, sort, select and tag in bulk, save a segment (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend);
    const w = WORDS[lang];
    await new ShellPage(page).open(appUrl, lang);
    const contacts = new ContactsPage(page);
    await expect(contacts.rows().first()).toBeVisible();

    // SMS marketing as the list shows it: granted, but the personal-data consent is missing (every 4th + 2 of the first 120).
    await page.getByTestId('filter-status').click();
    await page.getByRole('option', { name: w.npd }).click();
    await page.keyboard.press('Escape');
    await expect(contacts.count()).toHaveText(w.found(30));
    await expect(contacts.rows().locator('[data-blocked-by=needs_personal_data]')).toHaveCount(await contacts.rows().count());
    // …with the tag vip (every 5th): 10, 30, 50, 70, 90, 110.
    await page.getByTestId('filter-tag').fill('vip');
    await expect(contacts.count()).toHaveText(w.found(6));

    // By number, descending: the 110th customer's number first.
    await page.getByTestId('sort-by').click();
    await page.getByRole('option', { name: w.number, exact: true }).click();
    await page.getByTestId('sort-dir').click();
    await expect(contacts.rows().first()).toContainText(nameOf(110));
    await expect(contacts.rows().last()).toContainText(nameOf(10));

    // Two picked by hand get one tag…
    await contacts.rows().nth(0).getByTestId('row-select').click();
    await contacts.rows().nth(1).getByTestId('row-select').click();
    await expect(page.getByTestId('selected-count')).toContainText('2');
    await page.getByTestId('tag-selected').click();
    await page.getByTestId('tag-name').fill('звонить');
    await page.getByTestId('tag-apply').click();
    await expect(page.getByTestId('tag-done')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(contacts.rows().nth(0)).toContainText('звонить');
    await expect(contacts.rows().filter({ hasText: 'звонить' })).toHaveCount(2);

    // …and all six matching another.
    await page.getByTestId('tag-matching').click();
    await expect(page.getByTestId('tag-whom')).toContainText('6');
    await page.getByTestId('tag-name').fill('весна');
    await page.getByTestId('tag-apply').click();
    await expect(page.getByTestId('tag-done')).toContainText(w.done);
    await page.getByRole('dialog').screenshot({ path: `test-results/screenshots/contacts-bulk-tag-${lang}.png` });
    await page.keyboard.press('Escape');
    await expect(contacts.rows().filter({ hasText: 'весна' })).toHaveCount(6);

    // Saved as a segment: the list now shows the segment, the same six.
    await page.getByTestId('segment-open').click();
    await page.getByTestId('segment-name').fill('ПДн не собрано');
    await page.getByTestId('segment-save').click();
    await expect(page.getByTestId('filter-segment')).toHaveValue('ПДн не собрано');
    await expect(contacts.count()).toHaveText(w.found(6));
    const segments = await seed<{ segments: { name: string; filter: unknown }[] }>(backend, 'segments.list', {});
    expect(segments.segments).toEqual([
      expect.objectContaining({ name: 'ПДн не собрано', filter: { marketing: { channel: 'sms', status: ['needs_personal_data'] }, tags: ['vip'] } }),
    ]);
    await page.screenshot({ path: `test-results/screenshots/contacts-list-${lang}.png` });

    // Undo: remove the tag from everyone who has it (all matching the tag filter).
    await page.getByTestId('filters-clear').click();
    await page.getByTestId('filter-tag').fill('весна');
    await expect(contacts.count()).toHaveText(w.found(6));
    await page.getByTestId('tag-matching').click();
    await page
      .getByTestId('tag-mode')
      .getByText(lang === 'en' ? 'Remove the tag' : 'Снять метку')
      .click();
    await page.getByTestId('tag-name').fill('весна');
    await page.getByTestId('tag-apply').click();
    await expect(page.getByTestId('tag-done')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('empty')).toBeVisible();
  });
}

test('a saved segment as a campaign audience: the plan counts its people, the gate still excludes each one it must', async ({
  page,
  backend,
  appUrl,
}) => {
  await seedShop(backend);
  // SMS marketing granted or revoked: 60 people (59 granted, one opted out), 30 of the granted without the PD consent.
  await seed(backend, 'segments.save', { name: 'Бумажные анкеты', filter: { marketing: { channel: 'sms', status: ['granted', 'revoked'] } } });
  await new ShellPage(page).open(appUrl);
  const compose = new ComposePage(page);
  await compose.open();
  await compose.type('Лавка у дома: {{first_name|покупатель}}, скидка 20% на выпечку до воскресенья. Отписаться: ответьте СТОП');
  const card = page.getByTestId('campaign-plan-card');
  await card.getByTestId('campaign-audience').getByText('Segment', { exact: true }).click();
  await expect(page.getByTestId('plan-note')).toContainText('Choose a saved segment');
  await card.getByTestId('campaign-segment').click();
  await page.getByRole('option', { name: 'Бумажные анкеты' }).click();
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: 'test-results/screenshots/compose-segment-en.png' });
  const campaign = new CampaignPage(page);
  await campaign.plan();
  await expect(campaign.figure('audience')).toHaveText('60');
  await expect(campaign.exclusion('revoked').getByTestId('reason-count')).toHaveText('1');
  await expect(campaign.exclusion('needs_personal_data').getByTestId('reason-count')).toHaveText('30');
  // The campaign names the segment it was planned from, here and in the campaign list.
  await expect(page.getByTestId('campaign-audience')).toHaveText('Audience: segment “Бумажные анкеты”');
  await page.screenshot({ path: 'test-results/screenshots/campaign-segment-en.png' });
  await page.getByTestId('back-to-campaigns').click();
  await expect(page.getByTestId('campaign-row-audience').first()).toHaveText('Audience: segment “Бумажные анкеты”');
});
