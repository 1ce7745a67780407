import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';
import { optin } from '../support/cli';

/**
 * Promotion in a message marked as service makes it advertising (LINT-PURPOSE-MISMATCH, DOMAIN §lint 13): it is
 * planned, checked and sent as marketing. Found by an adversarial review: "скидка 50% на всё" planned as a service
 * message went to someone who had said СТОП to marketing — the linter only warned.
 */

const A = '+79120000001'; // marketing, personal data and service; then СТОП
const B = '+79120000002'; // service (and personal data) only
const C = '+79120000003'; // marketing, personal data and service
const PROMO = 'Лавка у дома: скидка 50% на всё только сегодня! Отписаться: ответьте СТОП';

async function shop() {
  const provider = new ScriptedProvider(['sms', 'whatsapp'], () => ({ kind: 'accepted', providerMessageId: null }), 1000);
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
  const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t, { provider: true, form: { purposes: ['marketing', 'personal_data', 'service'] } });
  await grantPaper(t.call, A, 'sms', form!, { purposes: ['marketing', 'personal_data', 'service'] });
  await grantPaper(t.call, B, 'sms', form!, { purposes: ['personal_data', 'service'] });
  await grantPaper(t.call, C, 'sms', form!, { purposes: ['marketing', 'personal_data', 'service'] });
  await t.call('inbound.receive', { from: A, text: 'СТОП' });
  return { ...t, provider };
}

describe('a promotional text planned as a service message', () => {
  it('is planned and sent as marketing: it does not reach someone who said СТОП to marketing, nor someone who agreed to service only', async () => {
    const t = await shop();
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'service', text: PROMO });
    expect(p).toMatchObject({ purpose: 'marketing', promotional: true, eligible: 1, lint: { ok: true } });
    expect(p.excluded).toMatchObject({ revoked: 1, no_consent: 1 });
    const listed = await t.call('campaign.list', {});
    expect(listed.batches.find((b) => b.id === p.batch)).toMatchObject({ purpose: 'marketing' });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients()).toEqual([C]);
  });

  it('a service text without promotion stays a service message for everyone who agreed to service messages', async () => {
    const t = await shop();
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'service', text: 'Лавка у дома: ваш заказ готов к выдаче до 20:00.' });
    expect(p).toMatchObject({ purpose: 'service', promotional: false, eligible: 3 });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients().sort()).toEqual([A, B, C]);
  });

  it('checked as marketing: promotion without the opt-out instruction cannot be sent, and the CLI says why it is marketing', async () => {
    const t = await shop();
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'service', text: 'Лавка у дома: скидка 50% на всё только сегодня!' });
    expect(p).toMatchObject({ purpose: 'marketing', promotional: true, lint: { ok: false } });
    expect(p.lint.errors.map((e) => e.rule)).toContain('LINT-OPTOUT-PRESENT');
    await expect(t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true })).rejects.toThrow(/CONFLICT/);
    expect(t.provider.recipients()).toEqual([]);
    t.backend.close();
    const r = await optin(t.dbPath, 'campaign', 'plan', '--channel', 'sms', '--purpose', 'service', '--text', PROMO);
    expect(r.code).toBe(0);
    expect(r.out).toContain('planned as marketing: the message is promotional');
  });
});
