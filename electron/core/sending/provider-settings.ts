import type { Output, ParsedInput } from '../../../shared/contract/api';
import { ref, said, type Said, type SaidRef } from '../../../shared/contract/said';
import { answerOf } from './providers/say';
import { AppError, type FieldProblem } from '../../../shared/contract/errors';
import { ProviderKinds, type ProviderKind } from '../../../shared/domain/outbox/types';
import { normalizePhone } from '../../../shared/domain/phone/normalize';
import { invalidOptions, providerDestination, providerOptionSpecs, validateProviderOptions } from './providers';
import type { SecretStore } from './providers/types';
import { appendAudit, type ServiceContext } from '../context';
import type { Outbox } from './outbox';
import { getSettings } from '../register/settings';
import { resolveActor } from '../register/staff';

/** providers.kinds: what each provider kind asks for. */
export function providerKinds(secrets: SecretStore): Output<'providers.kinds'> {
  return {
    kinds: ProviderKinds.map((kind) => ({
      kind,
      options: providerOptionSpecs(kind).map(({ key, required, secret, destination, description }) => ({
        key,
        required,
        secret,
        destination: destination === true,
        description,
      })),
    })),
    secretsPersistent: secrets.persistent,
  };
}

type ProviderInfo = Output<'providers.list'>['providers'][number];

/** One problem with a provider's settings as the contract gives it: the option or secret, and what is wrong, by key. */
const problemOut = (p: FieldProblem): ProviderInfo['problems'][number] =>
  p.key ? { path: p.path, ...said(p.key, p.params) } : { path: p.path, message: p.message };

/** A configured provider as the contract shows it: options, which secrets are available, what is wrong. */
function providerInfo(ctx: ServiceContext, outbox: Outbox, secrets: SecretStore, name: string): ProviderInfo {
  const row = ctx.outbox.getProvider(name);
  if (!row) throw new AppError('NOT_FOUND', 'providers.notFound', { name }, { fields: [{ path: 'name', key: 'providers.unknownProvider' }] });
  const kind = row.kind as ProviderKind;
  const specs = providerOptionSpecs(kind);
  const problems: ProviderInfo['problems'] = validateProviderOptions(kind, row.options).map(problemOut);
  let channels: ('sms' | 'whatsapp')[] = [];
  let ratePerSecond = 0;
  try {
    const adapter = outbox.adapterFor(name);
    channels = [...adapter.channels];
    ratePerSecond = adapter.ratePerSecond;
  } catch (err) {
    // The adapter names what it lacks (a missing secret) by key, field by field; anything else as it said it.
    const found: ProviderInfo['problems'] =
      err instanceof AppError
        ? err.details?.fields?.length
          ? err.details.fields.map(problemOut)
          : [{ path: '', ...said(err.key, err.params) }]
        : [{ path: '', message: err instanceof Error ? err.message : 'cannot be used' }];
    for (const p of found) if (!problems.some((q) => q.path === p.path && q.message === p.message)) problems.push(p);
  }
  return {
    name: row.name,
    kind,
    options: row.options,
    channels,
    ratePerSecond,
    secrets: specs
      .filter((s) => s.secret)
      .map((s) => ({ key: s.key, set: secrets.get(name, s.key) !== undefined, required: s.required, source: secrets.describe(name, s.key) })),
    problems,
  };
}

/** A provider's answer to a test: in English (`message`) and by key (`said`). */
function answer(r: SaidRef): { message: string; said: Said } {
  const s = said(r.key, r.params);
  return { message: s.message, said: s };
}

/** providers.list */
export function listProviders(ctx: ServiceContext, outbox: Outbox, secrets: SecretStore): Output<'providers.list'> {
  return { providers: ctx.outbox.listProviders().map((p) => providerInfo(ctx, outbox, secrets, p.name)) };
}

/** The secret fields of a kind that are available now. */
const setSecrets = (secrets: SecretStore, name: string, kind: ProviderKind): string[] =>
  providerOptionSpecs(kind)
    .filter((s) => s.secret && secrets.get(name, s.key) !== undefined)
    .map((s) => s.key);

/**
 * providers.save: add or change a provider; secrets go to the keychain, never into the register. When the
 * destination changes (the URL, the base URL, or the kind and with it the API address), every stored secret of the
 * provider is cleared before anything else: a secret entered for one address is never sent to another, even when
 * the change comes from someone who never knew it. Secrets given in the same save are kept for the new address.
 */
