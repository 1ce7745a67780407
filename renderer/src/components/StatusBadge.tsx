import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsentStatus } from '../../../shared/domain/consent/types';
import type { ExclusionReason } from '../../../shared/domain/gate/gate';

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

/**
 * A consent status as a coloured badge. `blockedBy` is the gate's reason when marketing may not go although the
 * status alone looks fine (a granted consent that still needs the personal-data consent): then the badge says so,
 * in the same words as a campaign's exclusion list, instead of showing green.
 */
export function StatusBadge({ status, blockedBy = null }: { status: ConsentStatus; blockedBy?: ExclusionReason | null }) {
  const { t } = useTranslation();
  if (status === 'granted' && blockedBy !== null)
    return (
      <Badge color="orange" variant="light" size="sm" data-status={status} data-blocked-by={blockedBy} title={t(`campaigns.reasonHint.${blockedBy}`)}>
        {t([`statusBlocked.${blockedBy}`, `campaigns.reason.${blockedBy}`])}
      </Badge>
    );
  return (
    <Badge color={COLORS[status].color} variant={COLORS[status].variant} size="sm" data-status={status}>
      {t(`status.${status}`)}
    </Badge>
  );
}
