import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createBackend, type Backend } from '../core/backend';
import { resolveDbPath } from '../core/infra/paths';
import { isRefusal, isRegisterRefusal, type ApiError } from '../../shared/contract/errors';
import type { Method } from '../../shared/contract/api';
import { formatHuman } from './format';
import { exportCommand, importCommand } from './imports';
import { lintCommand } from './lint';
import { formsFileCommand, sheetsCommand } from './forms';
import { UsageError, defined, int, list, readTextFile } from './args';
import { PROVIDER_OPTION_FLAGS, batchCommand, providersCommand } from './sending';
import { EnvSecrets } from '../core/infra/secrets';
import { busyError, isSqliteBusy } from '../core/db/busy';
import { backupCommand } from './backups';
import { offlineBackupDispatch } from '../core/backups/service';
import { systemClock } from '../core/infra/clock';
import type { Dispatch } from '../../shared/contract/dispatch';

const USAGE = `optin — the Optin Desk consent register from the command line

Usage: optin <area> <command> [options] [--db PATH] [--json]

  contacts add      --phone P [--name N] [--country CC] [--email E] [--tags a,b] [--external-id ID] [--locale en|ru]
  contacts list     [--query Q] [--offset N] [--limit N]
  contacts show     --phone P
  consent grant     --phone P --channel sms|whatsapp --purpose marketing|service|personal_data --method M
                    [--form ID] [--sheet REF] [--scan-sha256 H] [--inbound-id ID] [--import-batch ID --source S]
                    [--note T] [--staff NAME] [--at ISO] [--name N] [--country CC]
  consent revoke    --phone P --channel C --purpose P [--method M] …   (always accepted; creates the contact if new)
  consent request   … (pending double opt-in)      consent confirm …      consent claim … (unproven)
  consent status    --phone P [--at ISO] [--known-at ISO]
  settings show
  settings set      [--business-name N] [--sender-name S] [--phone P] [--address A] [--country CC] [--timezone TZ]
                    [--policy ru|eu|de|uk|us|ca] [--max-consent-age-days N] [--double-opt-in] [--quiet-hours HH:MM-HH:MM]
                    [--frequency-cap N/DAYS] [--aliases A,B] [--domains lavka.ru,…] [--segment-limit N]
                    [--lint-off RULE,…] (switch lint warnings off; '' turns them all back on) [--staff NAME]
  staff list | staff add --name N [--role owner|staff]
  forms list
  forms template    --lang en|ru [--policy ru|eu|de|uk|us|ca] [--channels sms,whatsapp]   the pack's starting wording
  forms create      --lang en|ru --channels sms,whatsapp --purposes marketing[,personal_data] (--text-file F | --text T)
                    [--title T]   a new wording version (code F<form>-<version>, SHA-256 of its canonical text)
  forms print ID    --layout individual|group [--rows N] [--copies N] [--paper a4|letter] --out FILE.pdf
                    sheets with a serial and the form's QR on every page; the serials are recorded
  forms qr ID       --kind whatsapp|sms --out FILE.png|FILE.svg   (or --out FILE.pdf [--paper a4|a5] for a poster)
  forms poster ID   --kind whatsapp|sms [--paper a4|a5] [--wording T] --out FILE.pdf
  sheets list       [--form ID]   printed sheets, how many rows are entered, which never came back
  sheets show SERIAL | sheets attach SERIAL --file SCAN.jpg
  sheets enter SERIAL --row N --phone P [--name N] --channels sms,whatsapp [--purposes …] --signed-on YYYY-MM-DD
  confirmations list  double opt-in confirmation messages waiting for the provider, and what became of them
  batch plan        --channel sms|whatsapp|cascade --purpose marketing|service (--text T | --file F) [--tag X[,Y]]
                    [--at ISO] [--name N]   run the audience through the send-time gate; counts per exclusion reason
  batch list | batch audience --batch ID --reason eligible|no_consent|pending|revoked|expired|invalid_number|…
  batch send ID     --provider NAME[,NAME2] [--template NAME --template-language xx] [--fallback-after MIN] [--max-wait S]
                    hand the batch to its provider(s) — the gate runs again for each recipient — until it is done or
                    nothing can progress for --max-wait seconds (default 60); run it again to carry on
  batch progress ID | batch pause ID | batch resume ID
  batch recipients ID [--status sent,failed,…] [--offset N] [--limit N]
  batch resolve RECIPIENT --decision sent|resend   for a message the provider could not say it took
  batch report ID   --out FILE.pdf|FILE.csv [--locale en|ru]   who got what, when, under which consent
  providers add     --name N --kind twilio|whatsapp-cloud|smsru|webhook|file [kind's options]:
                    twilio: --account AC… (--from +1… | --messaging-service MG…) [--whatsapp-from +1…] [--api-key SK…]
                    whatsapp-cloud: --phone-number-id N [--api-version v23.0] [--language ru]
                    smsru: [--from SENDER] [--test]     webhook: --url https://…     file: [--format csv|xlsx] [--dir D]
                    any kind: [--rate MSG/S] [--base-url URL] [--option KEY=VALUE]
                    secrets come from the environment: $OPTIN_<NAME>_AUTH_TOKEN (twilio), _ACCESS_TOKEN (whatsapp-cloud),
                    _API_ID (smsru), _TOKEN (webhook, optional); e.g. name "shop sms" → $OPTIN_SHOP_SMS_API_ID
  providers list | providers test NAME [--to P] [--channel sms|whatsapp] [--text T] | providers remove NAME
  policy list
  inbound           --from P --text T [--channel sms|whatsapp] [--at ISO] [--provider-id ID] [--to P]
                    classify an inbound reply and act on it: STOP revokes at once, START <form code> opts in, YES confirms
  complaints list | complaints add --phone P --note T
  audit verify      [--expect HEAD]   exit 1 when any event or audit row was altered, removed or reordered, an event no
                    longer matches its contact's number or its contact is gone, a safeguard was dropped, or the register
                    is shorter than (or rewritten since) what the witness beside it — or the HEAD given — saw.
                    Prints both chains' heads and the HEAD: events:<last id>:<hash>,audit:<last id>:<hash>; --expect takes
                    it back whole, or one part per flag (--expect events:… --expect audit:…), hashes shortened to ≥ 12 digits
  audit accept-head after restoring an older backup on purpose: the witness remembers the register as it is now (on record)
  audit log         [--offset N] [--limit N]
  register rebuild  refold the consent projection from the events
  backup list       the backups in backups/ beside the register: when, why, size, checked (✓), what each holds, heads
  backup create     [--to FOLDER] [--note T]   back up now (to a folder or USB stick with --to), checked after writing
  backup verify B   check backup B (a name from the list, or a file's path) again: it opens, migrates in a copy, audit
                    verify finds nothing wrong, and its file and heads are as recorded; exit 1 when it does not check out
  backup preview B  what the restored register would hold, and what restoring it would lose
  backup restore B  [--yes] [--to FILE]   restore B over the register, which is kept as a backup first (without --yes:
                    only the preview); --to writes the restored register to a new file and leaves the register as it is.
                    Works on a register that cannot be opened too. A backup is also made by itself before every
                    migration, import and undo, and once a day while the app runs
  import FILE       [--preset NAME | --map JSON] [--default-country CC] [--merge fill_blanks|overwrite] [--dry-run]
                    [--report OUT.csv] [--encoding E] [--delimiter ',;|tab'] [--header-row N] [--staff NAME]
                    read contacts and consents from a CRM or address-book CSV (preview with --dry-run)
  import undo BATCH undo a committed import (its opt-outs stay)
  export            --what contacts|suppression|history [--at ISO] [--delimiter ';'] [--encoding windows-1251] --out FILE
  lint              --channel sms|whatsapp --purpose marketing|service (--text T | --file F) [--policy ru|eu|de|uk|us|ca]
                    [--kind regular|first_message|doi_request|optout_confirmation] [--send-at ISO] [--language en|ru]
                    [--locale en|ru]   check a message; exit 1 when it has an error (it could not be sent)
  lint --batch FILE.jsonl             one JSON message per line ({"text","channel","purpose","policy"?,…}); one result per line

Methods: paper_form qr_keyword inbound_keyword verbal_in_store kiosk web_form import provider_feedback
The register: --db PATH, else $OPTIN_DB, else the app's own database.
Exit codes: 0 ok, 1 refused input or the register busy in another window or process (reason on stderr), 2 internal error.
An opt-out (consent revoke, an inbound STOP) is never refused for a busy register: it is kept beside it and entered
as soon as the register is free; no message goes to that number meanwhile.`;

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  phone: { type: 'string' },
  name: { type: 'string' },
  country: { type: 'string' },
  email: { type: 'string' },
  tags: { type: 'string' },
  'external-id': { type: 'string' },
  locale: { type: 'string' },
  query: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
  channel: { type: 'string' },
  purpose: { type: 'string' },
  method: { type: 'string' },
  form: { type: 'string' },
  sheet: { type: 'string' },
  'scan-sha256': { type: 'string' },
  'inbound-id': { type: 'string' },
  'import-batch': { type: 'string' },
  source: { type: 'string' },
  note: { type: 'string' },
  staff: { type: 'string' },
  at: { type: 'string' },
  'known-at': { type: 'string' },
  'business-name': { type: 'string' },
  'sender-name': { type: 'string' },
  address: { type: 'string' },
  timezone: { type: 'string' },
  policy: { type: 'string' },
  'max-consent-age-days': { type: 'string' },
  'double-opt-in': { type: 'boolean' },
  'quiet-hours': { type: 'string' },
  'frequency-cap': { type: 'string' },
  role: { type: 'string' },
  title: { type: 'string' },
  language: { type: 'string' },
  channels: { type: 'string' },
  purposes: { type: 'string' },
  body: { type: 'string' },
  'body-file': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  text: { type: 'string' },
  'provider-id': { type: 'string' },
  preset: { type: 'string' },
  map: { type: 'string' },
  'default-country': { type: 'string' },
  'header-row': { type: 'string' },
  'dry-run': { type: 'boolean' },
  report: { type: 'string' },
  merge: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  what: { type: 'string' },
  out: { type: 'string' },
  file: { type: 'string' },
  batch: { type: 'string' },
  kind: { type: 'string' },
  'send-at': { type: 'string' },
  aliases: { type: 'string' },
  domains: { type: 'string' },
  'segment-limit': { type: 'string' },
  'lint-off': { type: 'string' },
  lang: { type: 'string' },
  'text-file': { type: 'string' },
  layout: { type: 'string' },
  rows: { type: 'string' },
  row: { type: 'string' },
  copies: { type: 'string' },
  paper: { type: 'string' },
  wording: { type: 'string' },
  'signed-on': { type: 'string' },
  tag: { type: 'string' },
  reason: { type: 'string' },
  provider: { type: 'string' },
  template: { type: 'string' },
  'template-language': { type: 'string' },
  'fallback-after': { type: 'string' },
  'max-wait': { type: 'string' },
  status: { type: 'string' },
  decision: { type: 'string' },
  account: { type: 'string' },
  'messaging-service': { type: 'string' },
  'whatsapp-from': { type: 'string' },
  'api-key': { type: 'string' },
  'phone-number-id': { type: 'string' },
  'api-version': { type: 'string' },
  url: { type: 'string' },
  format: { type: 'string' },
  dir: { type: 'string' },
  rate: { type: 'string' },
  'base-url': { type: 'string' },
  test: { type: 'boolean' },
  option: { type: 'string', multiple: true },
  expect: { type: 'string', multiple: true },
  yes: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

