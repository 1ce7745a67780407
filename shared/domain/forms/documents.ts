import type { Purpose } from '../consent/types';
import type { PolicyPack } from '../policy/policy';

/** A short single-line paragraph without closing punctuation reads as a heading ("2. Consent to the processing…"). */
function isHeading(paragraph: string): boolean {
  return paragraph.length <= 90 && !paragraph.includes('\n') && !/[.;:,)»"]$/.test(paragraph);
}

const PERSONAL_DATA = /персональн|personal data/i;

/**
 * Whether this form's personal-data consent must be printed as a document of its own: the pack asks for the
 * separate 152-FZ consent (ru; since 1 September 2025 it may not sit inside any other document) and the form asks
 * for it together with something else.
 */
export function needsSeparatePersonalData(pack: Pick<PolicyPack, 'requiresPersonalDataConsent'>, purposes: readonly Purpose[]): boolean {
  return pack.requiresPersonalDataConsent && purposes.includes('personal_data') && purposes.some((p) => p !== 'personal_data');
}

/**
 * The wording split into the consent document and the separate personal-data document: the personal-data part
 * runs from the heading that names personal data («2. Согласие на обработку персональных данных») to the next
 * heading or the end. Null when the wording has no such heading — it cannot then be printed as two documents.
 */
export function splitPersonalData(body: string): { consent: string; personalData: string } | null {
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const start = paragraphs.findIndex((p) => isHeading(p) && PERSONAL_DATA.test(p));
  if (start < 0) return null;
  let end = start + 1;
  while (end < paragraphs.length && !isHeading(paragraphs[end]!)) end++;
  const personalData = paragraphs.slice(start, end);
  const consent = [...paragraphs.slice(0, start), ...paragraphs.slice(end)];
  if (personalData.length < 2 || consent.length === 0) return null;
  return { consent: consent.join('\n\n'), personalData: personalData.join('\n\n') };
}
