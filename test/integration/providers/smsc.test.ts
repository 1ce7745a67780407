import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { startFakeSmsc, type FakeSmsc } from '../../support/fake-providers/smsc';
import { mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

let fake: FakeSmsc;
beforeAll(async () => {
  fake = await startFakeSmsc();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const adapter = (): ProviderAdapter =>
  createAdapter(
    { name: 'sc', kind: 'smsc', options: { login: fake.login, baseUrl: fake.url } },
    testEnv(mapSecrets({ sc: { password: fake.password } })),
  );
const last = () => fake.received[fake.received.length - 1]!;

async function sent(): Promise<string> {
  const out = await adapter().send(outgoing());
  if (out.kind !== 'accepted' || !out.providerMessageId) throw new Error(`not accepted: ${JSON.stringify(out)}`);
  return out.providerMessageId;
}

describe('smsc adapter: delivery status', () => {
  // SMSC's status table, https://smsc.ru/api/http/status_messages/statuses/ (English:
  // https://smscentre.com/api/http/status_messages/): -3 not found, -2 stopped, -1 waiting, 0 passed to the operator,
  // 1 delivered, 2 read, 3 expired, 4 link opened, 20 cannot be delivered, 22 wrong number, 23 prohibited,
  // 24 no funds, 25 number unavailable.
  const cases: [number, unknown][] = [
    [-1, null],
    [0, null],
    [1, { status: 'delivered' }],
    [2, { status: 'read' }],
    [4, { status: 'read' }],
    // Stopped: SMSC will not send it, so the recipient does not wait as "sent" for ever.
    [-2, { status: 'failed', code: '-2', action: 'fail' }],
    [3, { status: 'undeliverable', code: '3', action: 'fail' }],
    [20, { status: 'undeliverable', code: '20', action: 'fail' }],
    [22, { status: 'undeliverable', code: '22', action: 'invalid_number' }],
    [23, { status: 'undeliverable', code: '23', action: 'fail' }],
    [24, { status: 'undeliverable', code: '24', action: 'fail' }],
    [25, { status: 'undeliverable', code: '25', action: 'fail' }],
  ];
  it.each(cases)('%i → %j', async (code, expected) => {
    const id = await sent();
    fake.setStatus(fake.messages[0]!.id, code);
    expect(await adapter().status!(id, 'sms')).toEqual(expected);
    expect(last()).toMatchObject({ method: 'POST', path: '/sys/status.php' });
    expect(last().form).toMatchObject({ login: fake.login, phone: '79161234567', id: fake.messages[0]!.id, fmt: '3' });
  });

  it('reconcile: -3 (not found) is safe to send again; a stopped message was taken', async () => {
    expect(await adapter().reconcile(outgoing(), Date.now())).toEqual({ kind: 'resend' });
    const id = await sent();
    fake.setStatus(fake.messages[0]!.id, -2);
    expect(await adapter().reconcile(outgoing(), Date.now())).toEqual({ kind: 'accepted', providerMessageId: id });
  });
});
