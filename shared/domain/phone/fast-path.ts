/**
 * Fast path for `normalizePhone`: a step-by-step port of what `parsePhoneNumberWithError(text,
 * { defaultCountry })` followed by `isValid()`, `isPossible()` and `getType()` do in
 * libphonenumber-js (1.13.x, `max` metadata), restricted to the text shapes people type and
 * spreadsheets hold: ASCII digits, an optional leading `+`, and the separators space, no-break
 * space, `-`, `.`, `/`, `(`, `)`. It reads the library's own metadata object and compiles every
 * regular expression once, where the library compiles them again on each call.
 *
 * Anything else (letters, extensions, `tel:` URIs, other digit scripts, a `+` after the first
 * digit, fewer than three digits, over 250 characters) returns `null` so the caller falls back to
 * the library. The port keeps the library's order of decisions, including its quirks, because the
 * results must stay identical; the property tests in test/unit/phone/fast-path.test.ts compare
 * both paths.
 */
import metadataJson from 'libphonenumber-js/max/metadata';

/** Positional layout of a numbering plan in metadata version 4 (see libphonenumber-js METADATA.md). */
type PlanJson = readonly unknown[];
type TypeJson = readonly [string, number[]?];

interface MetadataShape {
  version: number;
  country_calling_codes: Record<string, string[] | undefined>;
  countries: Record<string, PlanJson | undefined>;
  nonGeographic?: Record<string, PlanJson | undefined>;
}

const metadata = metadataJson as unknown as MetadataShape;

/** The result of the library's parse + validity + type checks, or the `ParseError` it would throw. */
export type FastParse =
  | { error: 'INVALID_COUNTRY' | 'TOO_SHORT' | 'TOO_LONG' }
  | {
      error?: undefined;
      number: string;
      country: string | undefined;
      nationalNumber: string;
      valid: boolean;
      /** `isPossible()`; only computed when the number is not valid (the caller needs it only then). */
      possible: boolean | undefined;
      type: NumberType | undefined;
    };

export type NumberType =
  | 'FIXED_LINE'
  | 'MOBILE'
  | 'FIXED_LINE_OR_MOBILE'
  | 'PREMIUM_RATE'
  | 'TOLL_FREE'
  | 'SHARED_COST'
  | 'VOIP'
  | 'PERSONAL_NUMBER'
  | 'PAGER'
  | 'UAN'
  | 'VOICEMAIL';

// Index of each type in a plan's type list (libphonenumber-js metadata.js `getType`).
const TYPE_INDEX = {
  FIXED_LINE: 0,
  MOBILE: 1,
  TOLL_FREE: 2,
  PREMIUM_RATE: 3,
  PERSONAL_NUMBER: 4,
  VOICEMAIL: 5,
  UAN: 6,
  PAGER: 7,
  VOIP: 8,
  SHARED_COST: 9,
} as const;

// Order in which getNumberType tries the non-fixed-line types.
const NON_FIXED_LINE_TYPES = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

const MIN_LENGTH_FOR_NSN = 2;
const MAX_LENGTH_FOR_NSN = 17;
const MAX_LENGTH_COUNTRY_CODE = 3;
const MAX_INPUT_STRING_LENGTH = 250;

type LengthCheck = 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH';

interface PlanType {
  /** `Type.pattern()`: the raw pattern text (may be empty). */
  pattern: string;
  /** `^(?:pattern)$`, as `matchesEntirely` builds it. */
  entire: RegExp;
  /** `Type.possibleLengths()`: the type's own lengths or else the plan's. */
  possibleLengths: number[] | undefined;
}

/** A numbering plan with its regular expressions compiled once. */
class Plan {
  readonly callingCode: string;
  readonly possibleLengths: number[] | undefined;
  readonly iddPrefix: RegExp;
  readonly nationalNumber: RegExp;
  readonly nationalPrefixForParsing: RegExp | undefined;
  readonly nationalPrefixTransformRule: string | undefined;
  readonly leadingDigits: RegExp | undefined;
  readonly hasTypes: boolean;
  private readonly types: (PlanType | undefined)[];

