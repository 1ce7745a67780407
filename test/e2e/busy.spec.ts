import Database from 'better-sqlite3';
import { storeSaid } from '../../shared/contract/said';
import { existsSync } from 'node:fs';
import { test, expect, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';
import { seedShop } from './seed';

const WORDING = 'F1-1 — Акции и скидки (RU)';

/**
 * Another process holding the register (issue #15 §3), played by the test: a second connection to the test's
 * register file that takes the write lock with BEGIN IMMEDIATE, and a note in the opt-out journal's activity table
 * saying what holds it, under a live process that is not the host's (the test runner), as `optin import` writes it.
 */
function holdRegister(dbPath: string) {
  const journalPath = `${dbPath}.optouts.db`;
  expect(existsSync(journalPath), 'the opt-out journal beside the register').toBe(true);
  const journal = new Database(journalPath);
  const note = Number(
    journal
      .prepare('INSERT INTO activity (pid, what, since) VALUES (?, ?, ?)')
      .run(process.ppid, storeSaid('busy.importOf', { file: 'big.csv' }), Date.now() - 12_000).lastInsertRowid,
  );
  const register = new Database(dbPath);
  register.exec('BEGIN IMMEDIATE');
  return {
    release() {
      register.exec('ROLLBACK');
      register.close();
      journal.prepare('DELETE FROM activity WHERE id = ?').run(note);
      journal.close();
    },
  };
}

test('a write that meets another process holding the register: "waiting" at once, then BUSY naming the holder (EN, RU), and Try again', async ({
  page,
  backend,
  appUrl,
}) => {
  test.setTimeout(90_000);
  await seedShop(backend, 20);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.find('John Смирнова 5');
  const contact = new ContactPage(page);
  await expect(contact.cell('sms', 'marketing')).toContainText('none');
  await expect(page.getByTestId('busy-indicator')).toHaveCount(0);

  const holder = holdRegister(backend.db.name);
  try {
    await contact.recordGrant({ form: WORDING, sheet: 'S-777' });
    // The register waits a few seconds for the lock: the window says it is waiting, without blocking anything.
    const waiting = page.getByTestId('busy-indicator');
    await expect(waiting).toBeVisible({ timeout: 2_000 });
    await expect(waiting).toContainText('Waiting for the register…');
    await shoot(page, 'busy-waiting-en');

    // Then BUSY: nothing was changed, and what holds the register is named.
    const error = page.getByTestId('error');
    await expect(error).toHaveAttribute('data-code', 'BUSY', { timeout: 10_000 });
    await expect(waiting).toHaveCount(0);
    await expect(error).toContainText('The register is busy — nothing was changed');
    await expect(error.getByTestId('busy-holder')).toContainText(/an import of big\.csv \(started \d+ s ago\)/);
    await expect(error.getByTestId('error-retry')).toHaveText('Try again');
    await shoot(page, 'busy-error-en');

    // The same in Russian (the switch is behind the modal's overlay: click it as a script would).
    await page.getByTestId('language').getByText('RU', { exact: true }).dispatchEvent('click');
    await expect(error).toContainText('Реестр занят — ничего не изменено');
    await expect(error.getByTestId('busy-holder')).toContainText(/импорт файла big\.csv \(идёт \d+ с\)/);

    // Try again while it is still held: waiting, in Russian, then BUSY again.
    await error.getByTestId('error-retry').click();
    await expect(waiting).toBeVisible({ timeout: 2_000 });
    await expect(waiting).toContainText('Ждём реестр…');
    await shoot(page, 'busy-waiting-ru');
    await expect(error).toHaveAttribute('data-code', 'BUSY', { timeout: 10_000 });
    await expect(error.getByTestId('error-retry')).toHaveText('Попробовать ещё раз');
    await shoot(page, 'busy-error-ru');
    // Nothing was written.
    await expect(contact.events()).toHaveCount(0);
  } finally {
    holder.release();
  }

  // Free again: Try again records it.
  await page.getByTestId('error-retry').click();
  await expect(page.getByTestId('rec-save')).toHaveCount(0, { timeout: 10_000 });
  await expect(contact.events()).toHaveCount(1);
  await expect(contact.events().first()).toHaveAttribute('data-action', 'grant');
  await expect(page.getByTestId('busy-indicator')).toHaveCount(0);
});

test('an opt-out while another process holds the register is accepted at once and shown as being entered', async ({ page, backend, appUrl }) => {
  test.setTimeout(90_000);
  await seedShop(backend, 20);
  const shell = new ShellPage(page);
  await shell.open(appUrl);
  const contacts = new ContactsPage(page);
  await contacts.find('John Смирнова 5');
  const contact = new ContactPage(page);
  await expect(contact.events()).toHaveCount(0);

  const holder = holdRegister(backend.db.name);
  try {
    const started = Date.now();
    await contact.recordOptOut();
    // Accepted into the opt-out journal: the modal closes, the cell reads revoked, and a note says it is being entered.
    await expect(page.getByTestId('rec-save')).toHaveCount(0, { timeout: 3_000 });
    const pending = page.getByTestId('optout-pending');
    await expect(pending).toBeVisible();
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(pending).toContainText('Opt-out received, being entered into the register');
    await expect(pending).toContainText('an import of big.csv');
    await expect(contact.cell('sms', 'marketing')).toContainText('revoked');
    await expect(contact.cell('sms', 'marketing').getByTestId('cell-pending')).toBeVisible();
    await expect(contact.events()).toHaveCount(0);
    await shoot(page, 'busy-optout-pending-en');
    await shell.switchLanguage('RU');
    await expect(pending).toContainText('Отказ получен, вносится в реестр');
    await expect(pending).toContainText('импорт файла big.csv');
    await shoot(page, 'busy-optout-pending-ru');
  } finally {
    holder.release();
  }

  // Once the register is free the opt-out is entered: the note goes and the timeline has it (under the ru pack an
  // opt-out on SMS withdraws marketing on WhatsApp too: two revocations).
  await expect(async () => {
    await page.getByTestId('nav-contacts').click();
    await contacts.open('John Смирнова 5');
    await expect(contact.events()).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('optout-pending')).toHaveCount(0);
  await expect(contact.events().nth(0)).toHaveAttribute('data-action', 'revoke');
  await expect(contact.events().nth(1)).toHaveAttribute('data-action', 'revoke');
});
