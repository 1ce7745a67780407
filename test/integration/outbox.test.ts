import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';
import type { ProviderAdapter } from '../../electron/core/sending/providers/types';

const TEXT = 'Лавка у дома: {{first_name|Здравствуйте}}, скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

/** The Russian shop with its paper form, the provider "gw" answered by `provider`, and a clock that sleeps instantly. */
async function shop(provider: ProviderAdapter) {
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z')); // 12:00 in Moscow
  const t = scopedBackend(
    {
      adapterFactory: () => provider,
      sleep: async (ms) => clock.advance(Math.max(1, ms)),
    },
    clock,
  );
  const { form } = await russianShop(t, { provider: true });
  return { ...t, form: form.id };
}

const plan = (call: Caller, channel: 'sms' | 'whatsapp' | 'cascade' = 'sms', text = TEXT) =>
  call('campaign.plan', { channel, purpose: 'marketing', text });

describe('outbox', () => {
  it('hands every eligible recipient to the provider once, with the proof and the rendered text, and skips the rest', async () => {
    const provider = new ScriptedProvider();
    const t = await shop(provider);
    await grantPaper(t.call, '+79120000001', 'sms', t.form, { name: 'Анна Петрова' });
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    await t.call('contacts.add', { phone: '+79120000003' }); // no consent
    const p = await plan(t.call);
    expect(p.eligible).toBe(2);

    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, failed: 0, skipped: 1, pending: 0, state: 'done', skipReasons: { no_consent: 1 } });
    expect(provider.recipients().sort()).toEqual(['+79120000001', '+79120000002']);
    const anna = provider.calls.find((m) => m.to === '+79120000001')!;
    expect(anna.text).toBe('Лавка у дома: Анна, скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП');
    expect(provider.calls.find((m) => m.to === '+79120000002')!.text).toContain('Лавка у дома: Здравствуйте, скидка');

    const list = await t.call('campaign.recipients', { batch: p.batch, statuses: ['sent'] });
    expect(list.total).toBe(2);
    const detail = await t.call('campaign.recipient', { id: list.recipients[0]!.id });
    expect(detail.proof).toMatchObject({ action: 'grant', channel: 'sms', purpose: 'marketing', method: 'paper_form' });
    expect(detail.proofForm?.code).toMatch(/^F\d+-1$/);
    expect(detail.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);

    // Sending again sends nobody twice.
    const again = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(again.sent).toBe(2);
    expect(provider.calls).toHaveLength(2);
  });

  it('runs the gate again at hand-off: a STOP between planning and sending, and one arriving mid-batch, stop those messages', async () => {
    const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 1);
    const t = await shop(provider);
    for (let i = 1; i <= 30; i++) await grantPaper(t.call, `+791200000${String(i).padStart(2, '0')}`, 'sms', t.form);
    const p = await plan(t.call);
    expect(p.eligible).toBe(30);
    await t.call('inbound.receive', { from: '+79120000001', text: 'СТОП' });
    // While the first messages are in flight, the last contact writes STOP.
    provider.beforeAnswer = async () => {
      if (provider.calls.length === 1) await t.call('inbound.receive', { from: '+79120000030', text: 'стоп' });
    };
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(provider.recipients()).not.toContain('+79120000001');
    expect(provider.recipients()).not.toContain('+79120000030');
    expect(done).toMatchObject({ sent: 28, skipped: 2, skipReasons: { revoked: 2 } });
  });

  it('retries 429 and 5xx with backoff, never retries a refusal, and gives a provider opt-out to the register at once', async () => {
    const provider = new ScriptedProvider(['sms'], (m, attempt) => {
      if (m.to.endsWith('01'))
        return attempt < 3
          ? { kind: 'retry', code: '429', message: 'Too Many Requests', maybeDelivered: false, afterMs: 1000 }
          : { kind: 'accepted', providerMessageId: null };
      if (m.to.endsWith('02')) return { kind: 'refused', code: '21610', message: 'Attempt to send to unsubscribed recipient', action: 'opted_out' };
      if (m.to.endsWith('03')) return { kind: 'refused', code: '21614', message: 'not a mobile number', action: 'invalid_number' };
      if (m.to.endsWith('04')) return { kind: 'refused', code: '30007', message: 'filtered', action: 'fail' };
      return { kind: 'accepted', providerMessageId: null };
    });
    const t = await shop(provider);
    for (const n of ['01', '02', '03', '04', '05']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    const p = await plan(t.call);
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, failed: 3, pending: 0 });
    expect(done.counts).toMatchObject({ sent: 2, failed: 2, undeliverable: 1 });
    expect(provider.calls.filter((m) => m.to.endsWith('01'))).toHaveLength(3);
    expect(provider.calls.filter((m) => m.to.endsWith('02'))).toHaveLength(1);

    const status = await t.call('contacts.get', { phone: '+79120000002' });
    const cell = status.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(cell.status).toBe('revoked');
    const events = status.timeline.filter((e) => e.method === 'provider_feedback');
    expect(events[0]?.evidence.source).toBe('webhook 21610');

    // The next plan leaves out the opted-out and the flagged number.
    const next = await plan(t.call);
    expect(next.excluded).toMatchObject({ revoked: 1, invalid_number: 1 });
  });

  it('pauses the batch when the provider refuses the account, keeps the message queued, and carries on after resume', async () => {
    let broken = true;
    const provider = new ScriptedProvider(['sms'], () =>
      broken ? { kind: 'refused', code: '20003', message: 'Authenticate', action: 'stop_batch' } : { kind: 'accepted', providerMessageId: null },
    );
    const t = await shop(provider);
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    const p = await plan(t.call);
    const paused = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(paused.paused?.reason).toContain('20003');
    expect(paused).toMatchObject({ sent: 0, pending: 2, failed: 0 });
    broken = false;
    await t.call('campaign.resume', { batch: p.batch });
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, pending: 0, paused: null, state: 'done' });
  });

  it('waits while the provider is offline and goes when it answers; the CLI-style run stops when nothing can progress', async () => {
    let offline = true;
    const provider = new ScriptedProvider(['sms'], () =>
      offline
        ? { kind: 'retry', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', maybeDelivered: false }
        : { kind: 'accepted', providerMessageId: null },
    );
    const t = await shop(provider);
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    const p = await plan(t.call);
    const waiting = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true, maxWaitSeconds: 30 });
    expect(waiting).toMatchObject({ sent: 0, pending: 1, failed: 0, state: 'sending' });
    expect(provider.calls.length).toBeGreaterThan(1);
    offline = false;
    t.clock.advance(10 * 60 * 1000);
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 1, pending: 0, state: 'done' });
  });

  it('asks every sent message for its delivery result in turn: messages whose result never comes hold back none of the others', async () => {
    // 260 messages handed off at once; the provider numbers them as it takes them. The first 210 went to a carrier that
    // sends no delivery receipt (their status stays "sent"), the next 49 are delivered. The last number is refused for
    // ten minutes (429), so the run waits, asking for delivery results meanwhile (and a wait of up to an hour does wait
    // those ten minutes: the run counts the time it slept against the wait, not the time that was left to wait).
    const last = `+7912${String(260).padStart(7, '0')}`;
    const provider = new ScriptedProvider(['sms'], (m, attempt) =>
      m.to === last && attempt === 1
        ? { kind: 'retry', code: '429', message: 'Too Many Requests', maybeDelivered: false, afterMs: 10 * 60_000 }
        : { kind: 'accepted', providerMessageId: null },
    );
    provider.statusAnswer = (id) => (Number(id.slice(3)) > 210 ? { status: 'delivered' } : { status: 'sent' });
    const t = await shop(provider);
    for (let i = 1; i <= 260; i++) await grantPaper(t.call, `+7912${String(i).padStart(7, '0')}`, 'sms', t.form);
    const p = await plan(t.call);
    expect(p.eligible).toBe(260);
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true, maxWaitSeconds: 3600 });
    expect(done).toMatchObject({ sent: 260, pending: 0, state: 'done' });
    expect(provider.calls.filter((m) => m.to === last)).toHaveLength(2);
    // All 49 results came in while the run waited (the last one, handed off as the run ended, is not asked yet).
    const delivered = await t.call('campaign.recipients', { batch: p.batch, statuses: ['delivered'], limit: 100 });
    expect(delivered.total).toBe(49);
  });

  it('asks the provider before sending again after an ambiguous timeout, and leaves the undecidable to the owner', async () => {
    const provider = new ScriptedProvider(['sms'], (m, attempt) =>
      attempt === 1
        ? { kind: 'retry', code: 'timeout', message: 'no answer in 15 s', maybeDelivered: !m.to.endsWith('03') }
        : { kind: 'accepted', providerMessageId: null },
    );
    provider.reconcileAnswer = (m) =>
      m.to.endsWith('01') ? { kind: 'accepted', providerMessageId: 'found-01' } : m.to.endsWith('02') ? { kind: 'unknown' } : { kind: 'resend' };
    const t = await shop(provider);
    for (const n of ['01', '02', '03']) await grantPaper(t.call, `+791200000${n}`, 'sms', t.form);
    const p = await plan(t.call);
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, unknown: 1, pending: 0 });
    expect(provider.calls.filter((m) => m.to.endsWith('01'))).toHaveLength(1); // found by reconciliation, not resent
    expect(provider.calls.filter((m) => m.to.endsWith('02'))).toHaveLength(1); // unknown: not resent
    expect(provider.calls.filter((m) => m.to.endsWith('03'))).toHaveLength(2); // never reached the provider: resent

    const unknown = (await t.call('campaign.recipients', { batch: p.batch, statuses: ['unknown'] })).recipients[0]!;
    const resolved = await t.call('campaign.resolve', { id: unknown.id, decision: 'sent' });
    expect(resolved.recipient.status).toBe('sent');
    await expect(t.call('campaign.resolve', { id: unknown.id, decision: 'resend' })).rejects.toThrow(/nothing to decide/);
  });

  it('cascades: WhatsApp first, SMS for those WhatsApp cannot reach and who have SMS consent; +1 numbers go by SMS', async () => {
    const provider = new ScriptedProvider(['sms', 'whatsapp'], (m) =>
      m.channel === 'whatsapp' && (m.to.endsWith('02') || m.to.endsWith('03'))
        ? { kind: 'refused', code: '131026', message: 'Message undeliverable', action: 'unreachable' }
        : { kind: 'accepted', providerMessageId: null },
    );
    const t = await shop(provider);
    await grantPaper(t.call, '+79120000001', 'whatsapp', t.form); // WhatsApp works
    await grantPaper(t.call, '+79120000002', 'whatsapp', t.form); // not on WhatsApp, has SMS consent
    await grantPaper(t.call, '+79120000002', 'sms', t.form);
    await grantPaper(t.call, '+79120000003', 'whatsapp', t.form); // not on WhatsApp, no SMS consent
    const p = await plan(t.call, 'cascade', 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП');
    expect(p.byChannel).toEqual({ whatsapp: 3, sms: 0 });
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    const path = provider.calls.map((m) => `${m.to.slice(-2)} ${m.channel}`).sort();
    expect(path).toEqual(['01 whatsapp', '02 sms', '02 whatsapp', '03 whatsapp']);
    expect(done.skipReasons).toEqual({ no_consent: 1 }); // 03's SMS fallback: no SMS consent
    const r02 = (await t.call('campaign.recipients', { batch: p.batch })).recipients.find((r) => r.phone.endsWith('02') && r.step === 1)!;
    const detail = await t.call('campaign.recipient', { id: r02.id });
    expect(detail.path.map((s) => `${s.channel} ${s.status}`)).toEqual(['whatsapp undeliverable', 'sms sent']);
    expect(detail.proof).toMatchObject({ channel: 'sms', purpose: 'marketing' });
  });

  it('counts hand-offs against the frequency cap across batches', async () => {
    const provider = new ScriptedProvider(['sms']);
    const t = await shop(provider);
    await t.call('settings.update', { policyOverrides: { frequencyCap: { messages: 1, days: 7 } } });
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    const first = await plan(t.call);
    await t.call('campaign.send', { batch: first.batch, providers: ['gw'], wait: true });
    t.clock.advance(24 * 60 * 60 * 1000);
    const second = await plan(t.call);
    expect(second.excluded.frequency_cap).toBe(1);
    t.clock.advance(7 * 24 * 60 * 60 * 1000);
    expect((await plan(t.call)).eligible).toBe(1);
  });

  it('refuses what cannot be sent, naming the problem, with nothing queued', async () => {
    const provider = new ScriptedProvider(['sms']);
    const t = await shop(provider);
    await grantPaper(t.call, '+79120000001', 'sms', t.form);
    const bad = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Скидка 10%!' });
    expect(bad.lint.ok).toBe(false);
    await expect(t.call('campaign.send', { batch: bad.batch, providers: ['gw'], wait: true })).rejects.toThrow(/lint errors/);
    const p = await plan(t.call);
    await expect(t.call('campaign.send', { batch: p.batch, providers: ['nope'], wait: true })).rejects.toThrow(/no provider named "nope"/);
    const wa = await plan(t.call, 'whatsapp');
    await expect(t.call('campaign.send', { batch: wa.batch, providers: ['gw'], wait: true })).rejects.toThrow(
      /none of "gw" is set up to send WhatsApp/,
    );
    expect((await t.call('campaign.recipients', { batch: p.batch })).total).toBe(0);
  });
});
