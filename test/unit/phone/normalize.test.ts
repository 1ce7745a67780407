import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../shared/domain/phone/normalize';
import fixture from '../../fixtures/phones_public.json';

describe('normalizePhone', () => {
  it('turns a Russian number typed with the trunk prefix into E.164 with the default country', () => {
    const r = normalizePhone('8 (912) 345-67-89', 'RU');
    expect(r).toMatchObject({ ok: true, value: { e164: '+79123456789', country: 'RU', reach: 'mobile', messageable: true } });
  });

  it('understands the international prefix of the default country and ignores that country for + numbers', () => {
    expect(normalizePhone('0049 1512 3456789', 'DE')).toMatchObject({ ok: true, value: { e164: '+4915123456789' } });
    expect(normalizePhone('+44 7911 123456', 'RU')).toMatchObject({ ok: true, value: { e164: '+447911123456' } });
  });

  it('refuses text that is not a number, with a reason', () => {
    expect(normalizePhone('Ivan Petrov', 'RU')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(normalizePhone('   ', 'RU')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizePhone('+7912', 'RU')).toMatchObject({ ok: false });
  });

  it('flags fixed lines as not messageable', () => {
    const r = normalizePhone('+7 495 123-45-67', 'RU');
    expect(r.ok && r.value.reach).toBe('fixed_line');
    expect(r.ok && r.value.messageable).toBe(false);
  });

  it('keeps an extension apart from the number', () => {
    const r = normalizePhone('+1 212 555 0123 ext. 45', 'US');
    expect(r).toMatchObject({ ok: true, value: { e164: '+12125550123', extension: '45' } });
  });

  describe('public expectations (libphonenumber-js and Google example numbers)', () => {
    // Cases that rely on a bare default calling code do not apply: a shop always has a default country.
    for (const c of fixture.cases.filter((x) => !(x.note ?? '').includes('default calling code'))) {
      it(`${JSON.stringify(c.raw)} (${c.default_country ?? 'no default'}) → ${c.expected}`, () => {
        const r = normalizePhone(c.raw, c.default_country);
        if (c.expected === 'invalid') expect(r.ok).toBe(false);
        else {
          expect(r).toMatchObject({ ok: true, value: { e164: c.expected } });
          if (c.is_mobile === true && r.ok) expect(r.value.messageable).toBe(true);
        }
      });
    }
  });
});
