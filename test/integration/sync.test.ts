import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pullRelay } from '../../electron/relay/client';
import { startRelay, type RelayServer } from '../../electron/relay/server';
import {
  metaMessage,
  metaPhoneQuality,
  metaPost,
  metaStatus,
  metaTemplateStatus,
  metaUserPreference,
  twilioInbound,
  twilioPost,
  twilioStatus,
} from '../support/fake-meta';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { closedPortUrl } from '../support/fake-providers/secrets';
import { startFakeSmsc, type FakeSmsc } from '../support/fake-providers/smsc';
import { startFakeSmsru, type FakeSmsru } from '../support/fake-providers/smsru';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-providers/twilio';
import { FAKE_WHATSAPP, startFakeWhatsapp } from '../support/fake-providers/whatsapp-cloud';
import { grantPaper, russianShop } from '../support/shop';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'sync-test-token';
const FROM = '+15005550006';
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
let twilio: FakeTwilio;
let smsru: FakeSmsru;
let smsc: FakeSmsc;
beforeAll(async () => {
  [twilio, smsru, smsc] = await Promise.all([
    startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => clock.now() }),
    startFakeSmsru(),
    startFakeSmsc({ now: () => clock.now() }),
  ]);
});
afterAll(() => Promise.all([twilio.close(), smsru.close(), smsc.close()]));
afterEach(() => {
  twilio.reset();
  smsru.reset();
  smsc.reset();
  clock.t = Date.parse('2026-03-02T09:00:00Z');
});

/** The Russian shop with one provider of each polling kind, all on the fakes, and a clock that sleeps instantly. */
async function shop(twilioRate = '10') {
  const t = scopedBackend({ providerTimeoutMs: 800, syncDeadlineMs: 5_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t);
  await t.call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: SID, from: FROM, baseUrl: twilio.url, ratePerSecond: twilioRate },
    secrets: { authToken: TOKEN },
  });
  await t.call('providers.save', { name: 'ru', kind: 'smsru', options: { baseUrl: smsru.url }, secrets: { apiId: smsru.apiId } });
  await t.call('providers.save', {
    name: 'sc',
    kind: 'smsc',
    options: { login: smsc.login, baseUrl: smsc.url, replyTo: '+79001234567' },
    secrets: { password: smsc.password },
  });
  return { ...t, form: form.id };
}

const line = <T extends { name: string }>(out: { providers: T[] }, name: string): T => out.providers.find((p) => p.name === name)!;
const cell = async (call: Caller, phone: string, purpose: 'marketing' | 'service' = 'marketing') =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === purpose)!.status;

