import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { optin } from '../support/cli';
import { ScriptedProvider } from '../support/scripted-provider';
import { holdWriteLock } from '../support/write-lock';
import { startHost } from '../../electron/host/server';
import { gateContact, gateRules, marketingVerdicts } from '../../electron/core/campaigns/audience';
import { countPlan, countPlanPerMember } from '../../electron/core/campaigns/plan-count';
import { createBackend } from '../../electron/core/backend';
import { OptOutJournal } from '../../electron/core/register/optout-journal';
import { readSaid } from '../../shared/contract/said';

/**
 * An opt-out is never refused (issue #15 §3): while ANOTHER PROCESS holds the register's write lock — a long import,
 * or here a process that began an immediate transaction and waits — an opt-out from the CLI, the local HTTP host and
 * an inbound reply is answered within a second, kept durably, honoured by the gate at once and entered into the
 * register as soon as the lock is free. Ordinary writes answer BUSY instead of an internal error, and a background
 * campaign run that meets the lock pauses with a reason and carries on by itself.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** The wall clock: the CLI in this process and the backend under test must agree on when things happen. */
class WallClock extends TestClock {
  override now = (): number => Date.now();
}

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const A = '+79120000001';
const B = '+79120000002';

/** A Russian shop with a paper form and a scripted provider "gw", on the wall clock. */
async function shop(provider = new ScriptedProvider(['sms']), extra: Parameters<typeof scopedBackend>[0] = {}) {
  const t = scopedBackend({ adapterFactory: () => provider, ...extra }, new WallClock());
  await t.call('settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
  });
  const form = await t.call('forms.create', {
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
  });
  await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
  return { ...t, provider, form: form.id };
}

async function grant(call: Caller, phone: string, form: number) {
  for (const purpose of ['marketing', 'personal_data'] as const)
    await call('consent.record', {
      phone,
      channel: 'sms',
      purpose,
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form, sheetRef: 'S-000001' },
    });
}

/** The gate's answer for a number right now, asked the way the sender asks it before a hand-off. */
function gateNow(t: Awaited<ReturnType<typeof shop>>, phone: string) {
  const ctx = t.backend.ctx;
  const contact = ctx.contacts.getByPhone(phone)!;
  return gateContact(ctx, contact, { channel: 'sms', purpose: 'marketing' }, ctx.clock.now(), gateRules(ctx)).verdict;
}

const smsMarketing = (cells: { channel: string; purpose: string; status: string; sendable: boolean }[]) =>
  cells.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Send the planned campaign after the lock is gone: the revoked number is skipped, the other one gets it. */
async function sendAndCheck(t: Awaited<ReturnType<typeof shop>>, batch: number) {
  const done = await t.call('campaign.send', { batch, providers: ['gw'], wait: true });
  expect(t.provider.recipients()).toEqual([B]);
  expect(done).toMatchObject({ sent: 1, skipped: 1, skipReasons: { revoked: 1 } });
}

/** An SMS marketing opt-out for `phone` left waiting in the journal at `path`, as a process that then stopped leaves it. */
function journalOptOut(path: string, phone: string): void {
  const journal = new OptOutJournal(path);
  journal.add({
    kind: 'consent.record',
    input: { phone, channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt: new Date().toISOString() },
    phone,
    contactId: null,
    channel: 'sms',
    purpose: 'marketing',
    targets: [{ channel: 'sms', purpose: 'marketing' }],
    occurredAt: Date.now(),
    receivedAt: Date.now(),
    waitingFor: 'a test',
    providerId: null,
  });
  journal.close();
}

