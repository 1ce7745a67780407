import { useState } from 'react';
import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore } from '../../stores/import.store';
import { useAppStore } from '../../stores/app.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber } from '../../components/format';
import { ImportFigures, JobProgress, RejectedRows } from './ImportFigures';
import { WarningGroups } from './WarningGroups';
import { WinbackDialog } from '../contacts/WinbackDialog';

/** Step 5: the import itself (with progress and cancel: nothing is written until it ends), then its report. */
export function CommitStep() {
  const { t, i18n } = useTranslation();
  const job = useImportStore((s) => s.job);
  const result = useImportStore((s) => s.result);
  const file = useImportStore((s) => s.file);
  const cancelling = useImportStore((s) => s.cancelling);
  const error = useImportStore((s) => s.error);
  const goTo = useImportStore((s) => s.goTo);
  const cancelJob = useImportStore((s) => s.cancelJob);
  const download = useImportStore((s) => s.download);
  const reset = useImportStore((s) => s.reset);
  const setTab = useImportStore((s) => s.setTab);
  const go = useAppStore((s) => s.go);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [winback, setWinback] = useState(false);

  if (!result) {
    return (
      <Stack>
        {error ? (
          <>
            <ErrorAlert error={error} />
            <Text size="sm" c="dimmed">
              {t('import.commit.failedNote')}
            </Text>
            <Group>
              <Button variant="default" onClick={() => goTo('preview')} data-testid="back-to-preview">
                {t('import.commit.back')}
              </Button>
            </Group>
          </>
        ) : (
          <JobProgress
            job={job}
            title={t('import.commit.running')}
            note={t('import.commit.runningNote')}
            onCancel={() => void cancelJob()}
            cancelling={cancelling}
          />
        )}
      </Stack>
    );
  }

  const getReport = async () => {
    if (!result.reportFileId) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      await download(result.reportFileId);
    } catch (err) {
      setDownloadError(err);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack data-testid="report">
      <Alert color="green" variant="light" title={t('import.commit.doneTitle', { name: file?.name ?? result.file.name })} data-testid="report-done">
        <Text size="sm">
          {t('import.commit.batch', { batch: result.batch === null ? '' : formatNumber(result.batch, i18n.language) })}{' '}
          <Button variant="transparent" size="compact-sm" px={0} onClick={() => setTab('history')} data-testid="to-history">
            {t('import.commit.undoHint')}
          </Button>
        </Text>
      </Alert>
      <Card withBorder>
        <ImportFigures summary={result} />
      </Card>
      {result.batch !== null && (result.claims > 0 || result.consentsGranted > 0) && (
        <Card withBorder data-testid="report-winback">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={4}>
              <Text fw={600}>{t('winback.importTitle')}</Text>
              <Text size="sm" c="dimmed">
                {t('winback.importIntro', { count: result.claims, claims: formatNumber(result.claims, i18n.language) })}
              </Text>
            </Stack>
            <Button variant="light" onClick={() => setWinback(true)} data-testid="report-winback-open" style={{ flexShrink: 0 }}>
              {t('winback.open')}
            </Button>
          </Group>
        </Card>
      )}
      <WarningGroups summary={result} />
      <RejectedRows summary={result} onDownload={() => void getReport()} downloading={downloading} />
      <ErrorAlert error={downloadError} />
      <WinbackDialog opened={winback} onClose={() => setWinback(false)} importBatch={result.batch ?? undefined} />
      <Group justify="space-between">
        <Button variant="default" onClick={reset} data-testid="import-another">
          {t('import.commit.another')}
        </Button>
        <Button onClick={() => go({ screen: 'contacts' })} data-testid="open-contacts">
          {t('import.commit.openContacts')}
        </Button>
      </Group>
    </Stack>
  );
}
