import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyInbound, DEFAULT_KEYWORDS, normalizeInbound } from '../../../shared/domain/keywords/classify';
import { getPolicyPack } from '../../../shared/domain/policy/policy';

describe('inbound keyword classification', () => {
  const cases: [string, string, string | null][] = [
    ['STOP', 'opt_out', null],
    ['stop', 'opt_out', null],
    ['Stop.', 'opt_out', null],
    ['  STOP please!! ', 'opt_out', null],
    ['СТОП', 'opt_out', null],
    ['стоп!!!', 'opt_out', null],
    ['Отписаться', 'opt_out', null],
    ['opt out', 'opt_out', null],
    ['OPT-OUT', 'other', null],
    ['Please stop texting me', 'opt_out', null],
    ['не пишите мне больше', 'opt_out', null],
    ['Спасибо, но отпишите меня', 'opt_out', null],
    ['YES STOP', 'opt_out', null],
    ['START F7-3', 'opt_in', 'F7-3'],
    ['start f12-1 please', 'opt_in', 'F12-1'],
    ['ПОДПИСАТЬСЯ F7-3', 'opt_in', 'F7-3'],
    ['Хочу акции, подписаться F2-1', 'opt_in', 'F2-1'],
    ['YES', 'confirm', null],
    ['Да', 'confirm', null],
    ['да, подтверждаю', 'confirm', null],
    ['HELP', 'help', null],
    ['помощь', 'help', null],
    ['This is spam', 'complaint', null],
    ['Откуда у вас мой номер?', 'complaint', null],
    ['Напишу жалобу в Роскомнадзор', 'complaint', null],
    ['When do you open on Sunday?', 'other', null],
    ['Are you open at the end of the month?', 'other', null],
    ['END', 'opt_out', null],
    ['Cancel', 'opt_out', null],
    ['Стоплощадка на парковке занята', 'other', null],
  ];
  for (const [text, intent, code] of cases) {
    it(`${JSON.stringify(text)} → ${intent}`, () => {
      const r = classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('ru').optOutKeywords);
      expect(r.intent).toBe(intent);
      if (code) expect(r.formCode).toBe(code);
    });
  }

  it('ignores accents and case', () => {
    expect(normalizeInbound('Arrêt')).toBe('ARRET');
    expect(classifyInbound('arrêt', DEFAULT_KEYWORDS, getPolicyPack('ca').optOutKeywords).intent).toBe('opt_out');
  });

  it('property: an opt-out keyword anywhere as a word wins over any other text', () => {
    const word = fc.constantFrom(...DEFAULT_KEYWORDS.optOut.filter((k) => !['END', 'CANCEL', 'QUIT', 'ОТМЕНА', 'ХВАТИТ'].includes(k)));
    const filler = fc.array(fc.constantFrom('yes', 'да', 'start', 'F1-2', 'please', 'спасибо', 'help', '!!', ','), { maxLength: 5 });
    fc.assert(
      fc.property(filler, word, filler, (before, w, after) => {
        expect(classifyInbound([...before, w, ...after].join(' ')).intent).toBe('opt_out');
      }),
    );
  });
});
