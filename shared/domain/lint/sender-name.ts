import type { PolicyPackId } from '../policy/policy';

/** What is wrong with an SMS sender name, in both UI languages; null when it is fine. */
export type SenderNameProblem = { code: 'length' | 'cyrillic' | 'characters' | 'no_letters'; en: string; ru: string };

const RU_SENDER = /^[A-Za-z0-9!?\-_.()& ]+$/;
/** Packs whose operators impose a format on alpha-names. */
const RULES_BY_PACK: Partial<Record<PolicyPackId, (name: string) => SenderNameProblem | null>> = { ru: ruSenderNameProblem };

/**
 * The Russian operators' alpha-name rules (MTS 2017, MegaFon 2021): 3–11 Latin letters, digits and a few symbols,
 * at least one letter. One home for the rule: Settings checks it where the name is typed, the linter where it is used.
 */
function ruSenderNameProblem(name: string): SenderNameProblem | null {
  if (name.length < 3 || name.length > 11)
    return { code: 'length', en: `is ${name.length} characters long (3 to 11 allowed)`, ru: `длиной ${name.length} символов (допустимо от 3 до 11)` };
  if (/[\u0400-\u04ff]/u.test(name))
    return {
      code: 'cyrillic',
      en: 'contains Cyrillic letters (only Latin letters are allowed)',
      ru: 'содержит кириллицу (допускаются только латинские буквы)',
    };
  if (!RU_SENDER.test(name))
    return {
      code: 'characters',
      en: 'contains characters operators do not allow (Latin letters, digits and ! ? - _ . ( ) & only)',
      ru: 'содержит недопустимые символы (только латиница, цифры и ! ? - _ . ( ) &)',
    };
  if (!/[A-Za-z]/.test(name))
    return {
      code: 'no_letters',
      en: 'has no letters (a number is not a sender name)',
      ru: 'не содержит букв (номер не может быть именем отправителя)',
    };
  return null;
}

/** The problem with `name` as an SMS sender under `pack`, or null (an empty name is "not set", not a problem here). */
export function senderNameProblem(name: string, pack: PolicyPackId): SenderNameProblem | null {
  const n = name.trim();
  if (!n) return null;
  return RULES_BY_PACK[pack]?.(n) ?? null;
}
