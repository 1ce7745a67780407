import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-providers/twilio';
import { test as base, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { PaperPage } from './pages/paper.page';
import { ProvidersPage } from './pages/providers.page';
import { ContactsPage } from './pages/contacts.page';
import { ContactPage } from './pages/contact.page';

const SID = `AC${'fedcba9876543210'.repeat(2)}`;
const TOKEN = 'e2e-doi-token';
const FROM = '+4915550000001';
const HOUR = 3_600_000;
const LENA = { name: 'Lena Vogel', typed: '0151 23456781', e164: '+4915123456781' };
const JONAS = { name: 'Jonas Weber', typed: '0151 23456782', e164: '+4915123456782' };

interface Printed {
  serials: string[];
}
interface Timeline {
  action: string;
  method: string;
  channel: string;
  evidence: { sheetRef?: string; row?: number; inboundMessageId?: string; source?: string };
}

/**
 * The usual fixtures with a register clock the test can move (the pack's 48 hours pass in a step), and a fake Twilio
 * on 127.0.0.1 that dates its messages by the same clock.
 */
const test = base.extend<{ clock: { shift: number }; twilio: FakeTwilio }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring.
  clock: async ({}, use) => use({ shift: 0 }),
  backend: async ({ clock }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-e2e-'));
    const backend = createBackend({ dbPath: join(dir, 'register.db'), checkOutputs: true, clock: { now: () => Date.now() + clock.shift } });
    await use(backend);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  },
  twilio: async ({ clock }, use) => {
    const twilio = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => Date.now() + clock.shift });
    await use(twilio);
    await twilio.close();
  },
});

