import { Badge } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RecipientStatus } from '../../../../shared/domain/outbox/types';
import { translateSaid, type Said } from '../../i18n/errors';
import { useNow } from '../../components/use-now';

const STATUS_COLORS: Record<RecipientStatus, string> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'teal',
  delivered: 'green',
  read: 'green',
  failed: 'red',
  undeliverable: 'orange',
  skipped: 'gray',
  unknown: 'yellow',
};

const STATE_COLORS = { planned: 'gray', sending: 'blue', done: 'teal', cancelled: 'red' } as const;

/** A recipient's status as a coloured badge. */
export function RecipientStatusBadge({ status }: { status: RecipientStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[status]} variant={status === 'skipped' ? 'outline' : 'light'} size="sm" tt="none" data-status={status}>
      {t(`campaigns.status.${status}`)}
    </Badge>
  );
}

/** A campaign's state as a coloured badge; one sent for a later time is "Scheduled" until that time. */
export function CampaignStateBadge({ state, plannedAt }: { state: keyof typeof STATE_COLORS; plannedAt?: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const scheduled = state === 'sending' && plannedAt !== undefined && Date.parse(plannedAt) > now;
  return (
    <Badge
      color={scheduled ? 'grape' : STATE_COLORS[state]}
      variant="light"
      tt="none"
      data-testid="campaign-state"
      data-state={scheduled ? 'scheduled' : state}
    >
      {t(scheduled ? 'campaigns.state.scheduled' : `campaigns.state.${state}`)}
    </Badge>
  );
}

/** A campaign's channel in words: SMS, WhatsApp, or WhatsApp then SMS. */
export function channelLabel(t: TFunction, channel: 'sms' | 'whatsapp' | 'cascade'): string {
  return channel === 'cascade' ? t('campaigns.channel.cascade') : t(`channel.${channel}`);
}

/**
 * Why a recipient was skipped, failed or not delivered, in the person's language: a sentence by its key (a provider's
 * answer, giving up after retries), a gate reason by name, a provider's bare code kept (an auditor or the provider's
 * support reads the code).
 */
export function reasonLabel(t: TFunction, reason: string | null, said?: Said | null): string {
  if (said) return translateSaid(t, said);
  if (!reason) return '';
  const known = t(`campaigns.reason.${reason}`, { defaultValue: '' });
  if (known) return known;
  const noProvider = reason.match(/^no_provider_for_(sms|whatsapp)$/);
  if (noProvider) return t('campaigns.reason.noProviderFor', { channel: t(`channel.${noProvider[1]}`) });
  // A bare HTTP status reads better as "HTTP 401" than as the register's code HTTP_401.
  return reason.replace(/\bHTTP_(\d{3})\b/g, 'HTTP $1');
}

/** What a campaign's audience is, from the campaign list: the segment's name when planned (renamed or deleted since, said so), tags, or everyone. */
export function audienceLabel(
  t: TFunction,
  c: { tags: readonly string[]; segment?: string | null | undefined; segmentNow?: { deleted: boolean; name: string | null } | null | undefined },
): string {
  if (c.segment) {
    const now = c.segmentNow;
    if (now?.deleted) return t('campaigns.audienceOf.segmentDeleted', { name: c.segment });
    if (now?.name && now.name !== c.segment) return t('campaigns.audienceOf.segmentRenamed', { name: c.segment, now: now.name });
    return t('campaigns.audienceOf.segment', { name: c.segment });
  }
  return c.tags.length ? t('campaigns.audienceOf.tags', { tags: c.tags.join(', ') }) : t('campaigns.audienceOf.everyone');
}
