import { afterEach, describe, expect, it } from 'vitest';

import { testBackend } from '../support/backend';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('the first-run checklist (issue #17 item 4)', () => {
  it('a new register is not configured and every step is open; each step closes when the shop does it', async () => {
    const t = testBackend();
    cleanup = t.cleanup;
    const open = (s: { steps: { id: string; done: boolean }[] }) => s.steps.filter((x) => !x.done).map((x) => x.id);

    const first = await t.call('settings.setup', {});
    expect(first.configured).toBe(false);
    expect(open(first)).toEqual(['identity', 'rules', 'staff', 'wording', 'provider', 'sheets']);

    // The fallback defaults are not a choice: reading settings does not configure anything.
    await t.call('settings.get', {});
    expect((await t.call('settings.setup', {})).configured).toBe(false);

    await t.call('settings.update', { businessName: 'Bike Hub Leeds', senderName: 'BIKEHUB' });
    expect(open(await t.call('settings.setup', {}))).toEqual(['rules', 'staff', 'wording', 'provider', 'sheets']);

    await t.call('settings.update', { policyPack: 'uk', defaultCountry: 'GB', timezone: 'Europe/London' });
    const ruled = await t.call('settings.setup', {});
    expect(ruled.configured).toBe(true);
    expect(open(ruled)).toEqual(['staff', 'wording', 'provider', 'sheets']);

    await t.call('staff.add', { name: 'Tom' });
    await t.call('forms.create', {
      title: 'Offers',
      language: 'en',
      channels: ['sms'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from Bike Hub Leeds by SMS, at most twice a month. Reply STOP to opt out.',
    });
    expect(open(await t.call('settings.setup', {}))).toEqual(['provider', 'sheets']);

    await t.call('providers.save', { name: 'out', kind: 'file', options: {} });
    await t.call('forms.print', { formVersionId: 1, layout: 'individual' });
    const all = await t.call('settings.setup', {});
    expect(open(all)).toEqual([]);
    expect(all.steps).toHaveLength(6);
  });
});