describe('provider sync: Twilio', () => {
  it('records a reply «Стоп» as a revocation with the Twilio message as evidence, once, and moves the cursor', async () => {
    const t = await shop();
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    const stop = twilio.addInbound({ from: '+79120000001', to: FROM, body: 'Стоп' });
    twilio.addInbound({ from: '+79120000002', to: FROM, body: 'Здравствуйте, вы открыты в воскресенье?' });
    // A message from an operator's name, not a number (and not a STOP): kept among the replies for no customer, and counted.
    twilio.addInbound({ from: 'MegaFon', to: FROM, body: 'Баланс: 120 руб.' });

    const first = await t.call('providers.sync', { provider: 'tw' });
    expect(line(first, 'tw')).toMatchObject({ kind: 'twilio', inbound: 3, optOuts: 1, confirmations: 0, statuses: 0, notFromNumber: 1, error: null });
    expect(JSON.parse(line(first, 'tw').cursor!)).toEqual({ after: clock.now() });
    expect(await cell(t.call, '+79120000001')).toBe('revoked');
    const page = await t.call('contacts.get', { phone: '+79120000001' });
    const revoke = page.timeline.find((e) => e.action === 'revoke')!;
    expect(revoke.method).toBe('inbound_keyword');
    expect(revoke.evidence.source).toBe(`tw (twilio) message ${stop.sid}`);

    const events = (await t.call('audit.verify', {})).events;
    const second = await t.call('providers.sync', {});
    expect(line(second, 'tw')).toMatchObject({
      inbound: 0,
      optOuts: 0,
      statuses: 0,
      notFromNumber: 0,
      error: null,
      cursor: line(first, 'tw').cursor,
    });
    expect((await t.call('audit.verify', {})).events).toBe(events);
    expect((await t.call('providers.list', {})).providers.find((p) => p.name === 'tw')!.sync).toMatchObject({
      totals: { inbound: 3, optOuts: 1, confirmations: 0, statuses: 0, notFromNumber: 1 },
      error: null,
    });
    // The next plan leaves the revoked number out.
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.excluded).toMatchObject({ revoked: 1 });
  });

  it('brings in delivery results: delivered, 21610 as a provider_feedback revocation, 30005 as a flag; twice changes nothing', async () => {
    const t = await shop();
    for (const n of ['01', '02', '03']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const sent = await t.call('campaign.send', { batch: p.batch, providers: ['tw'], wait: true });
    expect(sent.sent).toBe(3);
    const sidOf = (to: string) => twilio.messages.find((m) => m.to === to)!.sid;
    twilio.setStatus(sidOf('+79120000001'), 'delivered');
    twilio.setStatus(sidOf('+79120000002'), 'undelivered', 21610);
    twilio.setStatus(sidOf('+79120000003'), 'undelivered', 30005);

    const out = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(out).toMatchObject({ statuses: 3, optOuts: 1, error: null });
    const list = await t.call('campaign.recipients', { batch: p.batch });
    const status = Object.fromEntries(list.recipients.map((r) => [r.phone, r.status]));
    expect(status).toEqual({ '+79120000001': 'delivered', '+79120000002': 'undeliverable', '+79120000003': 'undeliverable' });
    expect(await cell(t.call, '+79120000002')).toBe('revoked');
    const feedback = (await t.call('contacts.get', { phone: '+79120000002' })).timeline.find((e) => e.method === 'provider_feedback')!;
    expect(feedback.evidence.source).toBe(`tw 21610 on message ${sidOf('+79120000002')}`);

    const again = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(again).toMatchObject({ statuses: 0, optOuts: 0, error: null });
    const next = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(next.excluded).toMatchObject({ revoked: 1, invalid_number: 1 });
  });

  it('a STOP waiting in the Twilio list is honoured before the next recipient of the same run is handed off', async () => {
    // One message a minute: the run syncs before it starts and again before each later hand-off.
    const t = await shop(String(1 / 60));
    for (const n of ['01', '02', '03']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    let sends = 0;
    twilio.script((req) => {
      // Right after the first message leaves, the second customer answers STOP to an earlier message.
      if (req.route === 'send' && sends++ === 0) twilio.addInbound({ from: '+79120000002', to: FROM, body: 'STOP' });
      return 'ok';
    });
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['tw'], wait: true });
    expect(twilio.messages.filter((m) => m.direction === 'outbound-api').map((m) => m.to)).toEqual(['+79120000001', '+79120000003']);
    expect(done).toMatchObject({ sent: 2, skipped: 1, skipReasons: { revoked: 1 } });
    expect(await cell(t.call, '+79120000002')).toBe('revoked');
  });

  it('a campaign sent with sync off (--no-sync) asks the provider nothing first: a STOP waiting there is not seen', async () => {
    const t = await shop();
    for (const n of ['01', '02']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    twilio.addInbound({ from: '+79120000002', to: FROM, body: 'STOP' });
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['tw'], wait: true, sync: false });
    expect(done).toMatchObject({ sent: 2, skipped: 0 });
    expect(twilio.received.some((r) => r.route === 'list')).toBe(false);
    // The next sync still brings the STOP in.
    await t.call('providers.sync', { provider: 'tw' });
    expect(await cell(t.call, '+79120000002')).toBe('revoked');
  });
});

