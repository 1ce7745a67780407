import { copyFileSync } from 'node:fs';
import type { Backend } from '../core/backend';
import type { Method, Output } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import { Redactor } from '../core/sending/providers/redact';
import { envSecretValues } from '../core/infra/secrets';
import { UsageError, defined, int, list } from './args';

/** Flags the sending commands read. */
export interface SendingFlags {
  provider?: string | undefined;
  template?: string | undefined;
  'template-language'?: string | undefined;
  'fallback-after'?: string | undefined;
  'max-wait'?: string | undefined;
  status?: string | undefined;
  decision?: string | undefined;
  out?: string | undefined;
  locale?: string | undefined;
  offset?: string | undefined;
  limit?: string | undefined;
  staff?: string | undefined;
  name?: string | undefined;
  kind?: string | undefined;
  to?: string | undefined;
  channel?: string | undefined;
  text?: string | undefined;
  // provider options
  account?: string | undefined;
  from?: string | undefined;
  'messaging-service'?: string | undefined;
  'whatsapp-from'?: string | undefined;
  'api-key'?: string | undefined;
  'phone-number-id'?: string | undefined;
  'api-version'?: string | undefined;
  language?: string | undefined;
  url?: string | undefined;
  format?: string | undefined;
  dir?: string | undefined;
  delimiter?: string | undefined;
  rate?: string | undefined;
  'base-url'?: string | undefined;
  test?: boolean | undefined;
  option?: string[] | undefined;
}

/** Provider option flags → option keys. */
const OPTION_FLAGS: [keyof SendingFlags, string][] = [
  ['account', 'accountSid'],
  ['from', 'from'],
  ['messaging-service', 'messagingServiceSid'],
  ['whatsapp-from', 'whatsappFrom'],
  ['api-key', 'apiKeySid'],
  ['phone-number-id', 'phoneNumberId'],
  ['api-version', 'apiVersion'],
  ['language', 'defaultLanguage'],
  ['url', 'url'],
  ['format', 'format'],
  ['dir', 'dir'],
  ['delimiter', 'delimiter'],
  ['rate', 'ratePerSecond'],
  ['base-url', 'baseUrl'],
];

/** Option keys → the flag a CLI user types, for error messages. */
export const PROVIDER_OPTION_FLAGS: Record<string, string> = Object.fromEntries(OPTION_FLAGS.map(([flag, key]) => [`options.${key}`, `--${flag}`]));

type Result = { ok: true; value: unknown; human: string } | { ok: false; error: ApiError };

/**
 * What the CLI prints about providers passes through the secrets the environment holds for them: adapters already
 * clear their answers, and this also covers anything older (a reason kept before secrets were cleared).
 */
const redactorFor = (providers: (string | null)[]): Redactor =>
  new Redactor([...new Set(providers.filter((p): p is string => !!p))].flatMap((p) => envSecretValues(p)));

const idOf = (what: 'ID' | 'RECIPIENT', raw: string | undefined): number => {
  const noun = what === 'ID' ? 'campaign' : 'recipient';
  if (raw === undefined) throw new UsageError(`${what}: give the ${noun} number`);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) <= 0)
    throw new UsageError(`${what}: the ${noun} id must be a positive whole number, got "${raw}"`);
  return Number(raw);
};

async function call<M extends Method>(
  backend: Backend,
  method: M,
  input: Record<string, unknown>,
): Promise<{ ok: true; value: Output<M> } | { ok: false; error: ApiError }> {
  const r = await backend.dispatch(method, input);
  return r.ok ? { ok: true, value: r.value as Output<M> } : { ok: false, error: r.error };
}

