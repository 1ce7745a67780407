import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProviderQueryError, safeMessage } from '../../../electron/core/sending/providers/http';
import { REDACTED, Redactor } from '../../../electron/core/sending/providers/redact';
import { exposures, secretForms } from '../../support/secret-forms';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;

// Secrets as providers issue them (hex, base64, UUID-like) and nasty ones (quotes, slashes, spaces, non-ASCII).
const secretChars = fc.constantFrom(...'abcdefXYZ0123456789+/=-_.~"\\ &?#%:@äж€'.split(''));
const secretArb = fc.array(secretChars, { minLength: 8, maxLength: 48 }).map((a) => a.join(''));
const textArb = fc.string({ maxLength: 40 });

/** Every way the echo tests write a request, applied to a text holding a secret form. */
const wrappings: Record<string, (s: string) => string> = {
  plain: (s) => s,
  json: (s) => JSON.stringify({ echo: s }),
  base64: (s) => Buffer.from(s, 'utf8').toString('base64'),
  url: (s) => encodeURIComponent(s),
  base64url: (s) => Buffer.from(s, 'utf8').toString('base64url'),
};

describe('Redactor', () => {
  it('removes every form of a secret, embedded anywhere and wrapped once more, for arbitrary secrets', () => {
    fc.assert(
      fc.property(secretArb, textArb, textArb, fc.constantFrom(...Object.keys(wrappings)), (secret, before, after, wrap) => {
        const r = new Redactor([secret], [SID]);
        for (const [name, form] of Object.entries(secretForms(secret, [SID]))) {
          const text = wrappings[wrap]!(`${before}${name === 'basic(' + SID + ')' ? 'Basic ' : ''}${form}${after}`);
          const out = r.text(text);
          expect(exposures(out, secret, [SID]), `${name} wrapped ${wrap} in ${JSON.stringify(text)}`).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text without secrets alone, and works with no secrets at all', () => {
    const r = new Redactor(['s3cr3t-token-value'], [SID]);
    expect(r.text('Twilio 21211: the To number … is not valid')).toBe('Twilio 21211: the To number … is not valid');
    expect(new Redactor([undefined, '', null]).text('anything s3cr3t')).toBe('anything s3cr3t');
    expect(r.text('Bearer s3cr3t-token-value!')).toBe(`Bearer ${REDACTED}!`);
    // Percent escapes match in either case.
    const odd = new Redactor(['a/b c+d=e&f']);
    expect(odd.text(`x=${encodeURIComponent('a/b c+d=e&f').toLowerCase()}`)).toBe(`x=${REDACTED}`);
  });

  it('clears outcomes, delivery codes, inbound texts and thrown errors', async () => {
    const secret = 'tok-ABCDEFGHIJKLMNOP';
    const r = new Redactor([secret]);
    expect(r.outcome({ kind: 'refused', code: secret, message: `echo ${secret}`, action: 'fail' })).toEqual({
      kind: 'refused',
      code: REDACTED,
      message: `echo ${REDACTED}`,
      action: 'fail',
    });
    expect(r.outcome({ kind: 'accepted', providerMessageId: `id-${secret}` })).toEqual({ kind: 'accepted', providerMessageId: `id-${REDACTED}` });
    expect(r.outcome({ kind: 'accepted', providerMessageId: null })).toEqual({ kind: 'accepted', providerMessageId: null });
    expect(r.delivery({ status: 'failed', code: secret, action: 'fail' })).toEqual({ status: 'failed', code: REDACTED, action: 'fail' });
    expect(r.inbound([{ providerMessageId: 'SM1', from: '+1', to: null, channel: 'sms', text: `hi ${secret}`, at: 1 }])[0]!.text).toBe(
      `hi ${REDACTED}`,
    );
    const thrown = await r
      .guard(async () => {
        throw new ProviderQueryError(`C${secret}`, `status: ${secret}`);
      })
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProviderQueryError);
    expect((thrown as ProviderQueryError).message).toBe(`status: ${REDACTED}`);
    expect((thrown as ProviderQueryError).code).toBe(`C${REDACTED}`);
  });

  it('redacts before masking digits and cutting, so no piece of a secret survives either', () => {
    // A Twilio-like token is mostly digits: masking first would leave "ab…cd" and the redaction would then miss it.
    const secret = 'ab1234567890123456789012cd';
    const r = new Redactor([secret]);
    const long = `${'x'.repeat(190)} ${secret}`;
    expect(safeMessage(`token ${secret} refused`, 'none', (t) => r.text(t))).toBe(`token ${REDACTED} refused`);
    const cut = safeMessage(long, 'none', (t) => r.text(t));
    expect(cut).not.toContain('ab');
    expect(cut.length).toBeLessThanOrEqual(200);
  });
});
