import { useRef, useState } from 'react';
import { Button, Card, Group, Loader, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore } from '../../stores/import.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatBytes } from '../../components/format';

/** Step 1: pick or drop a CSV file; it is uploaded in chunks with a progress bar, then read. */
export function FileStep() {
  const { t, i18n } = useTranslation();
  const upload = useImportStore((s) => s.upload);
  const inspecting = useImportStore((s) => s.inspecting);
  const error = useImportStore((s) => s.error);
  const chooseFile = useImportStore((s) => s.chooseFile);
  const cancelUpload = useImportStore((s) => s.cancelUpload);
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const working = upload !== null || inspecting;
  const size = (n: number) => formatBytes(n, i18n.language);

  return (
    <Stack>
      <div
        className={`drop-zone${over ? ' over' : ''}${working ? ' disabled' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          if (!working) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const file = e.dataTransfer.files[0];
          if (file && !working) void chooseFile(file);
        }}
      >
        <div className="drop-zone-icon" aria-hidden>
          CSV · XLSX
        </div>
        <Text fw={600} size="lg">
          {t('import.file.drop')}
        </Text>
        <Text c="dimmed" size="sm">
          {t('import.file.or')}
        </Text>
        <Button onClick={() => inputRef.current?.click()} disabled={working} data-testid="choose-file">
          {t('import.file.choose')}
        </Button>
        <Text c="dimmed" size="xs" maw={560} ta="center">
          {t('import.file.hint')}
        </Text>
        <input
          ref={inputRef}
          type="file"
          accept=".csv,.tsv,.txt,.xlsx,.xls,.htm,.html,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            // Clear it so choosing the same file again still counts as a choice.
            e.currentTarget.value = '';
            if (file) void chooseFile(file);
          }}
        />
      </div>
      {upload && (
        <Card withBorder data-testid="upload-progress">
          <Group justify="space-between" mb={6} wrap="nowrap">
            <Text size="sm" truncate>
              {t('import.file.uploading', { name: upload.name })}
            </Text>
            <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {t('import.file.uploaded', { sent: size(upload.sent), total: size(upload.total) })}
            </Text>
          </Group>
          <Progress value={upload.total > 0 ? (upload.sent / upload.total) * 100 : 100} animated />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" size="xs" onClick={cancelUpload} data-testid="cancel-upload">
              {t('import.cancel')}
            </Button>
          </Group>
        </Card>
      )}
      {inspecting && (
        <Group gap="xs" data-testid="reading">
          <Loader size="xs" />
          <Text size="sm">{t('import.file.reading')}</Text>
        </Group>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
}
