import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits, lintMessage } from '../../../shared/domain/lint/engine';
import { lintProfileFromSettings } from '../../../shared/domain/lint/profile';
import { PolicyPackIds } from '../../../shared/domain/policy/policy';
import { MessageKinds, type Diagnostic, type LintInput } from '../../../shared/domain/lint/types';
import { SHOP_LINT_SETTINGS } from '../../support/lint';

const profile = lintProfileFromSettings(SHOP_LINT_SETTINGS);

// Pieces real messages are made of, including every kind of trouble the rules look for.
const FRAGMENTS = [
  'Lavka:',
  'Лавка:',
  'new autumn range in store',
  'новая коллекция в магазине',
  'HUGE AUTUMN SALE',
  'ОГРОМНАЯ РАСПРОДАЖА',
  'today only',
  'только сегодня',
  'the best prices',
  'лучшие цены',
  'free coffee',
  'бесплатный кофе',
  'guaranteed',
  'гарантируем',
  '10% off',
  'скидка 20%',
  'wine and vodka',
  'вино и сигареты',
  '!!!',
  '?!?',
  '“quoted”',
  '«ёлочки»',
  '—',
  '…',
  '\u00a0',
  '\u200b',
  '\t',
  '     ',
  '\n\n\n',
  '😀',
  'сafe',
  '500₽',
  '{{first_name}}',
  '{{name|}}',
  '{{ first_name }}',
  '{{First Name}}',
  '{{firstname}}',
  '{{2}}',
  '{{3}}',
  '{{first_name',
  'name}}',
  'http://lavka.ru/new',
  'https://bit.ly/abc',
  'example.com',
  'Reply STOP to opt out',
  'Reply 2 to stop',
  'Отписаться: ответьте СТОП',
  'Чтобы отписаться, ответьте НЕТ',
  'Reply YES to confirm.',
  '.',
];

const message = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(' '));
const input = fc.record({
  text: message,
  channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
  purpose: fc.constantFrom('marketing' as const, 'service' as const),
  kind: fc.constantFrom(...MessageKinds),
  policy: fc.constantFrom(...PolicyPackIds),
  sendAt: fc.option(
    fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((t) => new Date(t).toISOString()),
    { nil: undefined },
  ),
});

const key = (d: Diagnostic): string => `${d.rule}\u0000${d.target}\u0000${d.message}`;
const count = (ds: Diagnostic[], k: string): number => ds.filter((d) => key(d) === k).length;
const errorsByRule = (ds: Diagnostic[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const d of ds) if (d.severity === 'error') m.set(d.rule, (m.get(d.rule) ?? 0) + 1);
  return m;
};

describe('lint fixes (property)', () => {
  it('applying any offered fix removes its diagnostic and adds no error', () => {
    fc.assert(
      fc.property(input, (inp: LintInput) => {
        const before = lintMessage(inp, profile);
        for (const d of before.diagnostics) {
          if (!d.fix) continue;
          const next: LintInput = { ...inp };
          if (d.fix.sendAt) next.sendAt = d.fix.sendAt;
          if (d.target === 'text') next.text = applyEdits(inp.text, d.fix.edits);
          const after = lintMessage(next, profile);
          expect(count(after.diagnostics, key(d)), `${d.rule} on ${JSON.stringify(inp.text)} → ${JSON.stringify(next.text)}`).toBeLessThan(
            count(before.diagnostics, key(d)),
          );
          const was = errorsByRule(before.diagnostics);
          for (const [rule, n] of errorsByRule(after.diagnostics))
            expect(n, `fix of ${d.rule} added ${rule} on ${JSON.stringify(inp.text)} → ${JSON.stringify(next.text)}`).toBeLessThanOrEqual(
              was.get(rule) ?? 0,
            );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws and keeps every range inside its target', () => {
    fc.assert(
      fc.property(input, fc.string({ maxLength: 300 }), (inp, noise) => {
        const r = lintMessage({ ...inp, text: inp.text + noise }, profile, 'ru');
        for (const d of r.diagnostics) {
          expect(d.start).toBeGreaterThanOrEqual(0);
          expect(d.end).toBeGreaterThanOrEqual(d.start);
          if (d.target === 'text') expect(d.end).toBeLessThanOrEqual(inp.text.length + noise.length);
        }
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 300 },
    );
  });
});
