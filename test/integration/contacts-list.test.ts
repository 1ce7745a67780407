import { describe, expect, it } from 'vitest';
import { scopedBackend, type Caller } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';
import { importFile, writeFile } from '../support/imports';
import type { Input, Output } from '../../shared/contract/api';

/**
 * Working with the contacts list (issue #17 item 13): filter by marketing status per channel (as the list shows it,
 * the gate's "needs the personal-data consent" included), tag, source, import and dates; sort by name, number, when
 * added and the last consent change; tag in bulk and undo it; save a filter as a segment and send a campaign to it,
 * the gate still deciding each person.
 */
const DAY = 86_400_000;
const OK_TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
type Listed = Output<'contacts.list'>;
const phones = (r: Listed) => r.contacts.map((c) => c.phone);
const list = (call: Caller, input: Input<'contacts.list'>) => call('contacts.list', { limit: 100, ...input });

/** The shop's people, each added on its own day (the clock starts 2026-03-01 09:00 UTC, Moscow is UTC+3). */
async function shop() {
  const t = scopedBackend();
  const { form } = await russianShop(t);
  const day = async () => t.clock.advance(DAY);
  // 2 March: Анна, marketing and the personal-data consent on paper → sendable.
  await day();
  await grantPaper(t.call, '+79120000003', 'sms', form!, { name: 'Анна Смирнова' });
  // 3 March: Борис, marketing without the personal-data consent → "needs PD consent" on the list.
  await day();
  await grantPaper(t.call, '+79120000001', 'sms', form!, { name: 'Борис Орлов', purposes: ['marketing'] });
  // 4 March: Вера, granted, then STOP → revoked.
  await day();
  await grantPaper(t.call, '+79120000004', 'sms', form!, { name: 'Вера Ким' });
  await t.call('inbound.receive', { from: '+79120000004', text: 'СТОП' });
  // 5 March: Глеб, a claim from the CRM → unproven; WhatsApp granted on paper.
  await day();
  await t.call('consent.record', {
    phone: '+79120000002',
    name: 'Глеб Титов',
    channel: 'sms',
    purpose: 'marketing',
    action: 'claim',
    method: 'import',
    evidence: { source: 'CRM' },
  });
  await grantPaper(t.call, '+79120000002', 'whatsapp', form!);
  // 6 March: Дарья, added by hand, no consent at all, tagged.
  await day();
  await t.call('contacts.add', { phone: '+79120000005', name: 'Дарья Лис', tags: ['vip'] });
  // 7 March: an import brings Егор (new, with a claim) and gives Анна a tag (an update).
  await day();
  const path = writeFile(t, 'crm.csv', ['Name,Phone,Tags,SMS consent', 'Егор Пак,+79120000006,,yes', 'Анна Смирнова,+79120000003,vip,'].join('\n'));
  const imported = await importFile(t, path, { dryRun: false });
  return { t, form: form!, importBatch: imported.batch! };
}

