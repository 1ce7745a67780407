import { describe, expect, it } from 'vitest';
import { normalizeSender } from '../../../shared/domain/phone/normalize';

const e164 = (input: string, country: string) => {
  const r = normalizeSender(input, country);
  return r.ok ? r.value.e164 : r.reason;
};

describe('normalizeSender: a number as providers show it (country code, no "+")', () => {
  it('reads it internationally when it starts with the shop’s own code or the national reading fails', () => {
    expect(e164('4915112345001', 'DE')).toBe('+4915112345001');
    expect(e164('447911123001', 'RU')).toBe('+447911123001');
    expect(e164('447911123001', 'GB')).toBe('+447911123001');
    expect(e164('79123456789', 'RU')).toBe('+79123456789');
  });
  it('keeps national numbers national', () => {
    expect(e164('2025550123', 'US')).toBe('+12025550123');
    expect(e164('015112345001', 'DE')).toBe('+4915112345001');
    expect(e164('8 912 345-67-89', 'RU')).toBe('+79123456789');
    expect(e164('07911 123001', 'GB')).toBe('+447911123001');
    expect(e164('+7 912 345 67 89', 'DE')).toBe('+79123456789');
  });
});
