import { Card, Group, Loader, Pagination, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PAGE_SIZE, RECIPIENT_FILTERS, useCampaignStore, type Progress, type RecipientFilter } from '../../stores/campaign.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber, formatPhone } from '../../components/format';
import { RecipientStatusBadge, reasonLabel } from './labels';

const FILTER_COUNT: Record<RecipientFilter, (p: Progress) => number> = {
  all: (p) => Object.values(p.counts).reduce((a, b) => a + b, 0),
  pending: (p) => p.pending,
  sent: (p) => p.sent,
  failed: (p) => p.failed,
  skipped: (p) => p.skipped,
  unknown: (p) => p.unknown,
};

/** Everyone the outbox holds for the campaign, by status, a page at a time; a row opens the person's detail. */
export function RecipientsTable({ progress }: { progress: Progress }) {
  const { t, i18n } = useTranslation();
  const view = useCampaignStore((s) => s.recipients);
  const load = useCampaignStore((s) => s.loadRecipients);
  const openRecipient = useCampaignStore((s) => s.openRecipient);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const lang = i18n.language;
  const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
  const filters = Object.keys(RECIPIENT_FILTERS) as RecipientFilter[];

  return (
    <Card withBorder data-testid="recipients">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('campaigns.recipients.title')}</Title>
        <SegmentedControl
          size="xs"
          value={view.filter}
          onChange={(v) => void load({ filter: v as RecipientFilter })}
          data={filters.map((f) => ({
            value: f,
            label: `${t(`campaigns.recipients.filter.${f}`)} · ${formatNumber(FILTER_COUNT[f](progress), lang)}`,
          }))}
          data-testid="recipients-filter"
        />
      </Group>
      <ErrorAlert error={view.error} />
      {view.rows === null ? (
        <Group justify="center" p="md">
          <Loader size="sm" />
        </Group>
      ) : view.rows.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="recipients-empty">
          {t('campaigns.recipients.empty')}
        </Text>
      ) : (
        <Table highlightOnHover verticalSpacing={6} data-testid="recipients-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contacts.name')}</Table.Th>
              <Table.Th>{t('contacts.phone')}</Table.Th>
              <Table.Th>{t('campaigns.recipients.channel')}</Table.Th>
              <Table.Th>{t('campaigns.recipients.status')}</Table.Th>
              <Table.Th>{t('campaigns.recipients.handedOff')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.rows.map((r) => (
              <Table.Tr
                key={r.id}
                tabIndex={0}
                style={{ cursor: 'pointer' }}
                onClick={() => void openRecipient(r.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    void openRecipient(r.id);
                  }
                }}
                data-testid="recipient-row"
                data-status={r.status}
                data-phone={r.phone}
              >
                <Table.Td>{r.name || <Text c="dimmed">{t('contacts.noName')}</Text>}</Table.Td>
                <Table.Td className="mono" style={{ whiteSpace: 'nowrap' }}>
                  {formatPhone(r.phone)}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {t(`channel.${r.channel}`)}
                  {r.step === 1 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      · {t('campaigns.recipients.fallback')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <RecipientStatusBadge status={r.status} />
                    {r.reason && (
                      <Text size="xs" c="dimmed" lineClamp={1} maw={320} title={r.reason}>
                        {reasonLabel(t, r.reason, r.reasonSaid)}
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{formatDateTime(r.handedOffAt, timeZone, lang)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {pages > 1 && (
        <Group justify="flex-end" mt="sm">
          <Pagination size="sm" total={pages} value={view.page} onChange={(page) => void load({ page })} data-testid="recipients-pages" />
        </Group>
      )}
    </Card>
  );
}
