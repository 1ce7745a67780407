import { describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { createBackend } from '../../electron/core/backend';
import { grantPaper, russianShop, scriptedShop } from '../support/shop';
import { testBackend, TestClock } from '../support/backend';

// The proof a message is sent on, and the event a contact page names for a consent, is the event that put the consent
// in force (a signed sheet, a confirmation) — not a later request or CRM claim that found it already in force.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const ANNA = '+79120000001';

describe('the proof of a consent in force', () => {
  it('is the signed grant, after a later CRM claim and a later request for the same consent', async () => {
    const t = await scriptedShop();
    const [grant] = await grantPaper(t.call, ANNA, 'sms', t.form);
    const signed = grant!.events[0]!;
    t.clock.advance(1000);
    await t.call('consent.record', {
      phone: ANNA,
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
      evidence: { source: 'CRM' },
    });
    t.clock.advance(1000);
    await t.call('consent.record', {
      phone: ANNA,
      channel: 'sms',
      purpose: 'marketing',
      action: 'request',
      method: 'paper_form',
      evidence: { formVersionId: t.form.id, sheetRef: 'S-000002' },
    });

    const cell = (await t.call('consent.status', { phone: ANNA })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(cell).toMatchObject({ status: 'granted', event: signed.id, since: signed.occurredAt });

    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 60 });
    const [sent] = (await t.call('campaign.recipients', { batch: plan.batch, statuses: ['sent'], limit: 5 })).recipients;
    expect(sent!.proofEvent).toBe(signed.id);
    const detail = await t.call('campaign.recipient', { id: sent!.id });
    expect(detail.proof).toMatchObject({ id: signed.id, action: 'grant', method: 'paper_form' });
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a register whose projection named the last event seen is folded anew once when it opens, and verifies', async () => {
    const clock = new TestClock();
    const t = testBackend(clock);
    onTestFinished(() => t.cleanup());
    const { form } = await russianShop(t);
    const [grant] = await grantPaper(t.call, ANNA, 'sms', form);
    await t.call('consent.record', {
      phone: ANNA,
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
      evidence: { source: 'CRM' },
    });
    const path = t.dbPath;
    t.backend.close();
    // As a build of fold version 1 left it: the claim named as the cell's event, and that fold recorded.
    const raw = new Database(path);
    const claim = raw.prepare<[], { id: number }>("SELECT max(id) AS id FROM consent_events WHERE action = 'claim'").get()!.id;
    raw.prepare("UPDATE consent_state SET last_event_id = ? WHERE channel = 'sms' AND purpose = 'marketing'").run(claim);
    raw.prepare('UPDATE projection_fold SET fold_version = 1').run();
    raw.close();

    const again = createBackend({ dbPath: path, clock });
    onTestFinished(() => again.close());
    const call = async <T>(method: string, input: object): Promise<T> => {
      const r = await again.dispatch(method as never, input as never);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as T;
    };
    type Status = { consents: { channel: string; purpose: string; event: number | null }[] };
    const cell = (await call<Status>('consent.status', { phone: ANNA })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(cell.event).toBe(grant!.events[0]!.id);
    expect((await call<{ ok: boolean }>('audit.verify', {})).ok).toBe(true);
  });
});
