import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FOREVER, LISTED_CODE, listedCell, listedColumns, personalDataUntil, type ListedSource } from '../../../shared/domain/consent/listed';
import { Channels, Purposes, type ConsentStatus } from '../../../shared/domain/consent/types';

const STATUSES: ConsentStatus[] = ['none', 'granted', 'unproven', 'pending', 'expired', 'revoked'];

describe('listedColumns: what the list keeps of a contact, from its cells', () => {
  it('a contact without cells: nothing listed, never changed', () => {
    expect(listedColumns([])).toEqual({
      changedAt: 0,
      marketing: { sms: { code: LISTED_CODE.none, until: null }, whatsapp: { code: LISTED_CODE.none, until: null } },
      pdUntil: 0,
    });
  });

  it('reads only cells[from..to), the range of one contact among others', () => {
    const cell = (status: ConsentStatus, since: number): ListedSource => ({ channel: 'sms', purpose: 'marketing', status, since, expiresAt: null });
    const cells = [cell('revoked', 5), cell('granted', 7), cell('unproven', 9)];
    expect(listedColumns(cells, 1, 2)).toMatchObject({ changedAt: 7, marketing: { sms: { code: LISTED_CODE.granted } } });
  });

  it('the same answers as listedCell and personalDataUntil for any set of cells (one per key)', () => {
    const arbCells = fc.uniqueArray(
      fc.record({
        channel: fc.constantFrom(...Channels),
        purpose: fc.constantFrom(...Purposes),
        status: fc.constantFrom(...STATUSES),
        since: fc.option(fc.integer({ min: -1000, max: 1000 })),
        expiresAt: fc.option(fc.integer({ min: 0, max: 2000 })),
      }),
      { selector: (c) => `${c.channel}/${c.purpose}`, maxLength: 6 },
    );
    fc.assert(
      fc.property(arbCells, (cells) => {
        const l = listedColumns(cells);
        for (const ch of Channels) expect(l.marketing[ch]).toEqual(listedCell(cells.find((c) => c.channel === ch && c.purpose === 'marketing')));
        expect(l.pdUntil).toBe(personalDataUntil(cells.filter((c) => c.purpose === 'personal_data')));
        const since = cells.map((c) => c.since).filter((s): s is number => s !== null);
        // As SQL's coalesce(max(since), 0): the latest since, even one before 1970.
        expect(l.changedAt).toBe(since.length ? Math.max(...since) : 0);
      }),
    );
    expect(listedColumns([{ channel: 'whatsapp', purpose: 'personal_data', status: 'granted', since: 1, expiresAt: null }]).pdUntil).toBe(FOREVER);
  });
});
