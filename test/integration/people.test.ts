import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Channel } from '../../shared/domain/consent/types';
import { scopedBackend, type Caller } from '../support/backend';
import { importFile, writeFile } from '../support/imports';

/**
 * Managing people (issue #17 item 11): edit, merge, delete and deletion requests. A merge links contacts and moves
 * no event: the primary's own consent still decides messages to it, and a merged-away number is no recipient of its own
 * (the gate says `merged`), so a merge never makes a number sendable; an erasure keeps the number and the proof of
 * its opt-out, so no import can make it consented again; `audit verify` stays intact throughout.
 */
const DAY = 86_400_000;
const phone = (i: number) => `+4479111${String(10000 + i)}`;

type T = ReturnType<typeof scopedBackend>;

async function shop(): Promise<{ t: T; form: number }> {
  const t = scopedBackend();
  await t.call('settings.update', {
    businessName: 'Corner Shop',
    senderName: 'CORNER',
    shopPhone: '+44 20 7946 0000',
    defaultCountry: 'GB',
    timezone: 'Europe/London',
    policyPack: 'uk',
  });
  const form = await t.call('forms.create', {
    language: 'en',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Corner Shop by SMS and WhatsApp. Reply STOP to opt out.',
  });
  return { t, form: form.id };
}

const grant = (call: Caller, form: number, p: string, channel: Channel = 'sms', name?: string) =>
  call('consent.record', {
    phone: p,
    channel,
    purpose: 'marketing',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: form, sheetRef: 'S-000001' },
    ...(name ? { name } : {}),
  });
const revoke = (call: Caller, p: string, channel: Channel = 'sms') =>
  call('consent.record', { phone: p, channel, purpose: 'marketing', action: 'revoke' });

/** The gate's answer for SMS and WhatsApp marketing to one number now, as the contact page gives it. */
async function sendable(call: Caller, p: string): Promise<Record<Channel, boolean>> {
  const page = await call('contacts.get', { phone: p });
  const cell = (ch: Channel) => page.consents.find((c) => c.channel === ch && c.purpose === 'marketing')!.sendable;
  return { sms: cell('sms'), whatsapp: cell('whatsapp') };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; key: string; message: string }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { apiError?: { code: string; key: string; message: string } } | null;
  expect(err?.apiError, 'the call was refused').toBeDefined();
  return err!.apiError!;
}

const auditActions = (t: T): string[] =>
  (t.backend.db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);

