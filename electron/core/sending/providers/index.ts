import { AppError, fieldProblem, type FieldProblem, type FieldProblemInput } from '../../../../shared/contract/errors';
import { FileAdapter } from './file';
import { DEFAULT_TIMEOUT_MS } from './http';
import { relayLink } from './relay';
import { SmscAdapter, SMSC_BASE_URL } from './smsc';
import { SmsruAdapter, SMSRU_BASE_URL } from './smsru';
import { TwilioAdapter, TWILIO_BASE_URL } from './twilio';
import type { AdapterEnv, ProviderAdapter, ProviderConfig, ProviderKind } from './types';
import { ProviderKinds } from './types';
import { WebhookAdapter } from './webhook';
import { DEFAULT_GRAPH_VERSION, GRAPH_BASE_URL, WhatsappCloudAdapter } from './whatsapp-cloud';

export { ProviderQueryError } from './http';

/** One setting a provider kind takes; `secret` ones live in the SecretStore, never in `options`. */
export interface OptionSpec {
  key: string;
  required: boolean;
  secret: boolean;
  /** English, for the CLI prompt and the settings form. */
  description: string;
  /** A JavaScript regular expression the whole value must match. */
  pattern?: string | undefined;
  /** Decides where requests, and so the secrets, are sent: changing it clears the stored secrets. */
  destination?: boolean | undefined;
}

/** Messages per second each kind is paced at unless `ratePerSecond` says otherwise. */
export const DEFAULT_RATES: Record<ProviderKind, number> = { twilio: 10, 'whatsapp-cloud': 80, smsru: 10, smsc: 10, webhook: 50, file: 10_000 };

const E164 = '^\\+[1-9]\\d{6,14}$';
const HTTP_URL = '^https?://[^\\s/$.?#][^\\s]*$';

/** A relay for the provider's webhooks (issue #16): replies, results and opt-outs pulled from it by provider sync. */
const relay: OptionSpec[] = [
  {
    key: 'relayUrl',
    required: false,
    secret: false,
    description: 'Address of the relay that receives this provider’s webhooks (https://…); its pull token is the relayToken secret.',
    pattern: HTTP_URL,
  },
  { key: 'relayToken', required: false, secret: true, description: 'The relay’s pull token (needed with relayUrl).' },
];

const common = (kind: ProviderKind): OptionSpec[] => [
  {
    key: 'baseUrl',
    required: false,
    secret: false,
    description: 'Override the API address (a regional edge, a mirror, a local test server).',
    pattern: HTTP_URL,
    destination: true,
  },
  {
    key: 'ratePerSecond',
    required: false,
    secret: false,
    description: `Messages per second the account may send (default ${DEFAULT_RATES[kind]}).`,
    pattern: '^(?:\\d+(?:\\.\\d+)?|\\.\\d+)$',
  },
];

