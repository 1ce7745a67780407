import ru from '../../../shared/contract/messages.ru.json' with { type: 'json' };
import { isMessageKey, type MessageKey } from '../../../shared/contract/messages.en';
import { isSaidRef, readSaid, renderSaid, type SaidParams } from '../../../shared/contract/said';
import type { PrintLanguage } from './labels';

/**
 * What the core said (a key of the catalog with its parameters) in a printed document's language: English from
 * shared/contract/messages.en.ts, Russian from the same catalog's Russian (shared/contract/messages.ru.json, the one
 * Russian of every key: the window translates by it too), so a report or certificate made in Russian says a
 * recipient's reason, a pause or a note in Russian without a second copy of the words.
 */

type Node = { [name: string]: string | Node };

function child(node: Node | string | undefined, name: string): Node | string | undefined {
  return typeof node === 'object' ? node[name] : undefined;
}

const plural = new Intl.PluralRules('ru');

/** The Russian template of `key` (a plural entry by `count`, in the one/few/many forms), or null when it has none. */
function russianTemplate(key: MessageKey, count: unknown): string | null {
  const parts = key.split('.');
  const leaf = parts.pop()!;
  const parent = parts.reduce<Node | string | undefined>((n, p) => child(n, p), ru as Node);
  const exact = child(parent, leaf);
  if (typeof exact === 'string') return exact;
  if (typeof count !== 'number') return null;
  const form = child(parent, `${leaf}_${plural.select(count)}`) ?? child(parent, `${leaf}_many`);
  return typeof form === 'string' ? form : null;
}

/** `key` with its parameters in `language` (nested messages first); English when the Russian lacks the key. */
export function saidIn(language: PrintLanguage, key: MessageKey, params?: SaidParams): string {
  if (language === 'en') return renderSaid(key, params);
  const template = russianTemplate(key, params?.count);
  if (template === null) return renderSaid(key, params);
  const flat: Record<string, string> = {};
  for (const [name, v] of Object.entries(params ?? {})) flat[name] = isSaidRef(v) ? saidIn(language, v.key, v.params) : String(v);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => flat[name] ?? '');
}

/**
 * A text the register stored, in `language`: one stored by key (storeSaid) in its words; anything else — written
 * before keys existed, a staff member's own words, a provider's code or answer — as it is.
 */
export function storedText(text: string, language: PrintLanguage): string {
  const s = readSaid(text);
  return s.key && isMessageKey(s.key) ? saidIn(language, s.key, s.params) : s.message;
}
