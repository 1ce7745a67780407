import { ProviderKinds } from '../../../shared/domain/outbox/types';
import { UsageError } from '../args';
import { ref } from '../../../shared/contract/said';
import { command, type Command, type Flag, type Group } from '../spec';
import { oneOf, staffFlag } from './common';
import { redactorFor } from './campaigns';

/** A provider option typed as its own flag (`--account` → options.accountSid). */
/** One problem with a provider's settings in English: the option or secret, then what is wrong. */
const problemLine = (x: { path: string; message: string }): string => (x.path ? `${x.path}: ${x.message}` : x.message);

const option = (name: string, key: string, value: string, summary: string): Flag => ({ name, value, summary, field: `options.${key}` });

const providerName = (verb: string, example = ''): Command['args'] => [
  { name: 'NAME', summary: 'provider name', required: true, missing: ref('cli.giveProviderName', { verb, example }), field: 'name' },
];

const commands: Command[] = [
  command({
    words: ['providers', 'add'],
    summary: 'add or change a provider that sends the messages',
    details: [
      'twilio: --account AC… (--from +1… | --messaging-service MG…) [--whatsapp-from +1…] [--api-key SK…]',
      'whatsapp-cloud: --phone-number-id N [--api-version v23.0] [--language ru]',
      'smsru: [--from SENDER] [--test]     webhook: --url https://…     file: [--format csv|xlsx] [--dir D]',
      'Secrets come from the environment: $OPTIN_<NAME>_AUTH_TOKEN (twilio), _ACCESS_TOKEN (whatsapp-cloud),',
      '_API_ID (smsru), _TOKEN (webhook, optional); e.g. name "shop sms" → $OPTIN_SHOP_SMS_API_ID',
    ],
    method: 'providers.save',
    args: [{ name: 'NAME', summary: 'provider name (or --name)', field: 'name' }],
    flags: [
      { name: 'name', value: 'N', summary: 'the name you give it', field: 'name' },
      { name: 'kind', value: oneOf(ProviderKinds), summary: 'what it is', required: true, field: 'kind' },
      option('account', 'accountSid', 'AC…', 'twilio: the account SID'),
      option('from', 'from', 'SENDER', 'twilio: the number to send from; smsru: the sender name'),
      option('messaging-service', 'messagingServiceSid', 'MG…', 'twilio: a messaging service instead of --from'),
      option('whatsapp-from', 'whatsappFrom', '+1…', 'twilio: the WhatsApp number'),
      option('api-key', 'apiKeySid', 'SK…', 'twilio: an API key instead of the account token'),
      option('phone-number-id', 'phoneNumberId', 'N', "whatsapp-cloud: the business number's id"),
      option('api-version', 'apiVersion', 'v23.0', 'whatsapp-cloud: the Graph API version'),
      option('language', 'defaultLanguage', 'xx', "whatsapp-cloud: the templates' default language"),
      option('url', 'url', 'https://…', 'webhook: where to post each message'),
      option('format', 'format', 'csv|xlsx', 'file: the file kind'),
      option('dir', 'dir', 'D', 'file: the folder to write to'),
      option('delimiter', 'delimiter', 'C', 'file: the CSV separator'),
      option('rate', 'ratePerSecond', 'MSG/S', 'any kind: at most this many messages a second'),
      option('base-url', 'baseUrl', 'URL', "any kind: another address for the provider's API (a test server)"),
      option('relay', 'relayUrl', 'URL', 'twilio, whatsapp-cloud: the relay that receives its webhooks (token in $OPTIN_<NAME>_RELAY_TOKEN)'),
      { name: 'test', type: 'boolean', summary: "smsru: the provider's test mode (nothing is sent)", field: 'options.test', as: () => '1' },
      {
        name: 'option',
        type: 'multiple',
        value: 'KEY=VALUE',
        summary: 'any other option (repeat the flag for more)',
        as: (raw, flag) =>
          (raw as string[]).map((kv) => {
            const m = /^([A-Za-z][\w]*)=(.*)$/s.exec(kv);
            if (!m) throw new UsageError('cli.keyValue', { flag, value: kv });
            return [m[1]!, m[2]!] as const;
          }),
      },
      staffFlag,
    ],
    fixed: { options: {} },
    adjust: (input, c) => {
      if (input.name === undefined) throw new UsageError('cli.giveNewProviderName');
      const options = input.options as Record<string, string>;
      for (const kv of (c.flags.option as string[] | undefined) ?? []) {
        const [key, value] = kv.split(/=(.*)/s) as [string, string];
        options[key] = value;
      }
      return input;
    },
    human: (p) => {
      const missing = p.secrets.filter((s) => s.required && !s.set);
      // The CLI's secrets come from the environment, which it cannot clear: say where they will go now.
      const following = p.destinationChanged ? p.secrets.filter((s) => s.set) : [];
      return [
        `${p.name} (${p.kind}): ${p.channels.join(', ') || 'no channel yet'}, up to ${p.ratePerSecond}/s`,
        ...(p.secretCleared ? ['  the address changed, so the stored secret was cleared: it is never sent to a new address; set it again'] : []),
        ...following.map(
          (s) => `  the address changed: secret ${s.key} from ${s.source} will be sent to the new address; unset it if it was meant for the old one`,
        ),
        ...missing.map((s) => `  secret ${s.key}: not set — put it in ${s.source}`),
        ...p.problems.map((x) => `  ${problemLine(x)}`),
      ].join('\n');
    },
  }),
  command({
    words: ['providers', 'list'],
    summary: 'the providers, their channels and what they still lack',
    method: 'providers.list',
    human: (v) =>
      v.providers.length
        ? v.providers
            .map(
              (p) =>
                `${p.name} (${p.kind}) ${p.channels.join(', ')}${p.problems.length ? ` — ${p.problems.map(problemLine).join('; ')}` : ''}${p.secrets.some((s) => s.required && !s.set) ? ' — secrets missing' : ''}`,
            )
            .join('\n')
        : `no providers yet (optin providers add --name N --kind ${oneOf(ProviderKinds)} …)`,
  }),
  command({
    words: ['providers', 'test'],
    summary: 'send one test message through a provider',
    method: 'providers.test',
    args: providerName('test', ' (optin providers test NAME --to +PHONE)'),
    flags: [
      { name: 'to', value: 'P', summary: "your own number (default: the shop's phone)", field: 'to' },
      { name: 'channel', value: 'sms|whatsapp', summary: 'the channel to test', field: 'channel' },
      { name: 'text', value: 'T', summary: 'the test message', field: 'text' },
      staffFlag,
    ],
    json: (v, c) => redactedTest(v, c.args.NAME!),
    human: (v, c) => {
      const name = c.args.NAME!;
      const t = redactedTest(v, name);
      return t.ok
        ? `${name}: test message to ${t.to} accepted (${t.providerMessageId ?? 'no id'})`
        : `${name}: ${t.outcome} — ${t.code ?? ''} ${t.message}`;
    },
  }),
  command({
    words: ['providers', 'sync'],
    summary: 'bring in replies, opt-outs and delivery results waiting at the providers',
    method: 'providers.sync',
    flags: [{ name: 'provider', value: 'NAME', summary: 'only this provider (default: every one)', field: 'provider' }],
    human: (v) =>
      v.providers.length
        ? v.providers
            .map((p) =>
              p.error
                ? `${p.name} (${p.kind}): stopped — ${p.error.code} ${p.error.message}; the next sync starts from the same place`
                : `${p.name} (${p.kind}): ${p.inbound} replies, ${p.optOuts} opt-outs, ${p.confirmations} confirmations, ${p.statuses} delivery results${
                    p.notFromNumber
                      ? `; ${p.notFromNumber} ${p.notFromNumber === 1 ? 'reply' : 'replies'} not from a phone number (kept, for no customer)`
                      : ''
                  }`,
            )
            .join('\n')
        : 'no providers to sync',
  }),
  command({
    words: ['providers', 'remove'],
    summary: 'remove a provider',
    method: 'providers.remove',
    args: providerName('remove'),
    flags: [staffFlag],
    human: (v, c) => (v.removed ? `${c.args.NAME} removed` : `no provider named ${c.args.NAME}`),
  }),
];

function redactedTest<T extends { code: string | null; message: string; said: unknown; providerMessageId: string | null }>(v: T, name: string): T {
  const redact = redactorFor([name]);
  return {
    ...v,
    code: redact.maybe(v.code),
    message: redact.text(v.message),
    // The answer by key carries the provider's words among its parameters: cleared the same way.
    said: JSON.parse(redact.text(JSON.stringify(v.said))) as T['said'],
    providerMessageId: redact.maybe(v.providerMessageId),
  };
}

export const providersGroup: Group = { title: 'Providers', commands };
