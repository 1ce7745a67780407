import { describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync } from 'node:fs';
import { createBackend } from '../../electron/core/backend';
import type { Output } from '../../shared/contract/api';
import { grantPaper, scriptedShop } from '../support/shop';

// The records beside the backups are kept outside the register, like its witness: a register shorter than a backup
// made since the last deliberate return to an earlier one (a restore, accept-head) was trimmed or swapped for an older
// copy — even when its witness was swapped with it.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const ANNA = '+79120000001';
const BORIS = '+79120000002';

type Shop = Awaited<ReturnType<typeof scriptedShop>>;

function open(t: Shop) {
  const backend = createBackend({ dbPath: t.dbPath, clock: t.clock });
  onTestFinished(() => backend.close());
  const call = async <M extends 'audit.verify' | 'backup.create' | 'campaign.plan' | 'inbound.receive'>(method: M, input: object) => {
    const r = await backend.dispatch(method, input as never);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as Output<M>;
  };
  return { backend, call };
}

describe('the newest backup as a witness of the register', () => {
  it('the register and its witness swapped for copies from before a STOP that a later backup holds: named as shorter', async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS]) await grantPaper(t.call, p, 'sms', t.form);
    t.backend.close();
    for (const f of ['', '.witness.json']) copyFileSync(`${t.dbPath}${f}`, `${t.dbPath}.old${f}`);
    let r = open(t);
    t.clock.advance(60_000);
    await r.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    t.clock.advance(60_000);
    await r.call('backup.create', {});
    r.backend.close();
    for (const f of ['', '.witness.json']) copyFileSync(`${t.dbPath}.old${f}`, `${t.dbPath}${f}`);

    r = open(t);
    const v = await r.call('audit.verify', {});
    expect(v.ok).toBe(false);
    expect(v.witness.state).toBe('consistent');
    expect(v.problems.map((p) => p.kind)).toContain('register_shorter');
    expect(v.problems.find((p) => p.kind === 'register_shorter')!.message).toMatch(/a backup made since holds .* \(backup /);
  });

  it('a deliberate restore of an older backup is not named: the backups made before it may hold more', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, ANNA, 'sms', t.form);
    const first = await t.call('backup.create', {});
    t.clock.advance(60_000);
    await t.call('inbound.receive', { from: ANNA, text: 'СТОП' });
    t.clock.advance(60_000);
    await t.call('backup.create', {});
    t.clock.advance(60_000);
    const preview = await t.call('backup.preview', { id: first.backup.id });
    await t.call('backup.restore', { id: first.backup.id, currentHead: preview.current!.head });
    const v = await t.call('audit.verify', {});
    expect(v.problems).toEqual([]);
    // Anna's STOP, recorded after that backup, is entered again in the restored register: she stays opted out.
    expect((await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT })).eligible).toBe(0);
  });
});
