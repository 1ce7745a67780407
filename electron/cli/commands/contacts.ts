import { Channels, ConsentMethods, Purposes } from '../../../shared/domain/consent/types';
import { ListedStatuses } from '../../../shared/contract/api';
import { ref } from '../../../shared/contract/said';
import { UsageError, asChoice, asInt, asList, asListKeepEmpty } from '../args';
import { command, type Command, type Ctx, type Flag, type Group, type Outcome } from '../spec';
import { backendOf, deliver, oneOf, pageFlags, staffFlag } from './common';
import { consentRecorded, consentStatus, contactLine, contactPage, contactsList, contactsErased, contactsMerged, contactsWinback } from './format';

const phone: Flag = {
  name: 'phone',
  value: 'P',
  summary: 'the phone number, in any usual writing (8 912 …, +7 912 …)',
  required: true,
  field: 'phone',
};
const country: Flag = { name: 'country', value: 'CC', summary: "the number's country when it has no +code (default: the shop's)", field: 'country' };

/** The list's filter as flags (contacts list, contacts tag, segments save): each fills a part of `filter`. */
const filterFlags = (at: string): Flag[] => [
  {
    name: 'status',
    value: 'S[,S]',
    summary: `marketing status as the list shows it, any of: ${ListedStatuses.join(', ')}`,
    field: `${at}.marketing.status`,
    as: asList,
  },
  { name: 'channel', value: 'sms|whatsapp', summary: 'the channel --status is about (default sms)', field: `${at}.marketing.channel` },
  { name: 'tag', value: 'X[,Y]', summary: 'any of these tags', field: `${at}.tags`, as: asList },
  { name: 'source', value: 'M', summary: `how their consent was collected: ${ConsentMethods.join(', ')}`, field: `${at}.method` },
  { name: 'import', value: 'ID', summary: 'added, updated or given consents by this import', field: `${at}.importBatch`, as: asInt },
  { name: 'added-from', value: 'YYYY-MM-DD', summary: 'added on or after this day (the shop’s zone)', field: `${at}.added.from` },
  { name: 'added-to', value: 'YYYY-MM-DD', summary: 'added on or before this day', field: `${at}.added.to` },
  { name: 'changed-from', value: 'YYYY-MM-DD', summary: 'last consent change on or after this day', field: `${at}.consentChanged.from` },
  { name: 'changed-to', value: 'YYYY-MM-DD', summary: 'last consent change on or before this day', field: `${at}.consentChanged.to` },
];

/** --status without --channel is about SMS. */
function defaultChannel(input: Record<string, unknown>, at: string[]): Record<string, unknown> {
  let o: Record<string, unknown> | undefined = input;
  for (const k of at) o = o?.[k] as Record<string, unknown> | undefined;
  const m = o?.marketing as { channel?: string; status?: string[] } | undefined;
  if (m && m.status && !m.channel) m.channel = 'sms';
  if (m && !m.status) throw new UsageError('cli.channelNeedsStatus');
  return input;
}