const SPECS: Record<ProviderKind, OptionSpec[]> = {
  twilio: [
    {
      key: 'accountSid',
      required: true,
      secret: false,
      description: 'Twilio Account SID (AC followed by 32 hex digits).',
      pattern: '^AC[0-9a-fA-F]{32}$',
    },
    { key: 'authToken', required: true, secret: true, description: 'Twilio auth token (or the API key secret when apiKeySid is set).' },
    {
      key: 'apiKeySid',
      required: false,
      secret: false,
      description: 'API key SID (SK…) to authenticate with instead of the account.',
      pattern: '^SK[0-9a-fA-F]{32}$',
    },
    {
      key: 'from',
      required: false,
      secret: false,
      description: 'SMS sender: a Twilio number in E.164 (+15551234567), a short code, or an alphanumeric sender ID (up to 11 characters).',
      pattern: '^(?:\\+[1-9]\\d{6,14}|\\d{5,6}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11})$',
    },
    {
      key: 'messagingServiceSid',
      required: false,
      secret: false,
      description: 'Messaging Service SID (MG…): sends through the service’s sender pool, SMS and WhatsApp.',
      pattern: '^MG[0-9a-fA-F]{32}$',
    },
    { key: 'whatsappFrom', required: false, secret: false, description: 'WhatsApp sender number in E.164; enables WhatsApp.', pattern: E164 },
    ...relay,
    ...common('twilio'),
  ],
  'whatsapp-cloud': [
    {
      key: 'phoneNumberId',
      required: true,
      secret: false,
      description: 'Meta’s numeric id of the business phone number (not the number itself).',
      pattern: '^\\d+$',
    },
    { key: 'accessToken', required: true, secret: true, description: 'System user access token of the WhatsApp Business account.' },
    {
      key: 'apiVersion',
      required: false,
      secret: false,
      description: `Graph API version (default ${DEFAULT_GRAPH_VERSION}).`,
      pattern: '^v\\d+\\.\\d+$',
    },
    {
      key: 'defaultLanguage',
      required: false,
      secret: false,
      description: 'Template language used when a template names none, e.g. ru or en_US.',
      pattern: '^[a-z]{2,3}(?:_[A-Z]{2})?$',
    },
    ...relay,
    ...common('whatsapp-cloud'),
  ],
  smsru: [
    { key: 'apiId', required: true, secret: true, description: 'SMS.ru api_id from the account settings.' },
    {
      key: 'from',
      required: false,
      secret: false,
      description: 'Sender name approved in the SMS.ru account (3–11 Latin letters, digits and . - _ ! ? ( ) & or space).',
      pattern: '^[A-Za-z0-9][A-Za-z0-9 .&!?_()-]{2,10}$',
    },
    {
      key: 'test',
      required: false,
      secret: false,
      description: '"1" to use SMS.ru test mode: answers as usual but sends nothing.',
      pattern: '^[01]$',
    },
    ...common('smsru'),
  ],
  smsc: [
    {
      key: 'login',
      required: false,
      secret: false,
      description: 'SMSC.ru login; leave empty when the secret is an API key.',
      pattern: '^[A-Za-z0-9._@-]{1,64}$',
    },
    { key: 'password', required: true, secret: true, description: 'SMSC.ru password (or the API key when no login is set).' },
    {
      key: 'sender',
      required: false,
      secret: false,
      description: 'Sender name approved in the SMSC.ru account (3–11 Latin letters, digits and . - _ ! ? ( ) & or space).',
      pattern: '^[A-Za-z0-9][A-Za-z0-9 .&!?_()-]{2,10}$',
    },
    {
      key: 'replyTo',
      required: false,
      secret: false,
      description: 'The shop’s dedicated SMSC.ru number customers reply to, in E.164 (replies to other numbers are left out).',
      pattern: E164,
    },
    ...common('smsc'),
  ],
  webhook: [
    { key: 'url', required: true, secret: false, description: 'Address each message is POSTed to as JSON.', pattern: HTTP_URL, destination: true },
    { key: 'token', required: false, secret: true, description: 'Bearer token sent as Authorization: Bearer <token>.' },
    ...common('webhook'),
  ],
  file: [
    { key: 'format', required: false, secret: false, description: 'File format: csv (default) or xlsx.', pattern: '^(?:csv|xlsx)$' },
    { key: 'dir', required: false, secret: false, description: 'Folder the files are written to (default: the app’s hand-off folder).' },
    {
      key: 'delimiter',
      required: false,
      secret: false,
      description: 'CSV field separator: , (default), ;, | or tab.',
      pattern: '^(?:,|;|\\||\\t|tab)$',
    },
    {
      key: 'columns',
      required: false,
      secret: false,
      description: 'Column preset: generic (phone digits without +, message, ref).',
      pattern: '^generic$',
    },
    {
      key: 'channel',
      required: false,
      secret: false,
      description: 'The channel the uploaded file is sent on: sms (default) or whatsapp.',
      pattern: '^(?:sms|whatsapp)$',
    },
    ...common('file'),
  ],
};

const isKind = (kind: string): kind is ProviderKind => (ProviderKinds as readonly string[]).includes(kind);

