import { describe, expect, it } from 'vitest';
import { scopedBackend } from '../support/backend';
import { pdfText } from '../support/pdf';
import { grantPaper, russianShop } from '../support/shop';

/**
 * What a campaign's audience was (issue #17): a campaign planned from a segment keeps the segment's name as it was
 * then, and the campaign list and the report say it — and say so when the segment was renamed or deleted since.
 */
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

async function shop() {
  const t = scopedBackend();
  const { form } = await russianShop(t);
  await grantPaper(t.call, '+79120000001', 'sms', form.id, { name: 'Анна' });
  await grantPaper(t.call, '+79120000002', 'sms', form.id, { name: 'Борис' });
  const anna = await t.call('contacts.get', { phone: '+79120000001' });
  await t.call('contacts.update', { id: anna.contact.id, tags: ['постоянные'] });
  return t;
}

async function reportText(t: ReturnType<typeof scopedBackend>, batch: number, locale: 'en' | 'ru'): Promise<string> {
  const out = await t.call('campaign.report', { batch, format: 'pdf', locale });
  return (await pdfText(t.backend.files.get(out.fileId).path, { layout: true })).join(' ').replace(/\s+/g, ' ');
}

describe('a campaign’s audience in words', () => {
  it('names the segment it was planned from, as named then, and says when it was renamed or deleted since', async () => {
    const t = await shop();
    await t.call('segments.save', { name: 'Постоянные', filter: { tags: ['постоянные'] } });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, segment: 'постоянные' });
    expect(plan.audience).toBe(1);
    const listed = async () => (await t.call('campaign.list', {})).batches.find((b) => b.id === plan.batch)!;
    expect(await listed()).toMatchObject({ segment: 'Постоянные', segmentNow: { deleted: false, name: 'Постоянные' }, tags: [] });
    expect(await reportText(t, plan.batch, 'ru')).toContain('Аудитория сегмент «Постоянные»');
    expect(await reportText(t, plan.batch, 'en')).toContain('Audience segment “Постоянные”');

    // Saved again under another spelling: the campaign keeps the name it had and says what it is now.
    await t.call('segments.save', { name: 'ПОСТОЯННЫЕ', filter: { tags: ['постоянные', 'vip'] }, replace: true });
    expect(await listed()).toMatchObject({ segment: 'Постоянные', segmentNow: { deleted: false, name: 'ПОСТОЯННЫЕ' } });
    // (The line wraps in its column: its two halves.)
    const renamed = await reportText(t, plan.batch, 'ru');
    expect(renamed).toContain('Аудитория сегмент «Постоянные» (теперь называется');
    expect(renamed).toContain('«ПОСТОЯННЫЕ»)');

    await t.call('segments.delete', { name: 'ПОСТОЯННЫЕ' });
    expect(await listed()).toMatchObject({ segment: 'Постоянные', segmentNow: { deleted: true, name: null } });
    const deleted = [await reportText(t, plan.batch, 'ru'), await reportText(t, plan.batch, 'en')];
    expect(deleted[0]).toContain('Аудитория сегмент «Постоянные» (сегмент с');
    expect(deleted[0]).toMatch(/тех пор удалён\)/);
    expect(deleted[1]).toContain('Audience segment “Постоянные” (the segment');
    expect(deleted[1]).toMatch(/was deleted since\)/);

    // A new segment given the deleted one's id is not the one the campaign copied.
    t.clock.advance(60_000);
    const again = await t.call('segments.save', { name: 'Новые', filter: { tags: ['vip'] } });
    expect(again.id).toBeGreaterThan(0);
    expect(await listed()).toMatchObject({ segmentNow: { deleted: true, name: null } });
  });

  it('says "everyone" or the tags for a campaign planned without a segment', async () => {
    const t = await shop();
    const all = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const tagged = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, tags: ['постоянные'] });
    const { batches } = await t.call('campaign.list', {});
    expect(batches.find((b) => b.id === all.batch)).toMatchObject({ segment: null, segmentNow: null, tags: [] });
    expect(batches.find((b) => b.id === tagged.batch)).toMatchObject({ segment: null, segmentNow: null, tags: ['постоянные'] });
    expect(await reportText(t, all.batch, 'ru')).toContain('Аудитория все контакты');
    expect(await reportText(t, tagged.batch, 'ru')).toContain('Аудитория контакты с метками постоянные');
  });
});