function progressLines(p: Output<'batch.progress'>): string {
  const lines = [
    `batch ${p.batch}: ${p.state}${p.paused ? ` — paused: ${p.paused.reason}` : ''}`,
    `  sent ${p.sent} (delivered ${p.delivered}) · failed ${p.failed} · skipped ${p.skipped} · pending ${p.pending} · unknown ${p.unknown}`,
  ];
  const reasons = Object.entries(p.skipReasons);
  if (reasons.length) lines.push(`  skipped because: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (p.pending && p.nextAttemptAt)
    lines.push(`  next attempt at ${p.nextAttemptAt}; run "optin batch send ${p.batch} --provider …" again to carry on`);
  if (p.unknown) lines.push(`  ${p.unknown} message(s) may or may not have gone: see "optin batch recipients ${p.batch} --status unknown"`);
  return lines.join('\n');
}

/** `optin batch send|progress|pause|resume|recipients|report ID`, `optin batch resolve RID`. */
export async function batchCommand(backend: Backend, command: string, id: string | undefined, f: SendingFlags): Promise<Result> {
  switch (command) {
    case 'send': {
      const providers = list(f.provider);
      if (!providers?.length) throw new UsageError('--provider: name the provider to send through (optin providers list)');
      if ((f.template === undefined) !== (f['template-language'] === undefined))
        throw new UsageError(
          '--template: give the approved template name with --template-language (e.g. --template spring_sale --template-language ru)',
        );
      const r = await call(
        backend,
        'batch.send',
        defined({
          batch: idOf('ID', id),
          providers,
          template: f.template !== undefined ? { name: f.template, language: f['template-language'] } : undefined,
          fallbackAfterMinutes: int('fallback-after', f['fallback-after']),
          maxWaitSeconds: int('max-wait', f['max-wait']),
          wait: true,
          staff: f.staff,
        }),
      );
      if (!r.ok) return r;
      const p = r.value;
      // The issue's four figures first; the rest of the progress follows.
      const { sent, failed, skipped, pending, ...rest } = p;
      return { ok: true, value: { sent, failed, skipped, pending, ...rest }, human: progressLines(p) };
    }
    case 'progress': {
      const r = await call(backend, 'batch.progress', { batch: idOf('ID', id) });
      return r.ok ? { ok: true, value: r.value, human: progressLines(r.value) } : r;
    }
    case 'pause':
    case 'resume': {
      const r = await call(backend, command === 'pause' ? 'batch.pause' : 'batch.resume', defined({ batch: idOf('ID', id), staff: f.staff }));
      return r.ok ? { ok: true, value: r.value, human: progressLines(r.value) } : r;
    }
    case 'recipients': {
      const r = await call(
        backend,
        'batch.recipients',
        defined({ batch: idOf('ID', id), statuses: list(f.status), offset: int('offset', f.offset), limit: int('limit', f.limit) }),
      );
      if (!r.ok) return r;
      const redact = redactorFor(r.value.recipients.map((x) => x.provider));
      const recipients = r.value.recipients.map((x) => ({
        ...x,
        reason: redact.maybe(x.reason),
        providerMessageId: redact.maybe(x.providerMessageId),
      }));
      const human = [
        `${r.value.total} recipient(s)`,
        ...recipients.map(
          (x) =>
            `  #${x.id} ${x.phone} ${x.name} — ${x.channel} ${x.status}${x.reason ? ` (${x.reason})` : ''}${x.proofEvent ? ` · consent event ${x.proofEvent}` : ''}`,
        ),
      ].join('\n');
      return { ok: true, value: { ...r.value, recipients }, human };
    }
    case 'resolve': {
      if (f.decision !== 'sent' && f.decision !== 'resend') throw new UsageError('--decision: sent (the provider did take it) or resend');
      const r = await call(backend, 'batch.resolve', defined({ id: idOf('RECIPIENT', id), decision: f.decision, staff: f.staff }));
      return r.ok ? { ok: true, value: r.value, human: `recipient ${r.value.recipient.id}: ${r.value.recipient.status}` } : r;
    }
    case 'report': {
      if (!f.out) throw new UsageError('--out: name the report file (FILE.pdf or FILE.csv)');
      const format = /\.pdf$/i.test(f.out) ? 'pdf' : /\.csv$/i.test(f.out) ? 'csv' : null;
      if (!format) throw new UsageError(`--out: the report is written as .pdf or .csv, got "${f.out}"`);
      const r = await call(backend, 'batch.report', defined({ batch: idOf('ID', id), format, locale: f.locale }));
      if (!r.ok) return r;
      try {
        copyFileSync(backend.files.get(r.value.fileId).path, f.out);
      } catch {
        throw new UsageError(`--out: cannot write "${f.out}"`);
      } finally {
        backend.files.discard(r.value.fileId);
      }
      return {
        ok: true,
        value: { file: f.out, format, bytes: r.value.bytes, recipients: r.value.recipients, head: r.value.head },
        human: `${f.out}: ${r.value.recipients} recipient(s), ${r.value.bytes} bytes\nregister head: ${r.value.head}`,
      };
    }
    default:
      throw new UsageError(`unknown command "batch ${command}" (optin --help lists them)`);
  }
}