describe('provider sync: SMS.ru', () => {
  it('turns stop-list entries into revocations naming the stop-list, and brings in delivery results', async () => {
    const t = await shop();
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: p.batch, providers: ['ru'], wait: true });
    smsru.setStatus(smsru.messages.find((m) => m.to === '79120000002')!.id, 103);
    smsru.stoplist.set('79120000001', 'жалоба на спам');
    smsru.stoplist.set('79995550011', '');

    const out = line(await t.call('providers.sync', { provider: 'ru' }), 'ru');
    expect(out).toMatchObject({ kind: 'smsru', optOuts: 2, statuses: 1, error: null, cursor: null });
    expect(await cell(t.call, '+79120000001')).toBe('revoked');
    const ev = (await t.call('contacts.get', { phone: '+79120000001' })).timeline.find((e) => e.method === 'provider_feedback')!;
    expect(ev.evidence.source).toBe('SMS.ru stop-list entry (жалоба на спам) [smsru-stoplist:79120000001]');
    // A number the register did not know is kept as opted out, so an older consent imported later cannot win.
    expect(await cell(t.call, '+79995550011')).toBe('revoked');
    const recipients = await t.call('campaign.recipients', { batch: p.batch, statuses: ['delivered'] });
    expect(recipients.recipients.map((r) => r.phone)).toEqual(['+79120000002']);

    const again = line(await t.call('providers.sync', { provider: 'ru' }), 'ru');
    expect(again).toMatchObject({ optOuts: 0, statuses: 0, error: null });
  });
});

describe('provider sync: SMSC.ru', () => {
  it('sends with its own id, reads replies after the last id, and brings in statuses', async () => {
    const t = await shop();
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const sent = await t.call('campaign.send', { batch: p.batch, providers: ['sc'], wait: true });
    expect(sent.sent).toBe(2);
    expect(smsc.messages.map((m) => m.id)).toEqual([expect.stringMatching(/^optin-[0-9a-f]{8}-b\d+\.[0-9a-z]+-r\d+$/), expect.any(String)]);
    const [first] = smsc.messages;
    smsc.setStatus(first!.id, 1);
    smsc.addAnswer({ from: '79120000002', to: '79001234567', text: 'отпишите меня пожалуйста' });
    smsc.addAnswer({ from: '79120000003', to: '79990000000', text: 'СТОП' }); // to another number of the account

    const out = line(await t.call('providers.sync', { provider: 'sc' }), 'sc');
    expect(out).toMatchObject({ kind: 'smsc', inbound: 1, optOuts: 1, statuses: 1, error: null, cursor: String(smsc.answers[0]!.id) });
    expect(await cell(t.call, '+79120000002')).toBe('revoked');
    const again = line(await t.call('providers.sync', { provider: 'sc' }), 'sc');
    expect(again).toMatchObject({ inbound: 0, optOuts: 0, statuses: 0, cursor: out.cursor });
    smsc.addAnswer({ from: '79120000001', to: '79001234567', text: 'Спасибо!' });
    expect(line(await t.call('providers.sync', { provider: 'sc' }), 'sc')).toMatchObject({ inbound: 1, optOuts: 0 });
  });
});

