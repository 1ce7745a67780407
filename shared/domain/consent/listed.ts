import type { Channel, ConsentState, ConsentStatus, Purpose } from './types';

/**
 * What the contacts list shows of a contact, kept with the contact so a filter on it is an index seek (issue #17 item
 * 10): the marketing status of each channel as a small code, with the instant it stops holding, and how long the
 * personal-data consent (on either channel) is granted for. The list's badge is `effectiveState(cell, at).status`
 * (fold.ts): the stored status, except that a granted or pending cell whose expiry has come is expired. So a code
 * holds while `at` is before its `until`; from then on a granted or pending one reads as expired. The repository
 * stores these on every projection write; the SQL of a filter reads them with the same rule (contacts.repo.ts).
 */

/** The stored marketing status of a channel as a code (0: no cell, or a cell that says none). */
export const LISTED_CODE: Readonly<Record<ConsentStatus, number>> = {
  none: 0,
  granted: 1,
  unproven: 2,
  pending: 3,
  expired: 4,
  revoked: 5,
};

/** The statuses that turn into `expired` when their expiry comes (effectiveState). */
export const EXPIRING: readonly ConsentStatus[] = ['granted', 'pending'];

/** A channel's marketing as the list keeps it: its code, and the instant from which it reads as expired (null: never). */
export interface ListedCell {
  code: number;
  until: number | null;
}

/** The list's code of a channel's marketing cell as stored (none when the contact has no such cell). */
export function listedCell(cell: Pick<ConsentState, 'status' | 'expiresAt'> | null | undefined): ListedCell {
  if (!cell) return { code: LISTED_CODE.none, until: null };
  return { code: LISTED_CODE[cell.status], until: EXPIRING.includes(cell.status) ? cell.expiresAt : null };
}

/** Granted without an end, as an instant (later than any `at` a register is asked about). */
export const FOREVER = Number.MAX_SAFE_INTEGER;

/**
 * Until when a contact's personal-data consent is granted on some channel — the gate's "personal-data consent in force"
 * (gate.ts) is `at` before it: 0 when none is granted, {@link FOREVER} for a grant without expiry.
 */
export function personalDataUntil(cells: readonly (Pick<ConsentState, 'status' | 'expiresAt'> | null | undefined)[]): number {
  let until = 0;
  for (const c of cells) until = withPersonalData(until, c);
  return until;
}

/** `until` raised by one more personal-data cell (a granted one holds until its expiry, or for ever). */
function withPersonalData(until: number, c: Pick<ConsentState, 'status' | 'expiresAt'> | null | undefined): number {
  return c?.status === 'granted' ? Math.max(until, c.expiresAt ?? FOREVER) : until;
}

/** A projection cell as {@link listedColumns} reads it. */
export type ListedSource = Pick<ConsentState, 'status' | 'since' | 'expiresAt'> & { channel: Channel; purpose: Purpose };

/** Everything the list keeps of a contact (its columns on contacts), worked out from all its projection cells. */
export interface ListedColumns {
  /** The latest `since` of its cells (0: none): the last consent change the list sorts and filters by. */
  changedAt: number;
  /** Each channel's marketing cell as {@link listedCell} codes it. */
  marketing: Record<Channel, ListedCell>;
  /** {@link personalDataUntil} of its personal-data cells. */
  pdUntil: number;
}

const NO_CELL: ListedCell = { code: LISTED_CODE.none, until: null };

/**
 * The list's columns of a contact from its cells `cells[from..to)` (all of them, in any order; none gives a contact
 * without consent): the same values as {@link listedCell} of each channel's marketing cell and
 * {@link personalDataUntil}. A range rather than a slice, so a rebuild walks a range's cells without copying them.
 */
export function listedColumns(cells: readonly ListedSource[], from = 0, to = cells.length): ListedColumns {
  let changedAt: number | null = null;
  const marketing: Record<Channel, ListedCell> = { sms: NO_CELL, whatsapp: NO_CELL };
  let pdUntil = 0;
  for (let i = from; i < to; i++) {
    const c = cells[i]!;
    if (c.since !== null && (changedAt === null || c.since > changedAt)) changedAt = c.since;
    if (c.purpose === 'marketing') marketing[c.channel] = listedCell(c);
    else if (c.purpose === 'personal_data') pdUntil = withPersonalData(pdUntil, c);
  }
  return { changedAt: changedAt ?? 0, marketing, pdUntil };
}
