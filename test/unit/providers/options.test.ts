import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/errors';
import { createAdapter, providerOptionSpecs, validateProviderOptions } from '../../../electron/core/sending/providers/index';
import { ProviderKinds, type ProviderConfig } from '../../../electron/core/sending/providers/types';
import { mapSecrets, testEnv } from '../../support/fake-providers/secrets';

const SID = `AC${'0'.repeat(32)}`;

function refusal(config: ProviderConfig, secrets = mapSecrets()): AppError {
  try {
    createAdapter(config, testEnv(secrets));
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('VALIDATION_FAILED');
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('providerOptionSpecs', () => {
  it('lists each kind’s settings, secrets marked, with English descriptions and valid patterns', () => {
    const secretsOf = (k: (typeof ProviderKinds)[number]) =>
      providerOptionSpecs(k)
        .filter((s) => s.secret)
        .map((s) => [s.key, s.required]);
    // relayToken: the pull token of a relay that receives the provider's webhooks (optional).
    expect(secretsOf('twilio')).toEqual([
      ['authToken', true],
      ['relayToken', false],
    ]);
    expect(secretsOf('whatsapp-cloud')).toEqual([
      ['accessToken', true],
      ['relayToken', false],
    ]);
    expect(secretsOf('smsc')).toEqual([['password', true]]);
    expect(secretsOf('smsru')).toEqual([['apiId', true]]);
    expect(secretsOf('webhook')).toEqual([['token', false]]);
    expect(secretsOf('file')).toEqual([]);
    for (const kind of ProviderKinds) {
      const specs = providerOptionSpecs(kind);
      expect(specs.map((s) => s.key)).toEqual(expect.arrayContaining(['baseUrl', 'ratePerSecond']));
      for (const s of specs) {
        expect(s.description).toMatch(/^[A-Z"]/);
        if (s.pattern) expect(() => new RegExp(s.pattern!)).not.toThrow();
      }
    }
    expect(
      providerOptionSpecs('twilio')
        .filter((s) => s.required && !s.secret)
        .map((s) => s.key),
    ).toEqual(['accountSid']);
  });
});

describe('validateProviderOptions', () => {
  it('accepts good options', () => {
    expect(validateProviderOptions('twilio', { accountSid: SID, from: '+15005550006', ratePerSecond: '1.5' })).toEqual([]);
    expect(validateProviderOptions('twilio', { accountSid: SID, from: 'LavkaShop' })).toEqual([]);
    expect(validateProviderOptions('twilio', { accountSid: SID, messagingServiceSid: `MG${'a'.repeat(32)}` })).toEqual([]);
    expect(validateProviderOptions('whatsapp-cloud', { phoneNumberId: '1065', apiVersion: 'v23.0', defaultLanguage: 'en_US' })).toEqual([]);
    expect(validateProviderOptions('smsru', { from: 'Lavka', test: '1' })).toEqual([]);
    expect(validateProviderOptions('webhook', { url: 'https://relay.example/hook' })).toEqual([]);
    expect(validateProviderOptions('file', { format: 'xlsx', delimiter: ';', columns: 'generic', dir: '/tmp/x' })).toEqual([]);
  });

  it('names the option and what it should be', () => {
    expect(validateProviderOptions('twilio', { accountSid: 'AC123', from: '+15005550006' })).toMatchObject([
      { path: 'options.accountSid', message: 'not valid: Twilio Account SID (AC followed by 32 hex digits).' },
    ]);
    expect(validateProviderOptions('twilio', { accountSid: SID })).toMatchObject([
      { path: 'options.from', message: 'give a sender: from (SMS), messagingServiceSid, or whatsappFrom (WhatsApp)' },
    ]);
    expect(validateProviderOptions('whatsapp-cloud', {}).map((p) => p.path)).toEqual(['options.phoneNumberId']);
    expect(validateProviderOptions('whatsapp-cloud', { phoneNumberId: '1', apiVersion: '23' }).map((p) => p.path)).toEqual(['options.apiVersion']);
    expect(validateProviderOptions('webhook', { url: 'ftp://x' }).map((p) => p.path)).toEqual(['options.url']);
    expect(validateProviderOptions('file', { format: 'pdf' }).map((p) => p.path)).toEqual(['options.format']);
    expect(validateProviderOptions('smsru', { ratePerSecond: '0' })).toMatchObject([
      { path: 'options.ratePerSecond', key: 'providers.rateNotPositive', message: 'must be more than 0' },
    ]);
    expect(validateProviderOptions('smsru', { ratePerSecond: 'fast' }).map((p) => p.path)).toEqual(['options.ratePerSecond']);
  });

  it('refuses unknown keys and secrets put among the options', () => {
    expect(validateProviderOptions('smsru', { sender: 'Lavka' })).toMatchObject([
      { path: 'options.sender', message: 'not an option of smsru; known: from, test, baseUrl, ratePerSecond' },
    ]);
    expect(validateProviderOptions('smsru', { apiId: 'x' })).toMatchObject([
      { path: 'options.apiId', message: 'is a secret: store it with the secrets, not in the options' },
    ]);
  });
});

describe('createAdapter', () => {
  it('refuses bad options with VALIDATION_FAILED and the fields', () => {
    const e = refusal({ name: 'shop', kind: 'twilio', options: { from: '+15005550006' } });
    expect(e.message).toMatch(/^options\.accountSid: required/);
    expect(e.details?.fields).toMatchObject([
      { path: 'options.accountSid', key: 'providers.optionRequired', params: { option: 'accountSid' }, message: expect.stringMatching(/^required/) },
    ]);
  });

  it('says where a missing secret comes from', () => {
    const e = refusal({ name: 'shop', kind: 'twilio', options: { accountSid: SID, from: '+15005550006' } });
    expect(e.message).toBe('secrets.authToken: the Twilio auth token is missing; set it in the test secrets (shop/authToken)');
    expect(e.details?.fields?.[0]?.path).toBe('secrets.authToken');
    expect(refusal({ name: 'wa', kind: 'whatsapp-cloud', options: { phoneNumberId: '1' } }).message).toMatch(
      /access token is missing; set it in the test secrets \(wa\/accessToken\)/,
    );
    expect(refusal({ name: 'ru', kind: 'smsru', options: {} }).message).toMatch(/api_id is missing/);
  });

  it('needs a folder for the file hand-off', () => {
    expect(refusal({ name: 'f', kind: 'file', options: {} }).details?.fields).toMatchObject([
      { path: 'options.dir', message: 'required: no hand-off folder is set; give dir' },
    ]);
  });

  it('refuses an unknown kind', () => {
    expect(refusal({ name: 'x', kind: 'carrier-pigeon' as never, options: {} }).details?.fields?.[0]?.path).toBe('kind');
  });

  it('builds adapters with default and configured rates', () => {
    const env = testEnv(mapSecrets({ s: { authToken: 't', accessToken: 't', apiId: 't' } }), { outDir: '/tmp' });
    const rate = (kind: ProviderConfig['kind'], options: Record<string, string>) => createAdapter({ name: 's', kind, options }, env).ratePerSecond;
    expect(rate('twilio', { accountSid: SID, from: '+15005550006' })).toBe(10);
    expect(rate('whatsapp-cloud', { phoneNumberId: '1' })).toBe(80);
    expect(rate('smsru', {})).toBe(10);
    expect(rate('webhook', { url: 'http://localhost/x' })).toBe(50);
    expect(rate('file', {})).toBe(10_000);
    expect(rate('smsru', { ratePerSecond: '2.5' })).toBe(2.5);
  });
});