type Flags = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** Map a command line to one contract call. */
export function toCall(area: string | undefined, command: string | undefined, f: Flags): { method: Method; input: Record<string, unknown> } {
  const key = `${area ?? ''} ${command ?? ''}`.trim();
  switch (key) {
    case 'contacts add':
      return {
        method: 'contacts.add',
        input: defined({
          phone: f.phone,
          name: f.name,
          country: f.country,
          email: f.email,
          tags: list(f.tags, true),
          externalId: f['external-id'],
          locale: f.locale,
          staff: f.staff,
        }),
      };
    case 'contacts list':
      return { method: 'contacts.list', input: defined({ query: f.query, offset: int('offset', f.offset), limit: int('limit', f.limit) ?? 1000 }) };
    case 'contacts show':
      return { method: 'contacts.get', input: defined({ phone: f.phone }) };
    case 'consent grant':
    case 'consent revoke':
    case 'consent request':
    case 'consent confirm':
    case 'consent claim': {
      const evidence = defined({
        formVersionId: int('form', f.form),
        sheetRef: f.sheet,
        scanSha256: f['scan-sha256'],
        inboundMessageId: f['inbound-id'],
        importBatchId: f['import-batch'],
        source: f.source,
        note: f.note,
      });
      return {
        method: 'consent.record',
        input: defined({
          phone: f.phone,
          channel: f.channel,
          purpose: f.purpose,
          action: command,
          method: f.method,
          occurredAt: f.at,
          staff: f.staff,
          name: f.name,
          country: f.country,
          evidence: Object.keys(evidence).length ? evidence : undefined,
        }),
      };
    }
    case 'consent status':
      return { method: 'consent.status', input: defined({ phone: f.phone, at: f.at, knownAt: f['known-at'] }) };
    case 'settings show':
      return { method: 'settings.get', input: {} };
    case 'settings set': {
      const overrides: Record<string, unknown> = defined({
        maxConsentAgeDays: int('max-consent-age-days', f['max-consent-age-days']),
        doubleOptIn: f['double-opt-in'] ? true : undefined,
      });
      if (f['quiet-hours'] !== undefined) {
        const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(f['quiet-hours']);
        if (!m) throw new UsageError(`--quiet-hours: expected the send window as HH:MM-HH:MM, e.g. 09:00-20:00, got "${f['quiet-hours']}"`);
        overrides.quietHours = { start: m[1], end: m[2] };
      }
      if (f['frequency-cap'] !== undefined) {
        const m = /^(\d+)\/(\d+)$/.exec(f['frequency-cap']);
        if (!m) throw new UsageError(`--frequency-cap: expected MESSAGES/DAYS, e.g. 2/7, got "${f['frequency-cap']}"`);
        overrides.frequencyCap = { messages: Number(m[1]), days: Number(m[2]) };
      }
      return {
        method: 'settings.update',
        input: defined({
          businessName: f['business-name'],
          senderName: f['sender-name'],
          shopPhone: f.phone,
          businessAddress: f.address,
          defaultCountry: f.country,
          timezone: f.timezone,
          policyPack: f.policy,
          staff: f.staff,
          policyOverrides: Object.keys(overrides).length ? overrides : undefined,
          brandAliases: list(f.aliases),
          shopDomains: list(f.domains),
          smsSegmentLimit: int('segment-limit', f['segment-limit']),
          lintDisabledRules: list(f['lint-off']),
        }),
      };
    }
    case 'staff list':
      return { method: 'staff.list', input: {} };
    case 'staff add':
      return { method: 'staff.add', input: defined({ name: f.name, role: f.role }) };
    case 'forms list':
      return { method: 'forms.list', input: {} };
    case 'forms template':
      return { method: 'forms.template', input: defined({ language: f.lang ?? f.language, policyPack: f.policy, channels: list(f.channels) }) };
    case 'forms create': {
      let body = f.body ?? f.text;
      const file = f['text-file'] ?? f['body-file'];
      if (file !== undefined) {
        body = readTextFile(f['text-file'] !== undefined ? '--text-file' : '--body-file', file);
      }
      if (body === undefined) throw new UsageError('--text-file: give the consent wording (--text-file F, or --text T)');
      return {
        method: 'forms.create',
        input: defined({
          title: f.title,
          language: f.lang ?? f.language,
          channels: list(f.channels),
          purposes: list(f.purposes),
          body,
          staff: f.staff,
        }),
      };
    }
    case 'batch plan': {
      let text = f.text;
      if (f.file !== undefined) {
        if (text !== undefined) throw new UsageError('--file: give either --text or --file, not both');
        text = readTextFile('--file', f.file);
      }
      if (text === undefined) throw new UsageError('--text: give the message (--text T or --file F)');
      return {
        method: 'batch.plan',
        input: defined({
          channel: f.channel,
          purpose: f.purpose,
          text,
          tags: list(f.tag, true),
          at: f.at,
          name: f.name,
          language: f.language,
          locale: f.locale,
          staff: f.staff,
        }),
      };
    }
    case 'batch list':
      return { method: 'batch.list', input: defined({ offset: int('offset', f.offset), limit: int('limit', f.limit) }) };
    case 'batch audience':
      return {
        method: 'batch.audience',
        input: defined({ batch: int('batch', f.batch), reason: f.reason, offset: int('offset', f.offset), limit: int('limit', f.limit) }),
      };
    case 'confirmations list':
      return { method: 'confirmations.list', input: defined({ offset: int('offset', f.offset), limit: int('limit', f.limit) }) };
    case 'policy list':
      return { method: 'policy.list', input: {} };
    case 'audit verify':
      return { method: 'audit.verify', input: defined({ expect: f.expect?.join(',') }) };
    case 'audit accept-head':
      return { method: 'audit.acceptHead', input: defined({ staff: f.staff }) };
    case 'audit log':
      return { method: 'audit.list', input: defined({ offset: int('offset', f.offset), limit: int('limit', f.limit) }) };
    case 'inbound':
      return {
        method: 'inbound.receive',
        input: defined({ from: f.from, to: f.to, channel: f.channel, text: f.text, at: f.at, providerId: f['provider-id'], staff: f.staff }),
      };
    case 'complaints list':
      return { method: 'complaints.list', input: defined({ offset: int('offset', f.offset), limit: int('limit', f.limit) }) };
    case 'complaints add':
      return { method: 'complaints.record', input: defined({ phone: f.phone, note: f.note, staff: f.staff }) };
    case 'register rebuild':
      return { method: 'register.rebuildProjection', input: {} };
    default:
      throw new UsageError(key ? `unknown command "${key}" (optin --help lists them)` : 'no command given (optin --help lists them)');
  }
}

