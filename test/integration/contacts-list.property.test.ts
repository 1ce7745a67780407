import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scopedBackend, type Caller } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import type { Input, ListedStatus, Output } from '../../shared/contract/api';

/**
 * The contacts list's filters against brute force (issue #17 item 10): on a small random register — consents granted,
 * claimed, requested, revoked and lapsing, personal-data consents, complaints, tags, merges, deletions, an import and
 * its undo, a projection rebuild — every status filter per channel (the gate's "needs the personal-data consent"
 * included), a tag, and both together return exactly the contacts whose page (contacts.get) says so, in every order,
 * page by page and at an offset. The list reads what the consent repository keeps on each contact (0016); this
 * says it is kept right through every path that changes it.
 */
const RUNS = Number(process.env.LIST_RUNS ?? (process.env.CI ? 30 : 20));
const PHONES = ['+79120000001', '+79120000002', '+79120000003', '+79120000004', '+79120000005', '+79120000006'] as const;
const HOUR = 3_600_000;
const STATUSES: ListedStatus[] = ['granted', 'needs_personal_data', 'unproven', 'pending', 'expired', 'revoked', 'none'];
type Channel = 'sms' | 'whatsapp';
type Sort = NonNullable<Input<'contacts.list'>['sort']>;

type Step =
  | { kind: 'grant'; who: number; channel: Channel; pd: boolean; backHours: number }
  | { kind: 'claim' | 'request'; who: number; channel: Channel }
  | { kind: 'stop' | 'revoke_pd' | 'complaint' | 'add' | 'delete' | 'erase' | 'tag'; who: number }
  | { kind: 'merge'; who: number; into: number }
  | { kind: 'import'; rows: { who: number; yes: boolean }[] }
  | { kind: 'undo' | 'rebuild' }
  | { kind: 'wait'; hours: number };

const who = fc.integer({ min: 0, max: PHONES.length - 1 });
const channel = fc.constantFrom<Channel>('sms', 'whatsapp');
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('grant' as const), who, channel, pd: fc.boolean(), backHours: fc.integer({ min: 0, max: 30 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('claim' as const, 'request' as const), who, channel }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('stop', 'revoke_pd', 'complaint', 'add', 'delete', 'erase', 'tag' as const), who }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), who, into: who }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      rows: fc.array(fc.record({ who, yes: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('undo' as const, 'rebuild' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 40 }) }) },
);

type T = ReturnType<typeof scopedBackend>;

async function shop(): Promise<{ t: T; form: number }> {
  const t = scopedBackend();
  await t.call('settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
    // Consents and requests lapse within the hours the steps wait, so `expired` comes from both.
    policyOverrides: { maxConsentAgeDays: 1, pendingExpiryHours: 2 },
  });
  const form = await t.call('forms.create', {
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
  });
  return { t, form: form.id };
}

/** Refusals a random step may meet (a number not in the register, a contact with events that cannot be deleted…). */
const refused = (e: unknown): void => {
  const code = (e as { apiError?: { code: string } }).apiError?.code;
  if (code === undefined || code === 'INTERNAL') throw e;
};

