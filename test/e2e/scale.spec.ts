import { test, expect, seed } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import type { Backend } from '../../electron/core/backend';

const MILLION = Number(process.env.E2E_SCALE_CONTACTS ?? 1_000_000);

/** Bulk-fill the register the way the benchmark does (test/bench): a million adds through the contract would take an hour. */
function fillContacts(backend: Backend, n: number): void {
  const insert = backend.db.prepare(
    `INSERT INTO contacts (id, phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, NULL, 'ru', 'RU', NULL, '[]', 'mobile', ?, ?)`,
  );
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  backend.db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const phone = `+79${String(100000000 + i).padStart(9, '0')}`;
      const name = `Покупатель ${String(i).padStart(7, '0')}`;
      insert.run(i, phone, phone.slice(2), name, name.toLocaleLowerCase('ru'), t0, t0);
    }
    // The search index is kept by the repository (not by triggers): index the bulk insert as an import does.
    backend.ctx.contacts.indexFrom(1);
  })();
}

test('a million contacts: the list opens, scrolls to any row and searches without loading it all @scale', async ({ page, backend, appUrl }) => {
  test.setTimeout(240_000);
  fillContacts(backend, MILLION);
  // A shop with a million customers chose its rules long ago: the app opens on the contacts, not the first-run questions.
  await seed(backend, 'settings.update', { policyPack: 'ru', defaultCountry: 'RU', timezone: 'Europe/Moscow' });
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await expect(contacts.count()).toHaveText(`${MILLION.toLocaleString('en-GB')} contacts`, { timeout: 15_000 });
  await expect(contacts.rows().first()).toContainText('Покупатель 0000001');
  expect(await contacts.renderedRows().count()).toBeLessThan(60);

  // Drag to the middle of the first segment: only the pages under the window load.
  const requests: string[] = [];
  page.on('request', (r) => r.url().includes('/api/contacts.list') && requests.push(r.postData() ?? ''));
  await contacts.scroller().evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(page.locator('[role=row][aria-rowindex="100001"]')).toHaveAttribute('data-testid', 'contact-row');
  await expect(page.locator('[aria-rowindex="100001"]')).toContainText('Покупатель 0100001');
  expect(requests.length).toBeLessThan(6);
  expect(await contacts.renderedRows().count()).toBeLessThan(60);

  // The last segment reaches the very last contact.
  const segments = page.getByTestId('segments');
  await segments.getByRole('button', { name: String(Math.ceil(MILLION / 200_000)) }).click();
  await contacts.scroller().evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator(`[role=row][aria-rowindex="${MILLION}"]`)).toContainText(`Покупатель ${String(MILLION).padStart(7, '0')}`);

  // Search by phone, in a local format, finds one of a million at once.
  await contacts.search('8 910 050 00 07');
  await expect(contacts.rows()).toHaveCount(1);
  await expect(contacts.rows().first()).toContainText('Покупатель 0500007');
});
