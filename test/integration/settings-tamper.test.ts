import { describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { createBackend } from '../../electron/core/backend';
import type { Output } from '../../shared/contract/api';
import { grantPaper, scriptedShop } from '../support/shop';

// The shop's rules live in the settings table, outside the hash chains. Changed in the file outside Optin Desk, they
// are never obeyed where they loosen the pack, and `audit verify` names any change since the last one recorded.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const DAY = 86_400_000;
const OLD = '+79120000001';

type Shop = Awaited<ReturnType<typeof scriptedShop>>;

/** Close the shop, run `sql` on its file, and open it again as the app would. */
function editAndReopen(t: Shop, sql: string) {
  t.backend.close();
  const raw = new Database(t.dbPath);
  raw.prepare(sql).run();
  raw.close();
  const backend = createBackend({ dbPath: t.dbPath, clock: t.clock });
  onTestFinished(() => backend.close());
  return async <M extends 'audit.verify' | 'campaign.plan' | 'consent.record' | 'consent.status'>(method: M, input: object) => {
    const r = await backend.dispatch(method, input as never);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as Output<M>;
  };
}

describe('rules changed in the register file', () => {
  it('a tightened maximum age removed: verify names the change against the audit row that recorded the rules', async () => {
    const t = await scriptedShop({}, '2025-01-10T09:00:00Z');
    await grantPaper(t.call, OLD, 'sms', t.form);
    t.clock.advance(400 * DAY);
    await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
    const call = editAndReopen(t, `UPDATE settings SET value = '{}' WHERE key = 'policyOverrides'`);
    const v = await call('audit.verify', {});
    expect(v.ok).toBe(false);
    const p = v.problems.find((x) => x.kind === 'settings_changed')!;
    expect(p).toMatchObject({
      table: 'settings',
      expected: '{"overrides":{"maxConsentAgeDays":365},"pack":"ru"}',
      actual: '{"overrides":{},"pack":"ru"}',
    });
    expect(p.id).toBeGreaterThan(0);
    expect(p.message).toMatch(/outside Optin Desk/);
  });

  it('a loosening written into the file (an SMS STOP reaching SMS only) is not obeyed, and verify names it', async () => {
    const t = await scriptedShop({}, '2026-03-02T09:00:00Z');
    await grantPaper(t.call, OLD, 'sms', t.form);
    await grantPaper(t.call, OLD, 'whatsapp', t.form);
    await expect(t.call('settings.update', { policyOverrides: { revocationScope: 'channel' } })).rejects.toThrow(/POLICY_LOOSENING/);
    const call = editAndReopen(
      t,
      `UPDATE settings SET value = '{"revocationScope":"channel","maxConsentAgeDays":36500}' WHERE key = 'policyOverrides'`,
    );
    await call('consent.record', { phone: OLD, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    const wa = (await call('consent.status', { phone: OLD })).consents.find((c) => c.channel === 'whatsapp' && c.purpose === 'marketing')!;
    expect(wa).toMatchObject({ status: 'revoked', sendable: false });
    expect((await call('campaign.plan', { channel: 'whatsapp', purpose: 'marketing', text: TEXT })).eligible).toBe(0);
    const v = await call('audit.verify', {});
    const loosened = v.problems.filter((x) => x.kind === 'settings_changed' && x.id === null);
    expect(loosened).toHaveLength(1);
    expect(loosened[0]!.message).toMatch(
      /loosen the ru pack \(maxConsentAgeDays, revocationScope\)|loosen the ru pack \(revocationScope, maxConsentAgeDays\)/,
    );
  });
});