describe('the contacts list at work', () => {
  it('filters by marketing status per channel as the list shows it, tag, source, import and dates', async () => {
    const { t, importBatch } = await shop();
    const sms = (
      status: NonNullable<Input<'contacts.list'>['filter']>['marketing'] extends infer M ? (M extends { status: infer S } ? S : never) : never,
    ) => list(t.call, { filter: { marketing: { channel: 'sms', status } }, sort: { by: 'phone' } });

    // The gate's own words: granted, but held back for want of the personal-data consent.
    const npd = await sms(['needs_personal_data']);
    expect(phones(npd)).toEqual(['+79120000001']);
    expect(npd.contacts[0]!.marketingBlockedBy.sms).toBe('needs_personal_data');
    expect(phones(await sms(['granted']))).toEqual(['+79120000001', '+79120000003']);
    expect(phones(await sms(['revoked']))).toEqual(['+79120000004']);
    expect(phones(await sms(['unproven']))).toEqual(['+79120000002', '+79120000006']);
    expect(phones(await sms(['none']))).toEqual(['+79120000005']);
    expect(phones(await sms(['unproven', 'none']))).toEqual(['+79120000002', '+79120000005', '+79120000006']);
    // Per channel: on WhatsApp only Глеб is granted (with the personal-data consent on WhatsApp, which counts for both).
    expect(phones(await list(t.call, { filter: { marketing: { channel: 'whatsapp', status: ['granted'] } } }))).toEqual(['+79120000002']);
    // What each row shows agrees with the filter it was found by.
    for (const c of (await sms(['granted'])).contacts) expect(c.marketing.sms).toBe('granted');

    expect(phones(await list(t.call, { filter: { tags: ['vip'] }, sort: { by: 'phone' } }))).toEqual(['+79120000003', '+79120000005']);
    // Source: how their consent was collected.
    expect(phones(await list(t.call, { filter: { method: 'paper_form' }, sort: { by: 'phone' } }))).toEqual([
      '+79120000001',
      '+79120000002',
      '+79120000003',
      '+79120000004',
    ]);
    // Import: whom it added (Егор) or updated (Анна's tag).
    expect(phones(await list(t.call, { filter: { importBatch }, sort: { by: 'phone' } }))).toEqual(['+79120000003', '+79120000006']);
    // Dates are days in the shop's zone, both ends included.
    expect(phones(await list(t.call, { filter: { added: { from: '2026-03-03', to: '2026-03-04' } }, sort: { by: 'phone' } }))).toEqual([
      '+79120000001',
      '+79120000004',
    ]);
    // Last consent change: Вера's STOP and Глеб's claim (4 and 5 March); Дарья never had one.
    expect(phones(await list(t.call, { filter: { consentChanged: { from: '2026-03-04', to: '2026-03-05' } }, sort: { by: 'phone' } }))).toEqual([
      '+79120000002',
      '+79120000004',
    ]);
    // Parts together all hold; a search narrows a filter too.
    expect(phones(await list(t.call, { query: 'Анна', filter: { tags: ['vip'], marketing: { channel: 'sms', status: ['granted'] } } }))).toEqual([
      '+79120000003',
    ]);
    const counted = await list(t.call, { filter: { marketing: { channel: 'sms', status: ['granted', 'unproven'] } } });
    expect(counted.total).toBe(4);
  });

  it('sorts by name, number, when added and the last consent change, either way, with cursors that walk every order', async () => {
    const { t } = await shop();
    const names = (r: Listed) => r.contacts.map((c) => c.name.split(' ')[0]);
    expect(names(await list(t.call, {}))).toEqual(['Анна', 'Борис', 'Вера', 'Глеб', 'Дарья', 'Егор']);
    expect(names(await list(t.call, { sort: { by: 'name', dir: 'desc' } }))).toEqual(['Егор', 'Дарья', 'Глеб', 'Вера', 'Борис', 'Анна']);
    expect(phones(await list(t.call, { sort: { by: 'phone' } }))).toEqual([1, 2, 3, 4, 5, 6].map((i) => `+7912000000${i}`));
    expect(names(await list(t.call, { sort: { by: 'added', dir: 'desc' } }))).toEqual(['Егор', 'Дарья', 'Глеб', 'Вера', 'Борис', 'Анна']);
    // Дарья has no consent at all: first when the oldest change comes first; then Анна (2 March) … Егор (the import).
    expect(names(await list(t.call, { sort: { by: 'consentChanged' } }))).toEqual(['Дарья', 'Анна', 'Борис', 'Вера', 'Глеб', 'Егор']);

    // Pages two at a time by cursor read the same as one page, in every order and with a filter.
    for (const sort of [
      { by: 'name', dir: 'desc' },
      { by: 'phone', dir: 'asc' },
      { by: 'added', dir: 'desc' },
      { by: 'consentChanged', dir: 'asc' },
    ] as const) {
      for (const filter of [
        undefined,
        { marketing: { channel: 'sms' as const, status: ['granted' as const, 'needs_personal_data' as const, 'none' as const] } },
      ]) {
        const whole = phones(await list(t.call, { sort, filter }));
        const walked: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list(t.call, { sort, filter, limit: 2, ...(cursor ? { cursor } : {}) });
          walked.push(...phones(page));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(walked, `${sort.by} ${sort.dir} ${filter ? 'filtered' : ''}`).toEqual(whole);
        // And by offset.
        const byOffset: string[] = [];
        for (let offset = 0; offset < whole.length; offset += 2) byOffset.push(...phones(await list(t.call, { sort, filter, offset, limit: 2 })));
        expect(byOffset).toEqual(whole);
      }
    }
    // A cursor belongs to its order and filter.
    const first = await list(t.call, { sort: { by: 'phone' }, limit: 2 });
    await expect(list(t.call, { sort: { by: 'added' }, limit: 2, cursor: first.nextCursor! })).rejects.toThrow(/another search/);
  });

  it('tags in bulk — chosen ones or all matching — with an audit row, undone by removing the tag the same way', async () => {
    const { t } = await shop();
    const picked = await t.call('contacts.tag', { add: 'весна', contactIds: [1, 2, 999] });
    expect(picked).toEqual({ matched: 2, changed: 2 });
    const unproven = { marketing: { channel: 'sms' as const, status: ['unproven' as const] } };
    expect(await t.call('contacts.tag', { add: 'весна', matching: { filter: unproven }, dryRun: true })).toEqual({ matched: 2, changed: 0 });
    expect(await t.call('contacts.tag', { add: 'весна', matching: { filter: unproven } })).toEqual({ matched: 2, changed: 2 });
    // Анна and Борис (chosen) and Глеб and Егор (the claims).
    expect(phones(await list(t.call, { filter: { tags: ['весна'] }, sort: { by: 'phone' } }))).toEqual([
      '+79120000001',
      '+79120000002',
      '+79120000003',
      '+79120000006',
    ]);
    const audit = await t.call('audit.list', { limit: 10 });
    const tagged = audit.entries.filter((e) => e.action === 'contacts.tagged');
    expect(tagged).toHaveLength(2);
    expect(tagged.some((e) => JSON.stringify(e.details).includes('"changed":2'))).toBe(true);
    // Undo: remove the tag from everyone who has it.
    expect(await t.call('contacts.tag', { remove: 'весна', matching: { filter: { tags: ['весна'] } } })).toEqual({ matched: 4, changed: 4 });
    expect((await list(t.call, { filter: { tags: ['весна'] } })).total).toBe(0);
    expect((await t.call('audit.list', { limit: 10 })).entries.some((e) => e.action === 'contacts.untagged')).toBe(true);
    // Other tags stay as they were.
    expect(phones(await list(t.call, { filter: { tags: ['vip'] }, sort: { by: 'phone' } }))).toEqual(['+79120000003', '+79120000005']);
  });

  it('a saved segment lists the same people, and as a campaign audience the gate still decides each one', async () => {
    const { t } = await shop();
    const filter = { marketing: { channel: 'sms' as const, status: ['granted' as const, 'revoked' as const] } };
    const saved = await t.call('segments.save', { name: 'Весенние', filter });
    expect(saved).toMatchObject({ name: 'Весенние', filter });
    expect((await t.call('segments.list', {})).segments.map((s) => s.name)).toEqual(['Весенние']);
    expect(phones(await list(t.call, { segment: 'весенние', sort: { by: 'phone' } }))).toEqual(['+79120000001', '+79120000003', '+79120000004']);

    // The campaign's audience is the segment; Вера opted out and Борис lacks the personal-data consent: the gate excludes both.
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT, segment: 'Весенние' });
    expect(plan).toMatchObject({ audience: 3, eligible: 1 });
    expect(plan.excluded).toMatchObject({ revoked: 1, needs_personal_data: 1 });
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible' })).people.map((p) => p.phone)).toEqual(['+79120000003']);
    expect((await t.call('campaign.list', {})).batches[0]).toMatchObject({ segment: 'Весенние', tags: [] });
    // Анна opts out after the plan: the campaign's lists follow the register, the segment still holds her.
    await t.call('inbound.receive', { from: '+79120000003', text: 'стоп' });
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible' })).total).toBe(0);
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'revoked' })).total).toBe(2);

    // The campaign copied the filter: replacing or deleting the segment does not move it.
    await t.call('segments.save', { name: 'Весенние', filter: { tags: ['vip'] }, replace: true });
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'revoked' })).total).toBe(2);
    await t.call('segments.delete', { name: 'Весенние' });
    expect((await t.call('segments.list', {})).segments).toEqual([]);
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'needs_personal_data' })).total).toBe(1);

    // A segment that asks what only the gate says: the plan counts those the list shows, member by member.
    await t.call('segments.save', { name: 'Без ПДн', filter: { marketing: { channel: 'sms', status: ['needs_personal_data'] } } });
    const pd = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT, segment: 'Без ПДн' });
    expect(pd).toMatchObject({ audience: 1, eligible: 0, excluded: { needs_personal_data: 1 } });
  });

  it('refuses what cannot mean anything, naming it: an unknown segment or import, days backwards or not in the calendar', async () => {
    const { t } = await shop();
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return (e as { apiError: { code: string; key: string; message: string; details?: { fields?: { path: string }[] } } }).apiError;
      }
      throw new Error('not refused');
    };
    expect(await refusal(list(t.call, { segment: 'Нет такого' }))).toMatchObject({
      code: 'NOT_FOUND',
      key: 'segments.notFound',
      message: 'segment: no segment named "Нет такого" (see the saved segments)',
    });
    expect(await refusal(t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT, segment: 'Нет такого' }))).toMatchObject({
      code: 'NOT_FOUND',
      key: 'segments.notFound',
    });
    expect(await refusal(list(t.call, { filter: { importBatch: 99 } }))).toMatchObject({ code: 'NOT_FOUND', key: 'contacts.noSuchImport' });
    const backwards = await refusal(list(t.call, { filter: { added: { from: '2026-03-05', to: '2026-03-01' } } }));
    expect(backwards).toMatchObject({ code: 'VALIDATION_FAILED', key: 'contacts.daysBackwards' });
    expect(backwards.message).toBe('filter.added.to: the range starts on 2026-03-05, after it ends on 2026-03-01; give the earlier day first');
    const notADay = await refusal(list(t.call, { filter: { consentChanged: { from: '2026-02-30' } } }));
    expect(notADay).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(notADay.details?.fields?.[0]?.path).toBe('filter.consentChanged.from');
    expect(await refusal(list(t.call, { filter: { marketing: { channel: 'sms', status: ['sendable' as never] } } }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await refusal(t.call('segments.save', { name: 'Все', filter: {} }))).toMatchObject({ key: 'segments.emptyFilter' });
    await t.call('segments.save', { name: 'VIP', filter: { tags: ['vip'] } });
    expect(await refusal(t.call('segments.save', { name: 'vip', filter: { tags: ['x'] } }))).toMatchObject({
      code: 'CONFLICT',
      key: 'segments.exists',
    });
    expect(
      await refusal(t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: OK_TEXT, segment: 'VIP', tags: ['vip'] })),
    ).toMatchObject({
      key: 'campaigns.segmentOrTags',
    });
    expect(await refusal(t.call('contacts.tag', { add: 'a', remove: 'b', contactIds: [1] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refusal(t.call('contacts.tag', { add: 'a' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