const contacts: Command[] = [
  command({
    words: ['contacts', 'add'],
    summary: 'add a contact, or fill in one with the same number',
    method: 'contacts.add',
    flags: [
      phone,
      { name: 'name', value: 'N', summary: 'the name', field: 'name' },
      country,
      { name: 'email', value: 'E', summary: 'an e-mail address', field: 'email' },
      { name: 'tags', value: 'a,b', summary: 'tags, comma-separated', field: 'tags', as: asListKeepEmpty },
      { name: 'external-id', value: 'ID', summary: "the contact's id in your CRM", field: 'externalId' },
      { name: 'locale', value: 'en|ru', summary: "the contact's language", field: 'locale' },
      staffFlag,
    ],
    human: contactLine,
  }),
  command({
    words: ['contacts', 'list'],
    summary: 'contacts with their marketing status per channel, and why a granted one cannot be sent',
    method: 'contacts.list',
    details: [
      'Filters narrow the list (all of them must hold); --segment lists a saved segment (filters given narrow it further).',
      'Sorted by name unless --sort says otherwise; a search keeps the order it finds in unless sorted.',
    ],
    flags: [
      { name: 'query', value: 'Q', summary: 'name, number or tag to look for', field: 'query' },
      ...filterFlags('filter'),
      { name: 'segment', value: 'NAME', summary: 'a saved segment (optin segments list)', field: 'segment' },
      { name: 'sort', value: 'name|phone|added|consentChanged', summary: 'the order (default name)', field: 'sort.by' },
      { name: 'desc', type: 'boolean', summary: 'the other way round (newest, or Я to A, first)', field: 'sort.dir', as: () => 'desc' },
      ...pageFlags(1000, 1000),
    ],
    adjust: (input) => defaultChannel(input, ['filter']),
    human: contactsList,
  }),
  command({
    words: ['contacts', 'tag'],
    summary: 'add or remove a tag for the contacts given, or everyone matching a search, filters or a segment',
    details: [
      'One audit row records what was done and to how many; the same command with --remove instead of --add undoes it.',
      'Without --ids, everyone the search, filters and segment match (all the register when none is given).',
    ],
    method: 'contacts.tag',
    flags: [
      { name: 'add', value: 'TAG', summary: 'the tag to add', field: 'add' },
      { name: 'remove', value: 'TAG', summary: 'the tag to remove', field: 'remove' },
      { name: 'ids', value: 'N[,N]', summary: 'these contacts (ids)', field: 'contactIds', as: (raw) => asList(raw).map((v) => asInt(v, 'ids')) },
      { name: 'query', value: 'Q', summary: 'everyone this search finds', field: 'matching.query' },
      ...filterFlags('matching.filter'),
      { name: 'segment', value: 'NAME', summary: 'everyone in a saved segment', field: 'matching.segment' },
      { name: 'dry-run', type: 'boolean', summary: 'only count them', field: 'dryRun' },
      staffFlag,
    ],
    adjust: (input) => defaultChannel(input.contactIds === undefined ? { matching: {}, ...input } : input, ['matching', 'filter']),
    human: (v) => `${v.matched} contact(s) chosen, ${v.changed} changed`,
  }),
  command({
    words: ['contacts', 'show'],
    summary: "a contact's consents and every event of their history",
    method: 'contacts.get',
    flags: [phone],
    human: contactPage,
  }),
  {
    words: ['contacts', 'edit'],
    summary: "change a contact's name, e-mail, language, CRM id or tags (never its number)",
    details: [
      'The number is what consent is bound to and does not change. A wrong number: add the right one as a contact',
      '(optin contacts add) and merge the wrong one into it (optin contacts merge).',
      'An empty value clears a field: --email "" --tags "".',
    ],
    flags: [
      phone,
      { name: 'name', value: 'N', summary: 'the name', field: 'name' },
      { name: 'email', value: 'E', summary: 'an e-mail address ("" clears it)', field: 'email', as: (raw) => (raw === '' ? null : raw) },
      { name: 'tags', value: 'a,b', summary: 'the tags, comma-separated (replace the old ones; "" clears them)', field: 'tags', as: asListKeepEmpty },
      { name: 'external-id', value: 'ID', summary: 'the id in your CRM ("" clears it)', field: 'externalId', as: (raw) => (raw === '' ? null : raw) },
      { name: 'locale', value: 'en|ru', summary: "the contact's language", field: 'locale' },
      staffFlag,
    ],
    calls: ['contacts.get', 'contacts.update'],
    run: editContact,
  },
  command({
    words: ['contacts', 'merge'],
    summary: "merge a contact into another one, the person's primary number (each keeps its own consent)",
    details: [
      "The merged number becomes one of the primary's other numbers; no consent event moves: each number keeps its",
      'history and its own consent decides messages to it. Empty fields of the primary are filled, tags joined.',
    ],
    method: 'contacts.merge',
    flags: [
      { ...phone, summary: 'the number to merge (it becomes another number of the person)' },
      { name: 'into', value: 'Q', summary: "the primary contact's number", required: true, field: 'intoPhone' },
      staffFlag,
    ],
    human: contactsMerged,
  }),
  command({
    words: ['contacts', 'winback'],
    summary: 'ask the people an import only claimed (or whose consent expired) to confirm it',
    details: [
      'A neutral confirmation request goes to each one the gate lets it reach (their service consent on that channel, or',
      'the claim itself on SMS where the pack allows it); a YES that comes back makes the claim a proven consent. Check',
      'first with --dry-run: how many can be asked, on which channel, and why the others cannot. Whom: an import (--batch),',
      'contacts by id (--ids), or everyone a search, filters or a saved segment match (--query, --status…, --segment).',
    ],
    method: 'contacts.winback',
    flags: [
      {
        name: 'batch',
        aliases: ['import'],
        value: 'N',
        summary: 'everyone this import brought in (the number the import printed; Import / Export → Past imports)',
        field: 'importBatch',
        as: asInt,
      },
      {
        name: 'ids',
        value: 'N[,N]',
        summary: 'these contacts (ids) instead of an import',
        field: 'contactIds',
        as: (raw) => asList(raw).map((v) => asInt(v, 'ids')),
      },
      { name: 'query', value: 'Q', summary: 'everyone this search finds', field: 'matching.query' },
      // --channel is the channel to ask on, and --import the import to ask (as --batch): the list's own are left out.
      ...filterFlags('matching.filter').filter((f) => f.name !== 'channel' && f.name !== 'import'),
      { name: 'segment', value: 'NAME', summary: 'everyone in a saved segment', field: 'matching.segment' },
      {
        name: 'channel',
        value: 'sms|whatsapp',
        summary: 'only this channel (default: both, where each may reach)',
        field: 'channel',
        as: asChoice(['sms', 'whatsapp']),
      },
      { name: 'dry-run', type: 'boolean', summary: 'only count who can be asked and why the others cannot', field: 'dryRun' },
      staffFlag,
    ],
    adjust: (input) => {
      if (input.importBatch === undefined && input.contactIds === undefined && input.matching === undefined) throw new UsageError('cli.winbackWhom');
      return defaultChannel(input, ['matching', 'filter']);
    },
    human: (v, c) => contactsWinback(v, c.input.dryRun === true),
  }),
  command({
    words: ['contacts', 'delete'],
    summary: 'delete a contact that was never asked (no consent events); otherwise use contacts erase',
    method: 'contacts.delete',
    flags: [phone, staffFlag],
    human: (v) => `deleted contact ${v.contactId} (${v.phone})`,
  }),
  command({
    words: ['contacts', 'erase'],
    summary: 'carry out a deletion request (152-FZ art. 21, GDPR art. 17): personal data erased, the opt-out kept',
    details: [
      'For the person the number belongs to (their other numbers too): the request and its completion go to the audit',
      'log; every consent still in force and marketing on every channel are revoked (the proof that no import can',
      'undo); name, e-mail, language, CRM id, tags and other numbers are erased. The number and its events stay.',
    ],
    method: 'contacts.erase',
    flags: [
      phone,
      { name: 'request-date', value: 'ISO', summary: 'when the person asked (default: now)', field: 'requestedAt' },
      { name: 'reference', value: 'T', summary: 'how they asked ("letter of 12 Nov"), kept as the evidence', field: 'reference' },
      staffFlag,
    ],
    human: contactsErased,
  }),
  {
    words: ['contacts', 'certificate'],
    summary: "one person's consent proof at an instant, as a PDF or an ISO 27560 JSON-LD record",
    details: [
      'The status of each channel and purpose at --at (default now) and what the register knew then, the wording with its text',
      "and fingerprint, method, staff, sheet and scan, the customer's message, every later event and the register's fingerprint.",
    ],
    flags: [
      phone,
      { name: 'at', value: 'ISO', summary: 'the instant to prove (default: now)', field: 'at' },
      {
        name: 'out',
        value: 'FILE.pdf|FILE.jsonld',
        summary: 'the file to write: a PDF certificate, or the JSON-LD consent record',
        required: true,
        missing: ref('cli.giveCertificateOut'),
      },
      { name: 'locale', value: 'en|ru', summary: "the PDF's language (default en)", field: 'locale' },
    ],
    calls: ['contacts.certificate'],
    run: certificate,
  },
];

