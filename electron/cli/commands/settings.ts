import { PolicyPackIds } from '../../../shared/domain/policy/policy';
import { UsageError, asInt, asList } from '../args';
import { command, type Command, type Group } from '../spec';
import { oneOf, staffFlag } from './common';

const commands: Command[] = [
  command({ words: ['settings', 'show'], summary: "the shop's settings", method: 'settings.get' }),
  command({
    words: ['settings', 'set'],
    summary: "change the shop's settings (only the flags given)",
    method: 'settings.update',
    flags: [
      { name: 'business-name', value: 'N', summary: "the shop's legal name, as messages must name it", field: 'businessName' },
      { name: 'sender-name', value: 'S', summary: 'the SMS sender name', field: 'senderName' },
      { name: 'phone', value: 'P', summary: "the shop's phone number", field: 'shopPhone' },
      { name: 'address', value: 'A', summary: "the shop's address", field: 'businessAddress' },
      { name: 'country', value: 'CC', summary: 'the country numbers without +code belong to', field: 'defaultCountry' },
      { name: 'timezone', value: 'TZ', summary: "the shop's time zone (Europe/Moscow)", field: 'timezone' },
      { name: 'policy', value: oneOf(PolicyPackIds), summary: "the rules of the shop's country (optin policy list)", field: 'policyPack' },
      {
        name: 'max-consent-age-days',
        value: 'N',
        summary: 'a consent older than this is no longer used',
        field: 'policyOverrides.maxConsentAgeDays',
        as: asInt,
      },
      { name: 'double-opt-in', type: 'boolean', summary: 'ask every new opt-in to confirm', field: 'policyOverrides.doubleOptIn' },
      {
        name: 'quiet-hours',
        value: 'HH:MM-HH:MM',
        summary: 'the hours marketing may go in',
        field: 'policyOverrides.quietHours',
        as: (raw, flag) => {
          const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(String(raw));
          if (!m) throw new UsageError('cli.sendWindow', { flag, value: String(raw) });
          return { start: m[1], end: m[2] };
        },
      },
      {
        name: 'frequency-cap',
        value: 'N/DAYS',
        summary: 'at most N marketing messages per person in DAYS days',
        field: 'policyOverrides.frequencyCap',
        as: (raw, flag) => {
          const m = /^(\d+)\/(\d+)$/.exec(String(raw));
          if (!m) throw new UsageError('cli.frequencyCap', { flag, value: String(raw) });
          return { messages: Number(m[1]), days: Number(m[2]) };
        },
      },
      { name: 'aliases', value: 'A,B', summary: 'other names of the shop messages may use', field: 'brandAliases', as: asList },
      {
        name: 'domains',
        value: 'lavka.ru,…',
        summary: "the shop's own web domains (links to them are not flagged)",
        field: 'shopDomains',
        as: asList,
      },
      { name: 'segment-limit', value: 'N', summary: 'the most SMS parts a message may take', field: 'smsSegmentLimit', as: asInt },
      {
        name: 'lint-off',
        value: 'RULE,…',
        summary: "switch message-check warnings off ('' turns them all back on)",
        field: 'lintDisabledRules',
        as: asList,
      },
      staffFlag,
    ],
  }),
  command({ words: ['staff', 'list'], summary: 'the staff who record consents', method: 'staff.list', json: (staff) => ({ staff }) }),
  command({
    words: ['staff', 'add'],
    summary: 'add a member of staff',
    method: 'staff.add',
    flags: [
      { name: 'name', value: 'N', summary: 'their name', required: true, field: 'name' },
      { name: 'role', value: 'owner|staff', summary: 'their role (default staff)', field: 'role' },
    ],
  }),
  command({ words: ['policy', 'list'], summary: "the countries' rule packs", method: 'policy.list', json: (packs) => ({ packs }) }),
];

export const settingsGroup: Group = { title: 'Settings and staff', commands };
