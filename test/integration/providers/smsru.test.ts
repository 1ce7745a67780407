import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { startFakeSmsru, type FakeSmsru } from '../../support/fake-providers/smsru';
import { closedPortUrl, mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const API_ID = '1A2B3C4D-0000-1111-2222-333344445555';
const secrets = mapSecrets({ ru: { apiId: API_ID } });

let fake: FakeSmsru;
beforeAll(async () => {
  fake = await startFakeSmsru({ apiId: API_ID, senders: ['Lavka'] });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const adapter = (options: Record<string, string> = {}, timeoutMs = 2_000, store = secrets): ProviderAdapter =>
  createAdapter({ name: 'ru', kind: 'smsru', options: { from: 'Lavka', baseUrl: fake.url, ...options } }, testEnv(store, { timeoutMs }));
const last = () => fake.received[fake.received.length - 1]!;

describe('smsru adapter: the request SMS.ru sees', () => {
  it('posts a form to /sms/send: api_id, digits without +, Cyrillic text, json=1, sender', async () => {
    const m = outgoing();
    const out = await adapter().send(m);
    const req = last();
    expect(req).toMatchObject({ method: 'POST', path: '/sms/send', contentType: 'application/x-www-form-urlencoded', query: {} });
    expect(req.rejected).toBeUndefined();
    expect(req.form).toEqual({ api_id: API_ID, to: '79161234567', msg: m.text, json: '1', from: 'Lavka' });
    expect(out).toEqual({ kind: 'accepted', providerMessageId: fake.messages[0]!.id });
    expect(fake.messages[0]).toMatchObject({ to: '79161234567', text: m.text, test: false });
  });

  it('test mode adds test=1; no sender, no from', async () => {
    await adapter({ test: '1', from: '' }).send(outgoing());
    expect(last().form).toEqual({ api_id: API_ID, to: '79161234567', msg: outgoing().text, json: '1', test: '1' });
    expect(fake.messages[0]!.test).toBe(true);
  });

  it('carries only SMS, at 10/s unless told', async () => {
    const a = adapter();
    expect(a.channels).toEqual(['sms']);
    expect(a.ratePerSecond).toBe(10);
    expect(a.inbound).toBeUndefined();
    expect(await a.send(outgoing({ channel: 'whatsapp' }))).toMatchObject({ kind: 'refused', code: 'CHANNEL_UNSUPPORTED' });
  });
});

describe('smsru adapter: answer codes', () => {
  const refused: [number, string][] = [
    [200, 'stop_batch'],
    [201, 'stop_batch'],
    [204, 'stop_batch'],
    [300, 'stop_batch'],
    [301, 'stop_batch'],
    [202, 'invalid_number'],
    [207, 'invalid_number'],
    [209, 'opted_out'],
    [215, 'opted_out'],
    [203, 'fail'],
    [216, 'fail'],
    [299, 'fail'],
  ];
  it.each(refused)('%i → refused %s', async (code, action) => {
    fake.script([{ refuse: code }]);
    const out = await adapter().send(outgoing());
    expect(out).toMatchObject({ kind: 'refused', code: String(code), action });
    expect(out.kind !== 'accepted' && out.message).not.toMatch(/9161234567/);
  });

  const retried: [number, number | undefined][] = [
    [220, undefined],
    [500, undefined],
    [230, 3_600_000],
    [231, 60_000],
    [232, 3_600_000],
  ];
  it.each(retried)('%i → retry after %s', async (code, afterMs) => {
    fake.script([{ refuse: code }]);
    expect(await adapter().send(outgoing())).toEqual(expect.objectContaining({ kind: 'retry', code: String(code), maybeDelivered: false, afterMs }));
  });

  it('the per-number verdict counts even when the request is OK', async () => {
    fake.script([{ refuse: 207, level: 'number' }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'refused', code: '207', action: 'invalid_number' });
    // The fake can be driven from another process through its control endpoints.
    const seen = (await fetch(`${fake.url}/__fake/received`).then((r) => r.json())) as unknown[];
    expect(seen).toHaveLength(1);
    fake.script([{ refuse: 201, level: 'top' }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'refused', code: '201', action: 'stop_batch' });
  });

  it('a wrong api_id is refused by the fake with 200 and stops the batch', async () => {
    const out = await adapter({}, 2_000, mapSecrets({ ru: { apiId: 'nope' } })).send(outgoing());
    expect(out).toMatchObject({ kind: 'refused', code: '200', action: 'stop_batch' });
    expect(last().rejected).toBe('auth');
  });

  it('an unapproved sender name comes back as 204 in the number’s own verdict, under a top-level OK', async () => {
    // The json=1 answer of https://sms.ru/api/send carries a verdict per number; SMS.ru approves a sender name operator
    // by operator, so 204 arrives in the number's entry (as in the answers SMS.ru client libraries record), not at the top.
    const raw = await fetch(`${fake.url}/sms/send`, {
      method: 'POST',
      body: new URLSearchParams({ api_id: API_ID, to: '79161234567', msg: 'x', json: '1', from: 'Other' }),
    }).then((r) => r.json());
    expect(raw).toMatchObject({ status: 'OK', status_code: 100, sms: { '79161234567': { status: 'ERROR', status_code: 204 } } });
    expect(await adapter({ from: 'Other' }).send(outgoing())).toMatchObject({ kind: 'refused', code: '204', action: 'stop_batch' });
  });
});

describe('smsru adapter: retries and the network', () => {
  it('HTTP 5xx and 429 → retry with Retry-After', async () => {
    fake.script([{ httpStatus: 503, retryAfter: 20, body: 'maintenance' }, { httpStatus: 429 }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: 'HTTP_503', afterMs: 20_000, maybeDelivered: false });
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: 'HTTP_429' });
  });

  it('a 200 that is not SMS.ru JSON → retry, maybe delivered', async () => {
    fake.script([{ httpStatus: 200, body: '<html>portal</html>' }]);
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', code: 'BAD_RESPONSE', maybeDelivered: true });
  });

  it('timeout, dropped connection → maybe delivered; refused connection → not', async () => {
    fake.script(['hang', 'drop']);
    expect(await adapter({}, 150).send(outgoing())).toMatchObject({ kind: 'retry', code: 'TIMEOUT', maybeDelivered: true });
    expect(await adapter().send(outgoing())).toMatchObject({ kind: 'retry', maybeDelivered: true });
    expect(await adapter({ baseUrl: await closedPortUrl() }).send(outgoing())).toMatchObject({
      kind: 'retry',
      code: 'ECONNREFUSED',
      maybeDelivered: false,
    });
  });

  it('reconcile cannot tell: SMS.ru has no client message id', async () => {
    expect(await adapter().reconcile(outgoing(), Date.now())).toEqual({ kind: 'unknown' });
  });
});

describe('smsru adapter: delivery status', () => {
  const cases: [number, unknown][] = [
    [100, null],
    [101, null],
    [102, null],
    [103, { status: 'delivered' }],
    [110, { status: 'read' }],
    [104, { status: 'undeliverable', code: '104', action: 'fail' }],
    [105, { status: 'undeliverable', code: '105', action: 'fail' }],
    [108, { status: 'undeliverable', code: '108', action: 'fail' }],
    [150, { status: 'undeliverable', code: '150', action: 'invalid_number' }],
  ];
  it.each(cases)('%i → %j', async (code, expected) => {
    const sent = await adapter().send(outgoing());
    const id = sent.kind === 'accepted' ? sent.providerMessageId! : '';
    fake.setStatus(id, code);
    expect(await adapter().status!(id, 'sms')).toEqual(expected);
    expect(last()).toMatchObject({ method: 'POST', path: '/sms/status', form: { api_id: API_ID, sms_id: id, json: '1' } });
  });

  it('an id SMS.ru does not know → null; a failed query throws', async () => {
    expect(await adapter().status!('000000-99999999', 'sms')).toBeNull();
    fake.script([{ httpStatus: 500 }]);
    await expect(adapter().status!('000000-99999999', 'sms')).rejects.toThrow(/HTTP 500/);
    await expect(adapter({}, 2_000, mapSecrets({ ru: { apiId: 'nope' } })).status!('x', 'sms')).rejects.toThrow(/SMS.ru status/);
  });
});
