import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter, SendOutcome } from '../../../electron/core/sending/providers/types';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-providers/twilio';
import { closedPortUrl, mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'test-auth-token';
const FROM = '+15005550006';
const WA_FROM = '+15005550007';
const HX = `HX${'ab'.repeat(16)}`;
const secrets = mapSecrets({ shop: { authToken: TOKEN } });

let clock = Date.now();
let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => clock });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.reset();
  clock = Date.now();
});

const adapter = (options: Record<string, string> = {}, timeoutMs = 2_000): ProviderAdapter =>
  createAdapter(
    { name: 'shop', kind: 'twilio', options: { accountSid: SID, from: FROM, whatsappFrom: WA_FROM, baseUrl: fake.url, ...options } },
    testEnv(secrets, { timeoutMs }),
  );
const last = () => fake.received[fake.received.length - 1]!;

describe('twilio adapter: the request Twilio sees', () => {
  it('posts an SMS form to the account Messages resource with basic auth, + and Cyrillic intact', async () => {
    const m = outgoing();
    const out = await adapter().send(m);
    const req = last();
    expect(req).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${SID}/Messages.json`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(req.rejected).toBeUndefined();
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req.form).toEqual({ To: '+79161234567', From: FROM, Body: m.text });
    expect(req.raw).toContain('To=%2B79161234567');
    expect(out).toEqual({ kind: 'accepted', providerMessageId: fake.messages[0]!.sid, status: undefined });
    expect(fake.messages[0]!.sid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('authenticates as the API key when apiKeySid is set', async () => {
    const key = `SK${'cd'.repeat(16)}`;
    const f = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, apiKeySid: key });
    try {
      const a = createAdapter(
        { name: 'shop', kind: 'twilio', options: { accountSid: SID, apiKeySid: key, from: FROM, baseUrl: f.url } },
        testEnv(secrets),
      );
      expect(await a.send(outgoing())).toMatchObject({ kind: 'accepted' });
      expect(f.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${key}:${TOKEN}`).toString('base64')}`);
    } finally {
      await f.close();
    }
  });

  it('sends WhatsApp with whatsapp: prefixes on both numbers', async () => {
    const out = await adapter().send(outgoing({ channel: 'whatsapp' }));
    expect(out.kind).toBe('accepted');
    expect(last().form).toMatchObject({ To: 'whatsapp:+79161234567', From: `whatsapp:${WA_FROM}` });
  });

  it('sends an HX content template as ContentSid + ContentVariables, never with Body', async () => {
    const template = { name: HX, language: 'ru', parameters: ['Анна', '20%'] };
    await adapter().send(outgoing({ channel: 'whatsapp', template }));
    expect(last().form).toEqual({
      To: 'whatsapp:+79161234567',
      From: `whatsapp:${WA_FROM}`,
      ContentSid: HX,
      ContentVariables: '{"1":"Анна","2":"20%"}',
    });
    await adapter().send(outgoing({ channel: 'whatsapp', template: { ...template, parameters: [] } }));
    expect(last().form).toEqual({ To: 'whatsapp:+79161234567', From: `whatsapp:${WA_FROM}`, ContentSid: HX });
    // A Meta-style template name (not HX…) cannot be sent through Twilio: the rendered text goes as Body.
    await adapter().send(outgoing({ template: { name: 'spring_sale', language: 'ru', parameters: ['x'] } }));
    expect(last().form?.Body).toBeDefined();
    expect(last().form?.ContentSid).toBeUndefined();
  });

  it('uses the Messaging Service for SMS when one is set, and derives the channels from the senders', async () => {
    const mg = `MG${'ef'.repeat(16)}`;
    const a = adapter({ messagingServiceSid: mg, whatsappFrom: '' });
    expect(a.channels).toEqual(['sms', 'whatsapp']);
    await a.send(outgoing());
    expect(last().form).toEqual({ To: '+79161234567', MessagingServiceSid: mg, Body: outgoing().text });
    expect(adapter({ whatsappFrom: '' }).channels).toEqual(['sms']);
    const waOnly = adapter({ from: '' });
    expect(waOnly.channels).toEqual(['whatsapp']);
    expect(await waOnly.send(outgoing())).toMatchObject({ kind: 'refused', code: 'CHANNEL_UNSUPPORTED', action: 'fail' });
    expect(adapter().ratePerSecond).toBe(10);
    expect(adapter({ ratePerSecond: '1' }).ratePerSecond).toBe(1);
  });

  it('reports the status Twilio already gives', async () => {
    fake.script([{ ok: true, status: 'sent' }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'accepted', status: 'sent' });
  });
});

describe('twilio adapter: refusals (DOMAIN §3.4)', () => {
  const cases: [number, 'sms' | 'whatsapp', SendOutcome['kind'], string?][] = [
    [21610, 'sms', 'refused', 'opted_out'],
    [63014, 'whatsapp', 'refused', 'opted_out'],
    [21211, 'sms', 'refused', 'invalid_number'],
    [21614, 'sms', 'refused', 'invalid_number'],
    [21635, 'sms', 'refused', 'invalid_number'],
    [21612, 'whatsapp', 'refused', 'unreachable'],
    [21612, 'sms', 'refused', 'fail'],
    [63016, 'whatsapp', 'refused', 'unreachable'],
    [63049, 'whatsapp', 'refused', 'unreachable'],
    [20003, 'sms', 'refused', 'stop_batch'],
    [21606, 'sms', 'refused', 'stop_batch'],
    [21608, 'sms', 'refused', 'stop_batch'],
    [21408, 'sms', 'refused', 'stop_batch'],
    [30002, 'sms', 'refused', 'stop_batch'],
    [30007, 'sms', 'refused', 'fail'],
    [30004, 'sms', 'refused', 'fail'],
    [12345, 'sms', 'refused', 'fail'],
    [21611, 'sms', 'retry'],
    [30001, 'sms', 'retry'],
    [20429, 'sms', 'retry'],
  ];
  it.each(cases)('code %i on %s → %s %s', async (code, channel, kind, action) => {
    fake.script([{ refuse: code }]);
    const out = await adapter().send(outgoing({ channel }));
    expect(out.kind).toBe(kind);
    if (out.kind === 'refused') expect(out).toMatchObject({ code: String(code), action });
    if (out.kind === 'retry') expect(out).toMatchObject({ code: String(code), maybeDelivered: false });
    // Twilio echoes the number in its message; the outcome must not carry it.
    if (out.kind !== 'accepted') expect(out.message).not.toMatch(/9161234567/);
  });

  it('takes a wrong auth token as a stop (the fake answers 401/20003 like Twilio)', async () => {
    const a = createAdapter(
      { name: 'other', kind: 'twilio', options: { accountSid: SID, from: FROM, baseUrl: fake.url } },
      testEnv(mapSecrets({ other: { authToken: 'wrong' } })),
    );
    expect(await a.send(outgoing())).toMatchObject({ kind: 'refused', code: '20003', action: 'stop_batch' });
    expect(last().rejected).toBe('auth');
  });
});

describe('twilio adapter: retries and the network', () => {
  it('429 with Retry-After → retry after that long, not delivered', async () => {
    fake.script((req) =>
      req.route === 'send' ? { httpStatus: 429, retryAfter: 7, body: { code: 20429, message: 'Too Many Requests', status: 429 } } : undefined,
    );
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: '20429', maybeDelivered: false, afterMs: 7000 });
  });

  it('5xx → retry; Retry-After as an HTTP date', async () => {
    fake.script([{ httpStatus: 500 }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: 'HTTP_500', maybeDelivered: false });
    fake.script([{ httpStatus: 503, retryAfter: new Date(Date.now() + 30_000).toUTCString(), body: 'down' }]);
    const out = await adapter().send(outgoing());
    expect(out).toMatchObject({ kind: 'retry', code: 'HTTP_503' });
    expect(out.kind === 'retry' && out.afterMs).toBeGreaterThan(25_000);
  });

  it('a timeout after sending → retry, maybe delivered', async () => {
    fake.script(['hang']);
    const t = Date.now();
    expect(await adapter({}, 150).send(outgoing())).toMatchObject({ kind: 'retry', code: 'TIMEOUT', maybeDelivered: true });
    expect(Date.now() - t).toBeLessThan(1_500);
  });

  it('a dropped connection → retry, maybe delivered', async () => {
    fake.script(['drop']);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', maybeDelivered: true });
  });

  it('connection refused → retry, certainly not delivered', async () => {
    const a = adapter({ baseUrl: await closedPortUrl() });
    expect(await a.send(outgoing())).toMatchObject({ kind: 'retry', code: 'ECONNREFUSED', maybeDelivered: false });
  });

  it("the caller's abort ends the request", async () => {
    fake.script(['hang']);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await adapter().send(outgoing(), ac.signal)).toMatchObject({ kind: 'retry', code: 'CANCELLED', maybeDelivered: true });
    expect(await adapter().send(outgoing(), ac.signal)).toMatchObject({ kind: 'retry', code: 'CANCELLED', maybeDelivered: false });
  });
});

describe('twilio adapter: reconcile', () => {
  it('finds a message Twilio created after all (same body, recent, outbound)', async () => {
    const since = Date.now();
    fake.script([{ delayMs: 200 }]);
    const m = outgoing();
    expect(await adapter({}, 60).send(m)).toMatchObject({ kind: 'retry', maybeDelivered: true });
    await new Promise((r) => setTimeout(r, 250));
    expect(fake.messages).toHaveLength(1);
    expect(await adapter().reconcile(m, since)).toEqual({ kind: 'accepted', providerMessageId: fake.messages[0]!.sid });
    const q = last();
    expect(q).toMatchObject({ method: 'GET', route: 'list', query: { To: '+79161234567', PageSize: '20' } });
  });

  it('matches WhatsApp by the whatsapp: address and content templates by ContentSid', async () => {
    const m = outgoing({ channel: 'whatsapp', template: { name: HX, language: 'ru', parameters: ['Анна'] } });
    await adapter().send(m);
    expect(await adapter().reconcile(m, Date.now() - 1000)).toMatchObject({ kind: 'accepted', providerMessageId: fake.messages[0]!.sid });
    expect(last().query.To).toBe('whatsapp:+79161234567');
  });

  it('nothing recent with that body → resend', async () => {
    const m = outgoing();
    expect(await adapter().reconcile(m, Date.now())).toEqual({ kind: 'resend' });
    await adapter().send(outgoing({ text: 'другой текст' }));
    expect(await adapter().reconcile(m, Date.now())).toEqual({ kind: 'resend' });
    clock = Date.now() - 10 * 60_000;
    await adapter().send(m);
    expect(await adapter().reconcile(m, Date.now())).toEqual({ kind: 'resend' });
  });

  it('a list that cannot be fetched throws, so the outbox asks again later', async () => {
    fake.script([{ httpStatus: 500 }]);
    await expect(adapter().reconcile(outgoing(), Date.now())).rejects.toThrow(/HTTP 500/);
    await expect(adapter({ baseUrl: await closedPortUrl() }).reconcile(outgoing(), Date.now())).rejects.toThrow(/connect/);
  });
});

describe('twilio adapter: delivery status', () => {
  const cases: [string, number | null, 'sms' | 'whatsapp', unknown][] = [
    ['queued', null, 'sms', null],
    ['accepted', null, 'sms', null],
    ['sending', null, 'sms', null],
    ['sent', null, 'sms', { status: 'sent' }],
    ['delivered', null, 'sms', { status: 'delivered' }],
    ['read', null, 'whatsapp', { status: 'read' }],
    ['undelivered', 30005, 'sms', { status: 'undeliverable', code: '30005', action: 'invalid_number' }],
    ['undelivered', 30006, 'sms', { status: 'undeliverable', code: '30006', action: 'invalid_number' }],
    ['undelivered', 30003, 'sms', { status: 'undeliverable', code: '30003', action: 'fail' }],
    ['undelivered', 21610, 'sms', { status: 'undeliverable', code: '21610', action: 'opted_out' }],
    ['undelivered', 63049, 'whatsapp', { status: 'undeliverable', code: '63049', action: 'unreachable' }],
    ['failed', 30007, 'sms', { status: 'failed', code: '30007', action: 'fail' }],
    ['failed', 30008, 'sms', { status: 'failed', code: '30008', action: 'fail' }],
  ];
  it.each(cases)('%s %s (%s) → %j', async (status, code, channel, expected) => {
    await adapter().send(outgoing({ channel }));
    const sid = fake.messages[0]!.sid;
    fake.setStatus(sid, status, code);
    expect(await adapter().status!(sid, channel)).toEqual(expected);
    expect(last()).toMatchObject({ method: 'GET', route: 'get', path: `/2010-04-01/Accounts/${SID}/Messages/${sid}.json` });
  });

  it('an unknown message or a failed query throws', async () => {
    await expect(adapter().status!('SM00000000000000000000000000000000', 'sms')).rejects.toThrow(/404/);
  });
});

describe('twilio adapter: inbound', () => {
  it('fetches replies to our SMS and WhatsApp numbers since a time, without prefixes', async () => {
    const since = Date.now() - 60_000;
    fake.addInbound({ from: '+79160000001', to: FROM, body: 'СТОП', at: since + 1000 });
    fake.addInbound({ from: 'whatsapp:+79160000002', to: `whatsapp:${WA_FROM}`, body: 'Да, хочу акции', at: since + 2000 });
    fake.addInbound({ from: '+79160000003', to: FROM, body: 'old', at: since - 1000 });
    fake.addInbound({ from: '+79160000004', to: '+15550000000', body: 'other number', at: since + 3000 });
    await adapter().send(outgoing());
    const got = await adapter().inbound!(since);
    expect(got).toEqual([
      {
        providerMessageId: expect.stringMatching(/^SM/),
        from: '+79160000001',
        to: FROM,
        channel: 'sms',
        text: 'СТОП',
        at: Math.floor((since + 1000) / 1000) * 1000,
      },
      {
        providerMessageId: expect.stringMatching(/^SM/),
        from: '+79160000002',
        to: WA_FROM,
        channel: 'whatsapp',
        text: 'Да, хочу акции',
        at: Math.floor((since + 2000) / 1000) * 1000,
      },
    ]);
    const lists = fake.received.filter((r) => r.route === 'list');
    expect(lists.map((r) => r.query.To)).toEqual([FROM, `whatsapp:${WA_FROM}`]);
    expect(lists[0]!.query['DateSent>']).toBe(new Date(since).toISOString().slice(0, 10));
  });

  it('follows next_page_uri', async () => {
    const since = Date.now() - 3_600_000;
    for (let i = 0; i < 230; i++)
      fake.addInbound({ from: `+7916${String(i).padStart(7, '0')}`, to: FROM, body: `m${i}`, at: since + 1000 + i * 1000 });
    const got = await adapter({ whatsappFrom: '' }).inbound!(since);
    expect(got).toHaveLength(230);
    expect(new Set(got.map((g) => g.providerMessageId)).size).toBe(230);
    expect(fake.received.filter((r) => r.route === 'list')).toHaveLength(3);
  });
});