test('double opt-in through Twilio: two paper rows → confirmation messages leave → a JA comes back by sync and grants with both events as proof; the silent one expires after 48 h (EN, RU) (issue #16)', async ({
  page,
  backend,
  appUrl,
  clock,
  twilio,
}) => {
  test.setTimeout(120_000);
  // A German shop (de pack: double opt-in, requests lapse after 48 h) with an SMS marketing sheet and a Twilio number.
  await seed(backend, 'settings.update', {
    businessName: 'Bäckerei Sonne',
    shopPhone: '+49 30 1234567',
    timezone: 'Europe/Berlin',
    defaultCountry: 'DE',
    policyPack: 'de',
  });
  const form = await seed<{ id: number }>(backend, 'forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Bäckerei Sonne by SMS. Reply STOP to opt out.',
  });
  const printed = await seed<Printed>(backend, 'forms.print', { formVersionId: form.id, layout: 'group', rows: 10, copies: 1, paper: 'a4' });
  await seed(backend, 'providers.save', {
    name: 'Twilio',
    kind: 'twilio',
    options: { accountSid: SID, from: FROM, baseUrl: twilio.url },
    secrets: { authToken: TOKEN },
  });

  // Staff type the two rows of the returned sheet.
  const shell = new ShellPage(page);
  await shell.open(appUrl, 'en');
  const paper = new PaperPage(page);
  await paper.open();
  await paper.scanSerial(printed.serials[0]!);
  await expect(page.getByTestId('double-opt-in-note')).toContainText('double opt-in');
  await paper.typeRow({ name: LENA.name, phone: LENA.typed, shortcuts: ['Alt+A'] });
  await expect(paper.saved()).toContainText(`Row 1 saved: ${LENA.name}`);
  await paper.typeRow({ name: JONAS.name, phone: JONAS.typed, shortcuts: ['Alt+A'] });
  await expect(paper.saved()).toContainText(`Row 2 saved: ${JONAS.name}`);

  // Replies → Confirmations: two queued; Send queued now hands them to Twilio.
  await page.getByTestId('nav-replies').click();
  await page.getByTestId('tab-confirmations').click();
  const rows = page.getByTestId('confirmation');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: LENA.name }).getByTestId('confirmation-state')).toHaveText('queued');
  await page.getByTestId('confirmations-send').click();
  await expect(page.getByTestId('confirmations-sent')).toContainText('1 wave(s) handed to the provider');
  const sentTo = (phone: string) => twilio.messages.filter((m) => m.direction === 'outbound-api' && m.to === phone);
  await expect.poll(() => sentTo(LENA.e164).length + sentTo(JONAS.e164).length, { timeout: 20_000 }).toBe(2);
  // The request is neutral: who asks, what to answer, nothing promotional.
  expect(sentTo(LENA.e164)[0]!.body).toContain('Bäckerei Sonne');
  expect(sentTo(LENA.e164)[0]!.from).toBe(FROM);

  // Lena answers JA a moment later (Twilio dates to the second); Jonas never answers.
  await new Promise((r) => setTimeout(r, 1_100));
  const ja = twilio.addInbound({ from: LENA.e164, to: FROM, body: 'JA' });

  // One sync later (Settings → Providers → Sync now) the reply is in the register.
  const providers = new ProvidersPage(page);
  await providers.open();
  await providers.row('Twilio').getByTestId('sync-now').click();
  await expect(providers.row('Twilio').getByTestId('sync-totals')).toContainText('1 confirmation');
  await expect(providers.row('Twilio').getByTestId('sync-error')).toHaveCount(0);

  // Lena's page: granted, and the timeline holds both proofs — the paper row and the inbound JA with Twilio's id.
  await shell.goContacts();
  const contacts = new ContactsPage(page);
  await contacts.find(LENA.name);
  const contact = new ContactPage(page);
  await expect(contact.name()).toContainText(LENA.name);
  await expect(contact.cell('sms', 'marketing')).toContainText('granted');
  await expect(contact.cell('sms', 'marketing')).toContainText('may be messaged');
  await expect(contact.events().and(page.locator('[data-action=request]'))).toContainText(printed.serials[0]!);
  await expect(contact.events().and(page.locator('[data-action=confirm]'))).toContainText(ja.sid);
  await expect(contact.events().and(page.locator('[data-action=confirm]'))).toContainText('JA');
  await shoot(page, 'doi-contact-confirmed-en');
  const lena = await seed<{ consents: { channel: string; purpose: string; status: string }[]; timeline: Timeline[] }>(backend, 'contacts.get', {
    phone: LENA.e164,
  });
  expect(lena.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe('granted');
  expect(lena.timeline.map((e) => `${e.action}/${e.method}`).sort()).toEqual(['confirm/inbound_keyword', 'request/paper_form']);
  expect(lena.timeline.find((e) => e.action === 'request')!.evidence).toMatchObject({ sheetRef: printed.serials[0], row: 1 });
  expect(lena.timeline.find((e) => e.action === 'confirm')!.evidence.source).toContain(ja.sid);

  // 49 hours on, Jonas's request has lapsed unanswered: expired, never granted; the tab counts sent / confirmed / expired.
  clock.shift = 49 * HOUR;
  await page.getByTestId('nav-replies').click();
  await page.getByTestId('tab-confirmations').click();
  const counts = page.getByTestId('confirmations-counts');
  await expect(counts.getByTestId('count-sent')).toHaveText('sent: 2');
  await expect(counts.getByTestId('count-confirmed')).toHaveText('confirmed: 1');
  await expect(counts.getByTestId('count-expired')).toHaveText('expired: 1');
  await expect(rows.filter({ hasText: LENA.name }).getByTestId('confirmation-outcome')).toHaveText('confirmed');
  await expect(rows.filter({ hasText: JONAS.name }).getByTestId('confirmation-outcome')).toHaveText('expired');
  await shoot(page, 'confirmations-sent-confirmed-expired-en');
  const jonas = await seed<{ consents: { channel: string; purpose: string; status: string }[] }>(backend, 'contacts.get', { phone: JONAS.e164 });
  expect(jonas.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe('expired');
  // A JA after the deadline confirms nothing.
  const late = await seed<{ events: unknown[] }>(backend, 'inbound.receive', { from: JONAS.e164, channel: 'sms', text: 'JA' });
  expect(late.events).toHaveLength(0);

  await shell.switchLanguage('RU');
  await expect(rows.filter({ hasText: LENA.name }).getByTestId('confirmation-outcome')).toHaveText('подтвердил');
  await expect(rows.filter({ hasText: JONAS.name }).getByTestId('confirmation-outcome')).toHaveText('срок истёк');
  await expect(counts.getByTestId('count-expired')).toHaveText('срок истёк: 1');
  await shoot(page, 'confirmations-sent-confirmed-expired-ru');
  await shell.goContacts();
  await contacts.find(LENA.name);
  await expect(contact.events().and(page.locator('[data-action=confirm]'))).toContainText(ja.sid);
  await shoot(page, 'doi-contact-confirmed-ru');
});
