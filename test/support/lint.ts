import type { LintSettings } from '../../shared/domain/lint/profile';

/** A Russian shop known by a Latin and a Cyrillic name, with its own domain: the settings lint tests run under. */
export const SHOP_LINT_SETTINGS: LintSettings = {
  businessName: 'Lavka',
  brandAliases: ['Лавка'],
  senderName: 'LAVKA',
  shopPhone: '+79161234567',
  shopDomains: ['lavka.ru'],
  policyPack: 'ru',
  policyOverrides: {},
  smsSegmentLimit: 3,
  lintDisabledRules: [],
  timezone: 'Europe/Moscow',
};