describe('provider sync: a provider in trouble stops alone and keeps its cursor', () => {
  async function withCursor() {
    const t = await shop();
    twilio.addInbound({ from: '+79120000009', to: FROM, body: 'Привет' });
    const cursor = line(await t.call('providers.sync', { provider: 'tw' }), 'tw').cursor;
    expect(cursor).not.toBeNull();
    clock.advance(60_000);
    return { t, cursor };
  }

  it('down: SYNC_UNREACHABLE for it, the others synced in the same call', async () => {
    const t = await shop();
    twilio.addInbound({ from: '+79120000009', to: FROM, body: 'Привет' });
    const cursor = line(await t.call('providers.sync', { provider: 'tw' }), 'tw').cursor;
    await t.call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: SID, from: FROM, baseUrl: await closedPortUrl() },
      secrets: { authToken: TOKEN },
    });
    smsru.stoplist.set('79120000001', '');
    const out = await t.call('providers.sync', {});
    expect(line(out, 'tw')).toMatchObject({ error: { code: 'SYNC_UNREACHABLE' }, cursor, inbound: 0 });
    expect(line(out, 'ru')).toMatchObject({ error: null, optOuts: 1 });
    expect(line(out, 'sc')).toMatchObject({ error: null });
    const info = (await t.call('providers.list', {})).providers.find((p) => p.name === 'tw')!;
    expect(info.sync?.error?.code).toBe('SYNC_UNREACHABLE');
  });

  it('garbage: SYNC_BAD_ANSWER', async () => {
    const { t, cursor } = await withCursor();
    twilio.script([{ httpStatus: 200, body: '<html>captive portal</html>' }]);
    twilio.addInbound({ from: '+79120000001', to: FROM, body: 'STOP' });
    const out = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(out).toMatchObject({ error: { code: 'SYNC_BAD_ANSWER' }, cursor, inbound: 0 });
    // Once it answers properly again, the reply is recorded.
    expect(line(await t.call('providers.sync', { provider: 'tw' }), 'tw')).toMatchObject({ error: null, inbound: 1, optOuts: 1 });
  });

  it('slow: SYNC_TIMEOUT within the request timeout', async () => {
    const { t, cursor } = await withCursor();
    twilio.script(['hang']);
    const started = Date.now();
    const out = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(out).toMatchObject({ error: { code: 'SYNC_TIMEOUT' }, cursor });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('endless pages: SYNC_TOO_MANY_PAGES after the cap, the pages before it recorded, the cursor kept', async () => {
    const { t, cursor } = await withCursor();
    twilio.addInbound({ from: '+79120000001', to: FROM, body: 'СТОП' });
    let page = 0;
    twilio.script((req) => {
      if (req.route !== 'list') return 'ok';
      page++;
      const messages = page === 1 ? twilio.messages.filter((m) => m.direction === 'inbound').map(({ createdMs: _c, ...m }) => m) : [];
      return { httpStatus: 200, body: { messages, next_page_uri: `/2010-04-01/Accounts/${SID}/Messages.json?To=x&Page=${page}` } };
    });
    const out = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(out).toMatchObject({ error: { code: 'SYNC_TOO_MANY_PAGES' }, cursor, optOuts: 1 });
    expect(page).toBe(50);
    expect(await cell(t.call, '+79120000001')).toBe('revoked');
  });

  it('an unknown provider name is refused by name', async () => {
    const t = await shop();
    await expect(t.call('providers.sync', { provider: 'nope' })).rejects.toThrow(/NOT_FOUND: provider: no provider named "nope"/);
  });
});

