import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapMetaWebhook, mapRelayEvents, mapTwilioCallback } from '../../electron/relay/mapping';
import { metaSignature, twilioSignature, twilioUrlVariants, verifyMetaSignature, verifyTwilioSignature } from '../../electron/relay/signatures';
import { formatCursor, parseCursor } from '../../electron/relay/types';
import { metaMessage, metaPhoneQuality, metaStatus, metaTemplateStatus, metaUserPreference, twilioInbound, twilioStatus } from '../support/fake-meta';

const AT = Date.parse('2026-12-01T10:00:00Z');
const CUSTOMER = '+79161234567';
const US = '+12125550123';
const SHOP = '+15005550006';
const ACCOUNT = `AC${'ab'.repeat(16)}`;

describe('relay mapping: WhatsApp Cloud API webhooks', () => {
  it.each([
    ['text', 'СТОП'],
    ['button', 'Stop promotions'],
    ['interactive', 'Да, подписаться'],
  ] as const)('a customer message (%s) → inbound with its wamid, the customer and the business number', (kind, text) => {
    const r = mapMetaWebhook(metaMessage({ from: CUSTOMER, id: 'wamid.X1', timestamp: 1_764_583_200, text, kind }), AT);
    expect(r).toEqual({
      signals: [
        { kind: 'inbound', providerMessageId: 'wamid.X1', from: CUSTOMER, to: '+15550783881', channel: 'whatsapp', text, at: 1_764_583_200_000 },
      ],
      skipped: 0,
    });
  });

  it('a caption is read as the text; a sticker or an image without caption is skipped and counted', () => {
    const base = metaMessage({ from: CUSTOMER, id: 'wamid.I', timestamp: 1, text: 'x' }) as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const msgs = base.entry[0]!.changes[0]!.value.messages;
    msgs[0] = { from: CUSTOMER.slice(1), id: 'wamid.I', timestamp: '1', type: 'image', image: { id: 'media1', caption: 'stop please' } };
    msgs.push({ from: CUSTOMER.slice(1), id: 'wamid.S', timestamp: '1', type: 'sticker', sticker: { id: 'm' } });
    msgs.push({ from: CUSTOMER.slice(1), id: 'wamid.J', timestamp: '1', type: 'image', image: { id: 'media2' } });
    const r = mapMetaWebhook(base, AT);
    expect(r.signals).toEqual([expect.objectContaining({ kind: 'inbound', providerMessageId: 'wamid.I', text: 'stop please' })]);
    expect(r.skipped).toBe(2);
  });

  it('statuses: sent, delivered and read as they are; failures with the action DOMAIN §2.6 gives their code', () => {
    const st = (status: 'sent' | 'delivered' | 'read' | 'failed', errorCode?: number, recipient = CUSTOMER) =>
      mapMetaWebhook(metaStatus({ id: 'wamid.O', recipient, status, timestamp: 1_764_583_300, ...(errorCode ? { errorCode } : {}) }), AT).signals;
    expect(st('sent')).toEqual([{ kind: 'status', providerMessageId: 'wamid.O', update: { status: 'sent' }, at: 1_764_583_300_000 }]);
    expect(st('delivered')[0]).toMatchObject({ update: { status: 'delivered' } });
    expect(st('read')[0]).toMatchObject({ update: { status: 'read' } });
    expect(st('failed', 131026)).toEqual([expect.objectContaining({ update: { status: 'failed', code: '131026', action: 'unreachable' } })]);
    // The US marketing pause: never deliverable; elsewhere the per-user limit: a failed message, nothing more.
    expect(st('failed', 131049, US)[0]).toMatchObject({ update: { action: 'unreachable' } });
    expect(st('failed', 131049)[0]).toMatchObject({ update: { action: 'fail' } });
    expect(st('failed', 132001)[0]).toMatchObject({ update: { code: '132001', action: 'fail' } });
    expect(st('failed', 131031)[0]).toMatchObject({ update: { action: 'stop_batch' } });
    expect(st('failed')[0]).toMatchObject({ update: { status: 'failed', action: 'fail' } });
  });

  it('131050 (the person stopped marketing) → the status and an opt_out for WhatsApp marketing naming the message', () => {
    const r = mapMetaWebhook(metaStatus({ id: 'wamid.M', recipient: CUSTOMER, status: 'failed', timestamp: 1_764_583_300, errorCode: 131050 }), AT);
    expect(r.signals).toEqual([
      { kind: 'status', providerMessageId: 'wamid.M', update: { status: 'failed', code: '131050', action: 'opted_out' }, at: 1_764_583_300_000 },
      {
        kind: 'opt_out',
        phone: CUSTOMER,
        channel: 'whatsapp',
        scope: 'marketing',
        evidenceId: 'whatsapp:wamid.M:131050',
        source: 'WhatsApp Cloud API status (error 131050)',
        at: 1_764_583_300_000,
      },
    ]);
  });

  it('user_preferences: stop → opt_out marketing, resume → resume; the same webhook twice gives the same evidence id', () => {
    const stop = mapMetaWebhook(metaUserPreference({ waId: CUSTOMER, value: 'stop', timestamp: 1_764_583_400 }), AT);
    expect(stop.signals).toEqual([expect.objectContaining({ kind: 'opt_out', phone: CUSTOMER, channel: 'whatsapp', scope: 'marketing' })]);
    expect(mapMetaWebhook(metaUserPreference({ waId: CUSTOMER, value: 'stop', timestamp: 1_764_583_400 }), AT + 5000)).toEqual(stop);
    const resume = mapMetaWebhook(metaUserPreference({ waId: CUSTOMER, value: 'resume', timestamp: 1_764_583_500 }), AT);
    expect(resume.signals).toEqual([
      {
        kind: 'resume',
        phone: CUSTOMER,
        channel: 'whatsapp',
        evidenceId: `whatsapp:user_preferences:${CUSTOMER.slice(1)}:1764583500:resume`,
        source: 'WhatsApp user_preferences (marketing resume)',
        at: 1_764_583_500_000,
      },
    ]);
  });

  it('phone quality and template status → quality signals for the Health view', () => {
    expect(mapMetaWebhook(metaPhoneQuality({ event: 'DOWNGRADE', currentLimit: 'TIER_250', time: 1_764_583_600 }), AT).signals).toEqual([
      {
        kind: 'quality',
        evidenceId: 'whatsapp:phone_quality:15550783881:1764583600:DOWNGRADE',
        topic: 'phone_quality',
        value: 'DOWNGRADE',
        detail: 'TIER_250',
        at: 1_764_583_600_000,
      },
    ]);
    const t = mapMetaWebhook(
      metaTemplateStatus({ id: '5551', name: 'spring_sale', language: 'ru', event: 'PAUSED', reason: 'LOW_QUALITY', time: 1_764_583_700 }),
      AT,
    );
    expect(t.signals).toEqual([expect.objectContaining({ topic: 'template_status', value: 'PAUSED', detail: 'spring_sale (ru): LOW_QUALITY' })]);
  });

  it('unknown fields, other objects and garbage are skipped and counted, never thrown', () => {
    expect(mapMetaWebhook({ object: 'page', entry: [] }, AT)).toEqual({ signals: [], skipped: 1 });
    expect(mapMetaWebhook(null, AT)).toEqual({ signals: [], skipped: 1 });
    expect(mapMetaWebhook('text', AT)).toEqual({ signals: [], skipped: 1 });
    expect(
      mapMetaWebhook(
        { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'account_update', value: {} }, { field: 'messages' }, 7] }, 'x'] },
        AT,
      ),
    ).toEqual({ signals: [], skipped: 4 });
    // A number that is not one: skipped, not recorded against a made-up contact.
    expect(mapMetaWebhook(metaUserPreference({ waId: 'abc', value: 'stop', timestamp: 1 }), AT)).toEqual({ signals: [], skipped: 1 });
  });

  it('any JSON at all maps without throwing, and every signal it yields is well formed', () => {
    const json = fc.jsonValue({ maxDepth: 6 });
    const shaped = fc.record({
      object: fc.constant('whatsapp_business_account'),
      entry: fc.array(fc.record({ changes: fc.array(fc.record({ field: fc.constantFrom('messages', 'user_preferences', 'x'), value: json })) })),
    });
    fc.assert(
      fc.property(fc.oneof(json, shaped), (body) => {
        const r = mapMetaWebhook(body, AT);
        expect(r.skipped).toBeGreaterThanOrEqual(0);
        for (const s of r.signals) {
          if (s.kind === 'inbound') expect(s.from).toMatch(/^\+[1-9]\d{6,14}$/);
          if (s.kind === 'opt_out' || s.kind === 'resume') expect(s.phone).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(Number.isFinite(s.at)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('relay mapping: Twilio webhooks', () => {
  it('an incoming SMS and an incoming WhatsApp message → inbound with the SM id and channel', () => {
    expect(mapTwilioCallback(twilioInbound({ sid: 'SM1', from: CUSTOMER, to: SHOP, body: 'Стоп', accountSid: ACCOUNT }), AT)).toEqual({
      signals: [{ kind: 'inbound', providerMessageId: 'SM1', from: CUSTOMER, to: SHOP, channel: 'sms', text: 'Стоп', at: AT }],
      skipped: 0,
    });
    const wa = mapTwilioCallback(
      twilioInbound({ sid: 'SM2', from: `whatsapp:${CUSTOMER}`, to: `whatsapp:${SHOP}`, body: 'YES', accountSid: ACCOUNT }),
      AT,
    );
    expect(wa.signals).toEqual([{ kind: 'inbound', providerMessageId: 'SM2', from: CUSTOMER, to: SHOP, channel: 'whatsapp', text: 'YES', at: AT }]);
  });

  it("a reply Twilio's opt-out handling marked STOP (any language) is also an opt_out; START is a resume, never a consent", () => {
    const stop = mapTwilioCallback(
      { ...twilioInbound({ sid: 'SM10', from: CUSTOMER, to: SHOP, body: 'ARRET', accountSid: ACCOUNT }), OptOutType: 'STOP' },
      AT,
    );
    expect(stop.signals).toEqual([
      expect.objectContaining({ kind: 'inbound', providerMessageId: 'SM10', text: 'ARRET' }),
      {
        kind: 'opt_out',
        phone: CUSTOMER,
        channel: 'sms',
        scope: 'all',
        evidenceId: 'twilio:SM10:OptOutType:STOP',
        source: 'Twilio opt-out keyword (STOP)',
        at: AT,
      },
    ]);
    const start = mapTwilioCallback(
      { ...twilioInbound({ sid: 'SM11', from: CUSTOMER, to: SHOP, body: 'START', accountSid: ACCOUNT }), OptOutType: 'START' },
      AT,
    );
    expect(start.signals.map((s) => s.kind)).toEqual(['inbound', 'resume']);
    const help = mapTwilioCallback(
      { ...twilioInbound({ sid: 'SM12', from: CUSTOMER, to: SHOP, body: 'HELP', accountSid: ACCOUNT }), OptOutType: 'HELP' },
      AT,
    );
    expect(help.signals.map((s) => s.kind)).toEqual(['inbound']);
  });

  it('21610 → an undeliverable status with opted_out and an opt_out for everything on that channel', () => {
    const r = mapTwilioCallback(
      twilioStatus({ sid: 'SM3', to: CUSTOMER, from: SHOP, status: 'failed', errorCode: '21610', accountSid: ACCOUNT }),
      AT,
    );
    expect(r.signals).toEqual([
      { kind: 'status', providerMessageId: 'SM3', update: { status: 'failed', code: '21610', action: 'opted_out' }, at: AT },
      {
        kind: 'opt_out',
        phone: CUSTOMER,
        channel: 'sms',
        scope: 'all',
        evidenceId: 'twilio:SM3:21610',
        source: 'Twilio status callback (error 21610)',
        at: AT,
      },
    ]);
    const wa = mapTwilioCallback(
      twilioStatus({
        sid: 'SM4',
        to: `whatsapp:${CUSTOMER}`,
        from: `whatsapp:${SHOP}`,
        status: 'undelivered',
        errorCode: '63014',
        accountSid: ACCOUNT,
      }),
      AT,
    );
    expect(wa.signals[1]).toMatchObject({ kind: 'opt_out', channel: 'whatsapp', scope: 'all', evidenceId: 'twilio:SM4:63014' });
  });

  it.each([
    ['30005', 'invalid_number'],
    ['30006', 'invalid_number'],
    ['30003', 'fail'],
    ['30007', 'fail'],
    ['30001', 'fail'],
    ['30002', 'stop_batch'],
  ])('undelivered with %s → action %s, no opt-out', (code, action) => {
    const r = mapTwilioCallback(
      twilioStatus({ sid: 'SM5', to: CUSTOMER, from: SHOP, status: 'undelivered', errorCode: code, accountSid: ACCOUNT }),
      AT,
    );
    expect(r.signals).toEqual([{ kind: 'status', providerMessageId: 'SM5', update: { status: 'undeliverable', code, action }, at: AT }]);
  });

  it('delivered, sent and read are statuses; queued, sending and accepted carry nothing yet', () => {
    const s = (status: string) => mapTwilioCallback(twilioStatus({ sid: 'SM6', to: CUSTOMER, from: SHOP, status, accountSid: ACCOUNT }), AT);
    expect(s('delivered').signals).toEqual([{ kind: 'status', providerMessageId: 'SM6', update: { status: 'delivered' }, at: AT }]);
    expect(s('sent').signals[0]).toMatchObject({ update: { status: 'sent' } });
    expect(s('read').signals[0]).toMatchObject({ update: { status: 'read' } });
    for (const st of ['queued', 'sending', 'accepted']) expect(s(st)).toEqual({ signals: [], skipped: 1 });
  });

  it('forms without a message id, status or readable number are skipped, never thrown', () => {
    expect(mapTwilioCallback({ Body: 'hi' }, AT)).toEqual({ signals: [], skipped: 1 });
    expect(mapTwilioCallback(null, AT)).toEqual({ signals: [], skipped: 1 });
    expect(mapTwilioCallback({ MessageSid: 'SM7', SmsStatus: 'received', From: 'someone', Body: 'STOP' }, AT)).toEqual({ signals: [], skipped: 1 });
    expect(mapTwilioCallback({ MessageSid: 'SM8', SmsStatus: 'received', From: CUSTOMER, Body: '   ' }, AT)).toEqual({ signals: [], skipped: 1 });
  });

  it('a page of mixed events keeps their order and adds up what it skipped', () => {
    const r = mapRelayEvents([
      { id: '1', source: 'twilio', receivedAt: AT, body: twilioInbound({ sid: 'SM9', from: CUSTOMER, to: SHOP, body: 'STOP', accountSid: ACCOUNT }) },
      { id: '2', source: 'whatsapp', receivedAt: AT, body: { object: 'nope' } },
      { id: '3', source: 'whatsapp', receivedAt: AT, body: metaUserPreference({ waId: CUSTOMER, value: 'stop', timestamp: 1 }) },
      { id: '4', source: 'sms' as 'twilio', receivedAt: AT, body: {} },
    ]);
    expect(r.signals.map((s) => s.kind)).toEqual(['inbound', 'opt_out']);
    expect(r.skipped).toBe(2);
  });
});

describe('relay signatures and cursors', () => {
  it("Twilio's signature matches Twilio's published example", () => {
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+14158675310'],
      ['Digits', '1234'],
      ['From', '+14158675310'],
      ['To', '+18005551212'],
    ];
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature(url, params, '12345')).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(verifyTwilioSignature('GvWf1cFY/Q7PnoempGyD5oXAezc=', url, [...params].reverse(), '12345')).toBe(true);
    expect(verifyTwilioSignature('GvWf1cFY/Q7PnoempGyD5oXAezc=', url, params, '12346')).toBe(false);
    expect(verifyTwilioSignature(undefined, url, params, '12345')).toBe(false);
  });

  it('the URL forms Twilio may have signed: with and without the default port, nothing else', () => {
    expect(twilioUrlVariants('https://r.example.com/twilio')).toEqual(['https://r.example.com/twilio', 'https://r.example.com:443/twilio']);
    expect(twilioUrlVariants('https://r.example.com:443/twilio?x=1')).toEqual([
      'https://r.example.com:443/twilio?x=1',
      'https://r.example.com/twilio?x=1',
    ]);
    expect(twilioUrlVariants('http://[::1]:80/twilio')).toEqual(['http://[::1]:80/twilio', 'http://[::1]/twilio']);
    expect(twilioUrlVariants('https://r.example.com:8443/twilio')).toEqual(['https://r.example.com:8443/twilio']);
  });

  it("Meta's signature is the hex HMAC-SHA256 of the exact bytes", () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const sig = metaSignature(body, 'secret');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyMetaSignature(sig, body, 'secret')).toBe(true);
    expect(verifyMetaSignature(sig.toUpperCase().replace('SHA256', 'sha256'), body, 'secret')).toBe(true);
    expect(verifyMetaSignature(sig, Buffer.from(`${body.toString()} `), 'secret')).toBe(false);
    expect(verifyMetaSignature(sig, body, 'other')).toBe(false);
    expect(verifyMetaSignature(sig.slice(0, -2), body, 'secret')).toBe(false);
    expect(verifyMetaSignature(undefined, body, 'secret')).toBe(false);
  });

  it('a cursor reads back as written; anything else is not a cursor', () => {
    expect(parseCursor(formatCursor('3f9a0c1b2d4e', 42))).toEqual({ instance: '3f9a0c1b2d4e', id: 42 });
    for (const bad of ['', '42', 'abc', 'XYZ.1', 'ab.-1', 'ab.1.2', 'ab.1e3']) expect(parseCursor(bad)).toBeNull();
  });
});