/** The settings a provider kind takes, secrets included, so the CLI and the settings form know what to ask. */
export function providerOptionSpecs(kind: ProviderKind): OptionSpec[] {
  return isKind(kind) ? SPECS[kind].map((s) => ({ ...s })) : [];
}

const given = (options: Record<string, string>, key: string): string | undefined => {
  const v = options[key];
  return v === undefined || v === '' ? undefined : v;
};

/** Problems with a kind's non-secret options: required ones missing, patterns not met, unknown keys, secrets misplaced. */
export function validateProviderOptions(kind: ProviderKind, options: Record<string, string>): FieldProblem[] {
  if (!isKind(kind)) return [fieldProblem({ path: 'kind', key: 'providers.unknownKind', params: { kinds: ProviderKinds.join(', ') } })];
  const specs = SPECS[kind];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(options)) {
    const spec = specs.find((s) => s.key === key);
    const path = `options.${key}`;
    if (!spec) {
      const known = specs
        .filter((s) => !s.secret)
        .map((s) => s.key)
        .join(', ');
      problems.push(fieldProblem({ path, key: 'providers.notAnOption', params: { kind, known } }));
    } else if (spec.secret) problems.push(fieldProblem({ path, key: 'providers.optionIsSecret' }));
  }
  for (const spec of specs) {
    if (spec.secret) continue;
    const v = given(options, spec.key);
    const params = { option: spec.key, description: spec.description };
    if (v === undefined) {
      if (spec.required) problems.push(fieldProblem({ path: `options.${spec.key}`, key: 'providers.optionRequired', params }));
      continue;
    }
    if (spec.pattern && !new RegExp(spec.pattern).test(v))
      problems.push(fieldProblem({ path: `options.${spec.key}`, key: 'providers.optionInvalid', params }));
    else if (spec.key === 'ratePerSecond' && !(Number(v) > 0))
      problems.push(fieldProblem({ path: 'options.ratePerSecond', key: 'providers.rateNotPositive' }));
  }
  if (kind === 'twilio' && !given(options, 'from') && !given(options, 'messagingServiceSid') && !given(options, 'whatsappFrom'))
    problems.push(fieldProblem({ path: 'options.from', key: 'providers.twilioSender' }));
  return problems;
}

/** An address as compared for "did the destination change": parsed (scheme and host lower-cased), no trailing slashes. */
function normalAddress(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    return url.trim().replace(/\/+$/, '');
  }
}

/**
 * Where a provider's requests — and with them its secrets — go: the API address in effect (the kind's own unless
 * `baseUrl` overrides it; the webhook's `url`), normalised; null for the file hand-off, which sends nothing.
 */
export function providerDestination(kind: ProviderKind, options: Record<string, string>): string | null {
  const base = given(options, 'baseUrl');
  switch (kind) {
    case 'twilio':
      return normalAddress(base ?? TWILIO_BASE_URL);
    case 'whatsapp-cloud':
      return normalAddress(base ?? GRAPH_BASE_URL);
    case 'smsru':
      return normalAddress(base ?? SMSRU_BASE_URL);
    case 'smsc':
      return normalAddress(base ?? SMSC_BASE_URL);
    case 'webhook': {
      const url = base ?? given(options, 'url');
      return url === undefined ? null : normalAddress(url);
    }
    default:
      return null;
  }
}

/** The refusal for options that do not check out: every problem by key, and all of them in English as the message. */
export function invalidOptions(problems: FieldProblem[]): AppError {
  // Every problem here comes from fieldProblem() over a key (validateProviderOptions, refuse below).
  const keyed = problems.flatMap((p) => (p.key ? [{ path: p.path, key: p.key, ...(p.params ? { params: p.params } : {}) }] : []));
  return new AppError(
    'VALIDATION_FAILED',
    'providers.invalidOptions',
    { problems: problems.map((p) => `${p.path}: ${p.message}`).join('; ') },
    {
      fields: keyed,
    },
  );
}

// The message reads "path: problem" like every other refusal, so callers listing problems can match it against
// validateProviderOptions' own.
function refuse(problems: FieldProblemInput[]): never {
  throw invalidOptions(problems.map(fieldProblem));
}

