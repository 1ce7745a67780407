import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { EnvSecrets } from '../../electron/core/infra/secrets';
import type { FaultPoint } from '../../electron/core/sending/runner';
import { FAKE_TWILIO, FAKE_WHATSAPP, startFakeTwilio, startFakeWebhook, startFakeWhatsapp } from '../support/fake-providers';
import type { FakeServer } from '../support/fake-providers';
import type { Caller } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';

/**
 * Crash injection: a real process runs `batch send` and is killed (SIGKILL) at each step of a hand-off — after the
 * recipients are marked `sending`, after the provider answered but before the answer is recorded, after it is
 * recorded — then a fresh process carries on. Nobody may get the batch's message twice, and nobody without consent
 * may get it at all.
 */
const CONSENTED = ['+79120000001', '+79120000002', '+79120000003', '+79120000004'];
const NO_CONSENT = '+79120000009';
const STOPPED = '+79120000008';
// Order news, not advertising: a service message (promotion would make it marketing, planned as such).
const TEXT = 'Лавка у дома: ваш заказ готов, забрать можно до воскресенья. Отписаться: ответьте СТОП';
const ENV = {
  OPTIN_GW_TOKEN: 'hook-secret',
  OPTIN_TW_AUTH_TOKEN: FAKE_TWILIO.authToken,
  OPTIN_WA_ACCESS_TOKEN: FAKE_WHATSAPP.accessToken,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'optin-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function register(
  name: string,
  provider: { name: string; kind: 'webhook' | 'twilio' | 'whatsapp-cloud'; options: Record<string, string> },
  channel: 'sms' | 'whatsapp',
) {
  const dbPath = join(dir, `${name}.db`);
  const b = createBackend({ dbPath, secrets: new EnvSecrets(ENV) });
  const call: Caller = async (method, input) => {
    const r = await b.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as never;
  };
  // The Russian shop with a service form (order news, not advertising) and the provider under test.
  const { form } = await russianShop(
    { call },
    {
      form: {
        purposes: ['service', 'personal_data'],
        body: 'Согласен получать сообщения о заказах «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
      },
      provider,
    },
  );
  for (const phone of [...CONSENTED, STOPPED]) await grantPaper(call, phone, channel, form, { purposes: ['service', 'personal_data'] });
  await call('consent.record', { phone: STOPPED, channel, purpose: 'service', action: 'revoke', evidence: { note: 'asked at the till' } });
  await call('contacts.add', { phone: NO_CONSENT });
  const plan = await call('campaign.plan', { channel, purpose: 'service', text: TEXT });
  b.close();
  return { dbPath, batch: plan.batch, eligible: plan.eligible };
}

/** Run the child asynchronously: the fake provider lives in this process and must keep answering. */
function sendInChild(job: { db: string; batch: number; providers: string[]; crash: string | null }) {
  return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-child.ts'], {
      env: { ...process.env, ...ENV, OPTIN_CRASH_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    });
  });
}

function outcome(dbPath: string) {
  const b = createBackend({ dbPath, secrets: new EnvSecrets(ENV) });
  try {
    return b.ctx.outbox.list(1, [], 0, 100).rows.map((r) => ({ phone: r.phone, status: r.status }));
  } finally {
    b.close();
  }
}

const POINTS: FaultPoint[] = ['marked', 'answered', 'recorded'];

describe('crash injection', () => {
  // Each fake with the numbers it took messages for (E.164).
  const cases: { kind: 'webhook' | 'twilio' | 'whatsapp-cloud'; start: () => Promise<{ fake: FakeServer; took: () => string[] }> }[] = [
    {
      kind: 'webhook',
      start: async () => {
        const fake = await startFakeWebhook({ token: ENV.OPTIN_GW_TOKEN });
        return { fake, took: () => fake.messages.map((m) => m.to) };
      },
    },
    {
      kind: 'twilio',
      start: async () => {
        const fake = await startFakeTwilio();
        return { fake, took: () => fake.messages.map((m) => m.to) };
      },
    },
    {
      kind: 'whatsapp-cloud',
      start: async () => {
        const fake = await startFakeWhatsapp();
        return { fake, took: () => fake.accepted.map((m) => `+${m.to.replace(/^\+/, '')}`) };
      },
    },
  ];
  for (const c of cases)
    for (const point of POINTS)
      it(`${c.kind}: killed after the ${point} step of the 2nd hand-off, then resumed — nobody twice, nobody without consent`, async () => {
        const { fake, took } = await c.start();
        try {
          const name = c.kind === 'webhook' ? 'gw' : c.kind === 'twilio' ? 'tw' : 'wa';
          const options: Record<string, string> =
            c.kind === 'webhook'
              ? { url: `${fake.url}/hook` }
              : c.kind === 'twilio'
                ? { accountSid: FAKE_TWILIO.accountSid, from: '+15005550006', baseUrl: fake.url }
                : { phoneNumberId: FAKE_WHATSAPP.phoneNumberId, baseUrl: fake.url };
          const channel = c.kind === 'whatsapp-cloud' ? 'whatsapp' : 'sms';
          const reg = await register(`${c.kind}-${point}`, { name, kind: c.kind, options: { ...options, ratePerSecond: '1' } }, channel);
          expect(reg.eligible).toBe(CONSENTED.length);

          const killed = await sendInChild({ db: reg.dbPath, batch: reg.batch, providers: [name], crash: `${point}:2` });
          expect(killed.signal, killed.stderr).toBe('SIGKILL');
          const resumed = await sendInChild({ db: reg.dbPath, batch: reg.batch, providers: [name], crash: null });
          expect(resumed.status, resumed.stderr).toBe(0);

          const got = took();
          // Nobody twice, nobody without consent or after a STOP.
          expect(new Set(got).size).toBe(got.length);
          for (const to of got) expect(CONSENTED).toContain(to);
          const rows = outcome(reg.dbPath);
          for (const r of rows.filter((x) => x.phone === NO_CONSENT || x.phone === STOPPED)) expect(r.status).toBe('skipped');
          // Every consented person got it exactly once and the register says sent — except where the provider has no
          // way to tell whether it took a message (the Cloud API: no idempotency key, no message query). The one message
          // in flight at the crash is then `unknown` for the owner to decide, and is not sent again.
          const unknown = rows.filter((r) => r.status === 'unknown');
          const cannotAsk = c.kind === 'whatsapp-cloud' && point !== 'recorded';
          expect(unknown).toHaveLength(cannotAsk ? 1 : 0);
          for (const phone of CONSENTED) {
            const r = rows.find((x) => x.phone === phone)!;
            if (r.status === 'sent') expect(got).toContain(phone);
            else expect(r.status).toBe('unknown');
          }
          // Killed after the answer: the provider has it; killed before the request: it does not.
          if (unknown[0]) expect(got.includes(unknown[0].phone)).toBe(point === 'answered');
        } finally {
          await fake.close();
        }
      }, 120_000);
});
