import { describe, expect, it } from 'vitest';
import { grantPaper, scriptedShop } from '../support/shop';
import { pdfText } from '../support/pdf';

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

describe('a plan names its warnings', () => {
  it('planned at 01:00 in Moscow: the count, each warning with its rule and words, and the report names the rule', async () => {
    // 22:00 UTC is 01:00 in Moscow, outside the ru pack's recommended 09:00–21:00.
    const t = await scriptedShop({}, '2026-03-02T22:00:00Z');
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, locale: 'ru' });
    expect(plan.lint.ok).toBe(true);
    expect(plan.lint.warnings).toBe(plan.lint.warningList.length);
    const quiet = plan.lint.warningList.find((w) => w.rule === 'LINT-QUIET-HOURS');
    expect(quiet?.message).toContain('Сообщения уйдут в назначенное время');
    const report = await t.call('campaign.report', { batch: plan.batch, format: 'pdf', locale: 'en' });
    const lines = await pdfText(t.backend.files.get(report.fileId).path);
    expect(lines.join(' ')).toMatch(/1 warning \(LINT-QUIET-HOURS\)|warnings \(.*LINT-QUIET-HOURS/);
  });
});