/** `contacts edit`: find the contact by its number, then change its fields. */
async function editContact(c: Ctx): Promise<Outcome> {
  const { phone: typed, ...fields } = c.input;
  if (Object.keys(fields).filter((k) => k !== 'staff').length === 0) throw new UsageError('cli.editNothing');
  const page = await c.call('contacts.get', { phone: typed });
  const updated = await c.call('contacts.update', { id: page.contact.id, ...fields });
  return { ok: true, value: updated, human: contactLine(updated) };
}

/** `contacts certificate`: one person's consent certificate as a PDF, or their ISO/IEC TS 27560 consent record as JSON-LD. */
async function certificate(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const file = String(c.flags.out);
  const format = /\.pdf$/i.test(file) ? 'pdf' : /\.(jsonld|json)$/i.test(file) ? 'jsonld' : null;
  if (!format) throw new UsageError('cli.certificateFormat', { file });
  const r = await c.call('contacts.certificate', { ...c.input, format });
  deliver(backend, r.fileId, file);
  return {
    ok: true,
    value: { file, format, bytes: r.bytes, recordId: r.recordId, contactId: r.contactId, at: r.at, head: r.head, contactVerified: r.contactVerified },
    human: [
      `${file}: the consent ${format === 'pdf' ? 'certificate' : 'record'} of contact ${r.contactId} as of ${r.at}, ${r.bytes} bytes`,
      `record ${r.recordId}`,
      `register head: ${r.head}`,
      r.contactVerified ? "the contact's history verifies" : "the contact's history does NOT verify: run optin audit verify",
    ].join('\n'),
  };
}

