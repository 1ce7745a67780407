import { command, type Command, type Group } from '../spec';
import { pageFlags, staffFlag } from './common';
import { asInt } from '../args';
import { auditVerified, complaintRecorded, confirmationsList, confirmationsSent, headAccepted } from './format';

const replies: Command[] = [
  command({
    words: ['inbound'],
    details: ['The reply is classified first (opt-out wins; English and Russian, loose phrasings), then acted on.'],
    summary: "act on a customer's reply: STOP revokes at once, START <code> opts in, YES confirms",
    method: 'inbound.receive',
    flags: [
      { name: 'from', value: 'P', summary: "the customer's number", required: true, field: 'from' },
      { name: 'text', value: 'T', summary: 'what they wrote', required: true, field: 'text' },
      { name: 'channel', value: 'sms|whatsapp', summary: 'the channel it came by (default sms)', field: 'channel' },
      { name: 'at', value: 'ISO', summary: 'when it came (default: now)', field: 'at' },
      { name: 'provider-id', value: 'ID', summary: "the provider's id of the message (kept as evidence)", field: 'providerId' },
      { name: 'to', value: 'P', summary: "the shop's number it was sent to", field: 'to' },
      staffFlag,
    ],
  }),
  command({
    words: ['confirmations', 'list'],
    summary: 'double opt-in confirmation messages waiting for the provider, and what became of them',
    method: 'confirmations.list',
    flags: pageFlags(500),
    human: confirmationsList,
  }),
  command({
    words: ['confirmations', 'send'],
    summary: 'send the queued double opt-in confirmation requests through the outbox and wait for the hand-off',
    details: [
      'Requests past their deadline lapse (never sent late). The rest go as waves, one system campaign per channel,',
      'language and kind, each recipient gated again at hand-off (an opt-out stops it, quiet hours defer it), with the',
      'retries and crash recovery of any campaign. The app does this by itself every few minutes; a YES that comes back',
      "confirms, STOP cancels, silence lets the request expire after the pack's time.",
    ],
    method: 'confirmations.send',
    flags: [
      { name: 'provider', value: 'NAME', summary: 'send through this provider (default: the first that carries the channel)', field: 'provider' },
      { name: 'max-wait', value: 'S', summary: 'stop waiting after this many seconds (default 120)', field: 'maxWaitSeconds', as: asInt },
      staffFlag,
    ],
    fixed: { wait: true },
    human: confirmationsSent,
  }),
  command({ words: ['complaints', 'list'], summary: 'complaints recorded', method: 'complaints.list', flags: pageFlags(500) }),
  command({
    words: ['complaints', 'add'],
    summary: 'record a complaint: it withdraws marketing to the customer on every channel',
    method: 'complaints.record',
    human: complaintRecorded,
    flags: [
      { name: 'phone', value: 'P', summary: "the customer's number", required: true, field: 'phone' },
      { name: 'note', value: 'T', summary: 'what the complaint was', required: true, field: 'note' },
      staffFlag,
    ],
  }),
];

const audit: Command[] = [
  command({
    words: ['audit', 'verify'],
    summary: 'check both hash chains, events against contacts, and the heads against the witness',
    details: [
      "Exit 1 when any event or audit row was altered, removed or reordered, an event no longer matches its contact's number",
      'or its contact is gone, a safeguard was dropped, or the register is shorter than (or rewritten since) what the',
      "witness beside it — or the HEAD given — saw. Prints both chains' heads and the HEAD:",
      'events:<last id>:<hash>,audit:<last id>:<hash>.',
    ],
    method: 'audit.verify',
    register: 'or-read-only',
    flags: [
      {
        name: 'expect',
        type: 'multiple',
        value: 'HEAD',
        summary: 'a head seen before, whole or one part per flag (hashes shortened to ≥ 12 digits)',
        field: 'expect',
        as: (raw) => (raw as string[]).join(','),
      },
    ],
    human: auditVerified,
    failed: (v) => (v.ok ? null : 'the register failed verification'),
  }),
  command({
    words: ['audit', 'accept-head'],
    summary: 'after restoring an old backup on purpose: the witness remembers the register as it is now',
    details: ['The change is recorded in the audit log.'],
    method: 'audit.acceptHead',
    flags: [staffFlag],
    human: headAccepted,
  }),
  command({ words: ['audit', 'log'], summary: 'the audit log, newest first', method: 'audit.list', flags: pageFlags(500) }),
  command({
    words: ['register', 'rebuild'],
    summary: 'refold the consent projection from the events',
    method: 'register.rebuildProjection',
  }),
];

export const repliesGroup: Group = { title: 'Replies and complaints', commands: replies };
export const auditGroup: Group = { title: 'Integrity', commands: audit };