describe('provider sync: the relay (webhooks)', () => {
  const PULL = 'relay-pull-token-0123456789';
  const APP_SECRET = 'meta-app-secret-for-sync-tests';
  const PUBLIC = 'https://relay.example.com';
  let relay: RelayServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optin-sync-relay-'));
    relay = await startRelay({
      dataDir: dir,
      port: 0,
      pullToken: PULL,
      appSecret: APP_SECRET,
      verifyToken: 'verify',
      twilioToken: TOKEN,
      publicUrl: PUBLIC,
      now: () => clock.now(),
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await relay.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const left = async () => (await pullRelay(relay.url, PULL, null)).events;
  const feedback = async (call: Caller, phone: string) =>
    (await call('contacts.get', { phone })).timeline.filter((e) => e.action === 'revoke' && e.method === 'provider_feedback');

  it('Twilio: a 21610 callback by relay and the same result by polling record one opt-out; a reply by both, one reply', async () => {
    const t = await shop();
    await t.call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: SID, from: FROM, baseUrl: twilio.url, relayUrl: relay.url },
      secrets: { authToken: TOKEN, relayToken: PULL },
    });
    for (const n of ['01', '02']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect((await t.call('campaign.send', { batch: p.batch, providers: ['tw'], wait: true })).sent).toBe(2);
    const sid = twilio.messages.find((m) => m.to === '+79120000001')!.sid;

    // Polling finds the 21610 first…
    twilio.setStatus(sid, 'undelivered', 21610);
    expect(line(await t.call('providers.sync', { provider: 'tw' }), 'tw')).toMatchObject({ statuses: 1, optOuts: 1, error: null });
    // One opt-out: SMS marketing and service (a carrier STOP), and what the pack's revocation scope adds to it.
    const once = await feedback(t.call, '+79120000001');
    expect(
      once
        .filter((e) => e.channel === 'sms')
        .map((e) => e.purpose)
        .sort(),
    ).toEqual(['marketing', 'service']);
    // …then the relay brings Twilio's status callback for the same message: nothing more is recorded.
    const callback = twilioStatus({ sid, to: '+79120000001', from: FROM, status: 'undelivered', errorCode: '21610', accountSid: SID });
    expect((await twilioPost(relay.url, `${PUBLIC}/twilio`, TOKEN, callback)).status).toBe(200);
    // A reply the relay got by webhook is also in Twilio's list: recorded once.
    const reply = twilio.addInbound({ from: '+79120000002', to: FROM, body: 'Стоп' });
    const inbound = twilioInbound({ sid: reply.sid, from: '+79120000002', to: FROM, body: 'Стоп', accountSid: SID });
    expect((await twilioPost(relay.url, `${PUBLIC}/twilio`, TOKEN, inbound)).status).toBe(200);

    const events = (await t.call('audit.verify', {})).events;
    const second = line(await t.call('providers.sync', { provider: 'tw' }), 'tw');
    expect(second).toMatchObject({ inbound: 1, optOuts: 1, statuses: 0, error: null });
    expect(await feedback(t.call, '+79120000001')).toEqual(once);
    expect(await cell(t.call, '+79120000002')).toBe('revoked');
    const stops = (await t.call('contacts.get', { phone: '+79120000002' })).timeline.filter((e) => e.action === 'revoke');
    expect(stops.filter((e) => e.channel === 'sms')).toHaveLength(1);
    for (const e of stops) expect(e.evidence.source).toBe(`tw (twilio) message ${reply.sid}`);
    // Only the reply's revocation was added: nothing for the 21610 seen again.
    expect((await t.call('audit.verify', {})).events).toBe(events + stops.length);
    // Acknowledged once recorded: the relay holds nothing more.
    expect(await left()).toBe(0);
    expect(line(await t.call('providers.sync', { provider: 'tw' }), 'tw')).toMatchObject({ inbound: 0, optOuts: 0, statuses: 0, error: null });
  });

  it('WhatsApp Cloud API: a user_preferences marketing stop through the relay becomes a revocation of WhatsApp marketing', async () => {
    const t = await shop();
    await t.call('providers.save', {
      name: 'wa',
      kind: 'whatsapp-cloud',
      options: { phoneNumberId: '106540352242922', baseUrl: await closedPortUrl(), relayUrl: relay.url },
      secrets: { accessToken: 'meta-access-token', relayToken: PULL },
    });
    await grantPaper(t.call, '+79120000001', 'whatsapp', t.form);
    expect((await t.call('providers.list', {})).providers.find((p) => p.name === 'wa')!.sync).toMatchObject({ syncedAt: null, error: null });
    // The customer stops WhatsApp marketing a minute after signing up.
    clock.advance(60_000);
    const at = Math.floor(clock.now() / 1000);
    expect((await metaPost(relay.url, APP_SECRET, metaUserPreference({ waId: '+79120000001', value: 'stop', timestamp: at }))).status).toBe(200);

    expect(line(await t.call('providers.sync', { provider: 'wa' }), 'wa')).toMatchObject({ kind: 'whatsapp-cloud', optOuts: 1, error: null });
    const page = await t.call('contacts.get', { phone: '+79120000001' });
    expect(page.consents.find((c) => c.channel === 'whatsapp' && c.purpose === 'marketing')!.status).toBe('revoked');
    const stop = page.timeline.find((e) => e.action === 'revoke' && e.channel === 'whatsapp')!;
    expect(stop).toMatchObject({ purpose: 'marketing', method: 'provider_feedback' });
    expect(stop.evidence.source).toMatch(/user_preferences/);
    expect(await left()).toBe(0);
    const plan = await t.call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text: TEXT });
    expect(plan.excluded).toMatchObject({ revoked: 1 });
  });

  it('WhatsApp quality signals through the relay are kept once, shown by Health and warned about on the next plan', async () => {
    const t = await shop();
    await t.call('providers.save', {
      name: 'wa',
      kind: 'whatsapp-cloud',
      options: { phoneNumberId: '106540352242922', baseUrl: await closedPortUrl(), relayUrl: relay.url },
      secrets: { accessToken: 'meta-access-token', relayToken: PULL },
    });
    expect((await t.call('health.report', {})).quality).toEqual({ stored: true, signals: [] });
    clock.advance(60_000);
    const time = Math.floor(clock.now() / 1000);
    const flagged = metaPhoneQuality({ event: 'FLAGGED', currentLimit: 'TIER_1K', time });
    expect((await metaPost(relay.url, APP_SECRET, flagged)).status).toBe(200);
    const paused = metaTemplateStatus({ id: '5551', name: 'autumn_sale', language: 'ru', event: 'PAUSED', reason: 'LOW_QUALITY', time: time + 1 });
    expect((await metaPost(relay.url, APP_SECRET, paused)).status).toBe(200);
    expect(line(await t.call('providers.sync', { provider: 'wa' }), 'wa')).toMatchObject({ error: null });
    expect(await left()).toBe(0);
    // Meta sends the same webhook again (a retry): it reaches the relay and the desktop, and is kept once.
    expect((await metaPost(relay.url, APP_SECRET, flagged)).status).toBe(200);
    expect(line(await t.call('providers.sync', { provider: 'wa' }), 'wa')).toMatchObject({ error: null });

    const report = await t.call('health.report', {});
    expect(report.quality.stored).toBe(true);
    expect(report.quality.signals.map((q) => [q.provider, q.topic, q.rating, q.detail])).toEqual([
      ['wa', 'template_status', 'PAUSED', 'autumn_sale (ru): LOW_QUALITY'],
      ['wa', 'phone_quality', 'FLAGGED', 'TIER_1K'],
    ]);
    expect(report.weeks.reduce((n, w) => n + w.quality, 0)).toBe(2);
    expect(report.warnings.filter((w) => w.kind === 'quality')).toHaveLength(2);
    // The next WhatsApp plan carries them.
    await grantPaper(t.call, '+79120000001', 'whatsapp', t.form);
    const plan = await t.call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text: TEXT });
    expect(plan.health.filter((w) => w.kind === 'quality').map((w) => w.detail)).toEqual([
      'wa: PAUSED — autumn_sale (ru): LOW_QUALITY',
      'wa: FLAGGED — TIER_1K',
    ]);
  });

  it('one relay for a Twilio and a WhatsApp Cloud API provider: whichever syncs first records each webhook under its own provider', async () => {
    const cloud = await startFakeWhatsapp();
    try {
      const t = await shop();
      await t.call('providers.save', {
        name: 'tw',
        kind: 'twilio',
        options: { accountSid: SID, from: FROM, baseUrl: twilio.url, relayUrl: relay.url },
        secrets: { authToken: TOKEN, relayToken: PULL },
      });
      await t.call('providers.save', {
        name: 'wa',
        kind: 'whatsapp-cloud',
        options: { phoneNumberId: FAKE_WHATSAPP.phoneNumberId, baseUrl: cloud.url, relayUrl: `${relay.url}/`, ratePerSecond: '10' },
        secrets: { accessToken: FAKE_WHATSAPP.accessToken, relayToken: PULL },
      });
      for (const n of ['01', '02']) await grantPaper(t.call, `+791200000${n}`, 'whatsapp', t.form);
      const plan = await t.call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text: TEXT });
      expect(
        (
          await t.call('campaign.send', {
            batch: plan.batch,
            providers: ['wa'],
            template: { name: 'autumn_sale', language: 'ru' },
            wait: true,
            sync: false,
          })
        ).sent,
      ).toBe(2);
      const wamid = (await t.call('campaign.recipients', { batch: plan.batch, limit: 10 })).recipients.map((r) => r.providerMessageId!);
      expect(wamid).toHaveLength(2);
      // Meta posts a delivery and a failure to the relay, and a reply; the Twilio provider syncs first and takes the page.
      clock.advance(60_000);
      const at = Math.floor(clock.now() / 1000);
      expect(
        (await metaPost(relay.url, APP_SECRET, metaStatus({ id: wamid[0]!, recipient: '+79120000001', status: 'delivered', timestamp: at }))).status,
      ).toBe(200);
      expect(
        (
          await metaPost(
            relay.url,
            APP_SECRET,
            metaStatus({ id: wamid[1]!, recipient: '+79120000002', status: 'failed', timestamp: at, errorCode: 131026 }),
          )
        ).status,
      ).toBe(200);
      expect(
        (await metaPost(relay.url, APP_SECRET, metaMessage({ id: 'wamid.reply-1', from: '+79120000001', text: 'Стоп', timestamp: at }))).status,
      ).toBe(200);
      expect(line(await t.call('providers.sync', { provider: 'tw' }), 'tw')).toMatchObject({ inbound: 1, optOuts: 1, statuses: 2, error: null });
      expect(await left()).toBe(0);
      // Each result found its recipient in the WhatsApp campaign, and the reply names the WhatsApp provider.
      const after = (await t.call('campaign.recipients', { batch: plan.batch, limit: 10 })).recipients;
      expect(after.map((r) => r.status).sort()).toEqual(['delivered', 'failed']);
      const stop = (await t.call('contacts.get', { phone: '+79120000001' })).timeline.find((e) => e.action === 'revoke' && e.channel === 'whatsapp')!;
      expect(stop.evidence.source).toBe('wa (whatsapp-cloud) message wamid.reply-1');
      // The WhatsApp provider syncing next finds nothing left, and nothing is recorded twice.
      expect(line(await t.call('providers.sync', { provider: 'wa' }), 'wa')).toMatchObject({ inbound: 0, optOuts: 0, statuses: 0, error: null });
    } finally {
      await cloud.close();
    }
  });

  it('a wrong pull token stops that provider with SYNC_REFUSED and keeps the relay’s events', async () => {
    const t = await shop();
    await t.call('providers.save', {
      name: 'wa',
      kind: 'whatsapp-cloud',
      options: { phoneNumberId: '106540352242922', baseUrl: await closedPortUrl(), relayUrl: relay.url },
      secrets: { accessToken: 'meta-access-token', relayToken: 'not-the-pull-token' },
    });
    const at = Math.floor(clock.now() / 1000) - 60;
    expect((await metaPost(relay.url, APP_SECRET, metaUserPreference({ waId: '+79120000003', value: 'stop', timestamp: at }))).status).toBe(200);
    const out = line(await t.call('providers.sync', {}), 'wa');
    expect(out.error?.code).toBe('SYNC_REFUSED');
    expect(await left()).toBe(1);
    // The other providers synced in the same call.
    expect(line(await t.call('providers.sync', {}), 'tw').error).toBeNull();
  });
});