describe('merging two contacts', () => {
  it('never makes a revoked number sendable and never moves a consent to another number; a merged number’s opt-out stops the person; audit verify stays intact', async () => {
    const { t, form } = await shop();
    await grant(t.call, form, phone(1), 'sms', 'Ann Lee');
    await grant(t.call, form, phone(2), 'sms', 'Ann L.');
    await revoke(t.call, phone(2));
    await t.call('contacts.add', { phone: phone(3), name: 'Ann (work)', email: 'ann@work.example', tags: ['work'] });
    const before = await Promise.all([1, 2, 3].map((i) => sendable(t.call, phone(i))));
    expect(before).toEqual([
      { sms: true, whatsapp: false },
      { sms: false, whatsapp: false },
      { sms: false, whatsapp: false },
    ]);
    const events = (t.backend.db.prepare('SELECT id, contact_id, phone, hash FROM consent_events ORDER BY id').all() as unknown[]).slice();

    // The revoked number merged into the consented one: still revoked, still not sendable — and its opt-out, given after
    // the consent on the other number, now stops the person there too (dated when it was given).
    const m1 = await t.call('contacts.merge', { phone: phone(2), intoPhone: phone(1) });
    expect(m1.primary.phone).toBe(phone(1));
    expect(m1.merged.map((c) => [c.phone, c.mergedInto])).toEqual([[phone(2), m1.primary.id]]);
    expect(await sendable(t.call, phone(1))).toEqual({ sms: false, whatsapp: false });
    // The consented number merged into one that never consented: the primary does not get its consent.
    const m2 = await t.call('contacts.merge', { phone: phone(1), intoPhone: phone(3) });
    // Ann's other numbers come along with her (one level: no chains).
    expect(m2.merged.map((c) => c.phone)).toEqual([phone(1), phone(2)]);
    expect(m2.filled).toEqual([]);

    // The primary's answer is its own, unchanged; the numbers merged into it are not sendable (messages go to it).
    const none = { sms: false, whatsapp: false };
    expect(await Promise.all([1, 2, 3].map((i) => sendable(t.call, phone(i))))).toEqual([none, none, before[2]]);
    // The list (and so a campaign) asks the same gate per number.
    const listed = await t.call('contacts.list', { query: '7911' });
    expect(Object.fromEntries(listed.contacts.map((c) => [c.phone, c.marketingBlockedBy.sms]))).toEqual({
      [phone(1)]: 'merged',
      [phone(2)]: 'merged',
      // The person opted out on a number now merged into this one.
      [phone(3)]: 'revoked',
    });
    // No event moved; the only ones written are the opt-outs carried to the numbers the revoked one joined, each dated
    // as the opt-out it carries.
    const after = t.backend.db.prepare('SELECT id, contact_id, phone, hash, action, occurred_at FROM consent_events ORDER BY id').all() as {
      id: number;
      phone: string;
      action: string;
      occurred_at: number;
    }[];
    expect(after.slice(0, events.length).map(({ id, phone: p }) => [id, p])).toEqual(
      events.map((e) => [(e as { id: number }).id, (e as { phone: string }).phone]),
    );
    const stop = after.find((e) => e.phone === phone(2) && e.action === 'revoke')!;
    expect(after.slice(events.length).every((e) => e.action === 'revoke' && e.occurred_at === stop.occurred_at && e.phone !== phone(2))).toBe(true);
    expect(new Set(after.slice(events.length).map((e) => e.phone))).toEqual(new Set([phone(1), phone(3)]));

    const person = await t.call('contacts.person', { phone: phone(3) });
    expect(person.primary).toBeNull();
    expect(person.others.map((o) => [o.phone, o.marketing.sms, o.marketingBlockedBy.sms])).toEqual([
      [phone(1), 'revoked', 'merged'],
      [phone(2), 'revoked', 'merged'],
    ]);
    expect((await t.call('contacts.person', { phone: phone(2) })).primary).toMatchObject({ phone: phone(3), name: 'Ann (work)' });
    expect(auditActions(t).filter((a) => a === 'contact.merged')).toHaveLength(2);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);

    // An opt-out recorded for the merged number still lands on that number (it is its own contact).
    await revoke(t.call, phone(1));
    expect((await t.call('contacts.get', { phone: phone(1) })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({
      status: 'revoked',
      sendable: false,
    });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('fills the primary’s empty fields and joins tags; refuses itself, an unknown number, a merged target and a second merge', async () => {
    const { t } = await shop();
    await t.call('contacts.add', { phone: phone(11) });
    await t.call('contacts.add', { phone: phone(12), name: 'Bob Stone', email: 'bob@example.com', tags: ['bikes'], locale: 'en' });
    await t.call('contacts.add', { phone: phone(13), name: 'Robert Stone', tags: ['vip'] });
    const m = await t.call('contacts.merge', { phone: phone(12), intoPhone: phone(11) });
    expect(m.filled).toEqual(['name', 'email', 'locale', 'tags']);
    expect(m.primary).toMatchObject({ name: 'Bob Stone', email: 'bob@example.com', tags: ['bikes'], mergedInto: null });
    // The merged contact keeps its own fields.
    expect((await t.call('contacts.get', { phone: phone(12) })).contact).toMatchObject({ name: 'Bob Stone', mergedInto: m.primary.id });

    const self = await refusal(t.call('contacts.merge', { phone: phone(13), intoPhone: phone(13) }));
    expect(self).toMatchObject({ code: 'VALIDATION_FAILED', key: 'people.intoItself' });
    expect(self.message).toContain('cannot be merged into itself');
    expect(await refusal(t.call('contacts.merge', { phone: phone(99), intoPhone: phone(13) }))).toMatchObject({
      code: 'NOT_FOUND',
      key: 'contacts.phoneNotInRegister',
    });
    const unknownInto = await refusal(t.call('contacts.merge', { phone: phone(13), intoPhone: phone(98) }));
    expect(unknownInto).toMatchObject({ code: 'NOT_FOUND', key: 'people.intoNotInRegister' });
    expect(unknownInto.message).toContain(phone(98));
    const intoMerged = await refusal(t.call('contacts.merge', { phone: phone(13), intoPhone: phone(12) }));
    expect(intoMerged).toMatchObject({ code: 'CONFLICT', key: 'people.intoMerged' });
    expect(intoMerged.message).toBe(`intoPhone: ${phone(12)} is itself another number of ${phone(11)}; merge into ${phone(11)} instead`);
    expect(await refusal(t.call('contacts.merge', { phone: phone(12), intoPhone: phone(13) }))).toMatchObject({
      code: 'CONFLICT',
      key: 'people.alreadyMerged',
    });
    expect(await refusal(t.call('contacts.merge', { phone: phone(13) } as never))).toMatchObject({ code: 'VALIDATION_FAILED' });

    // Two merges make one person: 11 (with 12) into 13 → 13 has both, none chained.
    await t.call('contacts.merge', { phone: phone(11), intoPhone: phone(13) });
    const person = await t.call('contacts.person', { phone: phone(13) });
    expect(person.others.map((o) => o.phone)).toEqual([phone(11), phone(12)]);
    expect((await t.call('contacts.person', { phone: phone(12) })).primary?.phone).toBe(phone(13));
    expect((await t.call('contacts.get', { phone: phone(13) })).contact.tags).toEqual(['vip', 'bikes']);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});

describe('editing and deleting a contact', () => {
  it('edits a consented contact’s fields (never its number) with audit verify intact; deletes only one never asked', async () => {
    const { t, form } = await shop();
    await grant(t.call, form, phone(21), 'sms', 'Cara');
    const edited = await t.call('contacts.update', {
      id: (await t.call('contacts.get', { phone: phone(21) })).contact.id,
      name: 'Cara Jones',
      email: 'cara@example.com',
      locale: 'en',
      externalId: 'HS-42',
      tags: ['bikes', 'leeds'],
    });
    expect(edited).toMatchObject({ phone: phone(21), name: 'Cara Jones', externalId: 'HS-42', tags: ['bikes', 'leeds'] });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);

    const kept = await refusal(t.call('contacts.delete', { phone: phone(21) }));
    expect(kept).toMatchObject({ code: 'CONFLICT', key: 'people.hasEvents' });
    expect(kept.message).toContain('carry out a deletion request instead');

    const hand = await t.call('contacts.add', { phone: phone(22), name: 'Typo Person' });
    await t.call('contacts.add', { phone: phone(23), name: 'Other' });
    await t.call('contacts.merge', { phone: phone(23), intoPhone: phone(22) });
    expect(await refusal(t.call('contacts.delete', { phone: phone(22) }))).toMatchObject({ key: 'people.hasOtherNumbers' });
    // A merged number never asked may go; then its primary may too.
    await t.call('contacts.delete', { phone: phone(23) });
    expect(await t.call('contacts.delete', { contactId: hand.id })).toEqual({ contactId: hand.id, phone: phone(22) });
    expect(await refusal(t.call('contacts.get', { phone: phone(22) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.call('contacts.list', { query: 'Typo' })).contacts).toEqual([]);
    const row = t.backend.db.prepare("SELECT details FROM audit_log WHERE action = 'contact.deleted' ORDER BY id DESC LIMIT 1").get() as {
      details: string;
    };
    // The audit row keeps no number of the person gone: only its last digits.
    expect(JSON.parse(row.details)).toEqual({ phoneEnd: `…${phone(22).slice(-4)}`, mergedInto: null });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);

    // A contact an import only filled in (no consent in the file) may go too; undoing that import then skips it.
    await t.call('contacts.add', { phone: phone(24) });
    const filled = await importFile(t, writeFile(t, 'names.csv', ['Name,Phone', `Eve Filled,${phone(24)}`].join('\n')), { dryRun: false });
    expect((await t.call('contacts.get', { phone: phone(24) })).contact.name).toBe('Eve Filled');
    await t.call('contacts.delete', { phone: phone(24) });
    await t.call('import.undo', { batch: filled.batch! });
    expect(await refusal(t.call('contacts.get', { phone: phone(24) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});

describe('a deletion request', () => {
  it('erases the personal fields, keeps the number and the opt-out, and a later import with consent grants nothing', async () => {
    const { t } = await shop();
    const file = (name: string, rows: string[]) =>
      writeFile(t, name, ['Name,Phone,Email,Tags,SMS consent,Consent date,Consent source', ...rows].join('\n'));
    const first = await importFile(t, file('crm.csv', [`Dina Moss,${phone(31)},dina@example.com,vip,yes,2026-01-10,web form`]), { dryRun: false });
    expect(first).toMatchObject({ created: 1, consentsGranted: 1 });
    await t.call('contacts.add', { phone: phone(32), name: 'Dina (mobile)' });
    await t.call('contacts.merge', { phone: phone(32), intoPhone: phone(31) });
    expect(await sendable(t.call, phone(31))).toEqual({ sms: true, whatsapp: false });

    t.clock.advance(DAY);
    const future = await refusal(t.call('contacts.erase', { phone: phone(31), requestedAt: new Date(t.clock.now() + DAY).toISOString() }));
    expect(future).toMatchObject({ code: 'FUTURE_DATE', key: 'people.requestFuture' });
    const requestedAt = new Date(t.clock.now() - 2 * 3_600_000).toISOString();
    // Asked through the other number: the whole person is erased.
    const erased = await t.call('contacts.erase', { phone: phone(32), requestedAt, reference: 'e-mail of 2 March' });
    expect(erased.requestedAt).toBe(requestedAt);
    expect(erased.erased.map((c) => [c.phone, c.name, c.email, c.tags, c.erasedAt !== null])).toEqual([
      [phone(31), '', null, [], true],
      [phone(32), '', null, [], true],
    ]);
    // Every cell of both numbers (2 channels × 3 purposes each), in force, never asked or withdrawn already.
    expect(erased.revocations).toBe(12);
    const page = await t.call('contacts.get', { phone: phone(31) });
    expect(page.contact).toMatchObject({ name: '', email: null, externalId: null, tags: [], erasureRequestedAt: requestedAt });
    expect(page.consents.filter((c) => c.purpose === 'marketing').map((c) => c.status)).toEqual(['revoked', 'revoked']);
    // The revocations are dated when the erasure was carried out (a consent given after the request is withdrawn too).
    expect(page.timeline[0]).toMatchObject({ action: 'revoke', occurredAt: erased.erasedAt, evidence: { note: 'e-mail of 2 March' } });
    // Still found by its number (the proof of the opt-out), no longer by the name.
    expect((await t.call('contacts.list', { query: 'Dina' })).contacts).toEqual([]);
    expect((await t.call('contacts.list', { query: phone(31) })).contacts.map((c) => c.phone)).toEqual([phone(31)]);
    expect(auditActions(t).slice(-4)).toEqual(['contact.erasure_requested', 'consent.recorded', 'consent.recorded', 'contact.erased']);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);

    // The old CRM file comes back, dated after the request: nothing granted, nothing personal written back.
    t.clock.advance(DAY);
    const again = await importFile(t, file('crm-again.csv', [`Dina Moss,${phone(31)},dina@example.com,vip,yes,2026-03-02,web form`]), {
      dryRun: false,
    });
    expect(again).toMatchObject({ created: 0, consentsGranted: 0 });
    expect(again.warningGroups.find((g) => g.kind === 'erased_on_request')).toMatchObject({ count: 1 });
    const after = await t.call('contacts.get', { phone: phone(31) });
    expect(after.contact).toMatchObject({ name: '', email: null, tags: [] });
    expect(after.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe('revoked');
    expect(await sendable(t.call, phone(31))).toEqual({ sms: false, whatsapp: false });
    // Undoing the first import does not bring the erased name back either.
    await t.call('import.undo', { batch: first.batch! });
    expect((await t.call('contacts.get', { phone: phone(31) })).contact.name).toBe('');

    expect(await refusal(t.call('contacts.erase', { phone: phone(31) }))).toMatchObject({ code: 'CONFLICT', key: 'people.alreadyErased' });
    expect(await refusal(t.call('contacts.merge', { phone: phone(33), intoPhone: phone(31) }))).toMatchObject({ code: 'NOT_FOUND' });
    await t.call('contacts.add', { phone: phone(33) });
    expect(await refusal(t.call('contacts.merge', { phone: phone(33), intoPhone: phone(31) }))).toMatchObject({ key: 'people.erasedNotMerged' });
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});

describe('merges never make a number sendable (property)', () => {
  it('random histories on five numbers, then random merges: a primary is never more sendable than before, not at all when a number of its person opted out after its consent; a merged-away number is not sendable', async () => {
    const { t, form } = await shop();
    let round = 0;
    const arbStep = fc.record({
      who: fc.integer({ min: 0, max: 4 }),
      what: fc.constantFrom('grant' as const, 'revoke' as const),
      channel: fc.constantFrom<Channel>('sms', 'whatsapp'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbStep, { maxLength: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 6 }),
        async (steps, merges) => {
          round++;
          const nums = [0, 1, 2, 3, 4].map((i) => phone(1000 + round * 10 + i));
          for (const p of nums) await t.call('contacts.add', { phone: p });
          for (const s of steps) {
            if (s.what === 'grant') await grant(t.call, form, nums[s.who]!, s.channel);
            else await revoke(t.call, nums[s.who]!, s.channel);
            t.clock.advance(1000);
          }
          const before = await Promise.all(nums.map((p) => sendable(t.call, p)));
          for (const [a, b] of merges) await t.call('contacts.merge', { phone: nums[a]!, intoPhone: nums[b]! }).catch(() => undefined);
          const got = await Promise.all(nums.map((p) => t.call('contacts.get', { phone: p })));
          const now = await Promise.all(nums.map((p) => sendable(t.call, p)));
          for (let i = 0; i < nums.length; i++) {
            const c = got[i]!.contact;
            if (c.mergedInto) {
              expect(now[i]).toEqual({ sms: false, whatsapp: false });
              continue;
            }
            const person = got.filter((g) => g.contact.mergedInto === c.id);
            for (const ch of ['sms', 'whatsapp'] as const) {
              if (now[i]![ch]) expect(before[i]![ch]).toBe(true);
              const granted = got[i]!.consents.find((x) => x.channel === ch && x.purpose === 'marketing' && x.status === 'granted');
              // A number merged into it whose opt-out came after the consent it stands on: the person withdrew.
              const optedOutLater = person.some((g) =>
                g.consents.some(
                  (x) => x.channel === ch && x.purpose === 'marketing' && x.status === 'revoked' && granted && x.since! > granted.since!,
                ),
              );
              if (optedOutLater) expect(now[i]![ch], `${nums[i]} ${ch}`).toBe(false);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });
});
