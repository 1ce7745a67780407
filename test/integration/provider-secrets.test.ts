import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecrets, MemorySecrets } from '../../electron/core/infra/secrets';
import { scopedBackend } from '../support/backend';
import { optin } from '../support/cli';
import { FAKE_TWILIO, startFakeTwilio, startFakeWebhook } from '../support/fake-providers';
import { startEchoProvider, type EchoEncoding, type EchoKind } from '../support/fake-providers/echo';
import { exposures } from '../support/secret-forms';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function webhookReceiver(token?: string) {
  const fake = await startFakeWebhook(token ? { token } : {});
  cleanups.push(() => fake.close());
  return fake;
}

const TOKEN = 'shop-webhook-token-7f3a9c1e5b';

describe('providers.save: a secret never follows the provider to a new address', () => {
  it('changing the URL clears the stored token and says so; the new address gets no token (the rebinding attack’s second half)', async () => {
    const { call } = scopedBackend({ secrets: new MemorySecrets() });
    const shop = await webhookReceiver(TOKEN);
    const attacker = await webhookReceiver();
    await call('settings.update', { shopPhone: '+7 912 000-00-00', defaultCountry: 'RU' });
    const first = await call('providers.save', { name: 'shop hook', kind: 'webhook', options: { url: shop.hookUrl }, secrets: { token: TOKEN } });
    expect(first).toMatchObject({ destinationChanged: false, secretCleared: false, secrets: [{ key: 'token', set: true }] });
    expect(await call('providers.test', { name: 'shop hook' })).toMatchObject({ ok: true });
    expect(shop.received.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const moved = await call('providers.save', { name: 'shop hook', kind: 'webhook', options: { url: attacker.hookUrl } });
    expect(moved).toMatchObject({ destinationChanged: true, secretCleared: true, secrets: [{ key: 'token', set: false }] });
    await call('providers.test', { name: 'shop hook' });
    expect(attacker.received).toHaveLength(1);
    expect(attacker.received[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(attacker.received)).not.toContain(TOKEN);

    // The audit says the secret was cleared, naming the field and never the value.
    const audit = await call('audit.list', {});
    const entry = JSON.stringify(audit);
    expect(entry).toContain('secretsCleared');
    expect(entry).not.toContain(TOKEN);
  });

  it('a token from the environment does not follow either (the local host falls back to it)', async () => {
    const env = { OPTIN_SHOP_HOOK_TOKEN: TOKEN };
    const { call } = scopedBackend({ secrets: new MemorySecrets(new EnvSecrets(env)) });
    const shop = await webhookReceiver(TOKEN);
    const elsewhere = await webhookReceiver();
    await call('settings.update', { shopPhone: '+7 912 000-00-00', defaultCountry: 'RU' });
    const saved = await call('providers.save', { name: 'shop hook', kind: 'webhook', options: { url: shop.hookUrl } });
    expect(saved.secrets[0]).toMatchObject({ set: true, source: 'the provider settings or $OPTIN_SHOP_HOOK_TOKEN' });
    const moved = await call('providers.save', { name: 'shop hook', kind: 'webhook', options: { url: elsewhere.hookUrl } });
    expect(moved).toMatchObject({
      destinationChanged: true,
      secretCleared: true,
      secrets: [{ key: 'token', set: false, source: 'the provider settings' }],
    });
    await call('providers.test', { name: 'shop hook' });
    expect(elsewhere.received[0]!.headers.authorization).toBeUndefined();
    // Typed in again, it is used at the new address.
    await call('providers.save', {
      name: 'shop hook',
      kind: 'webhook',
      options: { url: elsewhere.hookUrl },
      secrets: { token: 'new-token-for-new-place' },
    });
    await call('providers.test', { name: 'shop hook' });
    expect(elsewhere.received[1]!.headers.authorization).toBe('Bearer new-token-for-new-place');
  });

  it('keeps the secret when nothing about the address changes, and takes a new one given with a new address', async () => {
    const { call } = scopedBackend({ secrets: new MemorySecrets() });
    const shop = await webhookReceiver(TOKEN);
    const next = await webhookReceiver('token-for-the-next-relay');
    await call('providers.save', { name: 'hook', kind: 'webhook', options: { url: shop.hookUrl }, secrets: { token: TOKEN } });
    const rate = await call('providers.save', { name: 'hook', kind: 'webhook', options: { url: shop.hookUrl, ratePerSecond: '5' } });
    expect(rate).toMatchObject({ destinationChanged: false, secretCleared: false, secrets: [{ set: true }] });
    // The same address written differently (a trailing slash) is the same destination.
    const same = await call('providers.save', { name: 'hook', kind: 'webhook', options: { url: `${shop.hookUrl}/` } });
    expect(same).toMatchObject({ destinationChanged: false, secretCleared: false });
    const moved = await call('providers.save', {
      name: 'hook',
      kind: 'webhook',
      options: { url: next.hookUrl },
      secrets: { token: 'token-for-the-next-relay' },
    });
    expect(moved).toMatchObject({ destinationChanged: true, secretCleared: false, secrets: [{ set: true }] });
    expect(await call('providers.test', { name: 'hook', to: '+79120000009' })).toMatchObject({ ok: true });
    expect(next.received[0]!.headers.authorization).toBe('Bearer token-for-the-next-relay');
    // The webhook's baseUrl overrides its url, so it is a destination too.
    const based = await call('providers.save', { name: 'hook', kind: 'webhook', options: { url: next.hookUrl, baseUrl: shop.hookUrl } });
    expect(based).toMatchObject({ destinationChanged: true, secretCleared: true });
  });

  it('Twilio, the Cloud API and SMS.ru: a new base URL (or kind) clears their secrets; the default written out is no change', async () => {
    const { call } = scopedBackend({ secrets: new MemorySecrets() });
    const sid = FAKE_TWILIO.accountSid;
    await call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: sid, from: '+15005550006' },
      secrets: { authToken: 'tw-token' },
    });
    const explicitDefault = await call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: sid, from: '+15005550006', baseUrl: 'https://API.twilio.com/' },
    });
    expect(explicitDefault).toMatchObject({ destinationChanged: false, secretCleared: false });
    const edge = await call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: sid, from: '+15005550006', baseUrl: 'https://api.dublin.ie1.twilio.com' },
    });
    expect(edge).toMatchObject({
      destinationChanged: true,
      secretCleared: true,
      secrets: [
        { key: 'authToken', set: false },
        { key: 'relayToken', set: false },
      ],
    });

    await call('providers.save', { name: 'wa', kind: 'whatsapp-cloud', options: { phoneNumberId: '123' }, secrets: { accessToken: 'wa-token' } });
    const wa = await call('providers.save', {
      name: 'wa',
      kind: 'whatsapp-cloud',
      options: { phoneNumberId: '123', baseUrl: 'http://127.0.0.1:9/' },
    });
    expect(wa).toMatchObject({ destinationChanged: true, secretCleared: true });

    await call('providers.save', { name: 'ru', kind: 'smsru', options: {}, secrets: { apiId: 'ru-api-id' } });
    const kind = await call('providers.save', { name: 'ru', kind: 'webhook', options: { url: 'https://relay.example/in' } });
    expect(kind).toMatchObject({ destinationChanged: true, secretCleared: true });

    const kinds = await call('providers.kinds', {});
    const destinations = kinds.kinds.flatMap((k) => k.options.filter((o) => o.destination).map((o) => `${k.kind}.${o.key}`));
    expect(destinations).toEqual(
      expect.arrayContaining(['twilio.baseUrl', 'webhook.url', 'webhook.baseUrl', 'smsru.baseUrl', 'whatsapp-cloud.baseUrl']),
    );
    expect(destinations).not.toContain('twilio.accountSid');
  });
});

