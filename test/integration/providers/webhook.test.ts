import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { startFakeWebhook, type FakeWebhook } from '../../support/fake-providers/webhook';
import { closedPortUrl, mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const TOKEN = 'hook-secret';
let fake: FakeWebhook;
let open: FakeWebhook;
beforeAll(async () => {
  fake = await startFakeWebhook({ token: TOKEN });
  open = await startFakeWebhook({ path: '/relay/in' });
});
afterAll(async () => {
  await fake.close();
  await open.close();
});
afterEach(() => {
  fake.reset();
  open.reset();
});

const adapter = (options: Record<string, string> = {}, timeoutMs = 2_000, token: string | null = TOKEN): ProviderAdapter =>
  createAdapter(
    { name: 'hook', kind: 'webhook', options: { url: fake.hookUrl, ...options } },
    testEnv(mapSecrets(token ? { hook: { token } } : {}), { timeoutMs }),
  );
const last = () => fake.received[fake.received.length - 1]!;

describe('webhook adapter', () => {
  it('posts the message as JSON with Idempotency-Key and the bearer token', async () => {
    const m = outgoing({ channel: 'whatsapp', purpose: 'service', batch: 12, idempotencyKey: 'optin-b12-r5' });
    const out = await adapter().send(m);
    const req = last();
    expect(req).toMatchObject({ method: 'POST', path: '/hook', contentType: 'application/json' });
    expect(req.rejected).toBeUndefined();
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['idempotency-key']).toBe('optin-b12-r5');
    expect(req.json).toEqual({
      to: '+79161234567',
      text: m.text,
      channel: 'whatsapp',
      purpose: 'service',
      batch: 12,
      idempotencyKey: 'optin-b12-r5',
    });
    expect(out).toEqual({ kind: 'accepted', providerMessageId: 'wh-1' });
  });

  it('sends no Authorization without a token; carries both channels at 50/s', async () => {
    const a = createAdapter({ name: 'open', kind: 'webhook', options: { url: open.hookUrl } }, testEnv(mapSecrets()));
    expect(a.channels).toEqual(['sms', 'whatsapp']);
    expect(a.ratePerSecond).toBe(50);
    expect(await a.send(outgoing())).toMatchObject({ kind: 'accepted', providerMessageId: 'wh-1' });
    expect(open.received[0]!.headers.authorization).toBeUndefined();
  });

  it('a repeat with the same key is dropped by the receiver, so reconcile says resend', async () => {
    const m = outgoing();
    expect(await adapter().send(m)).toMatchObject({ kind: 'accepted', providerMessageId: 'wh-1' });
    expect(await adapter().reconcile(m, Date.now())).toEqual({ kind: 'resend' });
    expect(await adapter().send(m)).toMatchObject({ kind: 'accepted', providerMessageId: 'wh-1' });
    expect(fake.messages).toHaveLength(1);
  });

  it('a 2xx without a JSON id is still taken', async () => {
    fake.script([{ httpStatus: 204, body: '' }]);
    expect(await adapter().send(outgoing())).toEqual({ kind: 'accepted', providerMessageId: null });
  });

  it.each([408, 425, 429, 500, 503])('HTTP %i → retry', async (status) => {
    fake.script([{ httpStatus: status, retryAfter: 5 }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: `HTTP_${status}`, afterMs: 5_000, maybeDelivered: false });
  });

  it('other 4xx → fail; the optional optedOut / invalidNumber answers map to the register', async () => {
    fake.script([{ refuse: 400 }, { refuse: 'opted_out' }, { refuse: 'invalid_number' }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'refused', code: 'HTTP_400', action: 'fail' });
    const opted = await adapter().send(outgoing());
    expect(opted).toMatchObject({ kind: 'refused', code: 'OPTED_OUT', action: 'opted_out' });
    expect(opted.kind === 'refused' && opted.message).not.toMatch(/9161234567/);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'refused', code: 'INVALID_NUMBER', action: 'invalid_number' });
  });

  it('a wrong token (401 from the receiver) stops the batch', async () => {
    expect(await adapter({}, 2_000, 'wrong').send(outgoing())).toMatchObject({ kind: 'refused', code: 'HTTP_401', action: 'stop_batch' });
    expect(last().rejected).toBe('auth');
  });

  it('timeout → maybe delivered; refused connection → not; baseUrl overrides url', async () => {
    fake.script(['hang']);
    expect(await adapter({}, 150).send(outgoing())).toMatchObject({ kind: 'retry', code: 'TIMEOUT', maybeDelivered: true });
    expect(await adapter({ url: await closedPortUrl() }).send(outgoing())).toMatchObject({
      kind: 'retry',
      code: 'ECONNREFUSED',
      maybeDelivered: false,
    });
    await adapter({ url: 'http://127.0.0.1:1/never', baseUrl: fake.hookUrl }).send(outgoing());
    expect(fake.messages).toHaveLength(1);
  });
});
