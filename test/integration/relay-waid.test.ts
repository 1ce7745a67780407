import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RelayServer } from '../../electron/relay/server';
import { canonicalWaId } from '../../electron/relay/mapping';
import { metaMessage, metaPost, metaUserPreference } from '../support/fake-meta';
import { scopedBackend, TestClock } from '../support/backend';
import { closedPortUrl } from '../support/fake-providers/secrets';
import { grantPaper, russianShop } from '../support/shop';

const PULL = 'relay-pull-token-0123456789';
const APP_SECRET = 'meta-app-secret-waid';
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
let relay: RelayServer;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optin-relay-waid-'));
  relay = await startRelay({
    dataDir: dir,
    port: 0,
    pullToken: PULL,
    appSecret: APP_SECRET,
    verifyToken: 'verify',
    now: () => clock.now(),
    log: () => undefined,
  });
});
afterAll(async () => {
  await relay.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function shop() {
  const t = scopedBackend({ providerTimeoutMs: 800, syncDeadlineMs: 5_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t);
  await t.call('providers.save', {
    name: 'wa',
    kind: 'whatsapp-cloud',
    options: { phoneNumberId: '106540352242922', baseUrl: await closedPortUrl(), relayUrl: relay.url },
    secrets: { accessToken: 'meta-access-token', relayToken: PULL },
  });
  return { ...t, form: form!.id };
}

describe('a WhatsApp opt-out whose wa_id is written another way than the stored number', () => {
  // Mexico: Meta's wa_id keeps the old mobile "1" (521…) while E.164 is +52…; Brazil: wa_id of an older account lacks the 9th digit.
  for (const [label, stored, waId, via] of [
    ['Mexico, reply STOP', '+525512345678', '5215512345678', 'reply'],
    ['Mexico, user_preferences stop', '+525512345678', '5215512345678', 'prefs'],
    ['Brazil, reply STOP', '+5511987654321', '551187654321', 'reply'],
  ] as const) {
    it(`${label}: the stored contact is revoked and left out of the next plan`, async () => {
      const t = await shop();
      await grantPaper(t.call, stored, 'whatsapp', t.form);
      clock.advance(60_000);
      const at = Math.floor(clock.now() / 1000);
      const payload =
        via === 'reply'
          ? metaMessage({ id: `wamid.${label.length}-${at}`, from: waId, text: 'STOP', timestamp: at })
          : metaUserPreference({ waId, value: 'stop', timestamp: at });
      expect((await metaPost(relay.url, APP_SECRET, payload)).status).toBe(200);
      await t.call('providers.sync', { provider: 'wa' });
      const page = await t.call('contacts.get', { phone: stored });
      const wa = page.consents.find((c) => c.channel === 'whatsapp' && c.purpose === 'marketing')!.status;
      const plan = await t.call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text: TEXT });
      expect(wa).toBe('revoked');
      expect(plan.eligible).toBe(0);
    });
  }
});

describe('canonicalWaId', () => {
  it('maps the old Mexican and Brazilian mobile forms, and leaves every other number as it is', () => {
    expect(canonicalWaId('+5215512345678')).toBe('+525512345678');
    expect(canonicalWaId('+551187654321')).toBe('+5511987654321');
    // A Brazilian landline (2–5) has eight digits: no ninth digit is added.
    expect(canonicalWaId('+551133334444')).toBe('+551133334444');
    for (const n of ['+525512345678', '+5511987654321', '+79123456789', '+447911123456', '+12025550123']) expect(canonicalWaId(n)).toBe(n);
  });
});