// Contract field names as the flags a CLI user typed, so an error names what they can fix. Where several flags fill one
// field (--tag in `batch plan`, --tags in `contacts add`), the first the person typed is named, else the first listed.
const FIELD_FLAGS: Record<string, string | readonly string[]> = {
  occurredAt: '--at',
  knownAt: '--known-at',
  'evidence.formVersionId': '--form',
  'evidence.sheetRef': '--sheet',
  'evidence.scanSha256': '--scan-sha256',
  'evidence.inboundMessageId': '--inbound-id',
  'evidence.importBatchId': '--import-batch',
  'evidence.source': '--source',
  'evidence.note': '--note',
  externalId: '--external-id',
  businessName: '--business-name',
  senderName: '--sender-name',
  shopPhone: '--phone',
  businessAddress: '--address',
  defaultCountry: ['--country', '--default-country'],
  policyPack: '--policy',
  'policyOverrides.maxConsentAgeDays': '--max-consent-age-days',
  'policyOverrides.quietHours': '--quiet-hours',
  'policyOverrides.frequencyCap': '--frequency-cap',
  'policyOverrides.doubleOptIn': '--double-opt-in',
  providerId: '--provider-id',
  file: 'FILE',
  mapping: '--map',
  sendAt: '--send-at',
  policy: '--policy',
  brandAliases: '--aliases',
  shopDomains: '--domains',
  smsSegmentLimit: '--segment-limit',
  lintDisabledRules: '--lint-off',
  language: ['--lang', '--language'],
  body: ['--text-file', '--body-file', '--text', '--body'],
  text: ['--text', '--file'],
  signedOn: '--signed-on',
  tags: ['--tag', '--tags'],
  formVersionId: 'ID',
  copies: '--copies',
  providers: '--provider',
  fallbackAfterMinutes: '--fallback-after',
  maxWaitSeconds: '--max-wait',
  'template.name': '--template',
  'template.language': '--template-language',
  template: '--template',
  statuses: '--status',
  ...PROVIDER_OPTION_FLAGS,
};

