import { describe, expect, it } from 'vitest';
import { neutralizeCell, revealText } from '../../../electron/core/sending/providers/file';
import { classifyNetworkError, parseRetryAfter, safeMessage } from '../../../electron/core/sending/providers/http';
import { smsruAction, smsruDelivery } from '../../../electron/core/sending/providers/smsru';
import { twilioAction } from '../../../electron/core/sending/providers/twilio';
import { whatsappAction } from '../../../electron/core/sending/providers/whatsapp-cloud';

describe('code tables', () => {
  it('Twilio: the channel decides route trouble', () => {
    expect(twilioAction(21612, 'sms')).toBe('fail');
    expect(twilioAction(21612, 'whatsapp')).toBe('unreachable');
    expect(twilioAction(63049, 'sms')).toBe('unreachable');
    expect(twilioAction(30005, 'sms')).toBe('invalid_number');
    expect(twilioAction(20429, 'sms')).toBe('retry');
  });

  it('Cloud API: 200–299 are permission codes; 131049 depends on the country', () => {
    expect(whatsappAction(250, '+7916')).toEqual({ action: 'stop_batch' });
    expect(whatsappAction(300, '+7916')).toEqual({ action: 'fail' });
    expect(whatsappAction(131049, '+12025550123')).toEqual({ action: 'unreachable' });
    expect(whatsappAction(131049, '+79161234567')).toEqual({ retry: true, afterMs: 3_600_000 });
  });

  it('SMS.ru: send codes and delivery codes', () => {
    expect(smsruAction(221)).toEqual({ action: 'stop_batch' });
    expect(smsruAction(206)).toEqual({ retry: true, afterMs: 3_600_000 });
    expect(smsruAction(214)).toEqual({ action: 'fail' });
    expect(smsruDelivery(-1)).toBeNull();
    expect(smsruDelivery(107)).toEqual({ status: 'undeliverable', code: '107', action: 'fail' });
  });
});

describe('http helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('tells connection failures from breaks after sending', () => {
    const wrap = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(classifyNetworkError(wrap('ECONNREFUSED'), false, false)).toMatchObject({ code: 'ECONNREFUSED', maybeDelivered: false });
    expect(classifyNetworkError(wrap('ENOTFOUND'), false, false)).toMatchObject({ maybeDelivered: false });
    expect(classifyNetworkError(wrap('UND_ERR_CONNECT_TIMEOUT'), false, false)).toMatchObject({ maybeDelivered: false });
    const multi = new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]) });
    expect(classifyNetworkError(multi, false, false)).toMatchObject({ code: 'ECONNREFUSED', maybeDelivered: false });
    expect(classifyNetworkError(wrap('ECONNRESET'), false, false)).toMatchObject({ code: 'ECONNRESET', maybeDelivered: true });
    expect(classifyNetworkError(wrap('UND_ERR_SOCKET'), false, false)).toMatchObject({ maybeDelivered: true });
    expect(classifyNetworkError(new Error('?'), true, false)).toMatchObject({ code: 'TIMEOUT', maybeDelivered: true });
  });

  it('masks numbers in provider messages, keeps codes', () => {
    expect(safeMessage("The 'To' number +7 916 123-45-67 is not valid (#131049)")).toBe("The 'To' number … is not valid (#131049)");
    expect(safeMessage(undefined)).toBe('no message');
    expect(safeMessage('x'.repeat(500))).toHaveLength(200);
  });
});

describe('CSV cells', () => {
  it.each(['=1+1', '+7', '-20%', '@x', '\tx', '\rx', '\0=1+1', "'x", "''=x", 'plain', ''])('%j survives neutralising', (text) => {
    const cell = neutralizeCell(text);
    expect(/^[=+\-@\t\r\0]/.test(cell)).toBe(false);
    expect(revealText(cell)).toBe(text);
  });
});