describe('optin: a provider that echoes the request never gets a secret printed or exported', () => {
  const SECRETS: Record<EchoKind, { env: string; secret: string; users: string[]; flags: (target: string) => string[] }> = {
    twilio: {
      env: 'OPTIN_ECHO_AUTH_TOKEN',
      secret: 'twilio/+Tok="en\\ 5a7c9e1b3d8f2640',
      users: [FAKE_TWILIO.accountSid],
      flags: (u) => ['--account', FAKE_TWILIO.accountSid, '--from', '+15005550006', '--base-url', u],
    },
    'whatsapp-cloud': {
      env: 'OPTIN_ECHO_ACCESS_TOKEN',
      secret: 'EAAG/wa+tok=en"\\q&z 8642097531',
      users: [],
      flags: (u) => ['--phone-number-id', '123', '--base-url', u],
    },
    smsru: { env: 'OPTIN_ECHO_API_ID', secret: 'A1B2C3D4-/+=&"\\ äж-E5F6A7B8', users: [], flags: (u) => ['--base-url', u] },
    webhook: { env: 'OPTIN_ECHO_TOKEN', secret: 'wh/tok+en="\\q&z 1357924680abcdef', users: [], flags: (u) => ['--url', u] },
  };

  function registerDir() {
    const dir = mkdtempSync(join(tmpdir(), 'optin-secrets-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { dir, db: join(dir, 'register.db') };
  }

  for (const kind of Object.keys(SECRETS) as EchoKind[])
    it(`${kind}: providers test prints the provider's refusal without the secret, as text and JSON, for every echo encoding`, async () => {
      const { secret, env, users, flags } = SECRETS[kind];
      const { db } = registerDir();
      const echo = await startEchoProvider(kind);
      cleanups.push(() => echo.close());
      process.env[env] = secret;
      cleanups.push(() => void delete process.env[env]);
      const added = await optin(db, 'providers', 'add', '--name', 'echo', '--kind', kind, ...flags(echo.target), '--json');
      expect(added.code, added.err).toBe(0);
      for (const encoding of ['plain', 'json', 'base64', 'url'] as EchoEncoding[]) {
        echo.setEncoding(encoding);
        for (const json of [false, true]) {
          echo.reset();
          const channel = kind === 'whatsapp-cloud' ? ['--channel', 'whatsapp'] : [];
          const r = await optin(db, 'providers', 'test', 'echo', '--to', '+79120000009', ...channel, ...(json ? ['--json'] : []));
          expect(echo.echoes).toHaveLength(1);
          expect(exposures(echo.echoes[0]!, secret, users).length, `${encoding}: the echo carried the secret`).toBeGreaterThan(0);
          expect(r.out + r.err, `${encoding} json=${json}`).toContain('[redacted]');
          expect(exposures(r.out, secret, users), `${encoding} json=${json} stdout`).toEqual([]);
          expect(exposures(r.err, secret, users), `${encoding} json=${json} stderr`).toEqual([]);
        }
      }
    });

  async function shop(db: string) {
    const run = async (...args: string[]) => {
      const r = await optin(db, ...args);
      expect(r.code, r.err).toBe(0);
      return r;
    };
    await run(
      'settings',
      'set',
      '--business-name',
      'Лавка',
      '--sender-name',
      'LAVKA',
      '--phone',
      '+7 912 000-00-00',
      '--country',
      'RU',
      '--policy',
      'ru',
    );
    const form = (
      await run(
        'forms',
        'create',
        '--lang',
        'ru',
        '--channels',
        'sms',
        '--purposes',
        'service,personal_data',
        '--text',
        'Согласен получать сообщения о заказах «Лавка» по SMS. Отписка: СТОП.',
        '--json',
      )
    ).json();
    for (const purpose of ['service', 'personal_data'])
      await run(
        'consent',
        'grant',
        '--phone',
        '+79120000001',
        '--name',
        'Анна',
        '--channel',
        'sms',
        '--purpose',
        purpose,
        '--method',
        'paper_form',
        '--form',
        String(form.id),
        '--sheet',
        'S-000001',
      );
  }

  for (const kind of ['webhook', 'twilio', 'smsru'] as const)
    it(`${kind}: a batch refused with the echo keeps no secret in recipients or the CSV report`, async () => {
      const { secret, env, users, flags } = SECRETS[kind];
      const { dir, db } = registerDir();
      const echo = await startEchoProvider(kind, { encoding: 'plain' });
      cleanups.push(() => echo.close());
      process.env[env] = secret;
      cleanups.push(() => void delete process.env[env]);
      await shop(db);
      expect((await optin(db, 'providers', 'add', '--name', 'echo', '--kind', kind, ...flags(echo.target))).code).toBe(0);
      const plan = (
        await optin(db, 'batch', 'plan', '--channel', 'sms', '--purpose', 'service', '--text', 'Лавка: заказ готов. Отписка: СТОП', '--json')
      ).json();
      const sent = await optin(db, 'batch', 'send', String(plan.batch), '--provider', 'echo', '--json');
      expect(sent.code, sent.err).toBe(0);
      expect(sent.json()).toMatchObject({ failed: 1 });
      expect(exposures(echo.echoes[0]!, secret, users).length).toBeGreaterThan(0);
      for (const json of [false, true]) {
        const recipients = await optin(db, 'batch', 'recipients', String(plan.batch), ...(json ? ['--json'] : []));
        expect(recipients.out).toContain('[redacted]');
        expect(exposures(recipients.out + recipients.err, secret, users)).toEqual([]);
      }
      // The stored reason itself is clean, not just what the CLI prints: read with the secret out of the environment.
      delete process.env[env];
      const stored = await optin(db, 'batch', 'recipients', String(plan.batch), '--json');
      expect(stored.out).toContain('[redacted]');
      expect(exposures(stored.out, secret, users)).toEqual([]);
      const csv = join(dir, 'report.csv');
      expect((await optin(db, 'batch', 'report', String(plan.batch), '--out', csv)).code).toBe(0);
      const report = readFileSync(csv, 'utf8');
      expect(report).toContain('[redacted]');
      expect(exposures(report, secret, users)).toEqual([]);
    });

  it('optin providers add: moving a provider whose secret is in the environment says where it will now go', async () => {
    const { db } = registerDir();
    const twilio = await startFakeTwilio();
    cleanups.push(() => twilio.close());
    process.env.OPTIN_TW_AUTH_TOKEN = FAKE_TWILIO.authToken;
    cleanups.push(() => void delete process.env.OPTIN_TW_AUTH_TOKEN);
    const base = ['providers', 'add', '--name', 'tw', '--kind', 'twilio', '--account', FAKE_TWILIO.accountSid, '--from', '+15005550006'];
    expect((await optin(db, ...base, '--base-url', twilio.url)).code).toBe(0);
    const moved = await optin(db, ...base, '--base-url', 'https://api.dublin.ie1.twilio.com');
    expect(moved.code, moved.err).toBe(0);
    expect(moved.out).toContain('the address changed: secret authToken from $OPTIN_TW_AUTH_TOKEN will be sent to the new address');
    const json = (await optin(db, ...base, '--base-url', twilio.url, '--json')).json();
    expect(json).toMatchObject({ destinationChanged: true, secretCleared: false });
  });
});
