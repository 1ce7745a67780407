import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { startFakeWhatsapp, type FakeWhatsapp } from '../../support/fake-providers/whatsapp-cloud';
import { closedPortUrl, mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const PHONE_ID = '123456789012345';
const TOKEN = 'EAAG-test-token';
const secrets = mapSecrets({ wa: { accessToken: TOKEN } });
const template = { name: 'spring_sale', language: 'ru', parameters: ['Анна', '20%'] };

let fake: FakeWhatsapp;
beforeAll(async () => {
  fake = await startFakeWhatsapp({ phoneNumberId: PHONE_ID, accessToken: TOKEN });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const adapter = (options: Record<string, string> = {}, timeoutMs = 2_000, store = secrets): ProviderAdapter =>
  createAdapter(
    { name: 'wa', kind: 'whatsapp-cloud', options: { phoneNumberId: PHONE_ID, baseUrl: fake.url, ...options } },
    testEnv(store, { timeoutMs }),
  );
const last = () => fake.received[fake.received.length - 1]!;
const wa = (over = {}) => outgoing({ channel: 'whatsapp', template, ...over });

describe('whatsapp-cloud adapter: the request Meta sees', () => {
  it('posts a template as JSON with a bearer token; digits-only recipient; Cyrillic parameters intact', async () => {
    const out = await adapter().send(wa());
    const req = last();
    expect(req).toMatchObject({ method: 'POST', path: `/v23.0/${PHONE_ID}/messages`, contentType: 'application/json' });
    expect(req.rejected).toBeUndefined();
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '79161234567',
      type: 'template',
      template: {
        name: 'spring_sale',
        language: { code: 'ru', policy: 'deterministic' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Анна' },
              { type: 'text', text: '20%' },
            ],
          },
        ],
      },
    });
    expect(out).toEqual({ kind: 'accepted', providerMessageId: fake.accepted[0]!.id });
    expect(fake.accepted[0]!.id).toMatch(/^wamid\./);
  });

  it('omits components without parameters, falls back to defaultLanguage, honours apiVersion', async () => {
    await adapter({ apiVersion: 'v21.0', defaultLanguage: 'en_US' }).send(wa({ template: { name: 'hello', language: '', parameters: [] } }));
    expect(last().path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect((last().json as { template: unknown }).template).toEqual({ name: 'hello', language: { code: 'en_US', policy: 'deterministic' } });
  });

  it('sends free text (inside the 24-hour window) when there is no template', async () => {
    await adapter().send(outgoing({ channel: 'whatsapp' }));
    expect(last().json).toMatchObject({ type: 'text', text: { body: outgoing().text }, to: '79161234567' });
    expect(last().rejected).toBeUndefined();
  });

  it('carries only WhatsApp, at 80/s unless told', async () => {
    const a = adapter();
    expect(a.channels).toEqual(['whatsapp']);
    expect(a.ratePerSecond).toBe(80);
    expect(a.status).toBeUndefined();
    expect(a.inbound).toBeUndefined();
    expect(await a.send(outgoing())).toMatchObject({ kind: 'refused', code: 'CHANNEL_UNSUPPORTED' });
    expect(fake.received).toHaveLength(0);
  });
});

describe('whatsapp-cloud adapter: error codes (DOMAIN §2.6)', () => {
  const refused: [number, string][] = [
    [0, 'stop_batch'],
    [190, 'stop_batch'],
    [3, 'stop_batch'],
    [10, 'stop_batch'],
    [200, 'stop_batch'],
    [299, 'stop_batch'],
    [131031, 'stop_batch'],
    [131042, 'stop_batch'],
    [368, 'stop_batch'],
    [131048, 'stop_batch'],
    [131026, 'unreachable'],
    [131050, 'opted_out'],
    [131047, 'fail'],
    [100, 'fail'],
    [132000, 'fail'],
    [132001, 'fail'],
    [132012, 'fail'],
    [132018, 'fail'],
    [135000, 'fail'],
  ];
  it.each(refused)('%i → refused %s', async (code, action) => {
    fake.script([{ refuse: code }]);
    const out = await adapter().send(wa());
    expect(out).toMatchObject({ kind: 'refused', code: String(code), action });
    expect(out.kind !== 'accepted' && out.message).not.toMatch(/9161234567/);
  });

  it.each([4, 80007, 130429, 131056, 1, 2, 131000])('%i → retry', async (code) => {
    fake.script([{ refuse: code }]);
    expect(await adapter().send(wa())).toMatchObject({ kind: 'retry', code: String(code), maybeDelivered: false });
  });

  it('131049: never again for +1 numbers, much later elsewhere', async () => {
    fake.script([{ refuse: 131049 }, { refuse: 131049 }]);
    expect(await adapter().send(wa({ to: '+12025550123' }))).toMatchObject({ kind: 'refused', code: '131049', action: 'unreachable' });
    const out = await adapter().send(wa());
    expect(out).toMatchObject({ kind: 'retry', code: '131049' });
    expect(out.kind === 'retry' && out.afterMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it('a wrong token is refused by the fake with 190 and stops the batch', async () => {
    const out = await adapter({}, 2_000, mapSecrets({ wa: { accessToken: 'expired' } })).send(wa());
    expect(out).toMatchObject({ kind: 'refused', code: '190', action: 'stop_batch' });
    expect(last().rejected).toBe('auth');
  });

  it('a wrong phone number id comes back as code 100 → fail', async () => {
    expect(await adapter({ phoneNumberId: '999' }).send(wa())).toMatchObject({ kind: 'refused', code: '100', action: 'fail' });
  });
});

describe('whatsapp-cloud adapter: retries and the network', () => {
  it('429 with Retry-After and no code → retry after it', async () => {
    fake.script([{ httpStatus: 429, retryAfter: '12', body: 'slow down' }]);
    expect(await adapter().send(wa())).toMatchObject({ kind: 'retry', code: 'HTTP_429', afterMs: 12_000, maybeDelivered: false });
  });

  it('130429 with Retry-After uses the header', async () => {
    fake.script([{ httpStatus: 400, retryAfter: '3', body: { error: { code: 130429, message: '(#130429) Rate limit hit' } } }]);
    expect(await adapter().send(wa())).toMatchObject({ kind: 'retry', code: '130429', afterMs: 3_000 });
  });

  it('5xx without a code → retry', async () => {
    fake.script([{ httpStatus: 500, body: 'oops' }, { httpStatus: 502 }]);
    expect(await adapter().send(wa())).toMatchObject({ kind: 'retry', code: 'HTTP_500', maybeDelivered: false });
    // A gateway error may hide a request that went through.
    expect(await adapter().send(wa())).toMatchObject({ kind: 'retry', code: 'HTTP_502', maybeDelivered: true });
  });

  it('timeout → retry maybe delivered; refused connection → not delivered', async () => {
    fake.script(['hang']);
    expect(await adapter({}, 150).send(wa())).toMatchObject({ kind: 'retry', code: 'TIMEOUT', maybeDelivered: true });
    expect(await adapter({ baseUrl: await closedPortUrl() }).send(wa())).toMatchObject({
      kind: 'retry',
      code: 'ECONNREFUSED',
      maybeDelivered: false,
    });
  });

  it('reconcile cannot tell: no idempotency key, no message query', async () => {
    expect(await adapter().reconcile(wa(), Date.now())).toEqual({ kind: 'unknown' });
    expect(fake.received).toHaveLength(0);
  });
});
