import type { AdapterEnv, OutgoingMessage, SecretStore } from '../../../electron/core/sending/providers/types';

/** A SecretStore test double over a Map: `{ providerName: { field: value } }`. */
export function mapSecrets(values: Record<string, Record<string, string>> = {}): SecretStore & { values: Map<string, string> } {
  const map = new Map<string, string>();
  for (const [provider, fields] of Object.entries(values)) for (const [field, v] of Object.entries(fields)) map.set(`${provider}/${field}`, v);
  return {
    persistent: false,
    values: map,
    get: (provider, field) => map.get(`${provider}/${field}`),
    set: (provider, field, value) => void map.set(`${provider}/${field}`, value),
    remove: (provider) => {
      for (const k of [...map.keys()]) if (k.startsWith(`${provider}/`)) map.delete(k);
    },
    describe: (provider, field) => `the test secrets (${provider}/${field})`,
  };
}

/** An AdapterEnv for tests: short timeout, real clock unless given. */
export function testEnv(secrets: SecretStore, extra: Partial<AdapterEnv> = {}): AdapterEnv {
  return { secrets, timeoutMs: 2_000, now: Date.now, ...extra };
}

/** A message with sensible defaults. */
export function outgoing(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    idempotencyKey: 'optin-b7-r1',
    to: '+79161234567',
    channel: 'sms',
    text: 'Привет, Анна! Скидка 20% + подарок & ещё. Отписка: СТОП',
    purpose: 'marketing',
    batch: 7,
    ...over,
  };
}

/** An address nothing listens on (a port just released). */
export async function closedPortUrl(): Promise<string> {
  const net = await import('node:net');
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
