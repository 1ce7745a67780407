/**
 * Where a shop is: the country, time zone and rules pack a first start proposes from the system's locale and zone,
 * and time zones found by city in English and Russian («Казань» → Europe/Moscow). Pure: runs in the renderer, the
 * core and the CLI alike. Zone data (countries, main cities in English) comes from @vvo/tzdb; the Russian city names
 * are ours, for the places our Russian-speaking shops are.
 */
import { getTimeZones, type TimeZone } from '@vvo/tzdb';

import type { PolicyPackId } from '../policy/policy';

/** The rules pack that fits a country; null where we have none (the person chooses). */
const PACK_BY_COUNTRY: Record<string, PolicyPackId> = { RU: 'ru', GB: 'uk', DE: 'de', AT: 'de', US: 'us', CA: 'ca' };
/** EU and EEA member states: GDPR and ePrivacy. */
const EU = new Set('BE BG CZ DK EE IE GR ES FR HR IT CY LV LT LU HU MT NL PL PT RO SI SK FI SE IS LI NO'.split(' '));

/** Russian names of cities (and a few regions people type), each with its zone; big cities first within a zone. */
const RU_CITIES: ReadonlyArray<readonly [string, string]> = [
  ['Москва', 'Europe/Moscow'],
  ['Санкт-Петербург', 'Europe/Moscow'],
  ['Казань', 'Europe/Moscow'],
  ['Нижний Новгород', 'Europe/Moscow'],
  ['Ростов-на-Дону', 'Europe/Moscow'],
  ['Краснодар', 'Europe/Moscow'],
  ['Воронеж', 'Europe/Moscow'],
  ['Волгоград', 'Europe/Volgograd'],
  ['Сочи', 'Europe/Moscow'],
  ['Ярославль', 'Europe/Moscow'],
  ['Тверь', 'Europe/Moscow'],
  ['Тула', 'Europe/Moscow'],
  ['Рязань', 'Europe/Moscow'],
  ['Пенза', 'Europe/Moscow'],
  ['Липецк', 'Europe/Moscow'],
  ['Киров', 'Europe/Kirov'],
  ['Чебоксары', 'Europe/Moscow'],
  ['Набережные Челны', 'Europe/Moscow'],
  ['Махачкала', 'Europe/Moscow'],
  ['Ставрополь', 'Europe/Moscow'],
  ['Симферополь', 'Europe/Simferopol'],
  ['Севастополь', 'Europe/Simferopol'],
  ['Мурманск', 'Europe/Moscow'],
  ['Архангельск', 'Europe/Moscow'],
  ['Калининград', 'Europe/Kaliningrad'],
  ['Самара', 'Europe/Samara'],
  ['Тольятти', 'Europe/Samara'],
  ['Ижевск', 'Europe/Samara'],
  ['Ульяновск', 'Europe/Ulyanovsk'],
  ['Саратов', 'Europe/Saratov'],
  ['Астрахань', 'Europe/Astrakhan'],
  ['Екатеринбург', 'Asia/Yekaterinburg'],
  ['Челябинск', 'Asia/Yekaterinburg'],
  ['Уфа', 'Asia/Yekaterinburg'],
  ['Пермь', 'Asia/Yekaterinburg'],
  ['Тюмень', 'Asia/Yekaterinburg'],
  ['Оренбург', 'Asia/Yekaterinburg'],
  ['Сургут', 'Asia/Yekaterinburg'],
  ['Омск', 'Asia/Omsk'],
  ['Новосибирск', 'Asia/Novosibirsk'],
  ['Томск', 'Asia/Tomsk'],
  ['Барнаул', 'Asia/Barnaul'],
  ['Кемерово', 'Asia/Novokuznetsk'],
  ['Новокузнецк', 'Asia/Novokuznetsk'],
  ['Красноярск', 'Asia/Krasnoyarsk'],
  ['Абакан', 'Asia/Krasnoyarsk'],
  ['Иркутск', 'Asia/Irkutsk'],
  ['Улан-Удэ', 'Asia/Irkutsk'],
  ['Чита', 'Asia/Chita'],
  ['Якутск', 'Asia/Yakutsk'],
  ['Благовещенск', 'Asia/Yakutsk'],
  ['Владивосток', 'Asia/Vladivostok'],
  ['Хабаровск', 'Asia/Vladivostok'],
  ['Южно-Сахалинск', 'Asia/Sakhalin'],
  ['Магадан', 'Asia/Magadan'],
  ['Петропавловск-Камчатский', 'Asia/Kamchatka'],
  ['Анадырь', 'Asia/Anadyr'],
  ['Минск', 'Europe/Minsk'],
  ['Гомель', 'Europe/Minsk'],
  ['Брест', 'Europe/Minsk'],
  ['Киев', 'Europe/Kyiv'],
  ['Харьков', 'Europe/Kyiv'],
  ['Одесса', 'Europe/Kyiv'],
  ['Кишинёв', 'Europe/Chisinau'],
  ['Астана', 'Asia/Almaty'],
  ['Алматы', 'Asia/Almaty'],
  ['Шымкент', 'Asia/Almaty'],
  ['Караганда', 'Asia/Almaty'],
  ['Актобе', 'Asia/Aqtobe'],
  ['Атырау', 'Asia/Atyrau'],
  ['Бишкек', 'Asia/Bishkek'],
  ['Ташкент', 'Asia/Tashkent'],
  ['Самарканд', 'Asia/Samarkand'],
  ['Душанбе', 'Asia/Dushanbe'],
  ['Ашхабад', 'Asia/Ashgabat'],
  ['Баку', 'Asia/Baku'],
  ['Ереван', 'Asia/Yerevan'],
  ['Тбилиси', 'Asia/Tbilisi'],
  ['Рига', 'Europe/Riga'],
  ['Вильнюс', 'Europe/Vilnius'],
  ['Таллин', 'Europe/Tallinn'],
  ['Хельсинки', 'Europe/Helsinki'],
  ['Варшава', 'Europe/Warsaw'],
  ['Прага', 'Europe/Prague'],
  ['Берлин', 'Europe/Berlin'],
  ['Мюнхен', 'Europe/Berlin'],
  ['Вена', 'Europe/Vienna'],
  ['Париж', 'Europe/Paris'],
  ['Рим', 'Europe/Rome'],
  ['Мадрид', 'Europe/Madrid'],
  ['Барселона', 'Europe/Madrid'],
  ['Амстердам', 'Europe/Amsterdam'],
  ['Лондон', 'Europe/London'],
  ['Дублин', 'Europe/Dublin'],
  ['Стамбул', 'Europe/Istanbul'],
  ['Дубай', 'Asia/Dubai'],
  ['Белград', 'Europe/Belgrade'],
  ['Нью-Йорк', 'America/New_York'],
  ['Торонто', 'America/Toronto'],
  ['Лос-Анджелес', 'America/Los_Angeles'],
];

