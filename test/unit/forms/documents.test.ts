import { describe, expect, it } from 'vitest';
import { needsSeparatePersonalData, splitPersonalData } from '../../../shared/domain/forms/documents';
import { formTemplate } from '../../../shared/domain/forms/templates';
import { getPolicyPack } from '../../../shared/domain/policy/policy';

const shop = { businessName: 'Лавка у дома', businessAddress: 'г. Пермь, ул. Ленина, д. 5', shopPhone: '+79120000000' };

describe('the 152-FZ personal-data consent as a document of its own', () => {
  it('is needed under the ru pack when the form asks for it beside another consent', () => {
    expect(needsSeparatePersonalData(getPolicyPack('ru'), ['marketing', 'personal_data'])).toBe(true);
    expect(needsSeparatePersonalData(getPolicyPack('ru'), ['personal_data'])).toBe(false);
    expect(needsSeparatePersonalData(getPolicyPack('ru'), ['marketing'])).toBe(false);
    expect(needsSeparatePersonalData(getPolicyPack('uk'), ['marketing', 'personal_data'])).toBe(false);
  });

  it('splits the Russian and English templates at the heading that names personal data', () => {
    for (const lang of ['ru', 'en'] as const) {
      const body = formTemplate(getPolicyPack('ru'), lang, shop).body;
      const split = splitPersonalData(body)!;
      expect(split.consent).toMatch(lang === 'ru' ? /^1\. Согласие на получение рекламы/ : /^1\. Consent to receive advertising/);
      expect(split.consent).not.toMatch(/персональных данных|personal data/);
      expect(split.personalData).toMatch(
        lang === 'ru' ? /^2\. Согласие на обработку персональных данных\n\n/ : /^2\. Consent to the processing of personal data\n\n/,
      );
      expect(`${split.consent}\n\n${split.personalData}`).toBe(body);
    }
  });

  it('keeps later sections with the consent, and gives nothing for wording without such a heading', () => {
    const body = '1. Реклама\n\nТекст рекламы.\n\n2. Персональные данные\n\nТекст о данных.\n\n3. Прочее\n\nЕщё текст.';
    expect(splitPersonalData(body)).toEqual({
      consent: '1. Реклама\n\nТекст рекламы.\n\n3. Прочее\n\nЕщё текст.',
      personalData: '2. Персональные данные\n\nТекст о данных.',
    });
    expect(splitPersonalData('Я согласен на обработку персональных данных и на рекламу.')).toBeNull();
  });
});
