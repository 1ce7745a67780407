import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { lintMessage, listRules } from '../../../shared/domain/lint/engine';
import { contactFields, lintProfileFromSettings } from '../../../shared/domain/lint/profile';
import type { LintProfile } from '../../../shared/domain/lint/types';
import type { ServiceContext } from '../context';
import { getSettings } from '../register/settings';
import { isTimeZone } from '../../../shared/domain/time/zones';

/** The shop's lint profile: its settings plus how long (and in which script) its customers' names are. */
export function lintProfile(ctx: ServiceContext): LintProfile {
  const stats = ctx.contacts.nameStats();
  const fieldMaxLength: Record<string, number> = {};
  if (stats.maxName > 0) fieldMaxLength.name = stats.maxName;
  if (stats.maxFirstName > 0) fieldMaxLength.first_name = stats.maxFirstName;
  return lintProfileFromSettings(getSettings(ctx), { fieldMaxLength, namesNeedUcs2: stats.cyrillic });
}

/** `lint.profile`: what the composer needs to lint locally as the owner types. */
export function getLintProfile(ctx: ServiceContext): Output<'lint.profile'> {
  return {
    profile: lintProfile(ctx),
    rules: listRules().map(({ id, severity, title, source, switchable }) => ({ id, severity, title, source, switchable })),
  };
}

/** `lint.check`: lint one message against the shop's settings (and a sample contact for the preview). */
export function checkMessage(ctx: ServiceContext, input: ParsedInput<'lint.check'>, profile: LintProfile = lintProfile(ctx)): Output<'lint.check'> {
  const { sampleContactId, locale, ...request } = input;
  let sample = request.sample;
  if (sampleContactId !== undefined) {
    const contact = ctx.contacts.get(sampleContactId);
    if (!contact)
      throw new AppError(
        'NOT_FOUND',
        'lint.noContact',
        { id: sampleContactId },
        { fields: [{ path: 'sampleContactId', key: 'contacts.noSuchContact' }] },
      );
    sample = { ...contactFields(contact.name), ...sample };
  }
  for (const tz of request.recipientTimeZones ?? [])
    if (!isTimeZone(tz))
      throw new AppError(
        'VALIDATION_FAILED',
        'lint.unknownTimeZone',
        { timezone: tz },
        { fields: [{ path: 'recipientTimeZones', key: 'common.unknownTimeZone' }] },
      );
  return lintMessage({ ...request, ...(sample ? { sample } : {}) }, profile, locale);
}