export function saveProvider(
  ctx: ServiceContext,
  outbox: Outbox,
  secrets: SecretStore,
  input: ParsedInput<'providers.save'>,
): Output<'providers.save'> {
  const specs = providerOptionSpecs(input.kind);
  const options = Object.fromEntries(
    Object.entries(input.options)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
  const secretKeys = new Set(specs.filter((s) => s.secret).map((s) => s.key));
  for (const key of Object.keys(options))
    if (secretKeys.has(key))
      throw new AppError(
        'VALIDATION_FAILED',
        'providers.secretInOptions',
        { option: key },
        { fields: [{ path: `options.${key}`, key: 'providers.isSecretField' }] },
      );
  const problems = validateProviderOptions(input.kind, options);
  if (problems.length) throw invalidOptions(problems);
  for (const key of Object.keys(input.secrets ?? {}))
    if (!secretKeys.has(key))
      throw new AppError(
        'VALIDATION_FAILED',
        'providers.unknownSecret',
        { secret: key, kind: input.kind },
        { fields: [{ path: `secrets.${key}`, key: 'providers.unknownSecretField' }] },
      );
  const actor = resolveActor(ctx, input.staff);
  const previous = ctx.outbox.getProvider(input.name);
  const destinationChanged =
    previous !== undefined &&
    (previous.kind !== input.kind ||
      providerDestination(previous.kind as ProviderKind, previous.options) !== providerDestination(input.kind, options));
  const hadSecrets = previous ? setSecrets(secrets, input.name, previous.kind as ProviderKind) : [];
  if (destinationChanged) {
    try {
      secrets.remove(input.name);
    } catch (err) {
      throw new AppError(
        'VALIDATION_FAILED',
        'providers.secretNotCleared',
        { reason: err instanceof Error ? err.message : 'unknown error' },
        { fields: [{ path: 'options', key: 'common.notStored' }] },
      );
    }
  }
  for (const [key, value] of Object.entries(input.secrets ?? {})) {
    if (!value) continue;
    try {
      secrets.set(input.name, key, value);
    } catch (err) {
      throw new AppError(
        'VALIDATION_FAILED',
        'providers.secretNotStored',
        { secret: key, reason: err instanceof Error ? err.message : 'cannot be stored' },
        { fields: [{ path: `secrets.${key}`, key: 'common.notStored' }] },
      );
    }
  }
  const given = Object.keys(input.secrets ?? {}).filter((k) => input.secrets?.[k]);
  const cleared = destinationChanged ? hadSecrets.filter((k) => !given.includes(k) && secrets.get(input.name, k) === undefined) : [];
  ctx.db.transaction(() => {
    ctx.outbox.saveProvider({ name: input.name, kind: input.kind, options, at: ctx.clock.now() });
    // The audit names what changed, never a secret's value.
    appendAudit(ctx, actor, previous ? 'provider.changed' : 'provider.added', `provider:${input.name}`, {
      kind: input.kind,
      options: Object.keys(options),
      secretsChanged: Object.keys(input.secrets ?? {}),
      ...(destinationChanged ? { destinationChanged: true, secretsCleared: cleared } : {}),
    });
  })();
  outbox.forget(input.name);
  return { ...providerInfo(ctx, outbox, secrets, input.name), destinationChanged, secretCleared: cleared.length > 0 };
}

/** providers.remove */
export function removeProvider(
  ctx: ServiceContext,
  outbox: Outbox,
  secrets: SecretStore,
  input: ParsedInput<'providers.remove'>,
): Output<'providers.remove'> {
  const actor = resolveActor(ctx, input.staff);
  const removed = ctx.db.transaction(() => {
    const ok = ctx.outbox.removeProvider(input.name);
    if (ok) appendAudit(ctx, actor, 'provider.removed', `provider:${input.name}`, {});
    return ok;
  })();
  if (removed) {
    try {
      secrets.remove(input.name);
    } catch {
      // the CLI keeps no secrets to remove
    }
    outbox.forget(input.name);
  }
  return { removed };
}

/**
 * providers.test: one message to the owner's own number through a provider, to prove the settings work.
 * Not a batch: it goes to the shop's number (or one the owner types), with a neutral text, and is audited.
 */
export async function testProvider(
  ctx: ServiceContext,
  outbox: Outbox,
  lockRun: <T>(fn: () => T) => Promise<T>,
  input: ParsedInput<'providers.test'>,
): Promise<Output<'providers.test'>> {
  const { adapter, to, channel, text, actor } = await lockRun(() => {
    const adapter = outbox.adapterFor(input.name);
    const settings = getSettings(ctx);
    const raw = input.to ?? settings.shopPhone;
    if (!raw) throw new AppError('VALIDATION_FAILED', 'providers.testNoNumber', {}, { fields: [{ path: 'to', key: 'input.required' }] });
    const phone = normalizePhone(raw, settings.defaultCountry);
    if (!phone.ok)
      throw new AppError(
        'INVALID_PHONE',
        'providers.testBadNumber',
        { problem: ref(`phone.${phone.reason}`) },
        { fields: [{ path: 'to', key: `phone.${phone.reason}` }], reason: phone.reason },
      );
    const channel = input.channel ?? adapter.channels[0];
    if (!channel || !adapter.channels.includes(channel))
      throw new AppError(
        'VALIDATION_FAILED',
        channel ? 'providers.channelNotSetUp' : 'providers.noChannel',
        { name: input.name, ...(channel ? { channel } : {}) },
        { fields: [{ path: 'channel', key: 'providers.channelNotCarried' }] },
      );
    const lang = settings.defaultCountry === 'RU' || settings.policyPack === 'ru' ? 'ru' : 'en';
    const text =
      input.text ??
      (lang === 'ru'
        ? `${settings.businessName}: проверка связи из Optin Desk через «${input.name}». Отвечать не нужно.`
        : `${settings.businessName}: test message from Optin Desk through "${input.name}". No reply needed.`);
    return { adapter, to: phone.value.e164, channel, text, actor: resolveActor(ctx, input.staff) };
  });
  const outcome = await adapter.send({ idempotencyKey: `optin-test-${ctx.ids.uuid()}`, to, channel, text, purpose: 'service', batch: 0 });
  await lockRun(() =>
    ctx.db.transaction(() =>
      appendAudit(ctx, actor, 'provider.tested', `provider:${input.name}`, {
        channel,
        outcome: outcome.kind,
        code: outcome.kind === 'accepted' ? null : outcome.code,
      }),
    )(),
  );
  if (outcome.kind === 'accepted')
    return {
      ok: true,
      outcome: 'accepted',
      to,
      channel,
      code: null,
      ...answer(ref('answer.accepted')),
      providerMessageId: outcome.providerMessageId,
    };
  return { ok: false, outcome: outcome.kind, to, channel, code: outcome.code, ...answer(answerOf(outcome)), providerMessageId: null };
}
