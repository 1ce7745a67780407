import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { nameOf, seedShop } from './seed';

/** As someone with an SQLite tool would: switch the triggers off, move contact 1's consents to another number, put them back. */
function moveConsentToAnotherNumber(dbPath: string, contactId: number, phone: string): void {
  const raw = new Database(dbPath);
  const triggers = raw
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'")
    .all();
  for (const tr of triggers) raw.exec(`DROP TRIGGER "${tr.name}"`);
  raw.prepare('UPDATE contacts SET phone = ? WHERE id = ?').run(phone, contactId);
  for (const tr of triggers) raw.exec(tr.sql);
  raw.close();
}

for (const lang of ['en', 'ru'] as const) {
  test(`Settings → register integrity: both heads, then a consent moved to another number, named (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend, 6);
    const events = backend.ctx.consent.lastLink()!;
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    await shell.goSettings();
    const card = page.getByTestId('integrity-card');
    await card.getByTestId('verify').click();
    await expect(card.getByTestId('verify-result')).toContainText(lang === 'en' ? 'The register is intact' : 'Реестр в порядке');
    await expect(card.getByTestId('head-events')).toContainText(`${events.id}`);
    // Counted with the right plural in each language («21 событие», «22 события», «25 событий»).
    const n = events.id;
    const ru = n % 10 === 1 && n % 100 !== 11 ? 'событие' : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? 'события' : 'событий';
    await expect(card.getByTestId('verify-result')).toContainText(
      lang === 'en' ? `Intact: ${n} consent events and ` : `Всё цело: ${n} ${ru} согласия и `,
    );
    await expect(card.getByTestId('integrity-head')).toContainText(`events:${events.id}:${events.hash}`);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, `integrity-ok-${lang}`);
    await card.screenshot({ path: `test-results/screenshots/integrity-card-ok-${lang}.png` });

    const moved = backend.db
      .prepare<[], { id: number; contact_id: number }>('SELECT id, contact_id FROM consent_events WHERE contact_id = 1 ORDER BY id')
      .all();
    expect(moved.length).toBeGreaterThan(0);
    moveConsentToAnotherNumber(backend.db.name, 1, '+79129999999');
    await card.getByTestId('verify').click();
    const problems = card.getByTestId('integrity-problems');
    for (const e of moved) {
      const item = problems.locator(`[data-kind="phone_changed"][data-contact-id="1"][data-event-id="${e.id}"]`);
      await expect(item).toContainText(lang === 'en' ? `Event #${e.id} was recorded for +7` : `Событие №${e.id} записано для номера +7`);
      await expect(item).toContainText(
        lang === 'en' ? 'but contact #1 now has the number +7 912 999 99 99' : 'а у контакта №1 теперь номер +7 912 999 99 99',
      );
      await expect(item).toContainText(lang === 'en' ? 'Restore a backup' : 'Восстановите резервную копию');
    }
    await shoot(page, `integrity-problem-${lang}`);
    // The card alone, to read the wording.
    await card.screenshot({ path: `test-results/screenshots/integrity-card-problem-${lang}.png` });

    // The witness beside the register damaged: why it cannot be read comes by key, in the window's language.
    writeFileSync(`${backend.db.name}.witness.json`, '{ not json');
    await card.getByTestId('verify').click();
    await expect(problems.locator('[data-kind="witness_unreadable"]')).toContainText(
      lang === 'en' ? 'cannot be read (not JSON)' : 'не читается (это не JSON)',
    );
    await card.screenshot({ path: `test-results/screenshots/integrity-card-witness-${lang}.png` });
  });
}

for (const lang of ['en', 'ru'] as const) {
  test(`the contact page warns when the contact's history does not verify, naming each event (${lang})`, async ({ page, backend, appUrl }) => {
    await seedShop(backend, 6);
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    const contacts = new ContactsPage(page);
    // A contact whose history verifies: no warning.
    await contacts.find(nameOf(2));
    await expect(page.getByTestId('contact-name')).toContainText(nameOf(2));
    await expect(page.getByTestId('integrity-warning')).toHaveCount(0);

    const moved = backend.db.prepare<[], { id: number }>('SELECT id FROM consent_events WHERE contact_id = 1 ORDER BY id').all();
    moveConsentToAnotherNumber(backend.db.name, 1, '+79129999999');
    await shell.goContacts();
    await contacts.find(nameOf(0));
    const warning = page.getByTestId('integrity-warning');
    await expect(warning).toContainText(lang === 'en' ? 'This contact’s history does not verify' : 'История этого контакта не проходит проверку');
    for (const e of moved)
      await expect(warning.locator(`[data-kind="phone_changed"][data-event-id="${e.id}"]`)).toContainText(
        lang === 'en'
          ? `Event #${e.id} was recorded for +7 912 100 00 00, but contact #1 now has the number +7 912 999 99 99`
          : `Событие №${e.id} записано для номера +7 912 100 00 00, а у контакта №1 теперь номер +7 912 999 99 99`,
      );
    await shoot(page, `integrity-contact-${lang}`);
  });
}
