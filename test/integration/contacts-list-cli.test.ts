import { describe, expect, it } from 'vitest';
import { scopedBackend } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';
import { main } from '../../electron/cli/index';

const OK_TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

/** The list at work from the command line: optin contacts list with filters and sorts, contacts tag, segments, campaign plan --segment. */
describe('optin contacts list|tag, optin segments, optin campaign plan --segment', () => {
  it('filters, sorts, tags in bulk, saves a segment and plans a campaign for it; refuses an unknown segment naming it', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79120000001', 'sms', form!, { name: 'Анна' });
    await grantPaper(t.call, '+79120000002', 'sms', form!, { name: 'Борис', purposes: ['marketing'] });
    await grantPaper(t.call, '+79120000003', 'sms', form!, { name: 'Вера' });
    await t.call('inbound.receive', { from: '+79120000003', text: 'СТОП' });
    await t.call('contacts.add', { phone: '+79120000004', name: 'Глеб' });
    t.backend.close();
    let out = '';
    let err = '';
    const io = { out: (s: string) => (out += s + '\n'), err: (s: string) => (err += s + '\n') };
    const run = async (...args: string[]) => {
      out = '';
      err = '';
      return main([...args, '--db', t.dbPath], io);
    };

    expect(await run('contacts', 'list', '--status', 'granted,revoked', '--sort', 'phone', '--desc', '--json')).toBe(0);
    expect((JSON.parse(out) as { contacts: { phone: string }[] }).contacts.map((c) => c.phone)).toEqual([
      '+79120000003',
      '+79120000002',
      '+79120000001',
    ]);
    expect(await run('contacts', 'list', '--status', 'needs_personal_data')).toBe(0);
    expect(out).toContain('Борис');
    expect(out).not.toContain('Анна');

    expect(await run('contacts', 'tag', '--add', 'весна', '--status', 'granted')).toBe(0);
    expect(out).toContain('2 contact(s) chosen, 2 changed');
    expect(await run('contacts', 'list', '--tag', 'весна', '--json')).toBe(0);
    expect((JSON.parse(out) as { total: number }).total).toBe(2);

    expect(await run('segments', 'save', '--name', 'Весна', '--tag', 'весна')).toBe(0);
    expect(await run('segments', 'list')).toBe(0);
    expect(out).toContain('Весна  {"tags":["весна"]}');
    expect(await run('campaign', 'plan', '--channel', 'sms', '--purpose', 'marketing', '--text', OK_TEXT, '--segment', 'Весна', '--json')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ audience: 2, eligible: 1, excluded: { needs_personal_data: 1 } });

    // Undone the same way; then the segment matches nobody.
    expect(await run('contacts', 'tag', '--remove', 'весна', '--segment', 'Весна')).toBe(0);
    expect(out).toContain('2 contact(s) chosen, 2 changed');
    expect(await run('contacts', 'list', '--segment', 'Весна', '--json')).toBe(0);
    expect((JSON.parse(out) as { total: number }).total).toBe(0);

    expect(await run('contacts', 'list', '--segment', 'Осень')).toBe(1);
    expect(err).toContain('--segment: no segment named "Осень"');
    expect(await run('contacts', 'list', '--added-from', '2026-03-05', '--added-to', '2026-03-01')).toBe(1);
    expect(err).toContain('the range starts on 2026-03-05, after it ends on 2026-03-01');
    expect(await run('contacts', 'list', '--channel', 'whatsapp')).toBe(1);
    expect(err).toContain('--channel: give --status too');
    expect(await run('segments', 'delete', '--name', 'Весна')).toBe(0);
    expect(out).toContain('deleted segment Весна');
  });
});
