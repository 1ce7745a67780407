import { useEffect } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCampaignStore } from '../../stores/campaign.store';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber } from '../../components/format';
import { staffLabel } from '../../components/staff';
import { audienceLabel, CampaignStateBadge, channelLabel } from './labels';

/** Every campaign planned so far, newest first; one opens its plan, outbox and report. */
export function CampaignsScreen() {
  const { t, i18n } = useTranslation();
  const campaigns = useCampaignStore((s) => s.campaigns);
  const more = useCampaignStore((s) => s.campaignsMore);
  const error = useCampaignStore((s) => s.campaignsError);
  const load = useCampaignStore((s) => s.loadCampaigns);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const go = useAppStore((s) => s.go);
  const lang = i18n.language;

  useEffect(() => {
    void load();
  }, [load]);

  const open = (batch: number) => go({ screen: 'campaign', batch });

  return (
    <Stack pb="xl">
      <Group justify="space-between">
        <div>
          <Title order={2}>{t('campaigns.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('campaigns.subtitle')}
          </Text>
        </div>
        <Button onClick={() => go({ screen: 'compose' })} data-testid="new-campaign">
          {t('campaigns.new')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {campaigns && campaigns.length === 0 && (
        <Card withBorder p="xl" data-testid="campaigns-empty">
          <Stack align="center" gap="xs">
            <Text fw={600}>{t('campaigns.emptyTitle')}</Text>
            <Text size="sm" c="dimmed" ta="center" maw={520}>
              {t('campaigns.emptyText')}
            </Text>
          </Stack>
        </Card>
      )}
      {campaigns && campaigns.length > 0 && (
        <Table withTableBorder highlightOnHover data-testid="campaigns-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('campaigns.list.name')}</Table.Th>
              <Table.Th>{t('campaigns.list.channel')}</Table.Th>
              <Table.Th>{t('campaigns.list.planned')}</Table.Th>
              <Table.Th ta="right">{t('campaigns.list.audience')}</Table.Th>
              <Table.Th ta="right">{t('campaigns.list.eligible')}</Table.Th>
              <Table.Th>{t('campaigns.list.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.map((c) => (
              <Table.Tr
                key={c.id}
                tabIndex={0}
                style={{ cursor: 'pointer' }}
                onClick={() => open(c.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    open(c.id);
                  }
                }}
                data-testid="campaign-row"
                data-batch={c.id}
              >
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {c.name}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={1} maw={420}>
                    {c.text}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Text size="sm">{channelLabel(t, c.channel)}</Text>
                    {c.purpose === 'service' && (
                      <Badge size="xs" variant="outline" color="gray" tt="none">
                        {t('purpose.service')}
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed" data-testid="campaign-row-audience">
                    {audienceLabel(t, c)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{formatDateTime(c.plannedAt, timeZone, lang)}</Text>
                  <Text size="xs" c="dimmed">
                    {staffLabel(c.createdBy, t)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" className="mono">
                  {formatNumber(c.audience, lang)}
                </Table.Td>
                <Table.Td ta="right" className="mono">
                  {formatNumber(c.eligible, lang)}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <CampaignStateBadge state={c.state} plannedAt={c.plannedAt} />
                    {!c.lintOk && (
                      <Badge color="red" variant="outline" size="sm" tt="none">
                        {t('campaigns.list.lintErrors')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {more && (
        <Button variant="default" onClick={() => void load(true)} style={{ alignSelf: 'center' }} data-testid="more-campaigns">
          {t('campaigns.more')}
        </Button>
      )}
    </Stack>
  );
}
