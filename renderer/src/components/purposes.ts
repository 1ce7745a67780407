import { Purposes, type Purpose } from '../../../shared/domain/consent/types';

/**
 * The purposes a shop is offered on its screens. The separate consent to process personal data (152-FZ) is offered
 * only under a pack that needs it; a value already chosen (an older form, an imported column) stays offered.
 */
export function purposesForPack(
  pack: { requiresPersonalDataConsent: boolean } | null | undefined,
  keep: readonly (Purpose | null | undefined)[] = [],
): Purpose[] {
  return Purposes.filter((p) => p !== 'personal_data' || pack?.requiresPersonalDataConsent === true || keep.includes(p));
}
