import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { runImport, writeFile } from '../support/imports';
import { grantPaper, russianShop } from '../support/shop';

/**
 * A merged number (issue #17 item 11, "merge two contacts") and campaigns: the merged-away number is one of the
 * person's other numbers, not a second person — a campaign reaches the person once, on the primary number, under the
 * consent the register holds for it; and a STOP the person sends from the old number still reaches the person.
 */
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const A = '+79120000001';
const B = '+79120000002';
const C = '+79120000003';

async function shop() {
  // One message a second: each recipient is gated in its own slot, so a change between two hand-offs is seen.
  const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 1);
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z')); // 12:00 in Moscow
  const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t, { provider: true });
  await grantPaper(t.call, A, 'sms', form.id, { name: 'Анна Петрова' });
  await grantPaper(t.call, B, 'sms', form.id, { name: 'Анна П.' });
  await grantPaper(t.call, C, 'sms', form.id, { name: 'Борис' });
  return { ...t, provider, form };
}

const plan = (call: Caller) => call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
const smsMarketing = async (call: Caller, phone: string) =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

describe('a merged number in a campaign', () => {
  it('is not a second recipient: the person gets one message, on the primary number, under its own consent', async () => {
    const t = await shop();
    expect((await plan(t.call)).eligible).toBe(3);
    await t.call('contacts.merge', { phone: B, intoPhone: A });

    const p = await plan(t.call);
    expect(p).toMatchObject({ audience: 2, eligible: 2 });
    const eligible = await t.call('campaign.audience', { batch: p.batch, reason: 'eligible' });
    expect(eligible.people.map((m) => m.phone).sort()).toEqual([A, C]);
    const proofA = eligible.people.find((m) => m.phone === A)!.proofEvent!;
    expect((await t.call('contacts.get', { phone: A })).timeline.find((e) => e.id === proofA)).toMatchObject({ phone: A, action: 'grant' });

    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, skipped: 0, failed: 0, pending: 0 });
    expect(t.provider.recipients().sort()).toEqual([A, C]);
    const recipients = await t.call('campaign.recipients', { batch: p.batch });
    expect(recipients.recipients.map((r) => r.phone).sort()).toEqual([A, C]);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a number merged while its campaign is sending is left out at hand-off (the gate asks again)', async () => {
    const t = await shop();
    const p = await plan(t.call);
    // B is queued with the others; while A's message is in flight, B is merged into A.
    t.provider.beforeAnswer = async () => {
      if (t.provider.calls.length === 1) await t.call('contacts.merge', { phone: B, intoPhone: A });
    };
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients().sort()).toEqual([A, C]);
    // Said as what it is — merged into the person's primary number — as the contact page and the list say it.
    expect(done).toMatchObject({ sent: 2, skipped: 1, skipReasons: { merged: 1 } });
    const skipped = await t.call('campaign.recipients', { batch: p.batch, statuses: ['skipped'] });
    expect(skipped.recipients.map((r) => [r.phone, r.reason])).toEqual([[B, 'merged']]);
    expect((await smsMarketing(t.call, B)).blockedBy).toBe('merged');
  });

  it('a STOP from the merged number later revokes the person’s consent on the primary number too', async () => {
    const t = await shop();
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const reply = await t.call('inbound.receive', { from: B, text: 'СТОП' });
    expect(reply.classified).toBe('opt_out');
    // The revocation is recorded for the number it came from and for the person's primary number.
    expect(new Set(reply.events.map((e) => e.phone))).toEqual(new Set([A, B]));
    expect(reply.events.every((e) => e.action === 'revoke' && e.evidence.inboundMessageId === String(reply.messageId))).toBe(true);
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await smsMarketing(t.call, B)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await smsMarketing(t.call, C)).toMatchObject({ status: 'granted', sendable: true });

    const p = await plan(t.call);
    expect(p).toMatchObject({ audience: 2, eligible: 1 });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients()).toEqual([C]);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a STOP from the primary number revokes it and the person’s other numbers', async () => {
    const t = await shop();
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const reply = await t.call('inbound.receive', { from: A, text: 'стоп' });
    expect(new Set(reply.events.map((e) => e.phone))).toEqual(new Set([A, B]));
    expect(await smsMarketing(t.call, B)).toMatchObject({ status: 'revoked' });
  });
});

/**
 * The rule of the project (issue #14 point 6): the contact page, the list and a campaign give the same answer with the
 * same reason. A merged-away number is no recipient of its own, so none of them may show its consent as sendable.
 */
