import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberWithError,
  ParseError,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { normalizePhone, type PhoneReach, type PhoneResult } from '../../../shared/domain/phone/normalize';
import { fastParsePhone } from '../../../shared/domain/phone/fast-path';
import fixture from '../../fixtures/phones_public.json';

/** The implementation before the fast path, kept verbatim as the oracle. */
function oracle(input: string, defaultCountry?: string | null): PhoneResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (!/\p{Nd}/u.test(text)) return { ok: false, reason: 'not_a_number' };
  const cleaned = text;
  const country = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry.toUpperCase()) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberWithError(cleaned, country ? { defaultCountry: country } : {});
    if (!parsed.isValid()) {
      const digits = parsed.nationalNumber.length;
      if (parsed.isPossible() === false && digits < 6) return { ok: false, reason: 'too_short' };
      return { ok: false, reason: 'invalid' };
    }
    const type = parsed.getType();
    const reach: PhoneReach =
      type === 'MOBILE'
        ? 'mobile'
        : type === 'FIXED_LINE_OR_MOBILE'
          ? 'fixed_or_mobile'
          : type === 'FIXED_LINE'
            ? 'fixed_line'
            : type === undefined
              ? 'unknown'
              : 'other';
    const messageable = reach === 'mobile' || reach === 'fixed_or_mobile' || reach === 'unknown';
    return {
      ok: true,
      value: {
        e164: parsed.number,
        country: parsed.country ?? null,
        reach,
        messageable,
        nationalNumber: parsed.nationalNumber,
        extension: parsed.ext ?? null,
      },
    };
  } catch (err) {
    if (err instanceof ParseError) {
      switch (err.message) {
        case 'INVALID_COUNTRY':
          return { ok: false, reason: 'invalid_country' };
        case 'TOO_SHORT':
          return { ok: false, reason: 'too_short' };
        case 'TOO_LONG':
          return { ok: false, reason: 'too_long' };
        default:
          return { ok: false, reason: 'not_a_number' };
      }
    }
    return { ok: false, reason: 'not_a_number' };
  }
}

const COUNTRIES = ['RU', 'KZ', 'BY', 'UA', 'DE', 'FR', 'GB', 'US', 'CA', 'IN', 'BR', 'TR', 'AE', 'IT', 'ES', 'NL', 'PL'];

function same(input: string, country: string | null | undefined): void {
  expect(normalizePhone(input, country), `${JSON.stringify(input)} (${String(country)})`).toEqual(oracle(input, country));
}

/** True when the fast path answered without falling back to the library. */
function fast(input: string, country: CountryCode): boolean {
  return fastParsePhone(input.trim(), country) !== null;
}

const defaultCountry = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...COUNTRIES) },
  { weight: 1, arbitrary: fc.constantFrom<string | null | undefined>(null, undefined, '', 'ru', 'ZZ', 'XK', 'GG') },
);
const separator = fc.constantFrom('', '', '', ' ', ' ', '-', '.', '(', ')', ' (', ') ', '  ', '/', '\u00a0');
const prefix = fc.constantFrom('', '', '', '+', '00', '8', '0', '+7', '+1', '810', '011', '+0', '001', '(', '+(', '8 0');
const group = fc.stringMatching(/^[0-9]{1,4}$/);

describe('normalizePhone fast path gives the same results as libphonenumber-js', () => {
  it('on every public fixture case', () => {
    for (const c of fixture.cases) same(c.raw, c.default_country);
  });

  it('takes the fast path for the usual shapes', () => {
    const usual: [string, CountryCode][] = [
      ['+79123456789', 'RU'],
      ['+7 912 345-67-89', 'DE'],
      ['8 (912) 345-67-89', 'RU'],
      ['0151 23456789', 'DE'],
      ['(202) 555-0123', 'US'],
      ['07700 900123', 'GB'],
      ['0049 1512 3456789', 'DE'],
      ['+1 (613) 555-0123', 'CA'],
      ['+7 701 123 4567', 'RU'],
    ];
    for (const [input, country] of usual) {
      expect(fast(input, country), input).toBe(true);
      same(input, country);
    }
    expect(normalizePhone('8 (912) 345-67-89', 'RU')).toMatchObject({ ok: true, value: { e164: '+79123456789' } });
    expect(normalizePhone('+7 701 123 4567', 'RU')).toMatchObject({ ok: true, value: { country: 'KZ' } });
  });

  it('on random digit groups with separators and prefixes (15,000 runs)', () => {
    fc.assert(
      fc.property(prefix, fc.array(fc.tuple(group, separator), { maxLength: 6 }), defaultCountry, (p, groups, c) => {
        same(p + groups.map(([g, s]) => g + s).join(''), c);
      }),
      { numRuns: 15_000 },
    );
  });

  it('on text the fast path does not cover (3,000 runs)', () => {
    const noisy = fc
      .array(
        fc.constantFrom(
          ...'0123456789+-() .'.split(''),
          'x',
          'ext. ',
          '#',
          ',',
          ';',
          '\t',
          'tel:',
          // Not ';phone-context=…': libphonenumber-js checks it with a global (/g) RegExp whose
          // lastIndex persists, so the library itself answers differently on alternate calls.
          '\uff11',
          '\u0663',
          'a',
          'доб',
          '~',
        ),
        { maxLength: 24 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(noisy, defaultCountry, (s, c) => same(s, c)),
      { numRuns: 3_000 },
    );
  });

  it('on every country example number, formatted the ways people type it', () => {
    let valid = 0;
    let total = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const forms = [
        example.number,
        example.formatInternational(),
        example.formatNational(),
        example.nationalNumber,
        `00${example.countryCallingCode}${example.nationalNumber}`,
        `${example.countryCallingCode} ${example.nationalNumber}`,
      ];
      for (const form of forms) {
        for (const c of [country, 'RU', 'US', 'DE']) {
          same(form, c);
          total++;
          if (normalizePhone(form, c).ok) valid++;
        }
      }
      expect(fast(example.number, country), example.number).toBe(true);
      expect(fast(example.formatNational(), country), example.formatNational()).toBe(true);
    }
    // The success path must be exercised, not only refusals.
    expect(valid).toBeGreaterThan(total / 3);
  });

  it('on example numbers with random trailing digits, national and international (8,000 runs)', () => {
    const all = getCountries().filter((c) => getExampleNumber(c, examples));
    const ownCountry = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...COUNTRIES) }, fc.constantFrom(...all));
    let valid = 0;
    fc.assert(
      fc.property(
        ownCountry,
        fc.nat(4),
        fc.stringMatching(/^[0-9]{0,5}$/),
        fc.nat(5),
        defaultCountry,
        fc.boolean(),
        (country, drop, tail, form, c, useOwn) => {
          const example = getExampleNumber(country as CountryCode, examples)!;
          const nn = example.nationalNumber;
          const national = nn.slice(0, Math.max(1, nn.length - drop)) + tail;
          const cc = getCountryCallingCode(country as CountryCode);
          let text = `+${cc}${national}`;
          try {
            const p = parsePhoneNumberWithError(text);
            text = [p.number, p.formatInternational(), p.formatNational(), `00 ${cc} ${national}`, national, text][form]!;
          } catch {
            text = [national, `8${national}`, `0${national}`, `+${cc} ${national}`, `${cc}${national}`, text][form]!;
          }
          same(text, useOwn ? country : c);
          if (normalizePhone(text, useOwn ? country : c).ok) valid++;
        },
      ),
      { numRuns: 8_000 },
    );
    expect(valid).toBeGreaterThan(1_000);
  });
});
