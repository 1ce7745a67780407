import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import { REDACTED } from '../../../electron/core/sending/providers/redact';
import type { ProviderAdapter, ProviderConfig } from '../../../electron/core/sending/providers/types';
import { startEchoProvider, type EchoEncoding, type EchoKind, type FakeEcho } from '../../support/fake-providers/echo';
import { mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';
import { exposures } from '../../support/secret-forms';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const KEY_SID = `SK${'fedcba9876543210'.repeat(2)}`;

/** Per kind: the secret (with characters every encoding changes), the Basic user it travels with, and the config. */
const KINDS: Record<EchoKind, { field: string; secret: string; users: string[]; config: (target: string) => ProviderConfig }> = {
  twilio: {
    field: 'authToken',
    secret: 'tw/Tok+en="q\\x"&y z-5a7c9e1b3d8f2640',
    users: [SID],
    config: (baseUrl) => ({
      name: 'echo',
      kind: 'twilio',
      options: { accountSid: SID, from: '+15005550006', whatsappFrom: '+15005550007', baseUrl },
    }),
  },
  'whatsapp-cloud': {
    field: 'accessToken',
    secret: 'EAAG/wa+tok=en"\\q&z 9876543210fedcba',
    users: [],
    config: (baseUrl) => ({ name: 'echo', kind: 'whatsapp-cloud', options: { phoneNumberId: '106540352242922', baseUrl } }),
  },
  smsru: {
    field: 'apiId',
    secret: 'A1B2C3D4-/+=&"\\ äж-E5F6A7B8',
    users: [],
    config: (baseUrl) => ({ name: 'echo', kind: 'smsru', options: { baseUrl } }),
  },
  webhook: {
    field: 'token',
    secret: 'wh/tok+en="\\q&z 1357924680abcdef',
    users: [],
    config: (url) => ({ name: 'echo', kind: 'webhook', options: { url } }),
  },
};

const ENCODINGS: EchoEncoding[] = ['plain', 'json', 'base64', 'url'];
const fakes = new Map<EchoKind, FakeEcho>();
beforeAll(async () => {
  for (const kind of Object.keys(KINDS) as EchoKind[]) fakes.set(kind, await startEchoProvider(kind));
});
afterAll(async () => {
  for (const f of fakes.values()) await f.close();
});

function adapterFor(kind: EchoKind, secrets = KINDS[kind]): ProviderAdapter {
  const fake = fakes.get(kind)!;
  return createAdapter(secrets.config(fake.target), testEnv(mapSecrets({ echo: { [secrets.field]: secrets.secret } })));
}

const channelOf = (kind: EchoKind) => (kind === 'whatsapp-cloud' ? 'whatsapp' : 'sms');

describe('a provider that echoes the whole request never gets a secret into an outcome', () => {
  for (const kind of Object.keys(KINDS) as EchoKind[])
    for (const encoding of ENCODINGS)
      it(`${kind}, echoed as ${encoding}: the refusal's message and code`, async () => {
        const { secret, users } = KINDS[kind];
        const fake = fakes.get(kind)!;
        fake.reset();
        fake.setMode('refuse');
        fake.setEncoding(encoding);
        const outcome = await adapterFor(kind).send(outgoing({ channel: channelOf(kind) }));
        // The echo did carry the secret (so the test is not vacuous)…
        expect(fake.echoes).toHaveLength(1);
        expect(exposures(fake.echoes[0]!, secret, users).length).toBeGreaterThan(0);
        // …and the outcome keeps the provider's words, without it in any form.
        expect(outcome.kind).toBe('refused');
        if (outcome.kind === 'accepted') return;
        expect(outcome.message).toContain(REDACTED);
        expect(exposures(`${outcome.code} ${outcome.message}`, secret, users)).toEqual([]);
      });

  for (const kind of Object.keys(KINDS) as EchoKind[])
    it(`${kind}: a message id that echoes the request is cleared too`, async () => {
      const { secret, users } = KINDS[kind];
      const fake = fakes.get(kind)!;
      fake.reset();
      fake.setMode('accept');
      fake.setEncoding('plain');
      const outcome = await adapterFor(kind).send(outgoing({ channel: channelOf(kind) }));
      fake.setMode('refuse');
      expect(outcome.kind).toBe('accepted');
      if (outcome.kind !== 'accepted') return;
      expect(outcome.providerMessageId).toContain(REDACTED);
      expect(exposures(outcome.providerMessageId ?? '', secret, users)).toEqual([]);
    });

  it('twilio with an API key: the Basic value of the key SID and the secret is cleared', async () => {
    const fake = fakes.get('twilio')!;
    fake.reset();
    fake.setEncoding('plain');
    const secret = 'key-secret/+=0123456789abcdefABCDEF';
    const a = createAdapter(
      { name: 'echo', kind: 'twilio', options: { accountSid: SID, apiKeySid: KEY_SID, from: '+15005550006', baseUrl: fake.target } },
      testEnv(mapSecrets({ echo: { authToken: secret } })),
    );
    const outcome = await a.send(outgoing());
    expect(fake.echoes[0]).toContain(`Basic ${Buffer.from(`${KEY_SID}:${secret}`).toString('base64')}`);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'accepted') return;
    expect(exposures(outcome.message, secret, [KEY_SID, SID])).toEqual([]);
  });

  it('twilio: status codes, reconcile and inbound texts that echo the request are cleared', async () => {
    const { secret, users } = KINDS.twilio;
    const fake = fakes.get('twilio')!;
    fake.reset();
    fake.setEncoding('base64');
    const a = adapterFor('twilio');
    const update = await a.status!('SM0', 'sms');
    expect(update?.code).toContain(REDACTED);
    expect(exposures(update?.code ?? '', secret, users)).toEqual([]);
    expect(await a.reconcile(outgoing(), Date.now())).toEqual({ kind: 'resend' });
    expect(fake.echoes.length).toBeGreaterThanOrEqual(2);
  });

  it('smsru: a status query refused with the echo throws an error without the api_id', async () => {
    const { secret } = KINDS.smsru;
    const fake = fakes.get('smsru')!;
    for (const encoding of ENCODINGS) {
      fake.reset();
      fake.setEncoding(encoding);
      const err = await adapterFor('smsru').status!('000-1', 'sms').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, encoding).toBeInstanceOf(Error);
      expect(exposures(fake.echoes[0]!, secret).length, encoding).toBeGreaterThan(0);
      expect((err as Error).message, encoding).toContain(REDACTED);
      expect(exposures((err as Error).message, secret), encoding).toEqual([]);
    }
  });
});
