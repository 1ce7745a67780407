import { test, expect, callHost } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { ContactsPage } from './pages/contacts.page';
import { seedShop } from './seed';

test('the page takes the access key from the printed address, wipes it from the address bar and sends it on every call', async ({
  page,
  backend,
  host,
  appUrl,
}) => {
  await seedShop(backend, 20);
  const calls: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/')) calls.push({ url: r.url(), authorization: r.headers().authorization });
  });
  await new ShellPage(page).open(appUrl);
  const contacts = new ContactsPage(page);
  await expect(contacts.count()).toHaveText('20 contacts');
  expect(page.url()).toBe(`${host.origin}/`);
  expect(page.url()).not.toContain(host.secret);
  expect(calls.length).toBeGreaterThan(0);
  for (const c of calls) {
    expect(c.url).not.toContain(host.secret);
    expect(c.authorization).toBe(`Bearer ${host.secret}`);
  }

  // A reload in the same tab keeps working without the key in the address.
  await page.reload();
  await expect(contacts.count()).toHaveText('20 contacts');
  expect(page.url()).not.toContain('#k=');

  // Helpers outside the page reach the API with the key too.
  const listed = await callHost<{ total: number }>(host, 'contacts.list', {});
  expect(listed.total).toBe(20);
});

test('a page opened without the key (or with an old one) is refused and says which address to open', async ({ browser, backend, host }) => {
  await seedShop(backend, 5);
  for (const [lang, url, text] of [
    ['en', `${host.origin}/`, 'open the address Optin Desk printed'],
    ['ru', `${host.origin}/#k=key-of-an-earlier-launch-0123456789abcdef`, 'откройте адрес, который Optin Desk напечатал'],
  ] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await new ShellPage(page).open(url, lang);
    // Every screen part that asked the register shows the refusal; the first is enough.
    const error = page.getByTestId('error').first();
    await expect(error).toContainText(text);
    await expect(error).toContainText(`${host.origin}/#k=…`);
    // Nobody from the register reached the page.
    await expect(new ContactsPage(page).rows()).toHaveCount(0);
    await expect(page.getByText('Анна', { exact: false })).toHaveCount(0);
    await context.close();
  }
});
