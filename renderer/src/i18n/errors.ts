import i18next, { type TFunction } from 'i18next';
import { formatDay } from '../components/format';
import { knownKey } from '../../../shared/contract/errors';
import { messagesEn, type MessageParams } from '../../../shared/contract/messages.en';
import { isSaidRef, renderSaid, type SaidParams } from '../../../shared/contract/said';

type Resource = { [name: string]: string | Resource };

/**
 * The shared English catalog (shared/contract/messages.en.ts) as an i18next resource, to merge under `errors`: a key
 * `area.name` becomes errors.area.name, and a `{ one, other }` entry becomes name_one / name_other.
 */
export function catalogResource(): Resource {
  const out: Resource = {};
  for (const [key, entry] of Object.entries(messagesEn) as [string, string | { one: string; other: string }][]) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Resource;
    const leaf = parts[parts.length - 1]!;
    if (typeof entry === 'string') node[leaf] = entry;
    else {
      node[`${leaf}_one`] = entry.one;
      node[`${leaf}_other`] = entry.other;
    }
  }
  return out;
}

/** What the core said, as it crosses a door: a key of the catalog with its parameters, and the English `message`. */
export interface Said {
  key?: string;
  params?: SaidParams | MessageParams;
  message: string;
}

/** Parameters in the person's language: a nested message (a provider's answer inside a history note) translated first. */
function translateParams(t: TFunction, params: SaidParams | MessageParams | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(params ?? {}))
    out[name] = isSaidRef(v)
      ? translateSaid(t, { key: v.key, ...(v.params ? { params: v.params } : {}), message: renderSaid(v.key, v.params) })
      : typeof v === 'string'
        ? formatDay(v, i18next.language ?? 'en') // a day ("signed on 2026-12-08") as the person writes days
        : v;
  return out;
}

/** One parameter in the person's language: a nested message by its key, a plain value as it is. */
export function translateParam(t: TFunction, v: SaidParams[string] | undefined): string {
  if (v === undefined) return '';
  return isSaidRef(v) ? translateSaid(t, { key: v.key, ...(v.params ? { params: v.params } : {}), message: renderSaid(v.key, v.params) }) : String(v);
}

/**
 * One thing the core said, in the person's language: by its key when the catalog knows it (t('errors.' + key)),
 * else `message` as it was sent (an answer from an older or newer version, a text stored before keys existed, or a
 * door's own English sentence).
 */
export function translateSaid(t: TFunction, said: Said): string {
  if (!knownKey(said.key)) return said.message;
  return t(`errors.${said.key}`, { ...translateParams(t, said.params), defaultValue: said.message });
}
