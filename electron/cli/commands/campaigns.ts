import type { Output } from '../../../shared/contract/api';
import { ExclusionReasons } from '../../../shared/domain/gate/gate';
import { RecipientStatuses } from '../../../shared/domain/outbox/types';
import { Redactor } from '../../core/sending/providers/redact';
import { envSecretValues } from '../../core/infra/secrets';
import { ref } from '../../../shared/contract/said';
import { UsageError, asChoice, asId, asInt, asList, asListKeepEmpty, readTextFile } from '../args';
import { command, type Arg, type Command, type Ctx, type Group, type Outcome } from '../spec';
import { backendOf, deliver, pageFlags, staffFlag } from './common';
import { planned } from './format';

/**
 * Campaigns: the word people use for one message sent to an audience. `batch …` (the old word, still in scripts)
 * runs the same commands and is never shown in the help; `--batch ID` is still read where `--campaign ID` is.
 */

const campaignId: Arg = {
  name: 'ID',
  summary: 'campaign number',
  required: true,
  missing: ref('cli.giveCampaign'),
  field: 'batch',
  as: asId('campaign'),
};

/** The old words of a campaign command. */
const was = (verb: string): (readonly string[])[] => [['batch', verb]];

/**
 * What the CLI prints about providers passes through the secrets the environment holds for them: adapters already
 * clear their answers, and this also covers anything older (a reason kept before secrets were cleared).
 */
export const redactorFor = (providers: (string | null)[]): Redactor =>
  new Redactor([...new Set(providers.filter((p): p is string => !!p))].flatMap((p) => envSecretValues(p)));