  constructor(json: PlanJson) {
    this.callingCode = json[0] as string;
    this.possibleLengths = (json[3] as number[] | undefined) || undefined;
    // stripIddPrefix: `new RegExp(metadata.IDDPrefix())`, not anchored.
    this.iddPrefix = new RegExp(json[1] as string);
    this.nationalNumber = entirely(json[2]);
    // NumberingPlan.nationalPrefixForParsing(): own rule or else the national prefix.
    const forParsing = (json[7] as string | undefined) || (json[5] as string | undefined);
    this.nationalPrefixForParsing = forParsing ? new RegExp('^(?:' + forParsing + ')') : undefined;
    this.nationalPrefixTransformRule = (json[8] as string | undefined) || undefined;
    const leading = json[10] as string | undefined;
    // getCountryByNationalNumber: `nationalNumber.search(metadata.leadingDigits())`.
    this.leadingDigits = leading ? new RegExp(leading) : undefined;
    const types = json[11] as (TypeJson | 0 | undefined)[] | undefined;
    this.hasTypes = types && types.length === 0 ? false : !!types;
    this.types = [];
    if (this.hasTypes && types) {
      for (let i = 0; i < 10; i++) {
        const t = types[i];
        this.types.push(t ? { pattern: t[0], entire: entirely(t[0]), possibleLengths: t[1] || this.possibleLengths } : undefined);
      }
    }
  }

  type(name: keyof typeof TYPE_INDEX): PlanType | undefined {
    return this.hasTypes ? this.types[TYPE_INDEX[name]] : undefined;
  }
}

/** `matchesEntirely`'s expression, built from the same string concatenation. */
function entirely(pattern: unknown): RegExp {
  return new RegExp('^(?:' + String(pattern) + ')$');
}

function matchesEntirely(text: string, re: RegExp): boolean {
  return re.test(text || '');
}

const countryPlans = new Map<string, Plan>();
const callingCodePlans = new Map<string, Plan>();

function countryPlan(country: string): Plan {
  let plan = countryPlans.get(country);
  if (plan === undefined) {
    const json = metadata.countries[country];
    if (!json) throw new Error(`Unknown country: ${country}`);
    plan = new Plan(json);
    countryPlans.set(country, plan);
  }
  return plan;
}

/** Metadata.getCountryCodesForCallingCode. */
function countriesForCallingCode(callingCode: string): string[] | undefined {
  const codes = metadata.country_calling_codes[callingCode];
  if (codes) {
    if (codes.length === 1 && codes[0]!.length === 3) return undefined;
    return codes;
  }
  return undefined;
}

/** Metadata.hasCallingCode (metadata v4 always has `nonGeographic`). */
function hasCallingCode(callingCode: string): boolean {
  if (countriesForCallingCode(callingCode)) return true;
  return !!metadata.nonGeographic?.[callingCode];
}

/** Metadata.selectNumberingPlan(callingCode): the main country's plan, or the non-geographic one. */
function callingCodePlan(callingCode: string): Plan {
  let plan = callingCodePlans.get(callingCode);
  if (plan === undefined) {
    const countries = countriesForCallingCode(callingCode);
    const json = countries ? metadata.countries[countries[0]!] : metadata.nonGeographic?.[callingCode];
    if (!json) throw new Error(`Unknown calling code: ${callingCode}`);
    plan = new Plan(json);
    callingCodePlans.set(callingCode, plan);
  }
  return plan;
}

