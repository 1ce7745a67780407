import { describe, expect, it } from 'vitest';
import { formatSerial, optInQr, parseSerial, sheetQrText, whatsappPrefill } from '../../../shared/domain/forms/links';
import { formTemplate } from '../../../shared/domain/forms/templates';
import { checkWording } from '../../../shared/domain/forms/checks';
import { confirmationText } from '../../../shared/domain/forms/confirmation';
import { classifyInbound, DEFAULT_KEYWORDS } from '../../../shared/domain/keywords/classify';
import { listPolicyPacks } from '../../../shared/domain/policy/policy';

const shop = { businessName: 'Лавка у дома', businessAddress: 'г. Пермь, ул. Ленина, д. 5', shopPhone: '+79120000000' };

describe('opt-in links', () => {
  it('pre-fills the keyword, the form code and the shop, and reads back as that opt-in', () => {
    expect(whatsappPrefill('F7-3', 'ru', 'Лавка у дома')).toBe('ПОДПИСАТЬСЯ F7-3 «Лавка у дома»');
    expect(whatsappPrefill('F7-3', 'en', 'Corner Shop')).toBe('START F7-3 Corner Shop');
    expect(whatsappPrefill('F7-3', 'ru', 'ООО «Ромашка»')).toBe('ПОДПИСАТЬСЯ F7-3 ООО «Ромашка»');
    for (const [lang, name] of [
      ['ru', 'Лавка'],
      ['en', 'Corner Shop'],
      ['ru', ''],
      ['en', 'Yes Store'],
    ] as const) {
      const read = classifyInbound(whatsappPrefill('F2-1', lang, name), DEFAULT_KEYWORDS, []);
      expect(read).toMatchObject({ intent: 'opt_in', formCode: 'F2-1' });
    }
  });

  it('leaves out a shop name that would turn the opt-in into an opt-out', () => {
    expect(whatsappPrefill('F1-1', 'en', 'Stop & Shop')).toBe('START F1-1');
    expect(whatsappPrefill('F1-1', 'ru', 'Стоп Шоп')).toBe('ПОДПИСАТЬСЯ F1-1');
  });

  it('builds wa.me and SMSTO: payloads', () => {
    expect(optInQr('whatsapp', '+79120000000', 'F1-1', 'en', 'Lavka')).toEqual({
      payload: 'https://wa.me/79120000000?text=START%20F1-1%20Lavka',
      text: 'START F1-1 Lavka',
    });
    expect(optInQr('sms', '+447911123456', 'F1-1', 'en', 'Lavka')).toEqual({ payload: 'SMSTO:+447911123456:START F1-1', text: 'START F1-1' });
  });

  it('reads sheet serials as typed or scanned', () => {
    expect(formatSerial(42)).toBe('S-000042');
    for (const typed of ['S-000042', 's-42', 'S42', '42', '000042', ' F7-3 S-000042 ', sheetQrText('F7-3', 'S-000042')])
      expect(parseSerial(typed), typed).toBe('S-000042');
    for (const typed of ['', 'F7-3', 'abc', 'S-', '1234567890']) expect(parseSerial(typed), typed).toBeNull();
  });
});

describe('form templates', () => {
  it('every pack template, in both languages, passes its own wording checks', () => {
    for (const pack of listPolicyPacks())
      for (const language of ['en', 'ru'] as const) {
        const tpl = formTemplate(pack, language, shop);
        const failed = checkWording(tpl.body, [shop.businessName], pack, tpl.purposes).filter((c) => !c.ok);
        expect(failed, `${pack.id}/${language}`).toEqual([]);
      }
  });

  it('flags wording that does not name the business or say how to stop', () => {
    const ru = listPolicyPacks().find((p) => p.id === 'ru')!;
    const failed = checkWording('Согласен получать рекламу.', ['Лавка у дома'], ru, ['marketing'])
      .filter((c) => !c.ok)
      .map((c) => c.id);
    expect(failed).toEqual(['names_business', 'says_how_often', 'says_how_to_stop', 'separate_pd_consent']);
  });

  it('the confirmation request, quoted back by a customer, never reads as an opt-out or a new opt-in', () => {
    for (const lang of ['en', 'ru'] as const)
      for (const channel of ['sms', 'whatsapp'] as const) {
        const intent = classifyInbound(confirmationText(lang, 'Лавка', channel), DEFAULT_KEYWORDS, []).intent;
        expect(['opt_out', 'opt_in'], `${lang}/${channel}: ${intent}`).not.toContain(intent);
      }
  });
});