function progressLines(p: Output<'campaign.progress'>): string {
  const lines = [
    `campaign ${p.batch}: ${p.state}${p.paused ? ` — paused: ${p.paused.reason}` : ''}`,
    `  sent ${p.sent} (delivered ${p.delivered}) · failed ${p.failed} · skipped ${p.skipped} · pending ${p.pending} · unknown ${p.unknown}`,
  ];
  const reasons = Object.entries(p.skipReasons);
  if (reasons.length) lines.push(`  skipped because: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (p.pending && p.nextAttemptAt)
    lines.push(`  next attempt at ${p.nextAttemptAt}; run "optin campaign send ${p.batch} --provider …" again to carry on`);
  if (p.unknown) lines.push(`  ${p.unknown} message(s) may or may not have gone: see "optin campaign recipients ${p.batch} --status unknown"`);
  return lines.join('\n');
}

/** `campaign send`: hand the campaign to its providers and wait until it is done or stuck. */
async function send(c: Ctx): Promise<Outcome> {
  const p = await c.call('campaign.send', c.input);
  // The four figures scripts read first; the rest of the progress follows.
  const { sent, failed, skipped, pending, ...rest } = p;
  return { ok: true, value: { sent, failed, skipped, pending, ...rest }, human: progressLines(p) };
}

/** `campaign report`: the PDF or CSV proof of who got what, under which consent. */
async function report(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const file = String(c.flags.out);
  const format = /\.pdf$/i.test(file) ? 'pdf' : /\.csv$/i.test(file) ? 'csv' : null;
  if (!format) throw new UsageError('cli.reportFormat', { file });
  const r = await c.call('campaign.report', { ...c.input, format });
  deliver(backend, r.fileId, file);
  return {
    ok: true,
    value: { file, format, bytes: r.bytes, recipients: r.recipients, head: r.head },
    human: `${file}: ${r.recipients} recipient(s), ${r.bytes} bytes\nregister head: ${r.head}`,
  };
}

/** Recipients as the register holds them, with any provider secret cleared from reasons and ids. */
function redactedRecipients(v: Output<'campaign.recipients'>): Output<'campaign.recipients'> {
  const redact = redactorFor(v.recipients.map((x) => x.provider));
  return {
    ...v,
    recipients: v.recipients.map((x) => ({
      ...x,
      reason: redact.maybe(x.reason),
      // The reason by key carries the provider's words among its parameters: cleared the same way.
      reasonSaid: x.reasonSaid && (JSON.parse(redact.text(JSON.stringify(x.reasonSaid))) as typeof x.reasonSaid),
      providerMessageId: redact.maybe(x.providerMessageId),
    })),
  };
}

const commands: Command[] = [
  command({
    words: ['campaign', 'plan'],
    aliases: was('plan'),
    summary: 'plan a campaign: the audience through the send-time gate, counts per exclusion reason',
    method: 'campaign.plan',
    flags: [
      {
        name: 'channel',
        value: 'sms|whatsapp|cascade',
        summary: 'the channel (cascade: WhatsApp, then SMS for who did not get it)',
        required: true,
        field: 'channel',
      },
      { name: 'purpose', value: 'marketing|service', summary: 'what the message is for', required: true, field: 'purpose' },
      { name: 'text', value: 'T', summary: 'the message', field: 'text' },
      {
        name: 'file',
        value: 'F',
        summary: 'a UTF-8 file with the message (instead of --text)',
        field: 'text',
        as: (raw, flag) => readTextFile(flag, String(raw)),
      },
      { name: 'tag', value: 'X[,Y]', summary: 'only contacts with any of these tags (default: everyone)', field: 'tags', as: asListKeepEmpty },
      {
        name: 'segment',
        value: 'NAME',
        summary: 'only the contacts a saved segment matches (optin segments list; not with --tag)',
        field: 'segment',
      },
      { name: 'at', value: 'ISO', summary: 'when it is to go (default: now)', field: 'at' },
      { name: 'name', value: 'N', summary: 'a name for the campaign', field: 'name' },
      { name: 'language', value: 'en|ru', summary: "the message's language (default: detected)", field: 'language' },
      { name: 'locale', value: 'en|ru', summary: 'the language of the check results', field: 'locale' },
      staffFlag,
    ],
    adjust: (input, c) => {
      if (c.flags.text !== undefined && c.flags.file !== undefined) throw new UsageError('cli.textOrFile');
      if (input.text === undefined) throw new UsageError('cli.giveText');
      return input;
    },
    human: planned,
  }),
  command({
    words: ['campaign', 'list'],
    aliases: was('list'),
    summary: 'the campaigns, newest first',
    method: 'campaign.list',
    flags: pageFlags(500),
  }),
  command({
    words: ['campaign', 'audience'],
    aliases: was('audience'),
    summary: 'the people behind one count of a plan',
    method: 'campaign.audience',
    flags: [
      { name: 'campaign', aliases: ['batch'], value: 'ID', summary: 'the campaign', required: true, field: 'batch', as: asInt },
      { name: 'reason', value: 'R', summary: `which count: eligible, ${ExclusionReasons.join(', ')}`, required: true, field: 'reason' },
      ...pageFlags(1000),
    ],
  }),
  {
    words: ['campaign', 'send'],
    aliases: was('send'),
    summary: 'hand the campaign to its provider(s) — the gate runs again for each recipient',
    details: ['Runs until it is done or nothing can progress for --max-wait seconds (default 60); run it again to carry on.'],
    args: [campaignId],
    flags: [
      {
        name: 'provider',
        value: 'NAME[,NAME2]',
        summary: 'the provider to send through (a cascade: WhatsApp and SMS)',
        required: true,
        missing: ref('cli.giveProvider', { flag: '--provider' }),
        field: 'providers',
        as: (raw, flag) => {
          const names = asList(raw);
          if (!names.length) throw new UsageError('cli.giveProvider', { flag });
          return names;
        },
      },
      { name: 'template', value: 'NAME', summary: 'an approved WhatsApp template (with --template-language)', field: 'template.name' },
      { name: 'template-language', value: 'xx', summary: "the template's language", field: 'template.language' },
      {
        name: 'fallback-after',
        value: 'MIN',
        summary: 'cascade: minutes WhatsApp gets before the SMS goes',
        field: 'fallbackAfterMinutes',
        as: asInt,
      },
      { name: 'max-wait', value: 'S', summary: 'stop after this many seconds without progress (default 60)', field: 'maxWaitSeconds', as: asInt },
      {
        name: 'no-sync',
        type: 'boolean',
        summary: 'do not fetch replies and opt-outs from the providers first (and every minute while it runs)',
        field: 'sync',
        as: () => false,
      },
      staffFlag,
    ],
    fixed: { wait: true },
    adjust: (input, c) => {
      if ((c.flags.template === undefined) !== (c.flags['template-language'] === undefined)) throw new UsageError('cli.templateWithLanguage');
      return input;
    },
    calls: ['campaign.send'],
    run: send,
  },
  command({
    words: ['campaign', 'progress'],
    aliases: was('progress'),
    summary: 'how far a campaign got',
    method: 'campaign.progress',
    args: [campaignId],
    human: progressLines,
  }),
  command({
    words: ['campaign', 'pause'],
    aliases: was('pause'),
    summary: 'pause a campaign that is sending',
    method: 'campaign.pause',
    args: [campaignId],
    flags: [staffFlag],
    human: progressLines,
  }),
  command({
    words: ['campaign', 'resume'],
    aliases: was('resume'),
    summary: 'let a paused campaign go on',
    method: 'campaign.resume',
    args: [campaignId],
    flags: [staffFlag],
    human: progressLines,
  }),
  command({
    words: ['campaign', 'recipients'],
    aliases: was('recipients'),
    summary: 'who the campaign went to, and how each fared',
    method: 'campaign.recipients',
    args: [campaignId],
    flags: [
      { name: 'status', value: 'S[,S2]', summary: `only these statuses: ${RecipientStatuses.join(', ')}`, field: 'statuses', as: asList },
      ...pageFlags(1000),
    ],
    json: redactedRecipients,
    human: (v) => {
      const r = redactedRecipients(v);
      return [
        `${r.total} recipient(s)`,
        ...r.recipients.map(
          (x) =>
            `  #${x.id} ${x.phone} ${x.name} — ${x.channel} ${x.status}${x.reason ? ` (${x.reason})` : ''}${x.proofEvent ? ` · consent event ${x.proofEvent}` : ''}`,
        ),
      ].join('\n');
    },
  }),
  command({
    words: ['campaign', 'resolve'],
    aliases: was('resolve'),
    summary: 'decide for a message the provider could not say it took',
    method: 'campaign.resolve',
    args: [
      {
        name: 'RECIPIENT',
        summary: 'recipient number (optin campaign recipients lists them)',
        required: true,
        missing: ref('cli.giveRecipient'),
        field: 'id',
        as: asId('recipient'),
      },
    ],
    flags: [
      {
        name: 'decision',
        value: 'sent|resend',
        summary: 'sent: the provider did take it; resend: send it again',
        required: true,
        missing: ref('cli.giveDecision'),
        field: 'decision',
        as: asChoice(['sent', 'resend']),
      },
      staffFlag,
    ],
    human: (v) => `recipient ${v.recipient.id}: ${v.recipient.status}`,
  }),
  {
    words: ['campaign', 'report'],
    aliases: was('report'),
    summary: 'who got what, when, under which consent (PDF or CSV)',
    args: [campaignId],
    flags: [
      {
        name: 'out',
        value: 'FILE.pdf|FILE.csv',
        summary: 'the file to write',
        required: true,
        missing: ref('cli.giveReportOut'),
      },
      { name: 'locale', value: 'en|ru', summary: "the report's language (default en)", field: 'locale' },
    ],
    calls: ['campaign.report'],
    run: report,
  },
];

export const campaignsGroup: Group = {
  title: 'Campaigns',
  commands,
  notes: ['"batch" is the old word for "campaign": optin batch send … and --batch ID still work.'],
};
