import { describe, expect, it } from 'vitest';

import {
  countryOfLocale,
  countryOfTimeZone,
  findTimeZones,
  foldPlaceName,
  packForCountry,
  proposeShopDefaults,
} from '../../shared/domain/time/places';
import { isTimeZone } from '../../shared/domain/time/zones';

describe('first-start defaults come from the system, not from Russia (issue #17 item 4)', () => {
  it('an en-GB system in Europe/London proposes GB, London, the UK pack and English', () => {
    expect(proposeShopDefaults({ locale: 'en-GB', timeZone: 'Europe/London' })).toEqual({
      country: 'GB',
      timezone: 'Europe/London',
      policyPack: 'uk',
      language: 'en',
      countrySource: 'zone',
    });
  });

  it('a Russian system in Kazan proposes RU, Moscow time, the ru pack and Russian', () => {
    const d = proposeShopDefaults({ locale: 'ru-RU', timeZone: 'Europe/Moscow' });
    expect(d).toMatchObject({ country: 'RU', timezone: 'Europe/Moscow', policyPack: 'ru', language: 'ru' });
  });

  it('the zone says where the shop is, the locale only the language: a Russian speaker in Berlin is a German shop', () => {
    expect(proposeShopDefaults({ locale: 'ru', timeZone: 'Europe/Berlin' })).toMatchObject({
      country: 'DE',
      policyPack: 'de',
      language: 'ru',
    });
  });

  it('with the zone UTC the locale decides; with neither nothing pretends to know the pack', () => {
    expect(proposeShopDefaults({ locale: 'en-US', timeZone: 'UTC' })).toMatchObject({ country: 'US', policyPack: 'us', countrySource: 'locale' });
    expect(proposeShopDefaults({ locale: 'fr-FR', timeZone: null })).toMatchObject({ country: 'FR', policyPack: 'eu', timezone: 'Europe/Paris' });
    expect(proposeShopDefaults({ locale: 'en', timeZone: 'UTC' })).toMatchObject({ policyPack: null, countrySource: 'none', timezone: 'UTC' });
    expect(proposeShopDefaults({ locale: 'ja-JP', timeZone: 'Asia/Tokyo' })).toMatchObject({ country: 'JP', policyPack: null });
  });

  it('reads locale tags of every shape and maps countries to packs', () => {
    expect(countryOfLocale('en-GB')).toBe('GB');
    expect(countryOfLocale('ru_RU.UTF-8')).toBe('RU');
    expect(countryOfLocale('zh-Hant-TW')).toBe('TW');
    expect(countryOfLocale('ru')).toBeNull();
    expect(countryOfLocale('')).toBeNull();
    expect(countryOfTimeZone('Europe/Kiev')).toBe('UA');
    expect(countryOfTimeZone('Mars/Olympus')).toBeNull();
    expect(packForCountry('at')).toBe('de');
    expect(packForCountry('PL')).toBe('eu');
    expect(packForCountry('KZ')).toBeNull();
  });
});

describe('time zones are found by city in both languages', () => {
  it('«Казань», «казань», "Kazan" all find Europe/Moscow first', () => {
    for (const q of ['Казань', 'казань', 'Kazan', 'КАЗАН']) expect(findTimeZones(q)[0]?.timeZone, q).toBe('Europe/Moscow');
  });

  it('ё and е are one letter, and a prefix finds the city', () => {
    expect(findTimeZones('Кишинев')[0]?.timeZone).toBe('Europe/Chisinau');
    expect(findTimeZones('екатер')[0]?.timeZone).toBe('Asia/Yekaterinburg');
    expect(findTimeZones('nizhn')[0]?.timeZone).toBe('Europe/Moscow');
  });

  it('finds London, zone names and aliases, each zone once, and nothing for nonsense', () => {
    expect(findTimeZones('london')[0]).toMatchObject({ timeZone: 'Europe/London', country: 'GB' });
    expect(findTimeZones('Лондон')[0]?.timeZone).toBe('Europe/London');
    expect(findTimeZones('Europe/Mosc')[0]?.timeZone).toBe('Europe/Moscow');
    const many = findTimeZones('an', 50).map((m) => m.timeZone);
    expect(new Set(many).size).toBe(many.length);
    expect(findTimeZones('qqqzzz')).toEqual([]);
    expect(findTimeZones('   ')).toEqual([]);
  });

  it('every Russian city name points at a zone this runtime knows', () => {
    for (const q of ['Москва', 'Новосибирск', 'Владивосток', 'Калининград', 'Петропавловск', 'Алматы', 'Минск', 'Киев']) {
      const m = findTimeZones(q)[0];
      expect(m, q).toBeDefined();
      expect(isTimeZone(m!.timeZone), q).toBe(true);
      expect(m!.offset).toMatch(/^[+-]\d\d:\d\d$/);
    }
  });

  it('folds names the way people type them', () => {
    expect(foldPlaceName('  Нижний-Новгород ')).toBe('нижний новгород');
    expect(foldPlaceName('Кишинёв')).toBe('кишинев');
    expect(foldPlaceName('Zürich')).toBe('zurich');
  });
});
