import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../shared/contract/dispatch';
import { AppError } from '../../../shared/contract/errors';
import { methods, type Handlers } from '../../../shared/contract/api';

const handlers = Object.fromEntries(
  methods.map((m) => [
    m,
    () => {
      throw new AppError('NOT_FOUND', 'contacts.notFound', { field: m, contactId: 0 });
    },
  ]),
) as unknown as Handlers;

describe('dispatcher', () => {
  it('refuses an unknown method without calling anything', async () => {
    expect(await createDispatcher(handlers)('contacts.drop', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await createDispatcher(handlers)('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('names the field of a refused input', async () => {
    const r = await createDispatcher(handlers)('consent.record', {
      phone: '+79123456789',
      channel: 'fax',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { fields: [{ path: 'channel' }] } } });
    expect(!r.ok && r.error.message).toMatch(/^channel:/);
  });

  it('requires a method for a grant but not for a revocation', async () => {
    const d = createDispatcher(handlers);
    const grant = await d('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'grant' });
    expect(grant).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { fields: [{ path: 'method' }] } } });
    const revoke = await d('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'revoke' });
    expect(revoke).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses malformed dates with the expected format in the message', async () => {
    const r = await createDispatcher(handlers)('consent.status', { phone: '+79123456789', at: '2026-13-45' });
    expect(!r.ok && r.error.message).toMatch(/^at: expected an ISO 8601/);
  });

  it('hides internal errors behind a code, never a stack', async () => {
    const broken = {
      ...handlers,
      'settings.get': () => {
        throw new TypeError('secret internals at /home/x');
      },
    } as Handlers;
    let seen = '';
    const r = await createDispatcher(broken, { onInternalError: (m) => (seen = m) })('settings.get', {});
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', key: 'door.internal', message: 'internal error; the operation was not completed' } });
    expect(seen).toBe('settings.get');
  });
});
