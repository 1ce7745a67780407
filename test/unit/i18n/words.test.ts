import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import { PLACEHOLDER_OWNER } from '../../../shared/contract/settings';
import { staffLabel, staffOptions } from '../../../renderer/src/components/staff';
import { printedStaffName, printLabels } from '../../../electron/core/print/labels';
import { reportLabels } from '../../../electron/core/print/report';
import { purposesForPack } from '../../../renderer/src/components/purposes';
import { getPolicyPack } from '../../../shared/domain/policy/policy';

/** Issue #17 item 9: the words the screens and printouts use — translated, and one word for one thing. */

const I18N = fileURLToPath(new URL('../../../renderer/src/i18n/', import.meta.url));
const catalog = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(I18N, name), 'utf8')) as Record<string, unknown>;
const files = (lang: 'en' | 'ru') => readdirSync(I18N).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`));

/** Every string of a catalog with its dotted key. */
function strings(value: unknown, key = ''): [string, string][] {
  if (typeof value === 'string') return [[key, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, key ? `${key}.${k}` : k));
  return [];
}

async function instance(lng: 'en' | 'ru') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { [lng]: { translation: catalog(`${lng}.json`) } } });
  return i18n.t;
}

describe('the placeholder owner', () => {
  it('is shown as «Владелец» in the Russian UI and "Owner" in the English one; real names as they are', async () => {
    const ru = await instance('ru');
    const en = await instance('en');
    expect(staffLabel(PLACEHOLDER_OWNER, ru)).toBe('Владелец');
    expect(staffLabel(PLACEHOLDER_OWNER, en)).toBe('Owner');
    expect(staffLabel('Марина', ru)).toBe('Марина');
    // A picker keeps the stored name as its value (what the register records) and shows the translation.
    expect(staffOptions([{ id: 1, name: PLACEHOLDER_OWNER, role: 'owner', active: true, createdAt: '2026-03-01T09:00:00.000Z' }], ru)).toEqual([
      { value: PLACEHOLDER_OWNER, label: 'Владелец' },
    ]);
  });

  it('is printed in the printout language', () => {
    expect(printedStaffName(PLACEHOLDER_OWNER, 'ru')).toBe('Владелец');
    expect(printedStaffName(PLACEHOLDER_OWNER, 'en')).toBe('Owner');
    expect(printedStaffName('Tom', 'ru')).toBe('Tom');
  });
});

describe('one word for marketing', () => {
  it('English says "Marketing", never "Ads" or "advertising", on every screen', () => {
    const found = files('en').flatMap((f) =>
      strings(catalog(f))
        .filter(([, v]) => /\bads?\b|advertis/i.test(v))
        .map(([k, v]) => `${f} ${k}: ${v}`),
    );
    expect(found).toEqual([]);
  });

  it('the short purpose names agree across the screens and printouts', () => {
    const en = Object.assign({}, ...files('en').map(catalog)) as Record<string, unknown>;
    const ru = Object.assign({}, ...files('ru').map(catalog)) as Record<string, unknown>;
    const pick = (c: Record<string, unknown>, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], c);
    for (const path of ['purpose.marketing', 'forms.purpose.marketing', 'paper.purposeShort.marketing']) {
      expect(pick(en, path)).toBe('Marketing');
      expect(pick(ru, path)).toBe('Реклама');
    }
    expect(printLabels('en').purposeColumn.marketing).toBe('Marketing');
    expect(printLabels('ru').purposeColumn.marketing).toBe('Реклама');
    expect(reportLabels('en').purposes.marketing).toBe('Marketing');
    expect(reportLabels('ru').purposes.marketing).toBe('Реклама');
  });

  it('Russian says «реклама», never «маркетинг»', () => {
    const found = files('ru').flatMap((f) =>
      strings(catalog(f))
        .filter(([, v]) => /маркетинг/i.test(v))
        .map(([k, v]) => `${f} ${k}: ${v}`),
    );
    expect(found).toEqual([]);
  });
});

describe('152-FZ only where it applies', () => {
  it('a UK shop is not offered the personal-data consent; a Russian one is; a value already chosen stays', () => {
    expect(purposesForPack(getPolicyPack('uk'))).toEqual(['marketing', 'service']);
    expect(purposesForPack(getPolicyPack('ru'))).toEqual(['marketing', 'service', 'personal_data']);
    expect(purposesForPack(getPolicyPack('uk'), ['personal_data'])).toEqual(['marketing', 'service', 'personal_data']);
    expect(purposesForPack(undefined)).toEqual(['marketing', 'service']);
  });
});
