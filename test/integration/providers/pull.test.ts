import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import { ProviderQueryError } from '../../../electron/core/sending/providers/http';
import type { SignalPage } from '../../../electron/core/sending/providers/signals';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { startFakeSmsru, type FakeSmsru } from '../../support/fake-providers/smsru';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-providers/twilio';
import { mapSecrets, testEnv } from '../../support/fake-providers/secrets';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'pull-test-token';
const FROM = '+15005550006';
const WA = '+15005550007';
const NOW = Date.parse('2026-03-02T09:00:00Z');

let twilio: FakeTwilio;
let smsru: FakeSmsru;
beforeAll(async () => {
  twilio = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => NOW });
  smsru = await startFakeSmsru();
});
afterAll(() => Promise.all([twilio.close(), smsru.close()]));
afterEach(() => {
  twilio.reset();
  smsru.reset();
});

const secrets = mapSecrets({ tw: { authToken: TOKEN }, ru: { apiId: '' } });
const tw = (): ProviderAdapter =>
  createAdapter(
    { name: 'tw', kind: 'twilio', options: { accountSid: SID, from: FROM, whatsappFrom: WA, baseUrl: twilio.url } },
    testEnv(secrets, { now: () => NOW }),
  );

/** Every page from `cursor` on, as provider sync asks for them. */
async function pullAll(a: ProviderAdapter, cursor: string | null): Promise<{ pages: SignalPage[]; cursor: string | null }> {
  const pages: SignalPage[] = [];
  for (let page: SignalPage | null = null; !page || page.more;) {
    page = await a.pull!(page ? page.cursor : cursor);
    pages.push(page);
  }
  return { pages, cursor: pages[pages.length - 1]!.cursor };
}

describe('Twilio pull: replies to the shop numbers, page by page', () => {
  it('walks every page of both numbers, leaves out replies older than the first-sync window, and saves the newest time', async () => {
    for (let i = 0; i < 130; i++)
      twilio.addInbound({ from: `+7912${String(i).padStart(7, '0')}`, to: FROM, body: `ответ ${i}`, at: NOW - 1000 * (130 - i) });
    twilio.addInbound({ from: 'whatsapp:+79120000999', to: `whatsapp:${WA}`, body: 'СТОП', at: NOW - 500 });
    twilio.addInbound({ from: '+79120000998', to: FROM, body: 'old', at: NOW - 40 * 86_400_000 });
    const { pages, cursor } = await pullAll(tw(), null);
    expect(pages.map((p) => p.signals.length)).toEqual([100, 30, 1]);
    const all = pages.flatMap((p) => p.signals);
    expect(all.every((s) => s.kind === 'inbound')).toBe(true);
    expect(all.filter((s) => s.kind === 'inbound' && s.channel === 'whatsapp')).toMatchObject([{ from: '+79120000999', to: WA, text: 'СТОП' }]);
    expect(new Set(all.map((s) => (s.kind === 'inbound' ? s.providerMessageId : ''))).size).toBe(131);
    // Rounded to Twilio's whole seconds.
    expect(JSON.parse(cursor!)).toEqual({ after: Math.floor((NOW - 500) / 1000) * 1000 });
    const q = new URL(twilio.received[0]!.path + '?' + new URLSearchParams(twilio.received[0]!.query), 'http://x').searchParams;
    expect(q.get('To')).toBe(FROM);
    expect(q.get('DateSent>')).toBe('2026-01-31');
  });

  it('refuses a list that is not one, and an answer Twilio did not give', async () => {
    twilio.script([{ httpStatus: 200, body: { messages: 'nope' } }]);
    await expect(tw().pull!(null)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    twilio.script([{ httpStatus: 503 }]);
    await expect(tw().pull!(null)).rejects.toBeInstanceOf(ProviderQueryError);
  });
});

describe('SMS.ru pull: the account stop-list', () => {
  const ru = (): ProviderAdapter =>
    createAdapter(
      { name: 'ru', kind: 'smsru', options: { baseUrl: smsru.url } },
      testEnv(mapSecrets({ ru: { apiId: smsru.apiId } }), { now: () => NOW }),
    );

  it('gives each entry as an SMS opt-out for everything, with the entry as evidence; an empty list is []', async () => {
    expect(await ru().pull!(null)).toEqual({ signals: [], cursor: null, more: false });
    smsru.stoplist.set('79120000001', 'жалоба');
    smsru.stoplist.set('79120000002', '');
    const page = await ru().pull!(null);
    expect(page.signals).toEqual([
      {
        kind: 'opt_out',
        phone: '+79120000001',
        channel: 'sms',
        scope: 'all',
        evidenceId: 'smsru-stoplist:79120000001',
        source: 'SMS.ru stop-list entry (жалоба)',
        at: NOW,
      },
      {
        kind: 'opt_out',
        phone: '+79120000002',
        channel: 'sms',
        scope: 'all',
        evidenceId: 'smsru-stoplist:79120000002',
        source: 'SMS.ru stop-list entry',
        at: NOW,
      },
    ]);
    expect(smsru.received.at(-1)).toMatchObject({ method: 'POST', path: '/stoplist/get', form: { api_id: smsru.apiId, json: '1' } });
  });

  it('a refusal names SMS.ru’s code', async () => {
    const wrong = createAdapter({ name: 'ru', kind: 'smsru', options: { baseUrl: smsru.url } }, testEnv(mapSecrets({ ru: { apiId: 'wrong' } })));
    await expect(wrong.pull!(null)).rejects.toMatchObject({ code: '200' });
  });
});
