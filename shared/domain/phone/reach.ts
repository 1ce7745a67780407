import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** The reaches of a number that can take SMS/WhatsApp at all (before any provider has flagged it): the one rule. */
export const MESSAGEABLE_REACHES: readonly string[] = ['mobile', 'fixed_or_mobile', 'unknown'];

/** Whether a number of this reach can take SMS/WhatsApp at all (see {@link MESSAGEABLE_REACHES}). */
export function isMessageableReach(reach: string): boolean {
  return MESSAGEABLE_REACHES.includes(reach);
}

/** The United States and its territories that share its numbering and Meta's pause (DOMAIN §2.3). */
const US_REGIONS = new Set(['US', 'PR', 'VI', 'GU', 'AS', 'MP', 'UM']);

/**
 * A +1 number of the United States (by its area code), as opposed to Canada or the Caribbean, which share the
 * +1 country code. A +1 number whose region cannot be told counts as US: when unsure, the stricter rule.
 */
export function isUsNumber(e164: string): boolean {
  if (!e164.startsWith('+1')) return false;
  const region = parsePhoneNumberFromString(e164)?.country;
  return region === undefined || US_REGIONS.has(region);
}
