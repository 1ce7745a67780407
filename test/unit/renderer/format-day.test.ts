import { describe, expect, it } from 'vitest';
import { formatDay } from '../../../renderer/src/components/format';

describe('formatDay: a calendar day as people write it', () => {
  it('Russian 07.12.2026, English 7 Dec 2026', () => {
    expect(formatDay('2026-12-07', 'ru')).toBe('07.12.2026');
    expect(formatDay('2026-12-07', 'en')).toBe('7 Dec 2026');
  });
  it('leaves anything that is not a day of the calendar as it is', () => {
    for (const s of ['2026-02-30', '2026-13-01', '2026-W50', '12/05/2026', 'F1-1', '']) expect(formatDay(s, 'ru')).toBe(s);
  });
});
