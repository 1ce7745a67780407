import type { Purpose } from '../consent/types';
import type { PolicyPack } from '../policy/policy';

/** One thing consent wording should say (DOMAIN §1, §2.1): whether it does. */
export interface WordingCheck {
  id: 'names_business' | 'says_how_to_stop' | 'says_what' | 'says_how_often' | 'separate_pd_consent' | 'not_condition_of_purchase';
  ok: boolean;
}

const lower = (s: string) => s.toLocaleLowerCase('ru');

/**
 * What the wording is missing for the shop's pack: the business named, what messages, how often, how to stop;
 * for Russia a separate personal-data consent; for the US the "not a condition of purchase" disclosure.
 * Advisory: the owner (or their lawyer) decides, the register keeps whatever version they save.
 */
export function checkWording(body: string, businessNames: readonly string[], pack: PolicyPack, purposes: readonly Purpose[]): WordingCheck[] {
  const text = lower(body);
  const has = (...needles: (string | RegExp)[]) => needles.some((n) => (typeof n === 'string' ? text.includes(lower(n)) : n.test(text)));
  const checks: WordingCheck[] = [
    { id: 'names_business', ok: businessNames.some((n) => n.trim().length > 1 && text.includes(lower(n.trim()))) },
    { id: 'says_what', ok: has(/offer|promotion|news|discount|advertis|marketing|реклам|акци|скидк|новост|предложени/) },
    { id: 'says_how_often', ok: has(/\d+\s*(msgs?|messages?|сообщени)|frequency varies|a week|per week|a month|в неделю|в месяц|частот/) },
    {
      id: 'says_how_to_stop',
      ok:
        pack.optOutKeywords.some((k) => has(new RegExp(`(^|[^\\p{L}])${lower(k)}([^\\p{L}]|$)`, 'u'))) ||
        has('стоп', 'stop', 'unsubscribe', 'отписат'),
    },
  ];
  if (pack.requiresPersonalDataConsent)
    checks.push({ id: 'separate_pd_consent', ok: purposes.includes('personal_data') && has(/персональных данных|personal data/) });
  if (pack.id === 'us') checks.push({ id: 'not_condition_of_purchase', ok: has(/not a condition of (any )?purchase|не является условием покупки/) });
  return checks;
}