/** `optin providers add|list|test|remove`. */
export async function providersCommand(backend: Backend, command: string | undefined, name: string | undefined, f: SendingFlags): Promise<Result> {
  switch (command) {
    case 'add': {
      const options: Record<string, string> = {};
      for (const [flag, key] of OPTION_FLAGS) {
        const v = f[flag];
        if (typeof v === 'string') options[key] = v;
      }
      if (f.test) options.test = '1';
      for (const kv of f.option ?? []) {
        const m = /^([A-Za-z][\w]*)=(.*)$/s.exec(kv);
        if (!m) throw new UsageError(`--option: expected KEY=VALUE, got "${kv}"`);
        options[m[1]!] = m[2]!;
      }
      const r = await call(backend, 'providers.save', defined({ name: f.name ?? name, kind: f.kind, options, staff: f.staff }));
      if (!r.ok) return r;
      const p = r.value;
      const missing = p.secrets.filter((s) => s.required && !s.set);
      // The CLI's secrets come from the environment, which it cannot clear: say where they will go now.
      const following = p.destinationChanged ? p.secrets.filter((s) => s.set) : [];
      const human = [
        `${p.name} (${p.kind}): ${p.channels.join(', ') || 'no channel yet'}, up to ${p.ratePerSecond}/s`,
        ...(p.secretCleared ? ['  the address changed, so the stored secret was cleared: it is never sent to a new address; set it again'] : []),
        ...following.map(
          (s) => `  the address changed: secret ${s.key} from ${s.source} will be sent to the new address; unset it if it was meant for the old one`,
        ),
        ...missing.map((s) => `  secret ${s.key}: not set — put it in ${s.source}`),
        ...p.problems.map((x) => `  ${x}`),
      ].join('\n');
      return { ok: true, value: p, human };
    }
    case 'list': {
      const r = await call(backend, 'providers.list', {});
      if (!r.ok) return r;
      const human = r.value.providers.length
        ? r.value.providers
            .map(
              (p) =>
                `${p.name} (${p.kind}) ${p.channels.join(', ')}${p.problems.length ? ` — ${p.problems.join('; ')}` : ''}${p.secrets.some((s) => s.required && !s.set) ? ' — secrets missing' : ''}`,
            )
            .join('\n')
        : 'no providers yet (optin providers add --name N --kind twilio|whatsapp-cloud|smsru|webhook|file …)';
      return { ok: true, value: r.value, human };
    }
    case 'test': {
      if (!name) throw new UsageError('NAME: give the provider to test (optin providers test NAME --to +PHONE)');
      const r = await call(backend, 'providers.test', defined({ name, to: f.to, channel: f.channel, text: f.text, staff: f.staff }));
      if (!r.ok) return r;
      const redact = redactorFor([name]);
      const t = {
        ...r.value,
        code: redact.maybe(r.value.code),
        message: redact.text(r.value.message),
        providerMessageId: redact.maybe(r.value.providerMessageId),
      };
      return {
        ok: true,
        value: t,
        human: t.ok
          ? `${name}: test message to ${t.to} accepted (${t.providerMessageId ?? 'no id'})`
          : `${name}: ${t.outcome} — ${t.code ?? ''} ${t.message}`,
      };
    }
    case 'remove': {
      if (!name) throw new UsageError('NAME: give the provider to remove');
      const r = await call(backend, 'providers.remove', defined({ name, staff: f.staff }));
      return r.ok ? { ok: true, value: r.value, human: r.value.removed ? `${name} removed` : `no provider named ${name}` } : r;
    }
    default:
      throw new UsageError(`unknown command "providers ${command ?? ''}" (optin --help lists them)`);
  }
}
