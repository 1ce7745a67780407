import { AppError } from '../../../shared/contract/errors';
import type { ParsedInput, Settings } from '../../../shared/contract/api';
import { effectivePolicy, findLoosening, getPolicyPack, PolicyOverrides, type PolicyPackId } from '../../../shared/domain/policy/policy';
import { normalizePhone, describePhoneRefusal } from '../../../shared/domain/phone/normalize';
import { appendAudit, type ServiceContext } from './context';
import { resolveActor } from './staff.service';

const DEFAULTS = {
  businessName: '',
  senderName: '',
  shopPhone: null as string | null,
  businessAddress: '',
  defaultCountry: 'RU',
  timezone: 'Europe/Moscow',
  policyPack: 'ru' as PolicyPackId,
  policyOverrides: {} as PolicyOverrides,
};

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The shop's settings with defaults filled in and the effective policy computed. */
export function getSettings(ctx: ServiceContext): Settings {
  const stored = ctx.settings.all();
  const s = { ...DEFAULTS, ...(stored as Partial<typeof DEFAULTS>) };
  const overrides = PolicyOverrides.parse(s.policyOverrides ?? {});
  return { ...s, policyOverrides: overrides, effectivePolicy: effectivePolicy(getPolicyPack(s.policyPack), overrides) };
}

/** Change settings; a policy override may only tighten the pack. */
export function updateSettings(ctx: ServiceContext, input: ParsedInput<'settings.update'>): Settings {
  const current = getSettings(ctx);
  const { staff, ...patch } = input;
  const next: Record<string, unknown> = {};
  if (patch.businessName !== undefined) next.businessName = patch.businessName;
  if (patch.senderName !== undefined) next.senderName = patch.senderName;
  if (patch.businessAddress !== undefined) next.businessAddress = patch.businessAddress;
  if (patch.defaultCountry !== undefined) next.defaultCountry = patch.defaultCountry;
  if (patch.timezone !== undefined) {
    if (!isTimeZone(patch.timezone))
      throw new AppError('VALIDATION_FAILED', `timezone: unknown time zone "${patch.timezone}" (use an IANA name such as Europe/Moscow)`, {
        fields: [{ path: 'timezone', message: 'unknown time zone' }],
      });
    next.timezone = patch.timezone;
  }
  if (patch.shopPhone !== undefined) {
    if (patch.shopPhone === null || patch.shopPhone === '') next.shopPhone = null;
    else {
      const p = normalizePhone(patch.shopPhone, patch.defaultCountry ?? current.defaultCountry);
      if (!p.ok)
        throw new AppError('INVALID_PHONE', `shopPhone: ${describePhoneRefusal(p.reason)}`, {
          fields: [{ path: 'shopPhone', message: describePhoneRefusal(p.reason) }],
          reason: p.reason,
        });
      next.shopPhone = p.value.e164;
    }
  }
  const packId = patch.policyPack ?? current.policyPack;
  // Changing pack resets the tightening unless new overrides come with it: old overrides may not fit the new pack.
  const overrides = patch.policyOverrides ?? (patch.policyPack && patch.policyPack !== current.policyPack ? {} : current.policyOverrides);
  const loosening = findLoosening(getPolicyPack(packId), overrides);
  if (loosening.length > 0) {
    const first = loosening[0]!;
    throw new AppError('POLICY_LOOSENING', `policyOverrides.${first.field}: ${first.message}`, {
      fields: loosening.map((l) => ({ path: `policyOverrides.${l.field}`, message: l.message })),
    });
  }
  if (patch.policyPack !== undefined) next.policyPack = patch.policyPack;
  next.policyOverrides = overrides;
  const actor = resolveActor(ctx, staff);
  ctx.db.transaction(() => {
    for (const [k, v] of Object.entries(next)) ctx.settings.set(k, v);
    appendAudit(ctx, actor, 'settings.updated', 'settings', {
      changed: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
    });
  })();
  return getSettings(ctx);
}
