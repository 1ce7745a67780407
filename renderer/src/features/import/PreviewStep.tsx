import { useState } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore } from '../../stores/import.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber } from '../../components/format';
import { ImportFigures, JobProgress, RejectedRows } from './ImportFigures';
import { WarningGroups } from './WarningGroups';

/** Step 4: a dry run of the whole file (with progress and cancel), then what an import would do. */
export function PreviewStep() {
  const { t, i18n } = useTranslation();
  const job = useImportStore((s) => s.job);
  const preview = useImportStore((s) => s.preview);
  const file = useImportStore((s) => s.file);
  const cancelling = useImportStore((s) => s.cancelling);
  const error = useImportStore((s) => s.error);
  const notice = useImportStore((s) => s.notice);
  const goTo = useImportStore((s) => s.goTo);
  const commit = useImportStore((s) => s.commit);
  const cancelJob = useImportStore((s) => s.cancelJob);
  const download = useImportStore((s) => s.download);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>(null);

  const backToMapping = (
    <Button variant="default" onClick={() => goTo('mapping')} data-testid="back-to-mapping">
      {t('import.preview.back')}
    </Button>
  );

  if (!preview) {
    return (
      <Stack>
        {error ? (
          <>
            <ErrorAlert error={error} />
            <Group>{backToMapping}</Group>
          </>
        ) : (
          <JobProgress
            job={job}
            title={t('import.preview.running')}
            note={t('import.preview.runningNote')}
            onCancel={() => void cancelJob()}
            cancelling={cancelling}
          />
        )}
      </Stack>
    );
  }

  const toImport = preview.rows - preview.rejected;
  const getReport = async () => {
    if (!preview.reportFileId) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      await download(preview.reportFileId);
    } catch (err) {
      setDownloadError(err);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack data-testid="preview">
      {notice === 'import_cancelled' && (
        <Alert color="blue" variant="light" data-testid="notice">
          {t('import.commit.cancelled')}
        </Alert>
      )}
      <Card withBorder>
        <Title order={4}>{t('import.preview.title')}</Title>
        <Text size="sm" c="dimmed" mb="md">
          {t('import.preview.intro', { name: file?.name ?? '' })}
        </Text>
        <ImportFigures summary={preview} />
      </Card>
      <WarningGroups summary={preview} />
      <RejectedRows summary={preview} onDownload={() => void getReport()} downloading={downloading} />
      <ErrorAlert error={downloadError ?? error} />
      <Group justify="space-between">
        {backToMapping}
        <Button onClick={() => void commit()} disabled={toImport <= 0} data-testid="commit">
          {t('import.preview.import', { count: toImport, n: formatNumber(toImport, i18n.language) })}
        </Button>
      </Group>
    </Stack>
  );
}
