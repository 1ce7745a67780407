import { afterEach, describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { holdWriteLock } from '../support/write-lock';
import { importFile, writeFile } from '../support/imports';
import { russianShop } from '../support/shop';
import { gateContact, gateRules } from '../../electron/core/campaigns/audience';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** The wall clock (the long writer in its own process and the backend agree on time). */
class WallClock extends TestClock {
  override now = (): number => Date.now();
}

const GB = { businessName: 'Corner Shop', senderName: 'CORNER', defaultCountry: 'GB', timezone: 'Europe/London', policyPack: 'uk' as const };
const FORM = {
  language: 'en' as const,
  purposes: ['marketing' as const],
  body: 'I agree to receive offers from Corner Shop by SMS. Reply STOP to opt out.',
};
const P = '+447911123456';
const P2 = '+447911123457';

async function waiting(optOut: (t: ReturnType<typeof scopedBackend>) => Promise<void>) {
  const t = scopedBackend({ adapterFactory: () => new ScriptedProvider(['sms']) }, new WallClock());
  await russianShop(t, { settings: GB, form: FORM, provider: true });
  const FILE = ['Name,Phone,SMS consent,Consent date,Consent source', `Ann,"${P}, ${P2}",yes,2025-06-01,web shop`].join('\n');
  await importFile(t, writeFile(t, 'a.csv', FILE), { dryRun: false });
  const ctx = t.backend.ctx;
  const lock = await holdWriteLock(t.dbPath, cleanups);
  await optOut(t);
  const gate = gateContact(ctx, ctx.contacts.getByPhone(P)!, { channel: 'sms', purpose: 'marketing' }, ctx.clock.now(), gateRules(ctx)).verdict;
  const page = (await t.call('consent.status', { phone: P })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
  await lock.release();
  return { gateEligible: gate.eligible, pageSendable: page.sendable };
}

// An opt-out kept in the journal while another process holds the register counts at once, as far as it will reach once
// entered: from a number the contact keeps among its other numbers, and when the provider's clock is a little ahead.

describe('an opt-out kept in the journal while the register is busy: what the gate (and the contact page) say meanwhile', () => {
  it('a STOP from a number the contact keeps among its other numbers', async () => {
    const r = await waiting(async (t) => {
      const x = await t.backend.dispatch('inbound.receive', { from: P2, text: 'STOP' });
      expect(x.ok && x.value.pending).toBeTruthy();
    });
    expect(r).toEqual({ gateEligible: false, pageSendable: false });
  }, 60_000);

  it('a STOP from the number itself whose provider time is 4 minutes ahead counts from its receipt', async () => {
    const r = await waiting(async (t) => {
      const x = await t.backend.dispatch('inbound.receive', { from: P, text: 'STOP', at: new Date(Date.now() + 4 * 60_000).toISOString() });
      expect(x.ok && x.value.pending).toBeTruthy();
    });
    expect(r).toEqual({ gateEligible: false, pageSendable: false });
  }, 60_000);
});
