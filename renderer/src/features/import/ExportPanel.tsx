import { useState } from 'react';
import { Alert, Button, Card, Group, Radio, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useExportStore } from '../../stores/export.store';
import { useSettingsStore } from '../../stores/settings.store';
import { DateTimeField } from '../../components/DateField';
import { isLocalDateTime } from '../../components/dates';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatBytes, formatNumber, localInputToIso } from '../../components/format';

type What = 'contacts' | 'suppression' | 'history';
/** File formats a shop owner recognises by the program they open it with. */
const FORMATS = {
  utf8: { encoding: 'utf-8', delimiter: ',' },
  utf8Semicolon: { encoding: 'utf-8', delimiter: ';' },
  cp1251: { encoding: 'windows-1251', delimiter: ';' },
} as const;
type Format = keyof typeof FORMATS;
/** Who the file is for: a CRM to import it, or a person opening it in Excel. */
type For = 'excel' | 'crm';

/** Export contacts with their consent (now or as of a past moment), the suppression list or the full history as CSV. */
export function ExportPanel() {
  const { t, i18n } = useTranslation();
  const busy = useExportStore((s) => s.busy);
  const last = useExportStore((s) => s.last);
  const error = useExportStore((s) => s.error);
  const create = useExportStore((s) => s.create);
  const downloadAgain = useExportStore((s) => s.downloadAgain);
  const timeZone = useSettingsStore((s) => s.settings?.timezone ?? 'UTC');
  const [what, setWhat] = useState<What>('contacts');
  const [asOf, setAsOf] = useState('');
  const [format, setFormat] = useState<Format>('utf8');
  const [target, setTarget] = useState<For>('excel');
  const language = i18n.language.startsWith('ru') ? 'ru' : 'en';
  const fieldError = useFieldError(error);

  const submit = () => {
    // What was typed is not a date and time yet: the field says how to write it; nothing is exported.
    if (what === 'contacts' && asOf && !isLocalDateTime(asOf)) return;
    void create({
      what,
      for: target,
      language,
      // A CRM file takes its separator from the language (`;` in Russian); Excel's follows the chosen format.
      ...(target === 'excel' ? FORMATS[format] : {}),
      ...(what === 'contacts' && asOf ? { at: localInputToIso(asOf, timeZone) } : {}),
    });
  };

  return (
    <Stack maw={900}>
      <Card withBorder>
        <SimpleGrid cols={2} spacing="xl">
          <Radio.Group
            label={<Title order={5}>{t('export.what')}</Title>}
            value={what}
            onChange={(v) => setWhat(v as What)}
            data-testid="export-what"
          >
            <Stack gap="sm" mt="xs">
              {(['contacts', 'suppression', 'history'] as const).map((w) => (
                <Radio key={w} value={w} label={t(`export.${w}`)} description={t(`export.${w}Hint`)} data-testid={`export-${w}`} />
              ))}
            </Stack>
          </Radio.Group>
          <Stack gap="lg">
            <Radio.Group
              label={<Title order={5}>{t('export.for')}</Title>}
              value={target}
              onChange={(v) => setTarget(v as For)}
              data-testid="export-for"
            >
              <Stack gap="sm" mt="xs">
                <Radio value="excel" label={t('export.forExcel')} description={t('export.forExcelHint')} data-testid="export-for-excel" />
                <Radio value="crm" label={t('export.forCrm')} description={t(`export.forCrmHint`)} data-testid="export-for-crm" />
              </Stack>
            </Radio.Group>
            {target === 'excel' && (
              <Radio.Group
                label={<Title order={5}>{t('export.format')}</Title>}
                value={format}
                onChange={(v) => setFormat(v as Format)}
                data-testid="export-format"
              >
                <Stack gap="sm" mt="xs">
                  {(Object.keys(FORMATS) as Format[]).map((f) => (
                    <Radio
                      key={f}
                      value={f}
                      label={t(`export.formats.${f}`)}
                      description={t(`export.formats.${f}Hint`)}
                      data-testid={`format-${f}`}
                    />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            {what === 'contacts' && (
              <DateTimeField
                label={t('export.asOf')}
                description={t('export.asOfHint', { zone: timeZone })}
                value={asOf}
                onChange={setAsOf}
                error={fieldError('at')}
                maw={380}
                data-testid="export-at"
              />
            )}
          </Stack>
        </SimpleGrid>
        <Group mt="lg">
          <Button onClick={submit} loading={busy} data-testid="export-run">
            {t('export.run')}
          </Button>
        </Group>
      </Card>
      {last && (
        <Alert color="green" variant="light" title={t('export.doneTitle')} data-testid="export-result">
          <Text size="sm">
            {t('export.done', { rows: formatNumber(last.rows, i18n.language), name: last.name, size: formatBytes(last.bytes, i18n.language) })}
          </Text>
          <Button variant="transparent" size="compact-sm" px={0} onClick={() => void downloadAgain()} data-testid="export-again">
            {t('export.again')}
          </Button>
        </Alert>
      )}
      {last && last.lossy > 0 && (
        <Alert color="orange" variant="light" title={t('export.lossyTitle')} data-testid="export-lossy">
          {t('export.lossy', { count: last.lossy, n: formatNumber(last.lossy, i18n.language) })}
        </Alert>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
}
