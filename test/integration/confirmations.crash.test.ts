import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../electron/core/backend';
import { EnvSecrets } from '../../electron/core/infra/secrets';
import type { FaultPoint } from '../../electron/core/sending/runner';
import { FAKE_TWILIO, startFakeTwilio } from '../support/fake-providers';
import type { Caller } from '../support/backend';

/**
 * Crash injection during a wave of double opt-in confirmations: a real process runs `confirmations send` and is killed
 * (SIGKILL) at each step of the 2nd hand-off; a fresh `confirmations send` carries the wave on. Every customer gets
 * the confirmation request exactly once, and the one who said STOP before the wave gets none.
 */
const ASKED = ['+4915112340001', '+4915112340002', '+4915112340003', '+4915112340004'];
const STOPPED = '+4915112340009';
const ENV = { OPTIN_TW_AUTH_TOKEN: FAKE_TWILIO.authToken };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'optin-doi-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function register(name: string, twilioUrl: string): Promise<string> {
  const dbPath = join(dir, `${name}.db`);
  const b = createBackend({ dbPath, secrets: new EnvSecrets(ENV) });
  const call: Caller = async (method, input) => {
    const r = await b.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as never;
  };
  await call('settings.update', {
    businessName: 'Laden',
    shopPhone: '+49 30 901820',
    defaultCountry: 'DE',
    timezone: 'Europe/Berlin',
    policyPack: 'de',
  });
  const form = await call('forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to offers from Laden by SMS. Reply STOP to opt out.',
  });
  await call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: FAKE_TWILIO.accountSid, from: '+15005550006', baseUrl: twilioUrl, ratePerSecond: '1' },
  });
  for (const phone of [...ASKED, STOPPED])
    await call('consent.record', {
      phone,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
    });
  await call('inbound.receive', { from: STOPPED, channel: 'sms', text: 'STOP' });
  b.close();
  return dbPath;
}

/** Run the child asynchronously: the fake provider lives in this process and must keep answering. */
function sendInChild(job: { db: string; crash: string | null }) {
  return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-confirmations-child.ts'], {
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

const POINTS: FaultPoint[] = ['marked', 'answered', 'recorded'];

describe('crash injection during a confirmation wave', () => {
  for (const point of POINTS)
    it(`twilio: killed after the ${point} step of the 2nd hand-off, then carried on — each request once, none after STOP`, async () => {
      const fake = await startFakeTwilio();
      try {
        const db = await register(`doi-${point}`, fake.url);
        const killed = await sendInChild({ db, crash: `${point}:2` });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        const resumed = await sendInChild({ db, crash: null });
        expect(resumed.status, resumed.stderr).toBe(0);
        const took = fake.messages.filter((m) => m.direction === 'outbound-api').map((m) => m.to);
        expect([...took].sort()).toEqual([...ASKED].sort());
        const b = createBackend({ dbPath: db, secrets: new EnvSecrets(ENV) });
        try {
          const list = await b.dispatch('confirmations.list', {});
          if (!list.ok) throw new Error(list.error.message);
          expect(list.value.counts).toMatchObject({ sent: 4, declined: 1, queued: 0 });
        } finally {
          b.close();
        }
      } finally {
        await fake.close();
      }
    }, 90_000);
});