/** Builds the adapter for a configured provider; VALIDATION_FAILED when an option or a required secret is missing or wrong. */
export function createAdapter(config: ProviderConfig, env: AdapterEnv): ProviderAdapter {
  const { name, kind, options } = config;
  const problems = validateProviderOptions(kind, options);
  if (problems.length) throw invalidOptions(problems);
  const secret = (field: string): string | undefined => env.secrets.get(name, field) || undefined;
  const required = (field: string, what: string): string => {
    const v = secret(field);
    if (v === undefined)
      refuse([{ path: `secrets.${field}`, key: 'providers.secretMissing', params: { what, where: env.secrets.describe(name, field) } }]);
    return v;
  };
  const opt = (key: string) => given(options, key);
  const common = {
    ratePerSecond: opt('ratePerSecond') ? Number(opt('ratePerSecond')) : DEFAULT_RATES[kind],
    timeoutMs: env.timeoutMs && env.timeoutMs > 0 ? env.timeoutMs : DEFAULT_TIMEOUT_MS,
    now: env.now,
  };
  // The relay link rides on the adapter; its address and token are checked when it is pulled (SYNC_SETUP).
  const linked = (adapter: ProviderAdapter): ProviderAdapter => {
    const url = opt('relayUrl');
    if (url !== undefined) adapter.relay = relayLink(url, secret('relayToken') ?? '', common.timeoutMs);
    return adapter;
  };
  switch (kind) {
    case 'twilio':
      return linked(
        new TwilioAdapter({
          ...common,
          accountSid: opt('accountSid')!,
          authToken: required('authToken', opt('apiKeySid') ? 'Twilio API key secret' : 'Twilio auth token'),
          apiKeySid: opt('apiKeySid'),
          from: opt('from'),
          messagingServiceSid: opt('messagingServiceSid'),
          whatsappFrom: opt('whatsappFrom'),
          baseUrl: opt('baseUrl') ?? TWILIO_BASE_URL,
        }),
      );
    case 'whatsapp-cloud':
      return linked(
        new WhatsappCloudAdapter({
          ...common,
          phoneNumberId: opt('phoneNumberId')!,
          accessToken: required('accessToken', 'WhatsApp Cloud API access token'),
          apiVersion: opt('apiVersion') ?? DEFAULT_GRAPH_VERSION,
          defaultLanguage: opt('defaultLanguage'),
          baseUrl: opt('baseUrl') ?? GRAPH_BASE_URL,
        }),
      );
    case 'smsru':
      return new SmsruAdapter({
        ...common,
        apiId: required('apiId', 'SMS.ru api_id'),
        from: opt('from'),
        test: opt('test') === '1',
        baseUrl: opt('baseUrl') ?? SMSRU_BASE_URL,
      });
    case 'smsc':
      return new SmscAdapter({
        ...common,
        login: opt('login'),
        password: required('password', opt('login') ? 'SMSC.ru password' : 'SMSC.ru API key'),
        sender: opt('sender'),
        replyTo: opt('replyTo'),
        baseUrl: opt('baseUrl') ?? SMSC_BASE_URL,
      });
    case 'webhook':
      return new WebhookAdapter({ ...common, url: opt('baseUrl') ?? opt('url')!, token: secret('token') });
    case 'file': {
      const dir = opt('dir') ?? env.outDir;
      if (!dir) refuse([{ path: 'options.dir', key: 'providers.noHandoffFolder' }]);
      const delimiter = opt('delimiter') ?? ',';
      return new FileAdapter({
        providerName: name,
        dir,
        format: opt('format') === 'xlsx' ? 'xlsx' : 'csv',
        delimiter: delimiter === 'tab' ? '\t' : delimiter,
        channel: opt('channel') === 'whatsapp' ? 'whatsapp' : 'sms',
        ratePerSecond: common.ratePerSecond,
      });
    }
    default:
      return refuse([{ path: 'kind', key: 'providers.unknownKind', params: { kinds: ProviderKinds.join(', ') } }]);
  }
}
