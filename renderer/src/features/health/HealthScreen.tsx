import { useEffect } from 'react';
import { Alert, Badge, Card, Group, Loader, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { HEALTH_WEEKS, useHealthStore, type HealthReport } from '../../stores/health.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatDay, formatNumber } from '../../components/format';
import { formatRate, HealthWarningList } from './HealthWarnings';
import { channelLabel } from '../campaigns/labels';

/** A campaign channel the app names in words (SMS, WhatsApp, WhatsApp → SMS); anything else is shown as stored. */
const isCampaignChannel = (c: string): c is 'sms' | 'whatsapp' | 'cascade' => c === 'sms' || c === 'whatsapp' || c === 'cascade';

type Row = HealthReport['campaigns'][number] | HealthReport['weeks'][number];

/** Health: per campaign and per ISO week — handed off, delivered, failed by reason, opt-outs, complaints — with warnings. */
export function HealthScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('ru') ? 'ru' : 'en';
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const { report, error, weeks, load } = useHealthStore();

  useEffect(() => {
    void load();
  }, [load]);

  const n = (v: number) => formatNumber(v, lang);
  const hours = report?.thresholds.optOutWindowHours ?? 48;
  const flagged = new Set(report?.warnings.flatMap((w) => (w.campaign === null ? [] : [`${w.campaign}/${w.kind}`])) ?? []);
  const reasons = (r: Record<string, number>) =>
    Object.entries(r)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} × ${n(v)}`)
      .join(', ');
  const figures = (row: Row, hot: { optOut: boolean; complaint: boolean }) => (
    <>
      <Table.Td className="mono">{n(row.handedOff)}</Table.Td>
      <Table.Td className="mono">
        {n(row.delivered)}{' '}
        <Text span size="xs" c="dimmed">
          {formatRate(row.rates.delivered, lang)}
        </Text>
      </Table.Td>
      <Table.Td className="mono">
        <Tooltip label={reasons(row.failedByReason) || '—'} disabled={row.failed === 0}>
          <span>
            {n(row.failed)}{' '}
            <Text span size="xs" c="dimmed">
              {formatRate(row.rates.failed, lang)}
            </Text>
          </span>
        </Tooltip>
      </Table.Td>
      <Table.Td
        className="mono"
        data-hot={hot.optOut}
        style={hot.optOut ? { background: 'var(--mantine-color-red-0)', color: 'var(--mantine-color-red-9)', fontWeight: 700 } : undefined}
        data-testid="cell-optouts"
      >
        {n(row.optOuts)} · {formatRate(row.rates.optOut, lang)}
      </Table.Td>
      <Table.Td
        className="mono"
        data-hot={hot.complaint}
        style={hot.complaint ? { background: 'var(--mantine-color-red-0)', color: 'var(--mantine-color-red-9)', fontWeight: 700 } : undefined}
        data-testid="cell-complaints"
      >
        {n(row.complaints)} · {formatRate(row.rates.complaint, lang)}
      </Table.Td>
    </>
  );
  const head = (first: string) => (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>{first}</Table.Th>
        <Table.Th>{t('health.col.handedOff')}</Table.Th>
        <Table.Th>{t('health.col.delivered')}</Table.Th>
        <Table.Th>{t('health.col.failed')}</Table.Th>
        <Table.Th>{t('health.col.optOuts', { hours })}</Table.Th>
        <Table.Th>{t('health.col.complaints')}</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );

  return (
    <Stack pb="xl" gap="md" data-testid="health-screen">
      <Group justify="space-between" align="flex-start">
        <div style={{ maxWidth: 760 }}>
          <Title order={2}>{t('health.title')}</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {t('health.subtitle', { hours })}
          </Text>
        </div>
        <Stack gap={2} align="flex-end">
          <Text size="xs" c="dimmed">
            {t('health.weeks')}
          </Text>
          <SegmentedControl
            size="xs"
            value={String(weeks)}
            onChange={(v) => void load(Number(v))}
            data={HEALTH_WEEKS.map((w) => ({ value: String(w), label: String(w) }))}
            data-testid="health-weeks"
          />
        </Stack>
      </Group>
      <ErrorAlert error={error} onRetry={() => void load()} />
      {!report ? (
        !error && <Loader size="sm" />
      ) : (
        <>
          <Text size="sm" data-testid="health-thresholds">
            {t('health.thresholds', {
              pack: report.thresholds.pack,
              optOut: formatRate(report.thresholds.optOutRate, lang),
              complaint: formatRate(report.thresholds.complaintRate, lang),
              hours: report.thresholds.optOutWindowHours,
              days: report.thresholds.complaintWindowDays,
            })}{' '}
            <Tooltip label={report.thresholds.source} multiline w={420}>
              <Text span size="sm" c="blue.7" td="underline" style={{ cursor: 'help' }}>
                {t('health.source')}
              </Text>
            </Tooltip>
          </Text>
          <Text size="xs" c="dimmed">
            {t('health.period', {
              from: formatDateTime(report.from, timeZone, lang),
              to: formatDateTime(report.to, timeZone, lang),
              zone: report.timeZone,
            })}
          </Text>
          {report.warnings.length > 0 ? (
            <Alert color="red" variant="light" title={t('health.warningsTitle')} data-testid="health-warnings">
              <HealthWarningList warnings={report.warnings} />
            </Alert>
          ) : (
            <Alert color="teal" variant="light" data-testid="health-ok">
              {t('health.noWarnings')}
            </Alert>
          )}
          <Card withBorder>
            <Title order={4} mb="sm">
              {t('health.campaigns')}
            </Title>
            {report.campaigns.length === 0 ? (
              <Text size="sm" c="dimmed" data-testid="health-no-campaigns">
                {t('health.noCampaigns')}
              </Text>
            ) : (
              <Table striped verticalSpacing={6} data-testid="health-campaigns">
                {head(t('health.col.campaign'))}
                <Table.Tbody>
                  {report.campaigns.map((c) => {
                    const hot = { optOut: flagged.has(`${c.campaign}/opt_out_rate`), complaint: flagged.has(`${c.campaign}/complaint_rate`) };
                    return (
                      <Table.Tr key={c.campaign} data-testid="health-campaign" data-campaign={c.campaign} data-warn={hot.optOut || hot.complaint}>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {c.name}
                          </Text>
                          <Group gap={4}>
                            <Badge size="xs" variant="light" tt="none">
                              {isCampaignChannel(c.channel) ? channelLabel(t, c.channel) : c.channel}
                            </Badge>
                            <Text size="xs" c="dimmed">
                              {c.startedAt ? formatDateTime(c.startedAt, timeZone, lang) : '—'} · {c.week}
                            </Text>
                          </Group>
                        </Table.Td>
                        {figures(c, hot)}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            )}
          </Card>
          <Card withBorder>
            <Title order={4} mb="sm">
              {t('health.byWeek')}
            </Title>
            <Table striped verticalSpacing={6} data-testid="health-weeks-table">
              {head(t('health.col.week'))}
              <Table.Tbody>
                {[...report.weeks].reverse().map((w) => (
                  <Table.Tr key={w.week} data-testid="health-week" data-week={w.week}>
                    <Table.Td>
                      <Text size="sm">
                        {t('health.weekOf', { week: Number(w.week.slice(6)), year: w.week.slice(0, 4), from: formatDay(w.from, lang) })}
                      </Text>
                      {(w.optOutsAll > 0 || w.quality > 0) && (
                        <Text size="xs" c="dimmed">
                          {t('health.col.optOutsAll')}: {n(w.optOutsAll)}
                          {w.quality > 0 ? ` · ${t('health.col.quality')}: ${n(w.quality)}` : ''}
                        </Text>
                      )}
                    </Table.Td>
                    {figures(w, { optOut: false, complaint: false })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <QualitySignals report={report} timeZone={timeZone} />
        </>
      )}
    </Stack>
  );
}

/** How a rating reads at a glance: Meta's green/high/approved are fine, yellow/medium/flagged a warning, the rest bad. */
function ratingColor(rating: string): string {
  const r = rating.toUpperCase();
  if (['GREEN', 'HIGH', 'APPROVED', 'UNFLAGGED', 'UPGRADE', 'CONNECTED', 'REINSTATED'].includes(r)) return 'green';
  if (['YELLOW', 'MEDIUM', 'FLAGGED', 'PENDING', 'UNKNOWN'].includes(r)) return 'yellow';
  return 'red';
}

/** WhatsApp quality signals kept from the relay in the report's weeks, newest first. */
function QualitySignals({ report, timeZone }: { report: HealthReport; timeZone: string | undefined }) {
  const { t, i18n } = useTranslation();
  const signals = report.quality.signals;
  if (!report.quality.stored)
    return (
      <Text size="sm" c="dimmed" data-testid="health-quality">
        {t('health.qualityNone')}
      </Text>
    );
  if (signals.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="health-quality">
        {t('health.qualityEmpty')}
      </Text>
    );
  return (
    <Card withBorder padding="md" data-testid="health-quality">
      <Title order={4} mb="xs">
        {t('health.qualityCount', { count: signals.length })}
      </Title>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('health.qualityCol.when')}</Table.Th>
            <Table.Th>{t('health.qualityCol.provider')}</Table.Th>
            <Table.Th>{t('health.qualityCol.topic')}</Table.Th>
            <Table.Th>{t('health.qualityCol.rating')}</Table.Th>
            <Table.Th>{t('health.qualityCol.detail')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {signals.map((q, i) => (
            <Table.Tr key={`${q.at}-${i}`} data-testid="quality-signal" data-topic={q.topic} data-rating={q.rating}>
              <Table.Td>{formatDateTime(q.at, timeZone, i18n.language)}</Table.Td>
              <Table.Td>{q.provider}</Table.Td>
              <Table.Td>{t(`health.qualityTopic.${q.topic}`)}</Table.Td>
              <Table.Td>
                <Badge color={ratingColor(q.rating)} variant="light">
                  {q.rating}
                </Badge>
              </Table.Td>
              {/* A phone-quality signal's detail is Meta's messaging-limit tier code (TIER_1K), worded here. */}
              <Table.Td>{q.topic === 'phone_quality' && q.detail ? t('health.qualityLimit', { limit: q.detail }) : q.detail}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
