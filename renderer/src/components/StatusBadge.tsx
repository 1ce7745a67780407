import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsentStatus } from '../../../shared/domain/consent/types';

const COLORS: Record<ConsentStatus, { color: string; variant: 'filled' | 'light' | 'outline' }> = {
  granted: { color: 'green', variant: 'filled' },
  pending: { color: 'yellow', variant: 'filled' },
  unproven: { color: 'orange', variant: 'light' },
  revoked: { color: 'red', variant: 'filled' },
  expired: { color: 'gray', variant: 'light' },
  none: { color: 'gray', variant: 'outline' },
};

/** The colour of a status, for borders and accents beside the badge. */
export const STATUS_COLOR: Record<ConsentStatus, string> = Object.fromEntries(Object.entries(COLORS).map(([k, v]) => [k, v.color])) as Record<
  ConsentStatus,
  string
>;

/** A consent status as a coloured badge. */
export function StatusBadge({ status }: { status: ConsentStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status].color} variant={COLORS[status].variant} size="sm" data-status={status}>
      {t(`status.${status}`)}
    </Badge>
  );
}
