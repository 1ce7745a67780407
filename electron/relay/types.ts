/** Where a stored webhook came from. */
export type RelaySource = 'whatsapp' | 'twilio';

/**
 * One webhook as the relay serves it to the desktop: `body` is Meta's JSON as Meta sent it, or Twilio's form fields
 * as an object of strings. `id` is the relay's own number for it (order of arrival), `receivedAt` ms since the epoch.
 */
export interface RelayEvent {
  id: string;
  source: RelaySource;
  receivedAt: number;
  body: unknown;
}

/**
 * The answer to `GET /events`: the events after the cursor in order of arrival, the cursor to pass next time (and to
 * acknowledge once they are recorded), and whether more are waiting. A cursor names the relay's data folder as well as
 * a position, so a relay whose data was wiped serves everything again instead of skipping what came after a reset.
 */
export interface RelayEventsPage {
  events: RelayEvent[];
  cursor: string;
  more: boolean;
}

/** The answer to `POST /events/ack`. */
export interface RelayAckAnswer {
  acknowledged: number;
}

/** Default and largest page sizes of `GET /events`. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** A relay cursor: the data folder's id and the last event's id, e.g. `3f9a0c1b2d4e.42`. */
export function formatCursor(instance: string, id: number): string {
  return `${instance}.${id}`;
}

/** Reads a cursor; null when it is not one. */
export function parseCursor(cursor: string): { instance: string; id: number } | null {
  const m = /^([0-9a-f]{1,64})\.(\d{1,15})$/.exec(cursor);
  if (!m) return null;
  return { instance: m[1]!, id: Number(m[2]) };
}
