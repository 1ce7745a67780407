import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';
import { fastParsePhone } from './fast-path';
import { isMessageableReach } from './reach';

/** How a number can be reached, as far as the numbering metadata knows. */
export type PhoneReach = 'mobile' | 'fixed_or_mobile' | 'fixed_line' | 'other' | 'unknown';

/** A phone number in E.164 with what the metadata says about it. */
export interface NormalizedPhone {
  e164: string;
  country: string | null;
  reach: PhoneReach;
  /** False when the metadata says the number cannot receive SMS or WhatsApp (e.g. a fixed line). */
  messageable: boolean;
  /** National digits without the trunk prefix, for search. */
  nationalNumber: string;
  extension: string | null;
}

/** Outcome of normalising user-typed text; never throws on user data. */
export type PhoneResult = { ok: true; value: NormalizedPhone } | { ok: false; reason: PhoneRefusal };

/** Why a typed number was refused. */
export type PhoneRefusal = 'empty' | 'not_a_number' | 'too_short' | 'too_long' | 'invalid_country' | 'invalid';

const REFUSAL_TEXT: Record<PhoneRefusal, string> = {
  empty: 'no number given',
  not_a_number: 'not a phone number',
  too_short: 'too short for its country',
  too_long: 'too long for its country',
  invalid_country: 'no country code and no valid default country',
  invalid: 'not a valid number for its country',
};

/** English reason for a refusal, for CLI and logs; the UI translates the code. */
export function describePhoneRefusal(reason: PhoneRefusal): string {
  return REFUSAL_TEXT[reason];
}

/** True for a syntactically plausible ISO 3166 alpha-2 code. */
export function isCountryCode(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value);
}

/** True for a country whose numbering plan is known (so it can serve as the default country of typed numbers). */
export function isKnownCountry(value: string): boolean {
  return isCountryCode(value) && isSupportedCountry(value);
}

/**
 * Normalise typed text to E.164 using the shop's default country (so `8 (912) 345-67-89` with RU
 * becomes `+79123456789`). The country's own international prefix (00 in Europe, 011 in North America) and `+` are understood.
 */
export function normalizePhone(input: string, defaultCountry?: string | null): PhoneResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  // Arabic-Indic and other decimal digits count as digits; text with none cannot be a number.
  if (!/\p{Nd}/u.test(text)) return { ok: false, reason: 'not_a_number' };
  // International prefixes (00, 810, 011…) differ per country; the metadata knows them.
  const cleaned = text;
  const country = defaultCountry && isCountryCode(defaultCountry.toUpperCase()) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  // Plain digits and separators take a port of the library's steps with precompiled patterns
  // (fast-path.ts); anything else goes to the library itself. Both give the same answers.
  const fast = fastParsePhone(cleaned, country);
  if (fast !== null) {
    if (fast.error !== undefined) return parseErrorResult(fast.error);
    if (!fast.valid) return invalidResult(fast.nationalNumber, fast.possible);
    return validResult(fast.number, fast.country, fast.type, fast.nationalNumber, undefined);
  }
  try {
    const parsed = parsePhoneNumberWithError(cleaned, country ? { defaultCountry: country } : {});
    if (!parsed.isValid()) return invalidResult(parsed.nationalNumber, parsed.isPossible());
    return validResult(parsed.number, parsed.country, parsed.getType(), parsed.nationalNumber, parsed.ext);
  } catch (err) {
    if (err instanceof ParseError) return parseErrorResult(err.message);
    return { ok: false, reason: 'not_a_number' };
  }
}

/**
 * The number a message came from (or a STOP typed in from a provider's screen): providers and WhatsApp show numbers
 * with their country code and no "+" ("4915112345001", "447911123001"). Digits without "+", "00" or a trunk 0 are read
 * internationally when that reading is a valid number and either the national reading is not, or the digits begin with
 * the shop's own calling code (nobody writes a national number that way). Otherwise as {@link normalizePhone} reads it:
 * "2025550123" in a US shop stays American.
 */
export function normalizeSender(input: string, defaultCountry?: string | null): PhoneResult {
  const national = normalizePhone(input, defaultCountry);
  const text = input.trim();
  if (!/^[\d\s().-]+$/.test(text)) return national;
  const digits = text.replace(/\D/g, '');
  if (digits.startsWith('0') || digits.length < 8) return national;
  const international = normalizePhone(`+${digits}`);
  if (!international.ok) return national;
  const country = defaultCountry && isCountryCode(defaultCountry.toUpperCase()) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  const own = country ? getCountryCallingCode(country) : null;
  if (!national.ok || (own !== null && digits.startsWith(own) && national.value.e164 !== international.value.e164)) return international;
  return national;
}

function invalidResult(nationalNumber: string, possible: boolean | undefined): PhoneResult {
  if (possible === false && nationalNumber.length < 6) return { ok: false, reason: 'too_short' };
  return { ok: false, reason: 'invalid' };
}

function validResult(
  e164: string,
  country: string | undefined,
  type: string | undefined,
  nationalNumber: string,
  ext: string | undefined,
): PhoneResult {
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
  const messageable = isMessageableReach(reach);
  return {
    ok: true,
    value: { e164, country: country ?? null, reach, messageable, nationalNumber, extension: ext ?? null },
  };
}

function parseErrorResult(code: string): PhoneResult {
  switch (code) {
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

/** Digits a person might type to find this number: full international and national forms. */
export function phoneSearchTokens(e164: string, nationalNumber: string): string {
  return `${e164.slice(1)} ${nationalNumber}`;
}

/** A stored E.164 number as people read it on paper: "+7 912 000-00-00"; the input itself if it does not parse. */
export function formatPhoneForPeople(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatInternational();
  } catch {
    return e164;
  }
}
