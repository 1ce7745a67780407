export { type Answer, type FakeServer, type ReceivedRequest, type Script } from './common';
export { FAKE_SMSC, startFakeSmsc, type FakeSmsc } from './smsc';
export { FAKE_SMSRU, startFakeSmsru, type FakeSmsru } from './smsru';
export { FAKE_TWILIO, startFakeTwilio, type FakeTwilio } from './twilio';
export { startFakeWebhook, type FakeWebhook } from './webhook';
export { FAKE_WHATSAPP, startFakeWhatsapp, type FakeWhatsapp } from './whatsapp-cloud';