/** The flags of `consent grant|revoke|request|confirm|claim`: the consent, how it was given and its evidence. */
function consentFlags(methodRequired: boolean): Flag[] {
  return [
    phone,
    { name: 'channel', value: oneOf(Channels), summary: 'the channel the consent is for', required: true, field: 'channel' },
    { name: 'purpose', value: oneOf(Purposes), summary: 'what it covers', required: true, field: 'purpose' },
    {
      name: 'method',
      value: 'M',
      summary: `how it was given: ${ConsentMethods.join(', ')}`,
      required: methodRequired,
      field: 'method',
    },
    { name: 'form', value: 'ID', summary: 'the wording version signed (optin forms list)', field: 'evidence.formVersionId', as: asInt },
    { name: 'sheet', value: 'REF', summary: 'the paper sheet it was written on', field: 'evidence.sheetRef' },
    { name: 'scan-sha256', value: 'H', summary: "the SHA-256 of the sheet's scan", field: 'evidence.scanSha256' },
    { name: 'inbound-id', value: 'ID', summary: "the provider's id of the customer's message", field: 'evidence.inboundMessageId' },
    { name: 'import-batch', value: 'ID', summary: 'the import it came from (with --source)', field: 'evidence.importBatchId' },
    { name: 'source', value: 'S', summary: 'where an imported consent came from', field: 'evidence.source' },
    { name: 'note', value: 'T', summary: 'a note kept with the evidence', field: 'evidence.note' },
    staffFlag,
    { name: 'at', value: 'ISO', summary: 'when it happened (default: now; never ahead of now)', field: 'occurredAt' },
    { name: 'name', value: 'N', summary: 'the name, for a contact this creates', field: 'name' },
    country,
  ];
}

const consentAction = (action: 'grant' | 'revoke' | 'request' | 'confirm' | 'claim', summary: string, details?: string[]): Command =>
  command({
    words: ['consent', action],
    summary,
    ...(details ? { details } : {}),
    method: 'consent.record',
    fixed: { action },
    flags: consentFlags(action !== 'revoke'),
    human: consentRecorded,
  });

const consent: Command[] = [
  consentAction('grant', 'record a consent given, with its evidence', [
    'A grant without the evidence the pack demands is recorded as a claim (unproven), or as a request under double opt-in.',
  ]),
  consentAction('revoke', 'record an opt-out (always accepted; creates the contact if new)', [
    'Never refused for a busy register: it is kept beside it and entered as soon as the register is free.',
  ]),
  consentAction('request', 'record a double opt-in request, pending until confirmed'),
  consentAction('confirm', 'confirm a pending double opt-in request'),
  consentAction('claim', 'record a consent someone says exists but cannot prove (never sendable)'),
  command({
    words: ['consent', 'status'],
    summary: "a number's consents now, or at an instant",
    method: 'consent.status',
    flags: [
      phone,
      { name: 'at', value: 'ISO', summary: 'the instant to answer for (default: now)', field: 'at' },
      { name: 'known-at', value: 'ISO', summary: 'answer from only what the register knew at this instant', field: 'knownAt' },
    ],
    human: consentStatus,
  }),
];

const segments: Command[] = [
  command({
    words: ['segments', 'list'],
    summary: 'the saved segments (filters of the contacts list) with what each filters on',
    method: 'segments.list',
    human: (v) => (v.segments.length ? v.segments.map((s) => `${s.name}  ${JSON.stringify(s.filter)}`).join('\n') : 'no segments saved'),
  }),
  command({
    words: ['segments', 'save'],
    summary: 'save a filter of the contacts list as a segment (a campaign can be planned for it)',
    method: 'segments.save',
    flags: [
      { name: 'name', value: 'NAME', summary: 'the segment’s name', required: true, field: 'name' },
      ...filterFlags('filter'),
      { name: 'replace', type: 'boolean', summary: 'replace the segment with this name', field: 'replace' },
      staffFlag,
    ],
    adjust: (input) => defaultChannel({ filter: {}, ...input }, ['filter']),
    human: (v) => `saved segment ${v.name}: ${JSON.stringify(v.filter)}`,
  }),
  command({
    words: ['segments', 'delete'],
    summary: 'forget a segment (campaigns planned with it keep the filter they copied)',
    method: 'segments.delete',
    flags: [{ name: 'name', value: 'NAME', summary: 'the segment’s name', required: true, field: 'name' }, staffFlag],
    human: (v) => `deleted segment ${v.deleted}`,
  }),
];

export const contactsGroup: Group = { title: 'Contacts', commands: contacts };
export const segmentsGroup: Group = {
  title: 'Segments',
  commands: segments,
  notes: [`Statuses: ${ListedStatuses.join(' ')}`],
};
export const consentGroup: Group = {
  title: 'Consent',
  commands: consent,
  notes: [`Methods: ${ConsentMethods.join(' ')}`],
};