/**
 * Rewrite a leading `field:` of a contract message as the flag the person typed (`typed`: the flags on the command
 * line, e.g. "--tags"). Item indexes are dropped first: `tags.3` is the --tags flag.
 */
export function withFlagNames(message: string, typed: ReadonlySet<string> = new Set()): string {
  const m = /^([\w.]+): (.*)$/s.exec(message);
  if (!m) return message;
  const field = (m[1] ?? '').replace(/\.\d+(?=\.|$)/g, '');
  const known = FIELD_FLAGS[field];
  const flag =
    typeof known === 'string' ? known : known ? (known.find((k) => typed.has(k)) ?? known[0]) : /^[a-z]+$/.test(field) ? `--${field}` : (m[1] ?? '');
  return `${flag}: ${m[2] ?? ''}`;
}

const NEGATIVE_NUMBER = /^-\d+(?:[.,]\d+)?$/;
/** Stands in for a negative number given where a positional goes, so parseArgs does not take it for an option. */
const NEGATIVE_POSITIONAL = '\u0000negative:';

/**
 * A negative number is a value, never an option: after a flag that takes a value it is that value (`--limit -5` as
 * `--limit=-5`), elsewhere it is a positional (`batch send -1`), so each is refused by what checks that value, naming it.
 */
function negativesAsValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const option = a.startsWith('--') && !a.includes('=') ? (OPTIONS as Record<string, { type: string }>)[a.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(NEGATIVE_NUMBER.test(a) ? NEGATIVE_POSITIONAL + a : a);
  }
  return out;
}

