import { describe, expect, it } from 'vitest';
import {
  isTimeZone,
  localDay,
  localMinutes,
  localTime,
  nextAllowed,
  zoneOffset,
  zonedTimeToUtc,
  zonesOutside,
} from '../../../shared/domain/time/zones';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);
const DAYTIME = { start: '09:00', end: '21:00' };

describe('Europe/London (GMT/BST)', () => {
  const z = 'Europe/London';

  it('springs forward at 01:00 UTC on the last Sunday of March', () => {
    expect(zoneOffset(at('2026-03-29T00:59:59Z'), z)).toBe(0);
    expect(zoneOffset(at('2026-03-29T01:00:00Z'), z)).toBe(HOUR);
    expect(localTime(at('2026-03-29T00:59:00Z'), z)).toEqual({ date: '2026-03-29', time: '00:59', offset: '+00:00' });
    expect(localTime(at('2026-03-29T01:00:00Z'), z)).toEqual({ date: '2026-03-29', time: '02:00', offset: '+01:00' });
    expect(localMinutes(at('2026-03-29T01:00:00Z'), z)).toBe(120);
  });

  it('falls back at 01:00 UTC on the last Sunday of October', () => {
    expect(localTime(at('2026-10-25T00:59:00Z'), z)).toEqual({ date: '2026-10-25', time: '01:59', offset: '+01:00' });
    expect(localTime(at('2026-10-25T01:00:00Z'), z)).toEqual({ date: '2026-10-25', time: '01:00', offset: '+00:00' });
    expect(localMinutes(at('2026-10-25T00:59:00Z'), z)).toBe(119);
    expect(localMinutes(at('2026-10-25T01:00:00Z'), z)).toBe(60);
  });

  it('reads wall-clock times on either side of a change', () => {
    expect(zonedTimeToUtc(2026, 3, 28, 12, 0, 0, z)).toBe(at('2026-03-28T12:00:00Z'));
    expect(zonedTimeToUtc(2026, 3, 29, 12, 0, 0, z)).toBe(at('2026-03-29T11:00:00Z'));
    expect(zonedTimeToUtc(2026, 3, 29, 0, 30, 0, z)).toBe(at('2026-03-29T00:30:00Z'));
    expect(zonedTimeToUtc(2026, 10, 25, 12, 0, 0, z)).toBe(at('2026-10-25T12:00:00Z'));
  });
});

describe('America/New_York (EST/EDT)', () => {
  const z = 'America/New_York';

  it('springs forward at 07:00 UTC on the second Sunday of March', () => {
    expect(zoneOffset(at('2026-03-08T06:59:00Z'), z)).toBe(-5 * HOUR);
    expect(zoneOffset(at('2026-03-08T07:00:00Z'), z)).toBe(-4 * HOUR);
    expect(localTime(at('2026-03-08T06:59:00Z'), z)).toEqual({ date: '2026-03-08', time: '01:59', offset: '-05:00' });
    expect(localTime(at('2026-03-08T07:00:00Z'), z)).toEqual({ date: '2026-03-08', time: '03:00', offset: '-04:00' });
  });

  it('falls back at 06:00 UTC on the first Sunday of November', () => {
    expect(localTime(at('2026-11-01T05:59:00Z'), z)).toEqual({ date: '2026-11-01', time: '01:59', offset: '-04:00' });
    expect(localTime(at('2026-11-01T06:00:00Z'), z)).toEqual({ date: '2026-11-01', time: '01:00', offset: '-05:00' });
  });

  it('puts an evening instant on the previous local day', () => {
    expect(localDay(at('2026-03-08T04:59:00Z'), z)).toBe('2026-03-07');
    expect(localDay(at('2026-03-08T05:00:00Z'), z)).toBe('2026-03-08');
    expect(zonedTimeToUtc(2026, 7, 4, 9, 0, 0, z)).toBe(at('2026-07-04T13:00:00Z'));
  });
});

describe('Europe/Moscow (no daylight saving)', () => {
  const z = 'Europe/Moscow';

  it('is three hours ahead all year', () => {
    for (const iso of ['2026-01-15T12:00:00Z', '2026-03-29T01:00:00Z', '2026-07-15T12:00:00Z', '2026-10-25T01:00:00Z']) {
      expect(zoneOffset(at(iso), z)).toBe(3 * HOUR);
      expect(localTime(at(iso), z).offset).toBe('+03:00');
    }
  });

  it('turns the day at 21:00 UTC', () => {
    expect(localDay(at('2026-03-01T20:59:59Z'), z)).toBe('2026-03-01');
    expect(localDay(at('2026-03-01T21:00:00Z'), z)).toBe('2026-03-02');
    expect(localTime(at('2026-03-01T21:00:00Z'), z)).toEqual({ date: '2026-03-02', time: '00:00', offset: '+03:00' });
    expect(zonedTimeToUtc(2026, 3, 2, 0, 0, 0, z)).toBe(at('2026-03-01T21:00:00Z'));
  });
});

