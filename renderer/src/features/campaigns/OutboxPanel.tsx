import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Loader, Modal, Progress, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCampaignStore, type Progress as BatchProgress, type Report } from '../../stores/campaign.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PdfPreview } from '../../components/PdfPreview';
import { formatDateTime, formatNumber } from '../../components/format';
import { translateSaid } from '../../i18n/errors';
import { reasonLabel } from './labels';
import { useNow } from '../../components/use-now';

const FIGURES = [
  { key: 'sent', color: 'teal' },
  { key: 'delivered', color: 'green' },
  { key: 'failed', color: 'red' },
  { key: 'skipped', color: 'gray' },
  { key: 'pending', color: 'blue' },
  { key: 'unknown', color: 'yellow' },
] as const;

/** The outbox of a campaign: live progress, the paused banner, pause and resume, and the reports. */
export function OutboxPanel({ progress, plannedAt }: { progress: BatchProgress; plannedAt: string }) {
  const { t, i18n } = useTranslation();
  const pause = useCampaignStore((s) => s.pause);
  const resume = useCampaignStore((s) => s.resume);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const now = useNow(5_000);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'pause' | 'resume' | null>(null);
  const lang = i18n.language;
  const when = (iso: string | null) => formatDateTime(iso, timeZone, lang);

  const total = Object.values(progress.counts).reduce((a, b) => a + b, 0);
  const done = total - progress.pending;
  const pct = (v: number) => (total ? (v / total) * 100 : 0);
  const act = async (what: 'pause' | 'resume') => {
    setBusy(what);
    setError(null);
    try {
      await (what === 'pause' ? pause() : resume());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const sending = progress.state === 'sending';
  const skipReasons = Object.entries(progress.skipReasons).filter(([, n]) => n > 0);

  return (
    <Card withBorder data-testid="outbox" data-state={progress.state} data-running={progress.running}>
      <Group justify="space-between" mb="xs">
        <Group gap="sm">
          <Title order={4}>{t('campaigns.outbox.title')}</Title>
          {progress.running && !progress.paused && Date.parse(plannedAt) > now && (
            <Text size="sm" c="grape.8" data-testid="outbox-scheduled">
              {t('campaigns.outbox.scheduled', { when: when(plannedAt) })}
            </Text>
          )}
          {progress.running && !progress.paused && Date.parse(plannedAt) <= now && (
            <Group gap={6} data-testid="outbox-running">
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                {t('campaigns.outbox.running')}
              </Text>
            </Group>
          )}
          {progress.state === 'done' && (
            <Text size="sm" c="teal.8" fw={600} data-testid="outbox-done">
              {t('campaigns.outbox.done', { when: when(progress.finishedAt) })}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          {sending && !progress.paused && (
            <Button variant="default" size="xs" onClick={() => void act('pause')} loading={busy === 'pause'} data-testid="pause">
              {t('campaigns.outbox.pause')}
            </Button>
          )}
          <ReportButtons />
        </Group>
      </Group>

      {progress.paused && (
        <Alert color="orange" variant="light" mb="sm" title={t('campaigns.outbox.pausedTitle')} data-testid="paused-banner">
          <Text size="sm" data-testid="paused-reason">
            {translateSaid(t, progress.paused.said)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('campaigns.outbox.pausedAt', { when: when(progress.paused.at) })}
          </Text>
          <Text size="sm" mt={6}>
            {t('campaigns.outbox.pausedHint')}
          </Text>
          <Button size="xs" mt="xs" onClick={() => void act('resume')} loading={busy === 'resume'} data-testid="resume">
            {t('campaigns.outbox.resume')}
          </Button>
        </Alert>
      )}

      {progress.retrying && !progress.paused && (
        <Alert color="yellow" variant="light" mb="sm" title={t('campaigns.outbox.retryingTitle')} data-testid="retrying-banner">
          <Text size="sm">{t('campaigns.outbox.retrying', { count: progress.retrying.count, attempts: progress.retrying.attempts })}</Text>
          {progress.retrying.answer && (
            <Text size="sm" mt={4} data-testid="retrying-answer">
              {t('campaigns.outbox.retryingAnswer', { when: when(progress.retrying.answer.at) })}{' '}
              <Text span size="sm" fw={600}>
                {translateSaid(t, progress.retrying.answer.said)}
              </Text>
            </Text>
          )}
          <Text size="sm" mt={4} data-testid="retrying-next">
            {t('campaigns.outbox.retryingNext', { when: when(progress.retrying.nextAttemptAt) })}
          </Text>
        </Alert>
      )}

      <Progress.Root size={18} data-testid="progress-bar" aria-label={t('campaigns.outbox.progressLabel', { done, total })}>
        {FIGURES.filter((f) => f.key !== 'pending' && f.key !== 'delivered').map((f) => (
          <Tooltip key={f.key} label={`${t(`campaigns.figure.${f.key}`)}: ${progress[f.key]}`}>
            <Progress.Section value={pct(progress[f.key])} color={f.color} />
          </Tooltip>
        ))}
      </Progress.Root>
      <Text size="xs" c="dimmed" mt={4} data-testid="progress-text">
        {t('campaigns.outbox.progress', { done: formatNumber(done, lang), total: formatNumber(total, lang) })}
        {progress.pending > 0 && progress.nextAttemptAt && !progress.running && !progress.paused
          ? ` · ${t('campaigns.outbox.next', { when: when(progress.nextAttemptAt) })}`
          : ''}
      </Text>

      <div className="figures" style={{ gridTemplateColumns: 'repeat(6, 1fr)', marginTop: 12 }}>
        {FIGURES.map((f) => (
          <div className="figure" key={f.key} style={{ borderTop: `3px solid var(--mantine-color-${f.color}-5)` }}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t(`campaigns.figure.${f.key}`)}
            </Text>
            <Text size="xl" fw={700} className="mono" data-testid={`fig-${f.key}`}>
              {formatNumber(progress[f.key], lang)}
            </Text>
          </div>
        ))}
      </div>
      {skipReasons.length > 0 && (
        <Group gap={6} mt="sm" data-testid="skip-reasons">
          <Text size="sm" fw={600}>
            {t('campaigns.outbox.skipReasons')}
          </Text>
          {skipReasons.map(([reason, n]) => (
            <Badge key={reason} variant="outline" color="gray" tt="none" size="lg" fw={500} data-reason={reason}>
              {reasonLabel(t, reason)}: {formatNumber(n, lang)}
            </Badge>
          ))}
        </Group>
      )}
      {progress.unknown > 0 && (
        <Text size="sm" c="yellow.9" mt="sm" data-testid="unknown-note">
          {t('campaigns.outbox.unknownNote', { count: progress.unknown })}
        </Text>
      )}
      <ErrorAlert error={error} mt="sm" />
    </Card>
  );
}

/** "Report PDF" (a preview, then save) and "Report CSV" (a download). */
function ReportButtons() {
  const { t, i18n } = useTranslation();
  const make = useCampaignStore((s) => s.report);
  const save = useCampaignStore((s) => s.saveReport);
  const [busy, setBusy] = useState<'pdf' | 'csv' | null>(null);
  const [pdf, setPdf] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const locale = i18n.language.startsWith('ru') ? 'ru' : 'en';
  const run = async (format: 'pdf' | 'csv') => {
    setBusy(format);
    setError(null);
    try {
      const report = await make(format, locale);
      if (format === 'csv') save(report);
      else setPdf(report);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <Button variant="light" size="xs" onClick={() => void run('pdf')} loading={busy === 'pdf'} data-testid="report-pdf">
        {t('campaigns.report.pdf')}
      </Button>
      <Button variant="light" size="xs" onClick={() => void run('csv')} loading={busy === 'csv'} data-testid="report-csv">
        {t('campaigns.report.csv')}
      </Button>
      {error !== null && (
        <Modal opened onClose={() => setError(null)} title={t('campaigns.report.failed')}>
          <ErrorAlert error={error} />
        </Modal>
      )}
      {pdf && (
        <Modal opened onClose={() => setPdf(null)} size={760} title={t('campaigns.report.title')}>
          <Stack data-testid="report-modal">
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {t('campaigns.report.hint')}
              </Text>
              <Button onClick={() => save(pdf)} data-testid="save-report-pdf">
                {t('campaigns.report.save')}
              </Button>
            </Group>
            <div className="preview-frame">
              <PdfPreview bytes={pdf.bytes} width={660} label={t('forms.page')} />
            </div>
          </Stack>
        </Modal>
      )}
    </>
  );
}
