import { AppError } from '../../../shared/contract/errors';
import { ref } from '../../../shared/contract/said';
import { SetupStepIds, type ParsedInput, type SetupStatus, type Settings } from '../../../shared/contract/api';
import { effectivePolicy, findLoosening, getPolicyPack, PolicyOverrides, type PolicyPackId } from '../../../shared/domain/policy/policy';
import { normalizePhone } from '../../../shared/domain/phone/normalize';
import { appendAudit, type ServiceContext } from '../context';
import { DEFAULT_SEGMENT_LIMIT } from '../../../shared/domain/lint/profile';
import { listRules } from '../../../shared/domain/lint/engine';
import { isTimeZone } from '../../../shared/domain/time/zones';
import { PLACEHOLDER_OWNER, resolveActor } from './staff';
import { foldUnderDeadlines } from './consent';

const DEFAULTS = {
  businessName: '',
  senderName: '',
  shopPhone: null as string | null,
  businessAddress: '',
  defaultCountry: 'RU',
  timezone: 'Europe/Moscow',
  policyPack: 'ru' as PolicyPackId,
  policyOverrides: {} as PolicyOverrides,
  brandAliases: [] as string[],
  shopDomains: [] as string[],
  smsSegmentLimit: DEFAULT_SEGMENT_LIMIT,
  lintDisabledRules: [] as string[],
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9\u0400-\u04ff]([a-z0-9\u0400-\u04ff-]{0,61}[a-z0-9\u0400-\u04ff])?\.)+[a-z\u0400-\u04ff]{2,63}$/u;

/** A domain as typed ("https://www.Lavka.ru/shop") reduced to its host ("lavka.ru"), or null when it is not one. */
export function normalizeDomain(typed: string): string | null {
  const host = typed
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/u, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '');
  return DOMAIN.test(host) ? host : null;
}

/**
 * What an audit row of a settings change keeps of the rules (the pack and its tightening, as stored), so `audit verify`
 * can tell a change made in the file outside Optin Desk.
 */
export function policyRecord(stored: Record<string, unknown>): { pack: unknown; overrides: unknown } {
  return { pack: stored.policyPack ?? DEFAULTS.policyPack, overrides: stored.policyOverrides ?? {} };
}

/** The shop's settings with defaults filled in and the effective policy computed. */
export function getSettings(ctx: ServiceContext): Settings {
  // Asked before every hand-off: parsed again only when the settings may have changed (here or in another process).
  const token = ctx.settings.version();
  const known = token === null ? undefined : settingsCache.get(ctx.settings);
  if (known && known.token === token) return known.settings;
  const stored = ctx.settings.all();
  const s = { ...DEFAULTS, ...(stored as Partial<typeof DEFAULTS>) };
  const pack = getPolicyPack(s.policyPack);
  const stated = PolicyOverrides.parse(s.policyOverrides ?? {});
  // The app never stores a loosening (updateSettings refuses it); one written into the file outside it is not obeyed:
  // the pack's own value holds, and `audit verify` names it (register/integrity.ts settingsProblems).
  const loosened = new Set<string>(findLoosening(pack, stated).map((l) => l.field));
  const overrides = loosened.size ? (Object.fromEntries(Object.entries(stated).filter(([k]) => !loosened.has(k))) as PolicyOverrides) : stated;
  const settings: Settings = { ...s, policyOverrides: overrides, effectivePolicy: effectivePolicy(pack, overrides) };
  if (token !== null) settingsCache.set(ctx.settings, { token, settings });
  return settings;
}

const settingsCache = new WeakMap<object, { token: string; settings: Settings }>();

