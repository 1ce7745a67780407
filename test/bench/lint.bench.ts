/**
 * Linter benchmark (issue #4 targets: at least 20,000 lint runs a second on typical 200-character messages;
 * under 2 ms for a 1,000-character message). Each figure is printed beside floors measured in the same run:
 * the SMS encoding count alone, and one pass of a single regular expression over the same texts.
 */
import { performance } from 'node:perf_hooks';
import { lintMessage } from '../../shared/domain/lint/engine';
import { analyzeSms } from '../../shared/domain/lint/gsm';
import { lintProfileFromSettings } from '../../shared/domain/lint/profile';
import type { LintInput } from '../../shared/domain/lint/types';
import { SHOP_LINT_SETTINGS } from '../support/lint';

const profile = lintProfileFromSettings(
  { ...SHOP_LINT_SETTINGS, businessName: 'Лавка у дома', brandAliases: ['Lavka'] },
  { fieldMaxLength: { first_name: 14, name: 34 }, namesNeedUcs2: true },
);

// Typical messages of about 200 characters, in both languages, clean and troubled, on both channels.
const TYPICAL: LintInput[] = [
  {
    text: 'Lavka: {{first_name|there}}, our autumn range is in: warm scarves, wool socks and 20% off all knitwear until Sunday. See https://lavka.ru/autumn. Reply STOP to opt out',
    channel: 'sms',
    purpose: 'marketing',
  },
  {
    text: 'Лавка у дома: {{first_name|покупатель}}, новая осенняя коллекция уже в магазине! Шарфы, тёплые носки и скидка 20% на трикотаж до воскресенья. Подробнее: lavka.ru. Отписаться: ответьте СТОП',
    channel: 'sms',
    purpose: 'marketing',
  },
  {
    text: 'Lavka: HUGE autumn sale today only!!! The best prices in town — “gifts” for everyone… See http://bit.ly/autumn. Reply STOP to opt out',
    channel: 'sms',
    purpose: 'marketing',
  },
  {
    text: 'Здравствуйте, {{first_name|покупатель}}! Ваш заказ {{name|}} собран и ждёт вас в магазине «Лавка у дома» на Ленина, 1. Кстати, скидка 15% на следующую покупку. Хорошего дня!',
    channel: 'whatsapp',
    purpose: 'service',
    header: 'Заказ готов',
    footer: 'Лавка у дома',
  },
];

// Everything wrong at once, planned at night for the US: every rule fires and the send-time fix is searched.
const WORST: LintInput = {
  text: 'HUGE SALE today only!!! The best prices in town — “free” gifts for everyone… Visit http://bit.ly/x before it’s gone. Wine, cigarettes and loans available. Reply 2 to stop receiving these',
  channel: 'sms',
  purpose: 'marketing',
  policy: 'us',
  kind: 'first_message',
  sendAt: '2026-11-24T03:00:00Z',
};

const LONG: LintInput = {
  text: Array.from({ length: 12 }, (_, i) =>
    i % 2
      ? 'Лавка у дома: только сегодня скидка 20% на всё — «лучшие» цены, бесплатная доставка… '
      : 'Lavka: {{first_name|there}}, the best deals this week!!! Free delivery on orders over 50. ',
  )
    .join('')
    .concat('Отписаться: ответьте СТОП')
    .slice(0, 1000),
  channel: 'sms',
  purpose: 'marketing',
};

function rate(label: string, n: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i); // warm the JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = n / seconds;
  console.log(`${label.padEnd(58)} ${Math.round(perSecond).toLocaleString('en').padStart(10)} /s   ${((seconds / n) * 1000).toFixed(4)} ms each`);
  return perSecond;
}

function percentile(label: string, n: number, fn: () => unknown): { p50: number; p99: number } {
  for (let i = 0; i < 200; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(n * 0.5)]!;
  const p99 = times[Math.floor(n * 0.99)]!;
  console.log(`${label.padEnd(58)} p50 ${p50.toFixed(3)} ms   p99 ${p99.toFixed(3)} ms`);
  return { p50, p99 };
}

const N = Number(process.env.BENCH_LINT_RUNS ?? 100_000);
const lengths = TYPICAL.map((m) => m.text.length);
console.log(
  `lint benchmark — ${N.toLocaleString('en')} runs; typical messages of ${lengths.join(', ')} characters; long message ${LONG.text.length}`,
);
console.log('');
const floorRegex = /скидк\p{L}*|discount/giu;
rate('floor: one regex pass over the typical texts', N, (i) => TYPICAL[i % TYPICAL.length]!.text.match(floorRegex));
rate('floor: SMS encoding count alone (typical)', N, (i) => analyzeSms(TYPICAL[i % TYPICAL.length]!.text));
const typical = rate('lint, typical ~200-character messages (target ≥ 20,000/s)', N, (i) => lintMessage(TYPICAL[i % TYPICAL.length]!, profile, 'en'));
rate('lint, worst case (every rule fires, US night send time)', Math.round(N / 5), () => lintMessage(WORST, profile, 'en'));
const long = percentile('lint, 1,000-character message (target < 2 ms)', 5_000, () => lintMessage(LONG, profile, 'ru'));
console.log('');
console.log(`typical: ${typical >= 20_000 ? 'meets' : 'MISSES'} 20,000/s · 1,000 characters: ${long.p50 < 2 ? 'meets' : 'MISSES'} 2 ms (p50)`);