/** Shape the JSON answer of a call: lists are wrapped in an object so stdout is always one JSON object. */
function jsonShape(method: Method, value: unknown): unknown {
  switch (method) {
    case 'staff.list':
      return { staff: value };
    case 'forms.list':
      return { forms: value };
    case 'policy.list':
      return { packs: value };
    default:
      return value;
  }
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** Open the register the flags name, or report why not (exit code). */
function openRegister(f: Flags, fail: (e: ApiError, exit: number) => number): Backend | number {
  try {
    // Provider secrets come from the environment in the CLI, never from a file or the register.
    return createBackend({ dbPath: resolveDbPath(f.db), secrets: new EnvSecrets() });
  } catch (err) {
    // A register that is newer, damaged or gone is the person's to act on (exit 1); anything else is ours (exit 2).
    const code = (err as { code?: string }).code;
    if (isRegisterRefusal(code)) return fail({ code, message: err instanceof Error ? err.message : 'cannot open the register' }, 1);
    // Opening met another process's long write (a first run, a migration): the person waits a moment (exit 1).
    if (isSqliteBusy(err)) return fail({ code: 'BUSY', message: busyError('a change').message }, 1);
    return fail({ code: 'INTERNAL', message: err instanceof Error ? err.message : 'cannot open the register' }, 2);
  }
}

/** `optin import` and `optin export`: several contract calls around a file named on the command line. */
async function transfer(
  area: 'import' | 'export',
  positionals: string[],
  f: Flags,
  io: Io,
  fail: (e: ApiError, exit: number) => number,
): Promise<number> {
  const backend = openRegister(f, fail);
  if (typeof backend === 'number') return backend;
  try {
    const r = area === 'import' ? await importCommand(backend, positionals, f) : await exportCommand(backend, positionals, f);
    if (!r.ok) return fail(r.error, isRefusal(r.error.code) ? 1 : 2);
    io.out(f.json ? JSON.stringify(r.value) : r.human);
    return 0;
  } finally {
    backend.close();
  }
}

/**
 * `optin backup …`: through the register when it opens; when it is damaged, from its backups alone (list, check,
 * preview, restore), so a damaged register can still be restored from the command line.
 */
async function backupArea(
  command: string | undefined,
  extra: string[],
  f: Flags,
  io: Io,
  fail: (e: ApiError, exit: number) => number,
): Promise<number> {
  if (extra.length > 1) return fail({ code: 'VALIDATION_FAILED', message: `unexpected argument "${extra[1]}"` }, 1);
  const dbPath = resolveDbPath(f.db);
  let backend: Backend | null = null;
  let dispatch: Dispatch;
  try {
    backend = createBackend({ dbPath, secrets: new EnvSecrets() });
    dispatch = backend.dispatch;
  } catch (err) {
    if ((err as { code?: string }).code !== 'REGISTER_DAMAGED' || command === 'create') {
      const opened = openRegister(f, fail);
      if (typeof opened === 'number') return opened;
      opened.close();
      return fail({ code: 'INTERNAL', message: 'cannot open the register' }, 2);
    }
    io.err(`optin: ${err instanceof Error ? err.message : 'the register cannot be opened'} — working from its backups`);
    dispatch = offlineBackupDispatch(dbPath, systemClock);
  }
  try {
    let r;
    try {
      r = await backupCommand(dispatch, command, extra[0], f);
    } catch (err) {
      if (err instanceof UsageError) return fail({ code: 'VALIDATION_FAILED', message: err.message }, 1);
      throw err;
    }
    if (!r.ok) return fail(r.error, isRefusal(r.error.code) ? 1 : 2);
    io.out(f.json ? JSON.stringify(r.value) : r.human);
    return r.exit ?? 0;
  } finally {
    backend?.close();
  }
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: negativesAsValues(argv), options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    io.err(`optin: ${err instanceof Error ? err.message.split('\n')[0] : 'bad arguments'}`);
    return 1;
  }
  const f = parsed.values as Flags;
  const typed = new Set(parsed.tokens.flatMap((t) => (t.kind === 'option' ? [t.rawName] : [])));
  const [area, command, ...extra] = parsed.positionals.map((p) => (p.startsWith(NEGATIVE_POSITIONAL) ? p.slice(NEGATIVE_POSITIONAL.length) : p));
  if (f.help || !area) {
    io.out(USAGE);
    return f.help ? 0 : 1;
  }
  const fail = (error: ApiError, exit: number): number => {
    if (f.json) io.out(JSON.stringify({ ok: false, error }));
    io.err(`optin: ${withFlagNames(error.message, typed)}`);
    return exit;
  };
  if (area === 'import' || area === 'export')
    return transfer(
      area,
      [command, ...extra].filter((x): x is string => x !== undefined),
      f,
      io,
      fail,
    );
  if (area === 'lint') {
    if (command !== undefined) return fail({ code: 'VALIDATION_FAILED', message: `unexpected argument "${command}"` }, 1);
    const backend = openRegister(f, fail);
    if (typeof backend === 'number') return backend;
    try {
      const r = await lintCommand(backend, f);
      if (!r.ok) return fail(r.error, isRefusal(r.error.code) ? 1 : 2);
      for (const line of r.lines) io.out(line);
      return r.exit;
    } finally {
      backend.close();
    }
  }
  if ((area === 'forms' && (command === 'print' || command === 'qr' || command === 'poster')) || area === 'sheets') {
    if (extra.length > 1) return fail({ code: 'VALIDATION_FAILED', message: `unexpected argument "${extra[1]}"` }, 1);
    const backend = openRegister(f, fail);
    if (typeof backend === 'number') return backend;
    try {
      let r;
      try {
        r =
          area === 'sheets'
            ? await sheetsCommand(backend, command, extra[0], f)
            : await formsFileCommand(backend, command as 'print' | 'qr' | 'poster', extra[0], f);
      } catch (err) {
        if (err instanceof UsageError) return fail({ code: 'VALIDATION_FAILED', message: err.message }, 1);
        throw err;
      }
      if (!r.ok) return fail(r.error, isRefusal(r.error.code) ? 1 : 2);
      io.out(f.json ? JSON.stringify(r.value) : r.human);
      return 0;
    } finally {
      backend.close();
    }
  }
  if (area === 'backup') return backupArea(command, extra, f, io, fail);
  const sending =
    (area === 'batch' && ['send', 'progress', 'pause', 'resume', 'recipients', 'resolve', 'report'].includes(command ?? '')) || area === 'providers';
  if (sending) {
    if (extra.length > 1) return fail({ code: 'VALIDATION_FAILED', message: `unexpected argument "${extra[1]}"` }, 1);
    const backend = openRegister(f, fail);
    if (typeof backend === 'number') return backend;
    try {
      let r;
      try {
        r = area === 'providers' ? await providersCommand(backend, command, extra[0], f) : await batchCommand(backend, command ?? '', extra[0], f);
      } catch (err) {
        if (err instanceof UsageError) return fail({ code: 'VALIDATION_FAILED', message: err.message }, 1);
        throw err;
      }
      if (!r.ok) return fail(r.error, isRefusal(r.error.code) ? 1 : 2);
      io.out(f.json ? JSON.stringify(r.value) : r.human);
      return 0;
    } finally {
      backend.close();
    }
  }
  if (extra.length) return fail({ code: 'VALIDATION_FAILED', message: `unexpected argument "${extra[0]}"` }, 1);
  let call;
  try {
    call = toCall(area, command, f);
  } catch (err) {
    if (err instanceof UsageError) return fail({ code: 'VALIDATION_FAILED', message: err.message }, 1);
    throw err;
  }
  const backend = openRegister(f, fail);
  if (typeof backend === 'number') return backend;
  try {
    const result = await backend.dispatch(call.method, call.input);
    if (!result.ok) return fail(result.error, isRefusal(result.error.code) ? 1 : 2);
    const value = jsonShape(call.method, result.value);
    io.out(f.json ? JSON.stringify(value) : formatHuman(call.method, result.value));
    if (call.method === 'audit.verify' && !(result.value as { ok: boolean }).ok) {
      if (!f.json) io.err('optin: the register failed verification');
      return 1;
    }
    return 0;
  } finally {
    backend.close();
  }
}