async function apply(t: T, form: number, s: Step, imports: number[]): Promise<void> {
  const call: Caller = t.call;
  const phone = 'who' in s ? PHONES[s.who]! : '';
  try {
    switch (s.kind) {
      case 'grant':
        for (const purpose of s.pd ? (['marketing', 'personal_data'] as const) : (['marketing'] as const))
          await call('consent.record', {
            phone,
            channel: s.channel,
            purpose,
            action: 'grant',
            method: 'paper_form',
            evidence: { formVersionId: form, sheetRef: 'S-000001' },
            occurredAt: new Date(t.clock.now() - s.backHours * HOUR).toISOString(),
          });
        break;
      case 'claim':
        await call('consent.record', {
          phone,
          channel: s.channel,
          purpose: 'marketing',
          action: 'claim',
          method: 'import',
          evidence: { source: 'CRM' },
        });
        break;
      case 'request':
        await call('consent.record', {
          phone,
          channel: s.channel,
          purpose: 'marketing',
          action: 'request',
          method: 'paper_form',
          evidence: { formVersionId: form, sheetRef: 'S-000001' },
        });
        break;
      case 'stop':
        await call('inbound.receive', { from: phone, text: 'СТОП' });
        break;
      case 'revoke_pd':
        await call('consent.record', { phone, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
        break;
      case 'complaint':
        await call('complaints.record', { phone, note: 'жалоба' });
        break;
      case 'add':
        await call('contacts.add', { phone, name: `Гость ${s.who}` });
        break;
      case 'delete':
        await call('contacts.delete', { phone });
        break;
      case 'erase':
        await call('contacts.erase', { phone });
        break;
      case 'tag':
        await call('contacts.tag', { add: 'vip', matching: { query: phone } });
        break;
      case 'merge':
        await call('contacts.merge', { phone, intoPhone: PHONES[s.into]! });
        break;
      case 'import': {
        const rows = s.rows.map((r) => `Клиент ${r.who},${PHONES[r.who]!},${r.yes ? 'yes' : ''}`);
        const path = writeFile(t, `crm-${imports.length}.csv`, ['Name,Phone,SMS consent', ...rows].join('\n'));
        const done = await importFile(t, path, { dryRun: false });
        if (done.batch) imports.push(done.batch);
        break;
      }
      case 'undo':
        if (imports.length) await call('import.undo', { batch: imports.pop()! });
        break;
      case 'rebuild':
        await call('register.rebuildProjection', {});
        break;
      case 'wait':
        t.clock.advance(s.hours * HOUR);
        break;
    }
  } catch (e) {
    refused(e);
  }
  t.clock.advance(1_000);
}

/** Every page of a filtered list by cursor, `limit` at a time. */
async function walk(call: Caller, input: Input<'contacts.list'>, limit: number): Promise<Output<'contacts.list'>['contacts']> {
  const out: Output<'contacts.list'>['contacts'] = [];
  let page = await call('contacts.list', { ...input, limit });
  out.push(...page.contacts);
  for (let i = 0; page.nextCursor && i < 50; i++) {
    page = await call('contacts.list', { ...input, cursor: page.nextCursor, limit });
    out.push(...page.contacts);
  }
  return out;
}

describe('the contacts list against brute force', () => {
  it(
    'every status filter per channel, a tag and both: exactly whom each contact page says, in every order, by cursor and offset',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbStep, { minLength: 3, maxLength: 16 }),
          fc.constantFrom<Sort>({ by: 'name', dir: 'asc' }, { by: 'name', dir: 'desc' }, { by: 'added', dir: 'desc' }, { by: 'phone', dir: 'asc' }),
          fc.subarray(STATUSES, { minLength: 2, maxLength: 3 }),
          async (steps, sort, pair) => {
            const { t, form } = await shop();
            const imports: number[] = [];
            for (const s of steps) await apply(t, form, s, imports);

            // Brute force: everyone on the list, each as its own page shows it.
            const everyone = await walk(t.call, {}, 100);
            const pages = new Map<string, Output<'contacts.get'>>();
            for (const c of everyone) pages.set(c.phone, await t.call('contacts.get', { contactId: c.id }));
            const shows = (phone: string, ch: Channel): Set<ListedStatus> => {
              const cell = pages.get(phone)!.consents.find((x) => x.channel === ch && x.purpose === 'marketing');
              const out = new Set<ListedStatus>([cell?.status ?? 'none']);
              if (cell?.blockedBy === 'needs_personal_data') out.add('needs_personal_data');
              return out;
            };
            const vip = (phone: string) => pages.get(phone)!.contact.tags.includes('vip');

            const check = async (filter: NonNullable<Input<'contacts.list'>['filter']>, want: (phone: string) => boolean) => {
              const expected = everyone.filter((c) => want(c.phone)).map((c) => c.phone);
              const got = await walk(t.call, { filter, sort }, 2);
              const label = JSON.stringify({ filter, sort });
              expect(got.map((c) => c.phone).sort(), label).toEqual([...expected].sort());
              // In the order asked, and what each row shows is what its page shows.
              const all = await walk(t.call, { sort }, 100);
              expect(
                got.map((c) => c.phone),
                label,
              ).toEqual(all.map((c) => c.phone).filter((p) => expected.includes(p)));
              for (const c of got) {
                const m = pages.get(c.phone)!.consents.filter((x) => x.purpose === 'marketing');
                for (const ch of ['sms', 'whatsapp'] as const) expect(c.marketing[ch], label).toBe(m.find((x) => x.channel === ch)?.status ?? 'none');
              }
              // A page at an offset is the same rows as the walk there; the count is exact (a small register).
              const at = await t.call('contacts.list', { filter, sort, offset: 1, limit: 2 });
              expect(
                at.contacts.map((c) => c.phone),
                label,
              ).toEqual(got.slice(1, 3).map((c) => c.phone));
              const first = await t.call('contacts.list', { filter, sort, limit: 100 });
              expect(first.total, label).toBe(expected.length);
            };

            for (const ch of ['sms', 'whatsapp'] as const) {
              for (const status of STATUSES) await check({ marketing: { channel: ch, status: [status] } }, (p) => shows(p, ch).has(status));
              await check({ marketing: { channel: ch, status: pair } }, (p) => pair.some((s) => shows(p, ch).has(s)));
            }
            await check({ tags: ['vip'] }, vip);
            await check({ tags: ['vip'], marketing: { channel: 'sms', status: pair } }, (p) => vip(p) && pair.some((s) => shows(p, 'sms').has(s)));
            t.cleanup();
          },
        ),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 6_000),
  );
});