describe('a merged-away number says so everywhere', () => {
  it('its cells are not sendable, for the reason `merged`, naming the primary; its events and proof stay as they were', async () => {
    const t = await shop();
    const before = await t.call('contacts.get', { phone: B });
    expect(before.primary ?? null).toBeNull();
    t.clock.advance(60_000);
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const a = (await t.call('contacts.get', { phone: A })).contact;

    const got = await t.call('contacts.get', { phone: B });
    expect(got.primary).toEqual({ contactId: a.id, phone: A, name: 'Анна Петрова' });
    const cells = got.consents.filter((c) => c.purpose !== 'personal_data');
    expect(cells.length).toBe(4);
    for (const c of cells) expect(c).toMatchObject({ sendable: false, blockedBy: 'merged' });
    // The consent itself is untouched: status, its event, the timeline and each event's hash.
    expect(got.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({
      status: 'granted',
      event: expect.any(Number),
    });
    expect(got.timeline).toEqual(before.timeline);
    expect(got.consents.map(({ sendable: _s, blockedBy: _b, ...rest }) => rest)).toEqual(
      before.consents.map(({ sendable: _s, blockedBy: _b, ...rest }) => rest),
    );

    const status = await t.call('consent.status', { phone: B });
    // As of a moment before the merge (a certificate's 'as of', or what the register knew then) B was its own recipient.
    const then = new Date(t.clock.now() - 1).toISOString();
    for (const asOf of [{ at: then }, { knownAt: then }]) {
      const earlier = await t.call('consent.status', { phone: B, ...asOf });
      expect(earlier.primary).toBeNull();
      expect(earlier.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ sendable: true, blockedBy: null });
    }
    expect(status.primary).toEqual({ contactId: a.id, phone: A, name: 'Анна Петрова' });
    expect(status.consents.filter((c) => c.purpose !== 'personal_data').map((c) => [c.sendable, c.blockedBy])).toEqual(
      cells.map(() => [false, 'merged']),
    );

    // The primary's own answer does not change, and an unmerged number has no primary.
    const primary = await t.call('consent.status', { phone: A });
    expect(primary.primary ?? null).toBeNull();
    expect(primary.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ sendable: true, blockedBy: null });
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('the list, the primary’s page and an import preview say `merged` for it too, and the plan leaves it out', async () => {
    const t = await shop();
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const list = await t.call('contacts.list', {});
    const row = (phone: string) => list.contacts.find((c) => c.phone === phone)!;
    expect(row(B)).toMatchObject({ marketing: { sms: 'granted' }, marketingBlockedBy: { sms: 'merged', whatsapp: 'merged' } });
    expect(row(A).marketingBlockedBy.sms).toBeNull();
    // Filtering by status still finds it by its status, with the same reason beside it.
    const granted = await t.call('contacts.list', { filter: { marketing: { channel: 'sms', status: ['granted'] } } });
    expect(granted.contacts.find((c) => c.phone === B)?.marketingBlockedBy.sms).toBe('merged');

    // 'Needs the personal-data consent' (the list's SQL with the gate's exceptions): a marketing grant without it shows
    // so, one on a merged-away number does not — the gate says `merged` for it — whether opt-outs wait or not.
    const D = '+79120000004';
    const E = '+79120000005';
    await grantPaper(t.call, D, 'sms', t.form.id, { purposes: ['marketing'] });
    await grantPaper(t.call, E, 'sms', t.form.id, { purposes: ['marketing'] });
    await t.call('contacts.merge', { phone: E, intoPhone: C });
    const needsPd = await t.call('contacts.list', { filter: { marketing: { channel: 'sms', status: ['needs_personal_data'] } } });
    expect(needsPd.contacts.map((c) => [c.phone, c.marketingBlockedBy.sms])).toEqual([[D, 'needs_personal_data']]);
    expect(needsPd.total).toBe(1);
    const all = await t.call('contacts.list', {});
    expect(all.contacts.find((c) => c.phone === E)).toMatchObject({ marketing: { sms: 'granted' }, marketingBlockedBy: { sms: 'merged' } });

    // The import preview says the same: a file granting E marketing without the personal-data consent does not count
    // it as held back for it (its page says `merged`), while D is.
    const csv = ['Имя,Телефон,Согласие SMS,Дата согласия,Источник согласия', `Дарья,${D},да,2026-01-01,сайт`, `Анна П.,${E},да,2026-01-01,сайт`];
    const preview = await runImport(t, writeFile(t, 'ru.csv', csv.join('\n')), { dryRun: true });
    expect(preview.summary).toMatchObject({ needsPersonalData: 1 });

    const person = await t.call('contacts.person', { phone: A });
    expect(person.others.map((o) => [o.phone, o.marketingBlockedBy.sms])).toEqual([[B, 'merged']]);

    const p = await plan(t.call);
    expect(p).toMatchObject({ audience: 3, eligible: 2, excluded: { needs_personal_data: 1, merged: 0 } });
    const merged = await t.call('campaign.audience', { batch: p.batch, reason: 'merged' });
    expect(merged.people).toEqual([]);
  });
});