let zones: TimeZone[] | undefined;
let byName: Map<string, TimeZone> | undefined;

function allZones(): TimeZone[] {
  zones ??= getTimeZones({ includeUtc: false });
  return zones;
}

/** The zone record for a name or any of its aliases (Europe/Kiev → Europe/Kyiv's group). */
function zoneRecord(name: string): TimeZone | undefined {
  if (!byName) {
    byName = new Map();
    for (const z of allZones()) for (const alias of [z.name, ...z.group]) if (!byName.has(alias)) byName.set(alias, z);
  }
  return byName.get(name);
}

/** Lower case, ё as е, no accents or punctuation: how names are compared («Нижний-Новгород» = «нижний новгород»). */
export function foldPlaceName(text: string): string {
  // Accents go from Latin letters only: NFKD would also take the breve off «й».
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\u0400-\u04ff]/gu, (ch) => ch.normalize('NFKD').replace(/\p{M}/gu, ''))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The two-letter region of a locale tag ("en-GB" → "GB", "ru_RU.UTF-8" → "RU"), or null when it names none. */
export function countryOfLocale(locale: string | null | undefined): string | null {
  if (!locale) return null;
  const m = /^[a-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2})(?![A-Za-z])/.exec(locale.trim());
  return m ? m[1]!.toUpperCase() : null;
}

