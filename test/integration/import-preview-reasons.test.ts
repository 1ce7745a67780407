import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scopedBackend, TestClock } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';
import { importFile, writeFile } from '../support/imports';

/**
 * The import preview's "needs the personal-data consent" figure is the register's answer after the commit (issue #14
 * §6: the contact page, the list, the import preview and the plan give the same answer with the same reason). Found by
 * an adversarial review: a row granting marketing dated before the person's personal-data withdrawal was previewed as
 * "needs personal-data consent", while the register (rightly) kept the withdrawal — "revoked".
 */

const A = '+79120000001';
const DAY = 86_400_000;
const HEADER = 'Name,Phone,Email,SMS consent,Consent date,Consent source,Do not contact';

async function shop() {
  const t = scopedBackend({}, new TestClock(Date.parse('2026-03-02T09:00:00Z')));
  const { form } = await russianShop(t);
  return { ...t, form: form.id };
}

const smsMarketing = async (t: Awaited<ReturnType<typeof shop>>, phone: string) =>
  (await t.call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

describe('import preview: needs personal-data consent, as the register answers it', () => {
  it('a row granting marketing older than the person’s personal-data withdrawal is previewed as the register answers: revoked', async () => {
    const t = await shop();
    await grantPaper(t.call, A, 'sms', t.form);
    t.clock.advance(60_000);
    await t.call('consent.record', { phone: A, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
    const path = writeFile(t, 'r.csv', [HEADER, `Anna,${A},,yes,2026-02-01,crm export,`].join('\n'));
    const preview = await importFile(t, path, { dryRun: true });
    await importFile(t, path, { dryRun: false });
    expect({ previewNeedsPD: preview.needsPersonalData, page: (await smsMarketing(t, A)).blockedBy }).toEqual({
      previewNeedsPD: 0,
      page: 'revoked',
    });
  });

  it('property: over histories before the file and rows dated before, between and after them, the preview’s figure is the count after commit', async () => {
    const state = fc.constantFrom('none', 'paper', 'marketing_only', 'pd_revoked', 'marketing_revoked');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ state, rowDay: fc.integer({ min: -40, max: 0 }), consent: fc.constantFrom('yes', 'no', '') }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (people) => {
          const t = await shop();
          const phone = (i: number) => `+7912000010${i}`;
          // Each history ends 20 days before the import; rows are dated 40 days before it up to its day.
          const historyAt = t.clock.now() - 20 * DAY;
          for (const [i, p] of people.entries()) {
            const at = new Date(historyAt + i * 60_000).toISOString();
            if (p.state === 'none') continue;
            if (p.state === 'marketing_only') await grantPaper(t.call, phone(i), 'sms', t.form, { purposes: ['marketing'], occurredAt: at });
            else await grantPaper(t.call, phone(i), 'sms', t.form, { occurredAt: at });
            const later = new Date(historyAt + i * 60_000 + 1_000).toISOString();
            if (p.state === 'pd_revoked')
              await t.call('consent.record', { phone: phone(i), channel: 'sms', purpose: 'personal_data', action: 'revoke', occurredAt: later });
            if (p.state === 'marketing_revoked')
              await t.call('consent.record', { phone: phone(i), channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt: later });
          }
          const day = (d: number) => new Date(t.clock.now() + d * DAY).toISOString().slice(0, 10);
          const rows = people.map((p, i) => `P${i},${phone(i)},,${p.consent},${p.consent ? day(p.rowDay) : ''},${p.consent ? 'анкета' : ''},`);
          const path = writeFile(t, 'r.csv', [HEADER, ...rows].join('\n'));
          const preview = await importFile(t, path, { dryRun: true });
          await importFile(t, path, { dryRun: false });
          let after = 0;
          for (const [i, p] of people.entries()) {
            // Counted by the rows that grant marketing: the register's reason for those people now.
            if (p.consent !== 'yes') continue;
            if ((await smsMarketing(t, phone(i))).blockedBy === 'needs_personal_data') after++;
          }
          expect(preview.needsPersonalData).toBe(after);
        },
      ),
      { numRuns: Number(process.env.PREVIEW_RUNS ?? 25) },
    );
  }, 240_000);
});

describe('an import whose consent source only names a system', () => {
  it('ru: a CRM export with a date and "CRM" as its source is an unproven claim, said why, and is not sent advertising', async () => {
    const t = await shop();
    const path = writeFile(t, 'crm.csv', [HEADER, `Анна,${A},,yes,2026-02-01,CRM,`].join('\n'));
    const s = await importFile(t, path, { dryRun: false });
    // The separate 152-FZ consent is on paper; the advertising consent only in the CRM file.
    await grantPaper(t.call, A, 'sms', t.form, { purposes: ['personal_data'] });
    expect(s).toMatchObject({ consentsGranted: 0, claims: 1 });
    const claim = s.warningGroups.find((g) => g.kind === 'consent_claim');
    expect(JSON.stringify(claim)).toContain('source_system');
    expect(await smsMarketing(t, A)).toMatchObject({ status: 'unproven', sendable: false });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Лавка у дома: скидка 10%. Отписаться: ответьте СТОП' });
    expect(plan.eligible).toBe(0);
  });
});
