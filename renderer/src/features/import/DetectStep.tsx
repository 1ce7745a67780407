import { useState } from 'react';
import { Badge, Button, Card, Group, LoadingOverlay, ScrollArea, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore } from '../../stores/import.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatBytes, formatNumber } from '../../components/format';
import { delimiterOptions, encodingOptions } from './options';

/** Rows of the sample shown: enough to judge the encoding and columns, never the whole file. */
const SAMPLE_ROWS = 8;
const AUTO = '__auto';
/** Rows offered as the header row. */
const HEADER_ROWS = 20;

/** Step 2: how the file was read (encoding, delimiter, recognised format) and its first rows; each can be changed. */
export function DetectStep() {
  const { t, i18n } = useTranslation();
  const file = useImportStore((s) => s.file);
  const inspection = useImportStore((s) => s.inspection);
  const presetChoice = useImportStore((s) => s.presetChoice);
  const headerRowChoice = useImportStore((s) => s.headerRowChoice);
  const inspecting = useImportStore((s) => s.inspecting);
  const error = useImportStore((s) => s.error);
  const reinspect = useImportStore((s) => s.reinspect);
  const deletePreset = useImportStore((s) => s.deletePreset);
  const goTo = useImportStore((s) => s.goTo);
  const reset = useImportStore((s) => s.reset);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  if (!file || !inspection) return null;

  const builtIn = inspection.presets.filter((p) => p.kind === 'built_in');
  const saved = inspection.presets.filter((p) => p.kind === 'saved');
  const presetData = [
    { value: AUTO, label: t('import.detect.auto') },
    { group: t('import.detect.builtIn'), items: builtIn.map((p) => ({ value: p.id, label: p.name })) },
    ...(saved.length ? [{ group: t('import.detect.saved'), items: saved.map((p) => ({ value: p.id, label: p.name })) }] : []),
  ];
  // Rows the header may be on: the first twenty, and the one in use if it is further down.
  const headerRowData = [
    { value: AUTO, label: t('import.detect.headerRowAuto', { n: inspection.headerRow }) },
    ...Array.from({ length: Math.max(HEADER_ROWS, inspection.headerRow) }, (_, i) => ({
      value: String(i + 1),
      label: t('import.detect.headerRowOption', { n: i + 1 }),
    })),
  ];
  const removePreset = async (id: string) => {
    setDeleteError(null);
    try {
      await deletePreset(id);
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <Stack>
      <Card withBorder pos="relative">
        <LoadingOverlay visible={inspecting} overlayProps={{ blur: 1 }} />
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} truncate data-testid="file-name">
              {file.name}
            </Text>
            <Text size="sm" c="dimmed">
              {t('import.detect.fileFacts', {
                size: formatBytes(inspection.bytes, i18n.language),
                columns: formatNumber(inspection.headers.length, i18n.language),
              })}
            </Text>
          </div>
          {inspection.preset ? (
            <Badge color="teal" variant="light" size="lg" tt="none" data-testid="preset-badge" style={{ flexShrink: 0 }}>
              {t('import.detect.recognised', { name: inspection.preset.name })}
            </Badge>
          ) : (
            <Badge color="yellow" variant="light" size="lg" tt="none" data-testid="preset-badge" style={{ flexShrink: 0 }}>
              {t('import.detect.notRecognised')}
            </Badge>
          )}
        </Group>
        {inspection.format !== 'csv' && (
          <Text size="sm" mt="xs" data-testid="file-format">
            {t(`import.detect.formats.${inspection.format}`)}
          </Text>
        )}
        <SimpleGrid cols={{ base: 2, md: 4 }} mt="md">
          {inspection.format === 'xlsx' && (
            <Select
              label={t('import.detect.sheet')}
              description={t('import.detect.sheetHint')}
              data={inspection.sheets}
              value={inspection.sheet}
              onChange={(v) => v && void reinspect({ sheet: v, headerRow: null })}
              allowDeselect={false}
              data-testid="sheet"
            />
          )}
          {inspection.format !== 'xlsx' && (
            <Select
              label={t('import.detect.encoding')}
              description={t('import.detect.encodingHint')}
              data={encodingOptions(t, inspection.encoding)}
              value={inspection.encoding}
              onChange={(v) => v && void reinspect({ encoding: v })}
              allowDeselect={false}
              data-testid="encoding"
            />
          )}
          {inspection.format === 'csv' && (
            <Select
              label={t('import.detect.delimiter')}
              description={t('import.detect.delimiterHint')}
              data={delimiterOptions(t)}
              value={inspection.delimiter}
              onChange={(v) => v && void reinspect({ delimiter: v })}
              allowDeselect={false}
              data-testid="delimiter"
            />
          )}
          <Select
            label={t('import.detect.preset')}
            description={t('import.detect.presetHint')}
            data={presetData}
            value={presetChoice ?? AUTO}
            onChange={(v) => v && void reinspect({ preset: v === AUTO ? null : v })}
            allowDeselect={false}
            data-testid="preset"
          />
          <Select
            label={t('import.detect.headerRow')}
            description={t('import.detect.headerRowHint')}
            data={headerRowData}
            value={headerRowChoice === null ? AUTO : String(headerRowChoice)}
            onChange={(v) => v && void reinspect({ headerRow: v === AUTO ? null : Number(v) })}
            allowDeselect={false}
            data-testid="header-row"
          />
        </SimpleGrid>
        {inspection.headerRow > 1 && (
          <Text size="sm" c="dimmed" mt="xs" data-testid="header-row-note">
            {t('import.detect.headerRowNote', { n: inspection.headerRow })}
          </Text>
        )}
        {inspection.preset?.kind === 'saved' && (
          <Group justify="flex-end" mt="xs">
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={() => void removePreset(inspection.preset!.id)}
              data-testid="delete-preset"
            >
              {t('import.detect.deletePreset', { name: inspection.preset.name })}
            </Button>
          </Group>
        )}
        <ErrorAlert error={deleteError} mt="sm" />
      </Card>

      <Card withBorder p={0}>
        <Group justify="space-between" px="md" py="sm">
          <Text fw={600}>{t('import.detect.sample')}</Text>
          <Text size="xs" c="dimmed">
            {t('import.detect.sampleNote', { count: Math.min(SAMPLE_ROWS, inspection.sample.length) })}
          </Text>
        </Group>
        <ScrollArea type="auto" offsetScrollbars>
          <Table striped withColumnBorders withTableBorder={false} fz="sm" verticalSpacing={6} data-testid="sample-table">
            <Table.Thead>
              <Table.Tr>
                {inspection.headers.map((h, i) => (
                  <Table.Th key={i} className="sample-cell" title={h}>
                    {h || t('import.mapping.untitled', { n: i + 1 })}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {inspection.sample.slice(0, SAMPLE_ROWS).map((row, r) => (
                <Table.Tr key={r}>
                  {inspection.headers.map((_, c) => (
                    <Table.Td key={c} className="sample-cell" title={row[c] ?? ''}>
                      {row[c] ?? ''}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Card>

      <ErrorAlert error={error} />
      <Group justify="space-between">
        <Button variant="default" onClick={reset} data-testid="another-file">
          {t('import.anotherFile')}
        </Button>
        <Button onClick={() => goTo('mapping')} disabled={inspecting} data-testid="to-mapping">
          {t('import.detect.next')}
        </Button>
      </Group>
    </Stack>
  );
}
