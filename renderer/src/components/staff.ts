import type { TFunction } from 'i18next';
import { PLACEHOLDER_OWNER, type Staff } from '../../../shared/contract/settings';

/**
 * A staff member's name as the screens show it. The owner the register makes on its own is stored as
 * PLACEHOLDER_OWNER ("Owner") in the audit log and events; it is shown in the UI language, never renamed.
 */
export function staffLabel(name: string, t: TFunction): string {
  return name === PLACEHOLDER_OWNER ? t('settings.placeholderOwner') : name;
}

/** A staff picker's options: the stored name as the value, the shown name as the label. */
export function staffOptions(staff: readonly Staff[], t: TFunction): { value: string; label: string }[] {
  return staff.map((s) => ({ value: s.name, label: staffLabel(s.name, t) }));
}
