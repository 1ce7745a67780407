/**
 * Outbox benchmark (issue #6): hand-off throughput must be limited by the provider's rate, not by the app.
 * Target: the outbox sustains 500 messages/s against a local fake provider with no rate limit.
 * The fake webhook receiver runs in its own process (as a real provider would), and the figure is printed beside a
 * floor measured in the same run: bare HTTP POSTs to the same fake with the same number in flight, no register.
 * Each outbox message includes the gate at hand-off, rendering, marking `sending`, the request, and recording the answer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createBackend } from '../../electron/core/backend';
import { EnvSecrets } from '../../electron/core/infra/secrets';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const IN_FLIGHT = 32;
const dir = mkdtempSync(join(tmpdir(), 'optin-bench-outbox-'));

async function startFake(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-providers/run.ts', 'webhook', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const info = JSON.parse(line) as { hookUrl: string };
  return { url: info.hookUrl, stop: () => child.kill('SIGTERM') };
}

/** The floor: the same JSON POSTs with the same concurrency and no app around them. */
async function bareHttp(url: string, n: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        const i = next++;
        const body = JSON.stringify({
          to: `+7912${String(i).padStart(7, '0')}`,
          text: 'Лавка у дома: скидка 10%. Отписаться: СТОП',
          channel: 'sms',
          purpose: 'marketing',
          batch: 999,
          idempotencyKey: `bare-${i}`,
        });
        const r = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': `bare-${i}`,
          },
          body,
        });
        await r.arrayBuffer();
      }
    }),
  );
  return (n / (performance.now() - start)) * 1000;
}

async function main(): Promise<void> {
  const fake = await startFake();
  const backend = createBackend({
    dbPath: join(dir, 'register.db'),
    secrets: new EnvSecrets(),
  });
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await backend.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  try {
    await call('settings.update', {
      businessName: 'Лавка у дома',
      senderName: 'LAVKA',
      shopPhone: '+7 912 000-00-00',
      defaultCountry: 'RU',
      timezone: 'Europe/Moscow',
      policyPack: 'ru',
    });
    const form = await call<{ id: number }>('forms.create', {
      language: 'ru',
      channels: ['sms'],
      purposes: ['service', 'personal_data'],
      body: 'Согласен получать сообщения о заказах «Лавка у дома» по SMS. Отписка: СТОП.',
    });
    // Consents through the service layer in one transaction per 1,000 contacts (setup, not measured).
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const phone = `+7912${String(1_000_000 + i).padStart(7, '0')}`;
      for (const purpose of ['service', 'personal_data'])
        await call('consent.record', {
          phone,
          channel: 'sms',
          purpose,
          action: 'grant',
          method: 'paper_form',
          evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
        });
    }
    console.log(`setup: ${MESSAGES} consented contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await call('providers.save', {
      name: 'fast',
      kind: 'webhook',
      options: { url: fake.url, ratePerSecond: '100000' },
    });
    const floor = await bareHttp(fake.url, Math.min(MESSAGES, 5000));
    console.log(`floor: bare HTTP POST to the fake, ${IN_FLIGHT} in flight: ${floor.toFixed(0)} msg/s`);
    const send = async (label: string, campaign: number): Promise<void> => {
      const start = performance.now();
      const done = await call<{
        sent: number;
        failed: number;
        pending: number;
      }>('campaign.send', { batch: campaign, providers: ['fast'], wait: true });
      const seconds = (performance.now() - start) / 1000;
      const rate = done.sent / seconds;
      console.log(
        `${label}: ${done.sent} sent (failed ${done.failed}, pending ${done.pending}) in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} msg/s (target ≥ 500: ${rate >= 500 ? 'met' : 'missed'}) — ${((rate / floor) * 100).toFixed(0)}% of the floor`,
      );
    };
    const text = 'Лавка у дома: ваш заказ готов, {{first_name|покупатель}}. Отписаться: ответьте СТОП';
    const plan = await call<{ batch: number }>('campaign.plan', {
      channel: 'sms',
      purpose: 'service',
      text,
    });
    await send('outbox', plan.batch);
    // The same hand-off without an fsync per commit (synchronous=NORMAL, as before issue #15 made every commit
    // durable): the difference is what surviving a power cut costs the outbox.
    backend.ctx.db.pragma('synchronous = NORMAL');
    const again = await call<{ batch: number }>('campaign.plan', {
      channel: 'sms',
      purpose: 'service',
      text: `${text} `,
    });
    await send('outbox, synchronous=NORMAL (no fsync per commit)', again.batch);
  } finally {
    backend.close();
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
