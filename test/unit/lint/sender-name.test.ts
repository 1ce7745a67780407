import { describe, expect, it } from 'vitest';
import { lintMessage } from '../../../shared/domain/lint/engine';
import { lintProfileFromSettings } from '../../../shared/domain/lint/profile';
import { senderNameProblem } from '../../../shared/domain/lint/sender-name';
import { SHOP_LINT_SETTINGS } from '../../support/lint';

describe('the SMS sender name rule has one home (issue #17 item 7)', () => {
  it('under the ru pack: 3–11 Latin letters, digits and a few symbols, with a letter', () => {
    expect(senderNameProblem('LAVKA', 'ru')).toBeNull();
    expect(senderNameProblem('Lavka-Shop', 'ru')).toBeNull();
    expect(senderNameProblem('Цветочная лавка', 'ru')).toMatchObject({ code: 'length' });
    expect(senderNameProblem('Ромашка', 'ru')).toMatchObject({ code: 'cyrillic', ru: expect.stringContaining('кириллицу') });
    expect(senderNameProblem('LV', 'ru')).toMatchObject({ code: 'length', en: 'is 2 characters long (3 to 11 allowed)' });
    expect(senderNameProblem('Shop#1', 'ru')).toMatchObject({ code: 'characters' });
    expect(senderNameProblem('12345', 'ru')).toMatchObject({ code: 'no_letters' });
    expect(senderNameProblem('   ', 'ru')).toBeNull();
  });

  it('other packs impose no alpha-name format of their own', () => {
    for (const pack of ['uk', 'eu', 'de', 'us', 'ca'] as const) expect(senderNameProblem('Цветочная лавка', pack)).toBeNull();
  });

  it('the linter gives the same answer as Settings', () => {
    const profile = lintProfileFromSettings({ ...SHOP_LINT_SETTINGS, policyPack: 'ru', senderName: 'Ромашка' });
    const r = lintMessage({ channel: 'sms', purpose: 'marketing', text: 'Лавка: скидки. Отписаться: ответьте СТОП' }, profile, 'ru');
    const d = r.diagnostics.find((x) => x.rule === 'LINT-RU-SENDER-NAME');
    expect(d?.message).toContain(senderNameProblem('Ромашка', 'ru')!.ru);
  });
});

describe("a message that opens with the shop's short name points to Settings → other names (issue #17 item 7)", () => {
  it('«Ромашка: …» says the short name can be listed instead of prepending the full name', () => {
    const profile = lintProfileFromSettings({ ...SHOP_LINT_SETTINGS, businessName: 'ООО Цветочная лавка', brandAliases: [] });
    const text = 'Ромашка: тюльпаны −20% до воскресенья. Отписаться: ответьте СТОП';
    const ru = lintMessage({ channel: 'sms', purpose: 'marketing', text }, profile, 'ru').diagnostics.find((x) => x.rule === 'LINT-SENDER-ID');
    expect(ru?.message).toContain('Если «Ромашка» — тоже название вашего магазина');
    const en = lintMessage({ channel: 'sms', purpose: 'marketing', text }, profile, 'en').diagnostics.find((x) => x.rule === 'LINT-SENDER-ID');
    expect(en?.message).toContain('add it in Settings → Other shop names');
  });

  it('once listed as another name, the short name names the sender', () => {
    const profile = lintProfileFromSettings({ ...SHOP_LINT_SETTINGS, businessName: 'ООО Цветочная лавка', brandAliases: ['Ромашка'] });
    const text = 'Ромашка: тюльпаны −20% до воскресенья. Отписаться: ответьте СТОП';
    const r = lintMessage({ channel: 'sms', purpose: 'marketing', text }, profile, 'ru');
    expect(r.diagnostics.map((x) => x.rule)).not.toContain('LINT-SENDER-ID');
  });

  it('a message with no opener gets no alias hint', () => {
    const profile = lintProfileFromSettings({ ...SHOP_LINT_SETTINGS, businessName: 'ООО Цветочная лавка', brandAliases: [] });
    const r = lintMessage({ channel: 'sms', purpose: 'marketing', text: 'Тюльпаны −20%. Отписаться: ответьте СТОП' }, profile, 'ru');
    expect(r.diagnostics.find((x) => x.rule === 'LINT-SENDER-ID')?.message).not.toContain('Если');
  });
});