/** Change settings; a policy override may only tighten the pack. */
export function updateSettings(ctx: ServiceContext, input: ParsedInput<'settings.update'>): Settings {
  const current = getSettings(ctx);
  const { staff, ...patch } = input;
  const next: Record<string, unknown> = {};
  if (patch.businessName !== undefined) next.businessName = patch.businessName;
  if (patch.senderName !== undefined) next.senderName = patch.senderName;
  if (patch.businessAddress !== undefined) next.businessAddress = patch.businessAddress;
  if (patch.brandAliases !== undefined) next.brandAliases = [...new Set(patch.brandAliases)];
  if (patch.smsSegmentLimit !== undefined) next.smsSegmentLimit = patch.smsSegmentLimit;
  if (patch.shopDomains !== undefined) {
    const domains: string[] = [];
    patch.shopDomains.forEach((typed, i) => {
      const d = normalizeDomain(typed);
      if (!d)
        throw new AppError(
          'VALIDATION_FAILED',
          'settings.notADomain',
          { domain: typed },
          { fields: [{ path: `shopDomains.${i}`, key: 'settings.notADomainField' }] },
        );
      if (!domains.includes(d)) domains.push(d);
    });
    next.shopDomains = domains;
  }
  if (patch.lintDisabledRules !== undefined) {
    const rules = new Map(listRules().map((r) => [r.id, r]));
    patch.lintDisabledRules.forEach((id, i) => {
      const rule = rules.get(id);
      const problem = !rule ? 'unknown' : !rule.switchable ? 'required' : null;
      if (problem)
        throw new AppError(
          'VALIDATION_FAILED',
          problem === 'unknown' ? 'settings.lintRuleUnknown' : 'settings.lintRuleNotSwitchable',
          { rule: id },
          {
            fields: [
              {
                path: `lintDisabledRules.${i}`,
                key: problem === 'unknown' ? 'settings.lintRuleUnknownField' : 'settings.lintRuleNotSwitchableField',
              },
            ],
          },
        );
    });
    next.lintDisabledRules = [...new Set(patch.lintDisabledRules)];
  }
  if (patch.defaultCountry !== undefined) next.defaultCountry = patch.defaultCountry;
  if (patch.timezone !== undefined) {
    if (!isTimeZone(patch.timezone))
      throw new AppError(
        'VALIDATION_FAILED',
        'settings.unknownTimeZone',
        { timezone: patch.timezone },
        { fields: [{ path: 'timezone', key: 'common.unknownTimeZone' }] },
      );
    next.timezone = patch.timezone;
  }
  if (patch.shopPhone !== undefined) {
    if (patch.shopPhone === null || patch.shopPhone === '') next.shopPhone = null;
    else {
      const p = normalizePhone(patch.shopPhone, patch.defaultCountry ?? current.defaultCountry);
      if (!p.ok)
        throw new AppError(
          'INVALID_PHONE',
          'settings.shopPhoneRefused',
          { problem: ref(`phone.${p.reason}`) },
          { fields: [{ path: 'shopPhone', key: `phone.${p.reason}` }], reason: p.reason },
        );
      next.shopPhone = p.value.e164;
    }
  }
  const packId = patch.policyPack ?? current.policyPack;
  // Changing pack resets the tightening unless new overrides come with it: old overrides may not fit the new pack.
  const overrides = patch.policyOverrides ?? (patch.policyPack && patch.policyPack !== current.policyPack ? {} : current.policyOverrides);
  const loosening = findLoosening(getPolicyPack(packId), overrides);
  if (loosening.length > 0) {
    const first = loosening[0]!;
    throw new AppError(
      'POLICY_LOOSENING',
      'settings.policyLoosening',
      { field: first.field, problem: first.message },
      { fields: loosening.map((l) => ({ path: `policyOverrides.${l.field}`, key: l.key, params: l.params })) },
    );
  }
  if (patch.policyPack !== undefined) next.policyPack = patch.policyPack;
  next.policyOverrides = overrides;
  const actor = resolveActor(ctx, staff);
  ctx.db.transaction(() => {
    for (const [k, v] of Object.entries(next)) ctx.settings.set(k, v);
    // A consent counts as long as the pack allows now, not only as long as it allowed when recorded: when the maximum
    // age or the request window moves, every cell is read again under it (foldEvents' limits), in this transaction,
    // so no plan or hand-off sees the new settings with the old deadlines.
    const refolded = foldUnderDeadlines(ctx);
    appendAudit(ctx, actor, 'settings.updated', 'settings', {
      changed: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
      ...(refolded ? { cellsRefolded: refolded.changed } : {}),
      policy: policyRecord(ctx.settings.all()),
    });
  })();
  return getSettings(ctx);
}

/**
 * settings.setup: the first-run checklist. `configured` is false until someone chose the rules pack (and with it the
 * country and zone): until then the register runs on fallback defaults that the app must not pass off as a choice.
 */
export function setupStatus(ctx: ServiceContext): SetupStatus {
  const stored = ctx.settings.all();
  const s = getSettings(ctx);
  const staff = ctx.staff.list();
  const done = {
    identity: s.businessName.trim() !== '' && s.senderName.trim() !== '',
    rules: stored.policyPack !== undefined,
    // The register makes a placeholder owner called "Owner" on its own: a named owner or a staff member is a choice.
    staff: staff.some((m) => m.active && (m.role === 'staff' || m.name !== PLACEHOLDER_OWNER)),
    wording: ctx.forms.list().length > 0,
    provider: ctx.outbox.listProviders().length > 0,
    sheets: ctx.sheets.count(null) > 0,
  };
  return {
    configured: done.rules,
    steps: SetupStepIds.map((id) => ({ id, done: done[id] })),
  };
}
