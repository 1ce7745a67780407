import { Alert, Button, Card, Group, Progress, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportJob, ImportSummary } from '../../../../shared/contract/api';
import { formatNumber } from '../../components/format';
import { translateSaid } from '../../i18n/errors';

type Figure = { key: keyof ImportSummary; color?: string };

const CONTACT_FIGURES: Figure[] = [
  { key: 'rows' },
  { key: 'created', color: 'teal.8' },
  { key: 'updated', color: 'blue.8' },
  { key: 'merged' },
  { key: 'unchanged' },
  { key: 'rejected', color: 'red.8' },
];
const CONSENT_FIGURES: Figure[] = [
  { key: 'consentsGranted', color: 'green.8' },
  { key: 'claims', color: 'orange.8' },
  { key: 'requests', color: 'yellow.8' },
  { key: 'revocations', color: 'red.8' },
  { key: 'needsPersonalData', color: 'orange.8' },
  { key: 'warnings', color: 'orange.8' },
];

/** The figures of a preview or a finished import, in two groups: contacts and consents. */
export function ImportFigures({ summary }: { summary: ImportSummary }) {
  const { t, i18n } = useTranslation();
  const tile = ({ key, color }: Figure) => {
    const value = summary[key] as number;
    return (
      <div key={key} className="figure" data-testid={`fig-${key}`} data-value={value}>
        <Text size="xs" c="dimmed" lh={1.3} mih={32}>
          {t(`import.figures.${key}`)}
        </Text>
        <Text fw={700} fz={22} c={value > 0 ? color : 'dimmed'} className="mono">
          {formatNumber(value, i18n.language)}
        </Text>
      </div>
    );
  };
  return (
    <Stack gap="sm">
      <Text fw={600} size="sm">
        {t('import.figures.contactsGroup')}
      </Text>
      <div className="figures">{CONTACT_FIGURES.map(tile)}</div>
      <Text fw={600} size="sm" mt="xs">
        {t('import.figures.consentsGroup')}
      </Text>
      <div className="figures">{CONSENT_FIGURES.filter((f) => f.key !== 'needsPersonalData' || summary.needsPersonalData > 0).map(tile)}</div>
      {summary.claims > 0 && (
        <Alert color="orange" variant="light" data-testid="claims-note" title={t('import.figures.claimsTitle')}>
          {t('import.figures.claimsNote')}
        </Alert>
      )}
      {summary.requests > 0 && (
        <Text size="sm" c="dimmed">
          {t('import.figures.requestsNote')}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        {t('import.figures.optOutsNote')}
      </Text>
    </Stack>
  );
}

/** The first rejected rows with their row numbers and reasons; the report holds every one. */
export function RejectedRows({ summary, onDownload, downloading }: { summary: ImportSummary; onDownload: () => void; downloading: boolean }) {
  const { t, i18n } = useTranslation();
  if (summary.rejected === 0 && summary.warnings === 0) return null;
  return (
    <Card withBorder p={0}>
      <Group justify="space-between" px="md" py="sm" wrap="nowrap">
        <div>
          <Title order={5}>{t('import.rejected.title')}</Title>
          <Text size="xs" c="dimmed">
            {summary.rejected > summary.errors.length
              ? t('import.rejected.firstOf', {
                  shown: formatNumber(summary.errors.length, i18n.language),
                  total: formatNumber(summary.rejected, i18n.language),
                })
              : t('import.rejected.reportHint')}
          </Text>
        </div>
        {summary.reportFileId && (
          <Button variant="light" size="xs" onClick={onDownload} loading={downloading} data-testid="download-report" style={{ flexShrink: 0 }}>
            {t('import.downloadReport')}
          </Button>
        )}
      </Group>
      {summary.errors.length > 0 ? (
        <ScrollArea.Autosize mah={280} type="auto">
          <Table fz="sm" verticalSpacing={6} data-testid="rejected-table" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>{t('import.rejected.row')}</Table.Th>
                <Table.Th>{t('import.rejected.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {summary.errors.map((e) => (
                <Table.Tr key={e.row} data-testid="rejected-row">
                  <Table.Td className="mono">{formatNumber(e.row, i18n.language)}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{translateSaid(t, e.said)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      ) : (
        <Text size="sm" c="dimmed" px="md" pb="sm">
          {t('import.rejected.none', { count: formatNumber(summary.warnings, i18n.language) })}
        </Text>
      )}
    </Card>
  );
}

/** A running preview or import: how far it is, and a way to stop it. */
export function JobProgress({
  job,
  title,
  note,
  onCancel,
  cancelling,
}: {
  job: ImportJob | null;
  title: string;
  note: string;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const { t, i18n } = useTranslation();
  const total = job?.progress.totalBytes ?? 0;
  const read = job?.progress.bytesRead ?? 0;
  const percent = total > 0 ? Math.min(100, (read / total) * 100) : 0;
  return (
    <Card withBorder data-testid="job-progress">
      <Group justify="space-between" mb={6}>
        <Text fw={600}>{title}</Text>
        <Text size="sm" c="dimmed" className="mono" data-testid="job-rows">
          {t('import.progress.rows', { rows: formatNumber(job?.progress.rows ?? 0, i18n.language), percent: Math.floor(percent) })}
        </Text>
      </Group>
      <Progress value={percent} animated size="lg" />
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          {note}
        </Text>
        <Button variant="default" onClick={onCancel} loading={cancelling} disabled={!job} data-testid="cancel-job">
          {t('import.cancel')}
        </Button>
      </Group>
    </Card>
  );
}