describe('an opt-out while another process holds a long write', () => {
  it('through the CLI: accepted while the lock is held, honoured by the gate at once, entered when the lock is free', async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(2);
    const lock = await holdWriteLock(t.dbPath, cleanups);

    const r = await optin(
      t.dbPath,
      'consent',
      'revoke',
      '--phone',
      A,
      '--channel',
      'sms',
      '--purpose',
      'marketing',
      '--note',
      'said STOP at the till',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Answered while the other process still holds the write lock: it did not wait for it (how fast: the register bench).
    expect(lock.child.exitCode).toBeNull();
    const out = r.json() as { pending?: { phone: string; channel: string; purpose: string } };
    expect(out.pending).toMatchObject({ phone: A, channel: 'sms', purpose: 'marketing' });

    // Honoured before the register has it: the gate, the status and the contact page all say revoked now.
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });
    expect(gateNow(t, B)).toMatchObject({ eligible: true });
    const status = await t.call('consent.status', { phone: A });
    expect(smsMarketing(status.consents)).toMatchObject({ status: 'revoked', sendable: false });
    expect(status.pending).toHaveLength(1);
    const page = await t.call('contacts.get', { phone: A });
    expect(smsMarketing(page.consents)).toMatchObject({ status: 'revoked', sendable: false });
    expect(page.pending?.[0]).toMatchObject({ phone: A });

    await lock.release();
    // Entered through the one append as soon as the lock is free (by the next turn at the register, or its poll).
    const entered = await until('the opt-out to be entered', async () => {
      const p = await t.call('contacts.get', { phone: A });
      return p.timeline.find((e) => e.action === 'revoke' && e.channel === 'sms' && e.purpose === 'marketing');
    });
    expect(entered).toMatchObject({ method: 'verbal_in_store', evidence: { note: 'said STOP at the till' } });
    // It happened when it was accepted, not when it was entered.
    expect(Date.parse(entered.occurredAt)).toBeLessThanOrEqual(Date.parse(entered.recordedAt));
    expect(Date.now() - Date.parse(entered.occurredAt)).toBeLessThan(30_000);
    expect((await t.call('consent.status', { phone: A })).pending ?? []).toHaveLength(0);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
    await sendAndCheck(t, plan.batch);
  });

  it('through the real `optin` command in its own process: exit 0 while the lock is held', async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/optin.js', ...args, '--db', t.dbPath], { stdio: 'pipe' });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    // An ordinary read first, before the lock.
    expect((await run('consent', 'status', '--phone', A)).code).toBe(0);
    const lock = await holdWriteLock(t.dbPath, cleanups);
    const r = await run('consent', 'revoke', '--phone', A, '--channel', 'sms', '--purpose', 'marketing');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/busy|pending|entered/i);
    // Answered while the other process still holds the write lock: it did not wait for it (how fast: the register bench).
    expect(lock.child.exitCode).toBeNull();
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });
    await lock.release();
    await until('the opt-out to be entered', async () => (await t.call('contacts.get', { phone: A })).timeline.some((e) => e.action === 'revoke'));
  });

  it("through the host's HTTP API: answered while the lock is held, shown as pending, honoured by the next hand-off", async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const secret = 'test-secret-0123456789abcdefghijklmnopqrstuv';
    const host = await startHost({ dispatch: t.backend.dispatch, staticDir: join(t.dir, 'web'), port: 0, secret });
    cleanups.push(host.close);
    const post = async (method: string, body: unknown) => {
      const res = await fetch(`${host.url}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } };
    };
    const lock = await holdWriteLock(t.dbPath, cleanups);

    const r = await post('consent.record', { phone: A, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    // Answered while the other process still holds the write lock: it did not wait for it (how fast: the register bench).
    expect(lock.child.exitCode).toBeNull();
    expect(r).toMatchObject({ ok: true, value: { pending: { phone: A } } });
    const status = await post('consent.status', { phone: A });
    expect(smsMarketing((status.value as { consents: never[] }).consents)).toMatchObject({ status: 'revoked', sendable: false });
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });

    // An ordinary write waits, then says the register is busy — not "internal error".
    const add = await post('contacts.add', { phone: '+79120000077' });
    expect(add).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(add.error!.message).toMatch(/the register is busy with .* in another window or process; try again in a moment/);

    await lock.release();
    await sendAndCheck(t, plan.batch);
    const page = await until('the opt-out to be entered', async () => {
      const p = await t.call('contacts.get', { phone: A });
      return p.timeline.some((e) => e.action === 'revoke') ? p : null;
    });
    expect(page.pending ?? []).toHaveLength(0);
  });

  it('through inbound.receive in process: a STOP reply is accepted while the lock is held and stored with its message', async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const lock = await holdWriteLock(t.dbPath, cleanups);

    const r = await t.backend.dispatch('inbound.receive', { from: A, text: 'СТОП', providerId: 'SM-stop-1' });
    // Answered while the other process still holds the write lock: it did not wait for it (how fast: the register bench).
    expect(lock.child.exitCode).toBeNull();
    expect(r).toMatchObject({ ok: true, value: { classified: 'opt_out', duplicate: false, pending: { phone: A } } });
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });
    // The provider delivering the same reply again changes nothing, even before the register has it.
    expect(await t.backend.dispatch('inbound.receive', { from: A, text: 'СТОП', providerId: 'SM-stop-1' })).toMatchObject({
      ok: true,
      value: { duplicate: true },
    });

    await lock.release();
    await sendAndCheck(t, plan.batch);
    const page = await until('the opt-out to be entered', async () => {
      const p = await t.call('contacts.get', { phone: A });
      return p.timeline.some((e) => e.action === 'revoke') ? p : null;
    });
    const revokes = page.timeline.filter((e) => e.action === 'revoke');
    expect(revokes.every((e) => e.method === 'inbound_keyword' && e.evidence.inboundMessageId)).toBe(true);
    // Entered once, whatever the retries: the reply is one inbound message.
    expect(t.backend.db.prepare("SELECT count(*) AS n FROM inbound_messages WHERE provider_id = 'SM-stop-1'").get()).toEqual({ n: 1 });
  });

  it("a STOP from a merged person's other number while the lock is held: the primary number is honoured at once too", async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    // B is another number of the person whose primary number is A: campaigns reach A only.
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan).toMatchObject({ audience: 1, eligible: 1 });
    const lock = await holdWriteLock(t.dbPath, cleanups);

    const r = await t.backend.dispatch('inbound.receive', { from: B, text: 'СТОП', providerId: 'SM-stop-merged' });
    expect(lock.child.exitCode).toBeNull();
    expect(r).toMatchObject({ ok: true, value: { classified: 'opt_out', pending: { phone: B } } });
    // Waiting in the journal, it already reaches the person: the gate, the contact page and a plan's count for A.
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });
    expect(smsMarketing((await t.call('contacts.get', { phone: A })).consents)).toMatchObject({ sendable: false });
    expect(
      marketingVerdicts(t.backend.ctx, [t.backend.ctx.contacts.getByPhone(A)!], Date.now()).get(t.backend.ctx.contacts.getByPhone(A)!.id)?.sms,
    ).toBe('revoked');

    await lock.release();
    const done = await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients()).toEqual([]);
    expect(done).toMatchObject({ sent: 0, skipped: 1, skipReasons: { revoked: 1 } });
    // Entered for both numbers, each revocation naming the reply.
    for (const phone of [A, B]) {
      const page = await until(`the opt-out to be entered for ${phone}`, async () => {
        const p = await t.call('contacts.get', { phone });
        return p.timeline.some((e) => e.action === 'revoke') ? p : null;
      });
      expect(page.timeline.filter((e) => e.action === 'revoke').every((e) => e.method === 'inbound_keyword' && e.evidence.inboundMessageId)).toBe(
        true,
      );
    }
  });

  it('an ordinary write answers BUSY naming what holds the register, and the CLI exits 1 with that message', async () => {
    const t = await shop(undefined, { busyWaitMs: 300 });
    const lock = await holdWriteLock(t.dbPath, cleanups);
    const r = await t.backend.dispatch('contacts.add', { phone: '+79120000055' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    const cli = await optin(t.dbPath, 'contacts', 'add', '--phone', '+79120000056');
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/^optin: the register is busy with .* in another window or process; try again in a moment/);
    await lock.release();
    expect((await t.backend.dispatch('contacts.add', { phone: '+79120000055' })).ok).toBe(true);
  });

  it('a background campaign run that meets the lock pauses with a reason the person sees, and carries on by itself', async () => {
    // Two messages a second, one or two in flight: the run is still going when the lock is taken.
    const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 2);
    const t = await shop(provider, { busyWaitMs: 300 });
    const phones = Array.from({ length: 12 }, (_, i) => `+791200001${String(i).padStart(2, '0')}`);
    for (const p of phones) await grant(t.call, p, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(12);
    let lock: Awaited<ReturnType<typeof holdWriteLock>> | null = null;
    provider.beforeAnswer = async () => {
      // Another process takes the register while the third message is with the provider.
      if (provider.calls.length === 3 && !lock) lock = await holdWriteLock(t.dbPath, cleanups);
    };
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'] });

    const paused = await until('the run to pause', async () => {
      const p = await t.call('campaign.progress', { batch: plan.batch });
      return p.paused ? p : null;
    });
    expect(paused.paused!.reason).toMatch(/busy/);
    expect(paused.running).toBe(false);
    // The last person writes STOP while the run waits: it must not reach them.
    const last = phones[11]!;
    expect((await t.backend.dispatch('inbound.receive', { from: last, text: 'стоп' })).ok).toBe(true);

    await lock!.release();
    const done = await until('the run to finish by itself', async () => {
      const p = await t.call('campaign.progress', { batch: plan.batch });
      return p.state === 'done' ? p : null;
    });
    expect(done).toMatchObject({ sent: 11, skipped: 1, pending: 0, unknown: 0, paused: null, skipReasons: { revoked: 1 } });
    expect(provider.duplicates).toBe(0);
    expect(provider.recipients()).not.toContain(last);
    const audit = await t.call('audit.list', { limit: 100 });
    expect(audit.entries.some((e) => e.action === 'batch.paused' && (e.details as { automatic?: boolean }).automatic)).toBe(true);
    expect(audit.entries.some((e) => e.action === 'batch.resumed' && (e.details as { automatic?: boolean }).automatic)).toBe(true);
  });

  it('a background run that meets any other error pauses with the reason recorded in batch_runs, and carries on by itself', async () => {
    const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 2);
    let thrown = false;
    provider.beforeAnswer = () => {
      // A bug in an adapter: it throws instead of answering with an outcome (once).
      if (provider.calls.length === 2 && !thrown) {
        thrown = true;
        throw new Error('adapter bug');
      }
    };
    const t = await shop(provider);
    const phones = Array.from({ length: 4 }, (_, i) => `+791200002${String(i).padStart(2, '0')}`);
    for (const p of phones) await grant(t.call, p, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'] });
    const paused = await until('the run to pause', async () => {
      const p = await t.call('campaign.progress', { batch: plan.batch });
      return p.paused ? p : null;
    });
    expect(paused.paused!.reason).toMatch(/^paused by itself: an internal error \(Error: adapter bug\); it carries on by itself when it can$/);
    // By key, with the error nested, so the window says it in the person's language.
    expect(paused.paused!.said).toMatchObject({
      key: 'outbox.pausedByItself',
      params: { problem: { key: 'outbox.internalError', params: { what: 'Error: adapter bug' } } },
    });
    // Recorded where every door (another process's `optin batch progress` too) reads it.
    await until('the pause to be recorded', async () => {
      const stored = t.backend.ctx.outbox.getRun(plan.batch)?.pausedReason;
      return stored != null && readSaid(stored).key === 'outbox.pausedByItself';
    });
    const done = await until('the run to finish by itself', async () => {
      const p = await t.call('campaign.progress', { batch: plan.batch });
      return p.state === 'done' ? p : null;
    });
    // The message whose request failed was never taken; it is asked about and sent once.
    expect(done).toMatchObject({ sent: 4, pending: 0, unknown: 0, paused: null });
    expect(provider.duplicates).toBe(0);
    expect(t.backend.ctx.outbox.getRun(plan.batch)?.pausedReason).toBeNull();
  });

  it('a campaign sent and waited for (the CLI batch send) that meets the lock answers BUSY, not an internal error, and carries on when sent again', async () => {
    const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 2);
    const t = await shop(provider, { busyWaitMs: 300 });
    const phones = Array.from({ length: 6 }, (_, i) => `+791200003${String(i).padStart(2, '0')}`);
    for (const p of phones) await grant(t.call, p, t.form);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    let lock: Awaited<ReturnType<typeof holdWriteLock>> | null = null;
    provider.beforeAnswer = async () => {
      if (provider.calls.length === 2 && !lock) lock = await holdWriteLock(t.dbPath, cleanups);
    };
    const r = await t.backend.dispatch('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    await lock!.release();
    const done = await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 6, pending: 0, unknown: 0 });
    expect(provider.duplicates).toBe(0);
  });

  it("an import in this very process (the app's window): the opt-out does not queue behind it", async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    const csv = join(t.dir, 'big.csv');
    const rows = ['Name,Phone,SMS consent,Consent date'];
    for (let i = 0; i < 40_000; i++) rows.push(`Person ${i},+7913${String(1_000_000 + i).padStart(7, '0')},yes,2025-01-01`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const file = t.backend.files.adopt(csv);
    const info = await t.call('import.inspect', { fileId: file.id });
    const job = await t.call('import.start', { fileId: file.id, mapping: info.mapping, dryRun: false });
    await until('the import to run', async () => (await t.call('import.job', { jobId: job.jobId })).progress.rows > 0);

    const r = await t.call('consent.record', { phone: A, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    // Taken into the journal while the import held the register (not entered after it): it did not queue behind it.
    expect(r.pending?.waitingFor).toMatch(/^an import of big\.csv/);
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });

    const finished = await t.backend.jobs.wait(job.jobId);
    expect(finished.state).toBe('done');
    const page = await t.call('contacts.get', { phone: A });
    expect(page.timeline.some((e) => e.action === 'revoke')).toBe(true);
    expect(page.pending ?? []).toHaveLength(0);
  }, 120_000);

  it('a real import in another process: the opt-out is accepted at once, and a write is told what it waits for', async () => {
    const t = await shop(undefined, { busyWaitMs: 200 });
    await grant(t.call, A, t.form);
    const csv = join(t.dir, 'big.csv');
    const rows = ['Name,Phone,SMS consent,Consent date'];
    for (let i = 0; i < 120_000; i++) rows.push(`Person ${i},+7913${String(1_000_000 + i).padStart(7, '0')},yes,2025-01-01`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const importer = spawn(process.execPath, ['bin/optin.js', 'import', csv, '--db', t.dbPath], { stdio: 'pipe' });
    let importOut = '';
    importer.stdout.on('data', (d: Buffer) => (importOut += d.toString()));
    const imported = new Promise<number | null>((ok) => importer.on('close', ok));
    cleanups.push(async () => {
      if (importer.exitCode === null) importer.kill();
      await imported;
    });
    // Wait until the import holds the write lock: an ordinary write then answers BUSY, naming it.
    const busy = await until(
      'the import to hold the register',
      async () => {
        const r = await t.backend.dispatch('contacts.add', { phone: `+7912${String(Date.now() % 10_000_000).padStart(7, '0')}` });
        return !r.ok && r.error.code === 'BUSY' ? r.error : null;
      },
      60_000,
    );
    expect(busy.message).toMatch(
      /^the register is busy with an import of big\.csv \(started \d+ s ago\) in another window or process; try again in a moment$/,
    );

    const r = await optin(t.dbPath, 'consent', 'revoke', '--phone', A, '--channel', 'sms', '--purpose', 'marketing');
    expect(r.code).toBe(0);
    // Answered while the import still runs and holds the register (how fast: the register bench).
    expect(importer.exitCode).toBeNull();
    expect(r.out).toMatch(/busy with an import of big\.csv/);
    expect(gateNow(t, A)).toMatchObject({ eligible: false, reason: 'revoked' });

    expect(await imported).toBe(0);
    expect(importOut).toMatch(/rows 120000/);
    // Entered as soon as the lock is free (by the importer right after its commit, or by the next turn here).
    await until('the opt-out to be entered', async () => (await t.call('contacts.get', { phone: A })).timeline.some((e) => e.action === 'revoke'));
    const entered = (await t.call('audit.list', { limit: 20 })).entries.find((e) => e.action === 'optout.entered');
    expect(entered?.details).toMatchObject({ kind: 'consent.record', waitedFor: expect.stringMatching(/^an import of big\.csv/) });
  }, 180_000);
});

describe('the gate reads the journal everywhere', () => {
  it('plan counts, the audience lists, enqueue and the contacts list count an opt-out still waiting in the journal, once', async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    const ctx = t.backend.ctx;
    const target = { channel: 'sms' as const, purpose: 'marketing' as const, tags: [] };
    expect(countPlan(ctx, target, Date.now(), gateRules(ctx))).toMatchObject({ eligible: 2 });
    // Another process accepted A's opt-out while it held the register (written here straight into the journal).
    const journal = new OptOutJournal(`${t.dbPath}.optouts.db`);
    cleanups.push(() => journal.close());
    journal.add({
      kind: 'consent.record',
      input: { phone: A, channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt: new Date().toISOString() },
      phone: A,
      contactId: null,
      channel: 'sms',
      purpose: 'marketing',
      targets: [
        { channel: 'sms', purpose: 'marketing' },
        { channel: 'whatsapp', purpose: 'marketing' },
      ],
      occurredAt: Date.now(),
      receivedAt: Date.now(),
      waitingFor: 'an import of big.csv',
      providerId: null,
    });
    const waiting = countPlan(ctx, target, Date.now(), gateRules(ctx));
    expect(waiting).toMatchObject({ eligible: 1, excluded: { revoked: 1 } });
    expect(countPlanPerMember(ctx, target, Date.now(), gateRules(ctx))).toEqual(waiting);
    const a = ctx.contacts.getByPhone(A)!;
    expect(marketingVerdicts(ctx, [a], Date.now()).get(a.id)).toEqual({ sms: 'revoked', whatsapp: 'revoked' });

    // Entered at the next turn at the register; counted once, from the register now.
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan).toMatchObject({ eligible: 1, excluded: { revoked: 1 } });
    expect(journal.waiting()).toEqual([]);
    expect(countPlan(ctx, target, Date.now(), gateRules(ctx))).toEqual(waiting);
    expect((await t.call('campaign.audience', { batch: plan.batch, reason: 'revoked' })).people.map((p) => p.phone)).toEqual([A]);
    await sendAndCheck(t, plan.batch);
  });
});

describe('durability', () => {
  it('consent and outbox commits are durable: the register and the opt-out journal commit with synchronous=FULL', () => {
    const t = scopedBackend();
    expect(t.backend.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(t.backend.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const journal = new OptOutJournal(`${t.dbPath}.optouts.db`);
    try {
      expect(journal.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(journal.db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      journal.close();
    }
  });

  it('a journal that was there and cannot be read holds every send back, naming it, until it is mended', async () => {
    const t = await shop();
    await grant(t.call, A, t.form);
    await grant(t.call, B, t.form);
    const planned = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    t.backend.close();
    // An opt-out accepted while the register was busy, waiting in the journal; then the journal's header is damaged.
    const path = `${t.dbPath}.optouts.db`;
    journalOptOut(path, A);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
    closeSync(fd);

    const reported: string[] = [];
    const b = createBackend({ dbPath: t.dbPath, adapterFactory: () => t.provider, onInternalError: (m) => void reported.push(m) });
    try {
      const call = async (method: string, input: unknown) => b.dispatch(method as never, input as never);
      const held = (r: Awaited<ReturnType<typeof call>>) => {
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error).toMatchObject({ code: 'REGISTER_DAMAGED', key: 'optouts.unreadable' });
        expect(r.error.message).toContain(path);
      };
      // Nothing planned, queued or handed off; verify names the journal.
      held(await call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT }));
      held(await call('campaign.send', { batch: planned.batch, providers: ['gw'], wait: true }));
      expect(t.provider.recipients()).toEqual([]);
      const v = await b.dispatch('audit.verify', {});
      expect(v.ok && v.value.problems.map((p) => [p.kind, p.expected])).toEqual([['journal_unreadable', path]]);
      // Opt-outs are still taken, straight into the register.
      const stop = await call('consent.record', { phone: B, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' });
      expect(stop.ok).toBe(true);
    } finally {
      b.close();
    }
    expect(reported).toContain('optouts');
    // Moved aside once checked by hand: a new, empty journal, and sending works again.
    renameSync(path, `${path}.damaged`);
    const again = createBackend({ dbPath: t.dbPath, adapterFactory: () => t.provider });
    try {
      const r = await again.dispatch('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
      expect(r.ok && r.value.eligible).toBe(1);
    } finally {
      again.close();
    }
  });

  it('an opt-out journaled by a process that then died is entered by the next one to open the register', async () => {
    const t = scopedBackend({}, new WallClock());
    await t.call('settings.update', { defaultCountry: 'RU', policyPack: 'ru' });
    journalOptOut(`${t.dbPath}.optouts.db`, A);
    t.backend.close();
    const b = createBackend({ dbPath: t.dbPath });
    try {
      await until('the opt-out to be entered', async () => {
        const r = await b.dispatch('consent.status', { phone: A });
        return r.ok && smsMarketing(r.value.consents).status === 'revoked' && (r.value.pending ?? []).length === 0;
      });
    } finally {
      b.close();
    }
  });
});
