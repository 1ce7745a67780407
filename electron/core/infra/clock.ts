import { randomUUID } from 'node:crypto';

/** Time source, injectable so tests and benchmarks control it. */
export interface Clock {
  now(): number;
}

/** Id source for event uids. */
export interface Ids {
  uuid(): string;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Random v4 UUIDs. */
export const randomIds: Ids = { uuid: () => randomUUID() };