/** checkNumberLength (no type). */
function checkNumberLength(nationalNumber: string, plan: Plan): LengthCheck {
  const lengths = plan.possibleLengths;
  if (!lengths) return 'IS_POSSIBLE';
  const length = nationalNumber.length;
  const min = lengths[0]!;
  if (min === length) return 'IS_POSSIBLE';
  if (min > length) return 'TOO_SHORT';
  if (lengths[lengths.length - 1]! < length) return 'TOO_LONG';
  return lengths.indexOf(length, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}

/** isNumberTypeEqualTo. */
function isNumberType(nationalNumber: string, type: PlanType | undefined): boolean {
  if (!type || !type.pattern) return false;
  if (type.possibleLengths && type.possibleLengths.indexOf(nationalNumber.length) < 0) return false;
  return matchesEntirely(nationalNumber, type.entire);
}

/** getNumberType with the plan already selected. */
function getNumberType(nationalNumber: string, plan: Plan): NumberType | undefined {
  if (!matchesEntirely(nationalNumber, plan.nationalNumber)) return undefined;
  if (isNumberType(nationalNumber, plan.type('FIXED_LINE'))) {
    const mobile = plan.type('MOBILE');
    if (mobile && mobile.pattern === '') return 'FIXED_LINE_OR_MOBILE';
    if (!mobile) return 'FIXED_LINE_OR_MOBILE';
    if (isNumberType(nationalNumber, mobile)) return 'FIXED_LINE_OR_MOBILE';
    return 'FIXED_LINE';
  }
  for (const type of NON_FIXED_LINE_TYPES) {
    if (isNumberType(nationalNumber, plan.type(type))) return type;
  }
  return undefined;
}

/** getCountryByCallingCode + getCountryByNationalNumber. */
function countryByCallingCode(callingCode: string, nationalNumber: string): string | undefined {
  const countries = countriesForCallingCode(callingCode);
  if (!countries) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = countryPlan(country);
    if (plan.leadingDigits) {
      if (nationalNumber && nationalNumber.search(plan.leadingDigits) === 0) return country;
    } else if (getNumberType(nationalNumber, plan)) {
      return country;
    }
  }
  return undefined;
}

/** extractNationalNumberFromPossiblyIncompleteNumber (the carrier code is not needed here). */
function stripNationalPrefix(number: string, plan: Plan): string {
  const re = plan.nationalPrefixForParsing;
  if (number && re) {
    const match = re.exec(number);
    if (match) {
      const groups = match.length - 1;
      const hasCapturedGroups = groups > 0 && !!match[groups];
      if (plan.nationalPrefixTransformRule && hasCapturedGroups) {
        return number.replace(re, plan.nationalPrefixTransformRule);
      }
      return number.slice(match[0].length);
    }
  }
  return number;
}

/** extractNationalNumber(number, undefined, metadata). */
function extractNationalNumber(number: string, plan: Plan): string {
  const nationalNumber = stripNationalPrefix(number, plan);
  if (nationalNumber !== number) {
    // shouldHaveExtractedNationalPrefix
    if (matchesEntirely(number, plan.nationalNumber) && !matchesEntirely(nationalNumber, plan.nationalNumber)) {
      return number;
    }
    if (plan.possibleLengths) {
      const country = countryByCallingCode(plan.callingCode, nationalNumber);
      const check = checkNumberLength(nationalNumber, country ? countryPlan(country) : plan);
      if (check === 'TOO_SHORT' || check === 'INVALID_LENGTH') return number;
    }
  }
  return nationalNumber;
}

/** stripIddPrefix for a digits-only number. */
function stripIddPrefix(number: string, plan: Plan): string | undefined {
  const match = plan.iddPrefix.exec(number);
  if (!match || match.index !== 0) return undefined;
  const rest = number.slice(match[0].length);
  if (rest[0] === '0') return undefined;
  return rest;
}

/** extractCountryCallingCodeFromInternationalNumberWithoutPlusSign, for a default country. */
function callingCodeWithoutPlus(number: string, plan: Plan): { callingCode: string; number: string } | undefined {
  const callingCode = plan.callingCode;
  if (number.indexOf(callingCode) !== 0) return undefined;
  const shorter = number.slice(callingCode.length);
  const shorterNational = extractNationalNumber(shorter, plan);
  const national = extractNationalNumber(number, plan);
  if (
    (!matchesEntirely(national, plan.nationalNumber) && matchesEntirely(shorterNational, plan.nationalNumber)) ||
    checkNumberLength(national, plan) === 'TOO_LONG'
  ) {
    return { callingCode, number: shorter };
  }
  return undefined;
}