/** The country a time zone belongs to ("Europe/London" → "GB"), or null ("UTC", unknown). */
export function countryOfTimeZone(timeZone: string | null | undefined): string | null {
  return (timeZone && zoneRecord(timeZone)?.countryCode) || null;
}

/** The rules pack for a country, or null when none of ours fits it (the person picks one). */
export function packForCountry(country: string | null | undefined): PolicyPackId | null {
  if (!country) return null;
  const c = country.toUpperCase();
  return PACK_BY_COUNTRY[c] ?? (EU.has(c) ? 'eu' : null);
}

/** What a first start proposes, and where each answer came from, so the screen can say why. */
export interface ShopDefaults {
  country: string;
  timezone: string;
  policyPack: PolicyPackId | null;
  language: 'en' | 'ru';
  /** `zone` when the country came from the time zone, `locale` from the language tag, `none` when neither said. */
  countrySource: 'zone' | 'locale' | 'none';
}

const RUSSIAN_SPEAKING = new Set(['RU', 'BY', 'KZ', 'KG']);

/**
 * The settings a first start proposes from the system: its time zone says where the shop is (a Russian-language
 * system in London is a shop in London), its locale fills in when the zone is UTC or unknown. Nothing says Russia
 * unless the system does.
 */
export function proposeShopDefaults(system: { locale?: string | null; timeZone?: string | null }): ShopDefaults {
  const tz = system.timeZone && zoneRecord(system.timeZone) ? system.timeZone : null;
  const fromZone = countryOfTimeZone(tz);
  const fromLocale = countryOfLocale(system.locale);
  const country = fromZone ?? fromLocale;
  const lang = (system.locale ?? '').toLowerCase();
  const language: 'en' | 'ru' = lang.startsWith('ru') || (!lang && country !== null && RUSSIAN_SPEAKING.has(country)) ? 'ru' : 'en';
  const timezone = tz ?? (country ? (allZones().find((z) => z.countryCode === country)?.name ?? 'UTC') : 'UTC');
  return {
    country: country ?? 'GB',
    timezone,
    policyPack: packForCountry(country),
    language,
    countrySource: fromZone ? 'zone' : fromLocale ? 'locale' : 'none',
  };
}

/** A zone found for what the person typed. */
export interface ZoneMatch {
  timeZone: string;
  country: string;
  /** The city (or zone name) that matched, in the language it matched in. */
  matched: string;
  /** Main cities of the zone in English, for the label. */
  cities: string[];
  /** Offset now, e.g. "+03:00". */
  offset: string;
}

function match(z: TimeZone, matched: string): ZoneMatch {
  const min = z.currentTimeOffsetInMinutes;
  const abs = Math.abs(min);
  const offset = `${min < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { timeZone: z.name, country: z.countryCode, matched, cities: z.mainCities, offset };
}

/**
 * Time zones for a typed city, country code or zone name, in English or Russian: «Казань», «казан», "kazan",
 * "Europe/Mos", "london". Best first: a name that starts with the query before one that merely contains it.
 */
export function findTimeZones(query: string, limit = 10): ZoneMatch[] {
  const q = foldPlaceName(query);
  if (!q) return [];
  const scored: Array<{ score: number; m: ZoneMatch }> = [];
  const seen = new Set<string>();
  const consider = (z: TimeZone | undefined, name: string) => {
    if (!z || seen.has(z.name)) return;
    const f = foldPlaceName(name);
    const at = f.indexOf(q);
    if (at < 0) return;
    seen.add(z.name);
    scored.push({ score: (f === q ? 0 : at === 0 ? 1 : 2) * 1000 + scored.length, m: match(z, name) });
  };
  for (const [name, tz] of RU_CITIES) consider(zoneRecord(tz), name);
  for (const z of allZones()) {
    for (const c of z.mainCities) consider(z, c);
    consider(z, z.name.replace(/_/g, ' '));
    for (const alias of z.group) consider(z, alias.replace(/_/g, ' '));
    consider(z, z.countryName);
    if (q.length === 2 && z.countryCode.toLowerCase() === q) consider(z, z.countryCode);
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map((s) => s.m);
}
