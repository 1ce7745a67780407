import { describe, expect, it } from 'vitest';
import { dayPattern, formatDateTime, formatDay, parseDateTime, parseDay } from '../../../renderer/src/components/dates';

/** Date fields in the app's language (issue #17): Russian dd.mm.yyyy, English in the browser's English order. */
describe('days typed in the UI language', () => {
  it('takes the order from the UI language, and for English from the browser’s English (day first outside the US)', () => {
    expect(dayPattern('ru', 'en-US')).toEqual({ order: 'dmy', sep: '.', locale: 'ru' });
    expect(dayPattern('en', 'en-US')).toEqual({ order: 'mdy', sep: '/', locale: 'en' });
    expect(dayPattern('en', 'en-GB')).toEqual({ order: 'dmy', sep: '/', locale: 'en' });
    expect(dayPattern('en', 'ru-RU')).toMatchObject({ order: 'dmy', locale: 'en' });
  });

  it('reads a day in that order or as ISO, and refuses what is not a day of the calendar', () => {
    expect(parseDay('01.03.2026', 'dmy')).toBe('2026-03-01');
    expect(parseDay('1.3.2026', 'dmy')).toBe('2026-03-01');
    expect(parseDay('03/01/2026', 'mdy')).toBe('2026-03-01');
    expect(parseDay('2026-03-01', 'mdy')).toBe('2026-03-01');
    expect(parseDay('29.02.2027', 'dmy')).toBeNull();
    expect(parseDay('31.04.2026', 'dmy')).toBeNull();
    expect(parseDay('13/13/2026', 'mdy')).toBeNull();
    expect(parseDay('01.03.26', 'dmy')).toBeNull();
    expect(parseDay('завтра', 'dmy')).toBeNull();
    expect(formatDay('2026-03-01', 'dmy', '.')).toBe('01.03.2026');
    expect(formatDay('2026-03-01', 'mdy', '/')).toBe('03/01/2026');
  });

  it('reads a date and a 24-hour time, and writes it back the same way', () => {
    expect(parseDateTime('01.03.2026 14:05', 'dmy')).toBe('2026-03-01T14:05');
    expect(parseDateTime('2026-03-01T09:30', 'dmy')).toBe('2026-03-01T09:30');
    expect(parseDateTime('03/01/2026, 9:30', 'mdy')).toBe('2026-03-01T09:30');
    expect(parseDateTime('01.03.2026 24:00', 'dmy')).toBeNull();
    expect(parseDateTime('01.03.2026', 'dmy')).toBeNull();
    expect(formatDateTime('2026-03-01T09:30', 'dmy', '.')).toBe('01.03.2026 09:30');
  });
});
