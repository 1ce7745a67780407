import type { ConsentState, ConsentStatus } from './types';

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
  for (const c of cells) if (c?.status === 'granted') until = Math.max(until, c.expiresAt ?? FOREVER);
  return until;
}