describe('a change of offset inside an hour', () => {
  it('prints the minute after Lord Howe moves its clocks half an hour (15:30 UTC)', () => {
    const z = 'Australia/Lord_Howe';
    expect(localTime(at('2026-10-03T15:29:00Z'), z)).toEqual({ date: '2026-10-04', time: '01:59', offset: '+10:30' });
    expect(localTime(at('2026-10-03T15:30:00Z'), z)).toEqual({ date: '2026-10-04', time: '02:30', offset: '+11:00' });
  });
});

describe('an unknown zone', () => {
  const z = 'Mars/Olympus_Mons';

  it('is not a time zone; real ones are', () => {
    expect(isTimeZone(z)).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
  });

  it('has no offset and no local minutes, and is never outside a window', () => {
    expect(zoneOffset(0, z)).toBeNull();
    expect(localMinutes(0, z)).toBeNull();
    expect(zonesOutside(at('2026-03-01T02:00:00Z'), [z], DAYTIME)).toEqual([]);
    // Only the known zone decides: 23:30 in Moscow waits for 09:00 there.
    expect(nextAllowed(at('2026-03-01T20:30:00Z'), [z, 'Europe/Moscow'], DAYTIME)).toBe(at('2026-03-02T06:00:00Z'));
  });

  it('is refused where a date or clock time is asked for', () => {
    expect(() => localTime(0, z)).toThrow(RangeError);
    expect(() => localDay(0, z)).toThrow(RangeError);
    expect(() => zonedTimeToUtc(2026, 3, 1, 0, 0, 0, z)).toThrow(/Invalid time zone specified: Mars\/Olympus_Mons/);
  });
});

describe('send windows', () => {
  it('says which zones an instant falls outside of (the end is excluded)', () => {
    const zones = ['Europe/Moscow', 'America/New_York'];
    // 14:00 UTC: 17:00 in Moscow, 09:00 in New York.
    expect(zonesOutside(at('2026-03-03T14:00:00Z'), zones, DAYTIME)).toEqual([]);
    expect(zonesOutside(at('2026-03-03T13:59:00Z'), zones, DAYTIME)).toEqual(['America/New_York']);
    // 18:00 UTC is 21:00 in Moscow: closed.
    expect(zonesOutside(at('2026-03-03T18:00:00Z'), zones, DAYTIME)).toEqual(['Europe/Moscow']);
  });

  it('returns the instant itself when it is inside the window everywhere', () => {
    expect(nextAllowed(at('2026-03-02T10:00:00Z'), ['Europe/Moscow'], DAYTIME)).toBe(at('2026-03-02T10:00:00Z'));
  });

  it('waits across midnight for the next morning', () => {
    // 23:30 in Moscow → 09:00 the next day.
    expect(nextAllowed(at('2026-03-01T20:30:00Z'), ['Europe/Moscow'], DAYTIME)).toBe(at('2026-03-02T06:00:00Z'));
    // 00:30 in Moscow (already the next local day) → 09:00 that same local day.
    expect(nextAllowed(at('2026-03-01T21:30:00Z'), ['Europe/Moscow'], DAYTIME)).toBe(at('2026-03-02T06:00:00Z'));
  });

  it('waits across midnight and a change to daylight saving', () => {
    // Saturday 22:00 EST in New York → Sunday 08:00, by then EDT (12:00 UTC, not 13:00).
    expect(nextAllowed(at('2026-03-08T03:00:00Z'), ['America/New_York'], { start: '08:00', end: '21:00' })).toBe(at('2026-03-08T12:00:00Z'));
    // And back: Saturday 22:00 EDT → Sunday 08:00 EST (13:00 UTC).
    expect(nextAllowed(at('2026-11-01T02:00:00Z'), ['America/New_York'], { start: '08:00', end: '21:00' })).toBe(at('2026-11-01T13:00:00Z'));
  });

  it('finds the hours open in every zone, across midnight in one of them', () => {
    // 22:00 in Moscow, 14:00 in New York; both open together only 14:00–18:00 UTC.
    expect(nextAllowed(at('2026-03-02T19:00:00Z'), ['Europe/Moscow', 'America/New_York'], DAYTIME)).toBe(at('2026-03-03T14:00:00Z'));
  });

  it('gives up (null) when the windows never meet', () => {
    expect(nextAllowed(at('2026-03-02T19:00:00Z'), ['Europe/Moscow', 'Pacific/Honolulu'], { start: '09:00', end: '10:00' })).toBeNull();
  });
});
