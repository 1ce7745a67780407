import { givenName } from '../text/given-name';
import { effectivePolicy, getPolicyPack, type PolicyOverrides, type PolicyPackId } from '../policy/policy';
import type { LintProfile } from './types';

/** Segments above which an SMS is flagged as costly unless the shop says otherwise (DOMAIN.md §7(a)8). */
export const DEFAULT_SEGMENT_LIMIT = 3;

/** The shop settings a lint profile is made from. */
export interface LintSettings {
  businessName: string;
  brandAliases: string[];
  senderName: string;
  shopPhone: string | null;
  shopDomains: string[];
  policyPack: PolicyPackId;
  policyOverrides: PolicyOverrides;
  smsSegmentLimit: number;
  lintDisabledRules: string[];
  timezone: string;
}

/** A lint profile from shop settings and what the register knows about its contacts' names. */
export function lintProfileFromSettings(
  s: LintSettings,
  names: { fieldMaxLength: Record<string, number>; namesNeedUcs2: boolean } = { fieldMaxLength: {}, namesNeedUcs2: false },
): LintProfile {
  return {
    businessName: s.businessName,
    brandAliases: s.brandAliases,
    senderName: s.senderName,
    shopPhone: s.shopPhone,
    shopDomains: s.shopDomains,
    policy: effectivePolicy(getPolicyPack(s.policyPack), s.policyOverrides),
    segmentLimit: s.smsSegmentLimit,
    disabledRules: s.lintDisabledRules,
    timezone: s.timezone,
    fieldMaxLength: names.fieldMaxLength,
    namesNeedUcs2: names.namesNeedUcs2,
  };
}

/** Placeholder values a contact provides: the whole name, and the given name in it (surname first or not). */
export function contactFields(name: string): Record<string, string> {
  const trimmed = name.trim();
  return { name: trimmed, first_name: givenName(trimmed) };
}