/**
 * What libphonenumber-js would answer for `text` (already trimmed) with `defaultCountry`, or
 * `null` when the text is not one of the shapes this port covers.
 */
export function fastParsePhone(text: string, defaultCountry: string | undefined): FastParse | null {
  if (defaultCountry && metadata.countries[defaultCountry] === undefined) return { error: 'INVALID_COUNTRY' };
  if (text.length > MAX_INPUT_STRING_LENGTH) return null;

  // extractFormattedPhoneNumber + isViablePhoneNumber + extractExtension + parseIncompletePhoneNumber,
  // for text made only of ASCII digits, one leading `+` and plain separators.
  let digits = '';
  let plus = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits += text[i];
      started = true;
    } else if (c === 43 /* + */) {
      if (started) return null;
      plus = true;
      started = true;
    } else if (
      c !== 32 /* space */ &&
      c !== 0xa0 /* no-break space */ &&
      c !== 45 /* - */ &&
      c !== 46 /* . */ &&
      c !== 47 /* / */ &&
      c !== 40 /* ( */ &&
      c !== 41 /* ) */
    ) {
      return null;
    }
  }
  // With fewer than three digits the library's viability rules differ; leave those to it.
  if (digits.length < 3) return null;

  // extractCountryCallingCode
  let callingCode: string | undefined;
  let rest: string | undefined;
  let international = plus ? '+' + digits : undefined;
  if (!plus) {
    const withoutIdd = defaultCountry ? stripIddPrefix(digits, countryPlan(defaultCountry)) : undefined;
    if (withoutIdd && withoutIdd !== digits) {
      international = '+' + withoutIdd;
    } else if (defaultCountry) {
      const found = callingCodeWithoutPlus(digits, countryPlan(defaultCountry));
      if (found) {
        callingCode = found.callingCode;
        rest = found.number;
      } else {
        rest = digits;
      }
    } else {
      rest = digits;
    }
  }
  if (international !== undefined && international[1] !== '0') {
    for (let i = 2; i - 1 <= MAX_LENGTH_COUNTRY_CODE && i <= international.length; i++) {
      const code = international.slice(1, i);
      if (hasCallingCode(code)) {
        callingCode = code;
        rest = international.slice(i);
        break;
      }
    }
  }

  // parsePhoneNumber (in parse.js)
  let country: string | undefined;
  let plan: Plan;
  if (callingCode) {
    plan = callingCodePlan(callingCode);
  } else if (rest && defaultCountry) {
    country = defaultCountry;
    plan = countryPlan(defaultCountry);
    callingCode = plan.callingCode;
  } else {
    return { error: 'INVALID_COUNTRY' };
  }
  if (!rest) return { error: 'TOO_SHORT' };

  const nationalNumber = extractNationalNumber(rest, plan);
  const exactCountry = countryByCallingCode(callingCode, nationalNumber);
  if (exactCountry) country = exactCountry;

  if (!nationalNumber || nationalNumber.length < MIN_LENGTH_FOR_NSN) return { error: 'TOO_SHORT' };
  if (nationalNumber.length > MAX_LENGTH_FOR_NSN) return { error: 'TOO_LONG' };

  // PhoneNumber.isValid / getType / isPossible select `country || countryCallingCode`.
  plan = country ? countryPlan(country) : callingCodePlan(callingCode);
  const type = getNumberType(nationalNumber, plan);
  const valid = plan.hasTypes ? type !== undefined : matchesEntirely(nationalNumber, plan.nationalNumber);
  let possible: boolean | undefined;
  if (!valid) {
    // isPossible throws without possibleLengths unless the calling code is non-geographic; let the library say.
    if (!plan.possibleLengths) return null;
    possible = checkNumberLength(nationalNumber, plan) === 'IS_POSSIBLE';
  }
  return { number: '+' + callingCode + nationalNumber, country, nationalNumber, valid, possible, type };
}
