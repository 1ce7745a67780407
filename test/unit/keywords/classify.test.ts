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
    ['OPT-OUT', 'opt_out', null],
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
    // A STOP that also complains is a complaint (it withdraws marketing all the same, and is counted as one).
    ['СТОП. Это спам, я вам номер не давала', 'complaint', null],
    ['Не пишите мне больше, откуда у вас мой номер?', 'complaint', null],
    ['Stop texting me. How did you get my number?', 'complaint', null],
    ['who gave you my number??', 'complaint', null],
    ['Кто вам дал мой номер?', 'complaint', null],
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

  // Replies a reasonable person reads as "stop" (FCC 47 CFR 64.1200(a)(10): any reasonable means; 38-FZ art. 18: any
  // clear request), found by an adversarial test: a hyphen, a zero-width character or a Russian word form hid them.
  const optOuts = [
    'Opt-out',
    'opt-out please',
    'OPT‑OUT',
    'СТОП-СТОП',
    'стоп—стоп',
    'S\u200bTOP',
    'S\u200cT\u200dO\u2060P\ufeff',
    'СТ\u00adОП',
    'сто\u0301п',
    'Я отписываюсь',
    'Уже отписалась, хватит',
    'Прекратите рассылку',
    'Прекратите присылать мне смс',
    'Прекратите!',
    'Отказываюсь от рассылки',
    'Отказ от рассылки',
    'Я отказываюсь',
    'Отзываю согласие на обработку персональных данных',
    'Прошу отозвать моё согласие',
    'Прошу прекратить обработку моих персональных данных',
    'Удалите мои данные',
    'Удалите меня из базы',
    'удалить мой номер',
    'Уберите меня из рассылки',
    'Исключите мой номер из списка',
    'Отмените подписку',
    'Подписка мне не нужна',
    'Мне не нужны ваши сообщения',
    'Не хочу получать рассылку',
    'Больше не хочу ваших смс',
    'Не надо больше',
    'Не надо мне писать',
    'Хватит мне писать!',
    'Пожалуйста, перестаньте присылать сообщения',
    'Не шлите мне ничего',
    'Надоели ваши смс',
    'Unsub',
    'unsubscribed already, why are you still texting',
    'Please unsuscribe me',
    'no more texts please',
    'No more messages',
    'No more, thanks',
    'opt me out',
    'I opted out last week',
    'Remove',
    'please remove my number',
    'take my number off your list',
    'delete my data',
    'I withdraw my consent',
    "I don't want your texts",
    'I do not want to receive these messages',
    'Cancel my subscription please',
    'Leave me alone',
    'Can I stop by tomorrow? STOP',
    'Stop. By the way, who is this?',
    'STOP BY NOW',
    'S T O P',
    's-t-o-p',
    'С.Т.О.П.',
    'Please remove',
    'Перестаньте, пожалуйста',
  ];
  for (const text of optOuts)
    it(`${JSON.stringify(text)} → opt_out`, () => {
      expect(classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('ru').optOutKeywords).intent).toBe('opt_out');
      expect(classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('us').optOutKeywords).intent).toBe('opt_out');
    });

  // Ordinary replies that only brush against an opt-out word.
  const ordinary = [
    'Спасибо',
    'Спасибо!',
    'ok',
    'What time do you open?',
    'Stop by tomorrow?',
    'Can I stop by tomorrow to pick it up?',
    'Не беспокойтесь, заберу завтра',
    'Мне не присылали код',
    'Вы мне не звонили',
    'Удалите мой заказ из корзины',
    'Оставил отзыв о магазине',
    'Отличный магазин, прекрасный сервис',
    'Прекрасно, спасибо',
    'Мне не нужна доставка',
    'Отказываюсь от заказа 1234',
    'Отказ от заказа',
    'Отпишу вечером, как приеду',
    'Я вам отписал на почту',
    'Please remove the onions from my order',
    'No problem',
    'No thanks',
    'Нет',
    'Нет, не хочу',
  ];
  for (const text of ordinary)
    it(`${JSON.stringify(text)} → not an opt-out`, () => {
      expect(classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('ru').optOutKeywords).intent).not.toBe('opt_out');
    });

  // GDPR art. 4(11), 38-FZ art. 18: consent is an unambiguous indication of wishes; a reply that also refuses is not one.
  const refusals = [
    'Subscribe? No thanks',
    'Join? No.',
    'Start? Never. Who is this?',
    'Start? Never…',
    'Подписаться? Нет, не хочу',
    "START F7-3? Don't think so",
    'START F7-3 no',
    'ПОДПИСАТЬСЯ F7-3? Не надо',
    'Подписка? Неинтересно',
    'Подписаться? Никогда',
  ];
  for (const text of refusals)
    it(`${JSON.stringify(text)} → other (not an opt-in)`, () => {
      const r = classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('uk').optOutKeywords);
      expect(r.intent).toBe('other');
    });

  it('an opt-out word wins over an opt-in and a refusal', () => {
    for (const text of ['Subscribe? No, STOP', 'Подписаться? Нет, отпишите меня', 'START F7-3 — нет, стоп'])
      expect(classifyInbound(text, DEFAULT_KEYWORDS, []).intent, text).toBe('opt_out');
  });

  // Opt-outs found by an adversarial test: a phrase in words the lists lacked, look-alike letters from the other
  // alphabet, a key held down.
  it.each([
    'Отстаньте от меня',
    'отстань уже',
    'Не надо мне смс',
    'Не надо больше ваших сообщений',
    'Не хочу ничего получать',
    'Не хочу больше ничего получать',
    'СТОР',
    'CTOП',
    'сТОп',
    'SТОР',
    'СTOP',
    'Oтпишите меня',
    'Нe пишите мне',
    'стопп',
    'STOPPP',
    'Отменаа',
  ])('%j → opt_out under every pack', (text) => {
    for (const pack of ['ru', 'us', 'uk'] as const)
      expect(classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack(pack).optOutKeywords).intent, pack).toBe('opt_out');
  });

  it.each(['Я отстал от жизни', 'Не надо доставку', 'Не надо, спасибо', 'Не хочу ничего покупать', 'Стопка блинов', 'Стопроцентно'])(
    '%j → not an opt-out',
    (text) => {
      expect(classifyInbound(text, DEFAULT_KEYWORDS, getPolicyPack('ru').optOutKeywords).intent).not.toBe('opt_out');
    },
  );

  it('look-alike letters never make an opt-in, and a refusal in look-alike letters still refuses', () => {
    // СТAРТ with a Latin A, CTAPT all Latin: only a START typed in one alphabet grants.
    for (const text of ['СТAРТ', 'CTAPT', 'ПOДПИСАТЬСЯ F7-3']) expect(classifyInbound(text, DEFAULT_KEYWORDS, []).intent, text).not.toBe('opt_in');
    // "Нeт" with a Latin e.
    expect(classifyInbound('START F7-3 Нeт', DEFAULT_KEYWORDS, []).intent).toBe('other');
    expect(classifyInbound('СТАРТ', DEFAULT_KEYWORDS, []).intent).toBe('opt_in');
  });

  it('marks a withdrawal of the personal-data consent, and only that, as reaching personal data', () => {
    const pd = [
      'Отзываю согласие на обработку персональных данных',
      'Отзыв согласия на обработку ПДн',
      'Удалите мои данные',
      'Уничтожьте мои персональные данные',
      'Прошу прекратить обработку моих персональных данных',
      'Не обрабатывайте мои данные',
      'I withdraw my consent to the processing of my personal data',
      'delete my data',
      'STOP and delete my data',
    ];
    for (const text of pd) expect(classifyInbound(text, DEFAULT_KEYWORDS, []), text).toMatchObject({ intent: 'opt_out', personalData: true });
    const marketingOnly = [
      'СТОП',
      'Отзываю согласие',
      'Отзываю согласие на рассылку',
      'Удалите мой номер',
      'I withdraw my consent',
      'please remove my number',
    ];
    for (const text of marketingOnly)
      expect(classifyInbound(text, DEFAULT_KEYWORDS, []), text).toMatchObject({ intent: 'opt_out', personalData: false });
    expect(classifyInbound('Удалите мой заказ из корзины', DEFAULT_KEYWORDS, []).personalData).toBe(false);
  });

  it('reads a form code however its dash is written, next to hyphens read as spaces', () => {
    for (const text of ['START F7-3', 'START F7‑3', 'START F7–3', 'START\u200b F7-3', 'start:f7-3.', 'ＳＴＡＲＴ Ｆ７－３'])
      expect(classifyInbound(text, DEFAULT_KEYWORDS, []), text).toMatchObject({ intent: 'opt_in', formCode: 'F7-3' });
    expect(classifyInbound('Лавка-Плюс: START F12-1', DEFAULT_KEYWORDS, [])).toMatchObject({ intent: 'opt_in', formCode: 'F12-1' });
  });

  it('normalises hyphens and dashes to spaces and drops format characters', () => {
    expect(normalizeInbound('Opt-out')).toBe('OPT OUT');
    expect(normalizeInbound('СТОП—СТОП')).toBe('СТОП СТОП');
    expect(normalizeInbound('S\u200bT\u00adO\u2060P\ufeff')).toBe('STOP');
    expect(normalizeInbound('Ёлка')).toBe('ЕЛКА');
    expect(normalizeInbound('й')).toBe('Й');
  });

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

describe('a complaint that also withdraws the personal-data consent', () => {
  it('stays a complaint and keeps the withdrawal', () => {
    const r = classifyInbound('Это спам! Удалите мои персональные данные', DEFAULT_KEYWORDS, getPolicyPack('ru').optOutKeywords);
    expect(r).toMatchObject({ intent: 'complaint', personalData: true });
    expect(classifyInbound('STOP, this is spam', DEFAULT_KEYWORDS)).toMatchObject({ intent: 'complaint', personalData: false });
  });
});
