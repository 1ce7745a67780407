import { useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePaperStore, type AttachedScan, type OpenSheet } from '../../stores/paper.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useAppStore } from '../../stores/app.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatBytes, formatDateTime, formatPhone } from '../../components/format';
import { formatSheetDate } from './dates';
import { staffLabel } from '../../components/staff';

/** What the sheet is: serial, form, how far its entry has got, its scans, and what its boxes mean. */
export function SheetHeader({ open }: { open: OpenSheet }) {
  const { t, i18n } = useTranslation();
  const settings = useSettingsStore((s) => s.settings);
  const { sheet, form } = open;
  const entered = sheet.enteredRows;
  const done = entered >= sheet.rows;
  const when = (iso: string) => formatDateTime(iso, settings?.timezone, i18n.language);
  return (
    <Card withBorder padding="md" data-testid="sheet-header" data-serial={sheet.serial}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="wrap">
            <Title order={3} className="mono" data-testid="sheet-serial">
              {sheet.serial}
            </Title>
            <Badge variant="light" tt="none">
              {t(`paper.layout.${sheet.layout}`)}
            </Badge>
            {sheet.notReturned && (
              <Badge color="red" tt="none">
                {t('paper.list.notReturned')}
              </Badge>
            )}
            {done && (
              <Badge color="green" tt="none" data-testid="sheet-complete">
                {t('paper.list.complete')}
              </Badge>
            )}
          </Group>
          <Text fw={500}>
            <Text span className="mono" fw={700}>
              {sheet.formCode}
            </Text>{' '}
            · {sheet.formTitle}{' '}
            <Text span c="dimmed" size="sm">
              ({form.language.toUpperCase()})
            </Text>
          </Text>
          <Text size="xs" c="dimmed">
            {t('paper.sheet.printed', { date: when(sheet.printedAt), by: staffLabel(sheet.printedBy, t), paper: sheet.paper.toUpperCase() })}
          </Text>
          <Group gap={6} mt={4}>
            <Text size="xs" c="dimmed">
              {t('paper.sheet.boxes')}
            </Text>
            {form.channels.map((c) => (
              <Badge key={c} size="sm" variant="outline" color="teal" tt="none">
                {t(`channel.${c}`)}
              </Badge>
            ))}
            {form.purposes.map((p) => (
              <Badge key={p} size="sm" variant="outline" color="grape" tt="none">
                {t(`purpose.${p}`)}
              </Badge>
            ))}
          </Group>
        </Stack>
        <Stack gap={6} w={220} style={{ flexShrink: 0 }}>
          <Group justify="space-between" gap="xs">
            <Text size="sm" c="dimmed">
              {t('paper.sheet.entered')}
            </Text>
            <Text fw={700} data-testid="sheet-progress">
              {entered} / {sheet.rows}
            </Text>
          </Group>
          <Progress value={sheet.rows ? (entered / sheet.rows) * 100 : 0} color={done ? 'green' : 'teal'} size="md" />
          <Group justify="space-between" gap="xs">
            <Text size="sm" c="dimmed">
              {t('paper.sheet.scans')}
            </Text>
            <Text fw={600} data-testid="sheet-scans">
              {sheet.scans}
            </Text>
          </Group>
        </Stack>
      </Group>
      {settings?.effectivePolicy.doubleOptIn && (
        <Alert color="blue" variant="light" mt="sm" p="xs" data-testid="double-opt-in-note">
          <Text size="sm">{t('paper.sheet.doubleOptIn', { pack: settings.effectivePolicy.id.toUpperCase() })}</Text>
        </Alert>
      )}
    </Card>
  );
}

/** The rows already typed in from this sheet; a click opens the customer. */
export function EnteredRows({ open }: { open: OpenSheet }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const lastEntered = usePaperStore((s) => s.lastEntered);
  const go = useAppStore((s) => s.go);
  const rows = [...open.rows].sort((a, b) => a.row - b.row);
  return (
    <Card withBorder padding={0}>
      <Group justify="space-between" px="md" py="sm">
        <Title order={5}>{t('paper.rows.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('paper.rows.count', { done: rows.length, total: open.sheet.rows })}
        </Text>
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm" px="md" pb="md" data-testid="rows-empty">
          {t('paper.rows.empty')}
        </Text>
      ) : (
        <Table highlightOnHover verticalSpacing={6} data-testid="entered-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={56}>{t('paper.entry.row')}</Table.Th>
              <Table.Th>{t('paper.entry.name')}</Table.Th>
              <Table.Th>{t('paper.entry.phone')}</Table.Th>
              <Table.Th>{t('paper.rows.signedOn')}</Table.Th>
              <Table.Th>{t('paper.rows.entered')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => {
              const fresh = lastEntered?.serial === open.sheet.serial && lastEntered.row === r.row;
              return (
                <Table.Tr
                  key={r.row}
                  data-testid="entered-row"
                  data-row={r.row}
                  tabIndex={0}
                  style={{ cursor: 'pointer', background: fresh ? 'var(--mantine-color-green-0)' : undefined }}
                  onClick={() => go({ screen: 'contact', contactId: r.contactId })}
                  onKeyDown={(e) => e.key === 'Enter' && go({ screen: 'contact', contactId: r.contactId })}
                  title={t('paper.rows.open')}
                >
                  <Table.Td className="mono" fw={600}>
                    {r.row}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500} c={r.name ? undefined : 'dimmed'} truncate maw={220}>
                      {r.name || t('paper.rows.noName')}
                    </Text>
                  </Table.Td>
                  <Table.Td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {formatPhone(r.phone)}
                  </Table.Td>
                  <Table.Td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {formatSheetDate(r.signedOn, i18n.language)}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{formatDateTime(r.enteredAt, timeZone, i18n.language)}</Text>
                    <Text size="xs" c="dimmed">
                      {t('paper.rows.by', { name: staffLabel(r.enteredBy, t) })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** Photos and scans of the signed sheet: attach one, see the ones kept (by their SHA-256). */
export function ScanPanel({ open, onAttached }: { open: OpenSheet; onAttached?: () => void }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const attachScan = usePaperStore((s) => s.attachScan);
  const input = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [result, setResult] = useState<AttachedScan | null>(null);
  const [error, setError] = useState<unknown>(null);

  const attach = async (file: File) => {
    setError(null);
    setResult(null);
    setUpload({ name: file.name, sent: 0, total: file.size });
    try {
      const r = await attachScan(file, (sent) => setUpload({ name: file.name, sent, total: file.size }));
      setResult(r);
      if (r) onAttached?.();
    } catch (err) {
      setError(err);
    } finally {
      setUpload(null);
    }
  };

  return (
    <Card withBorder padding="md" data-testid="scans">
      <Stack gap="sm">
        <Title order={5}>{t('paper.scans.title')}</Title>
        <Text size="xs" c="dimmed">
          {t('paper.scans.hint')}
        </Text>
        <input
          ref={input}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/heic,image/tiff,application/pdf,.heic,.tif,.tiff"
          style={{ display: 'none' }}
          data-testid="scan-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) void attach(file);
          }}
        />
        <Button variant="light" onClick={() => input.current?.click()} loading={upload !== null} data-testid="attach-scan">
          {t('paper.scans.attach')}
        </Button>
        {upload && <Progress value={upload.total ? (upload.sent / upload.total) * 100 : 100} animated aria-label={upload.name} />}
        <ErrorAlert error={error} />
        {result && (
          <Text size="sm" c={result.duplicate ? 'orange.8' : 'green.8'} data-testid="scan-result">
            {result.duplicate ? t('paper.scans.duplicate') : t('paper.scans.attached', { sha: result.sha256.slice(0, 12) })}
          </Text>
        )}
        {open.scans.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="scans-empty">
            {t('paper.scans.none')}
          </Text>
        ) : (
          <Stack gap={6}>
            {open.scans.map((s) => (
              <div key={s.sha256} data-testid="scan" style={{ borderLeft: '3px solid var(--mantine-color-teal-4)', paddingLeft: 8 }}>
                <Text size="sm" fw={500} truncate title={s.fileName}>
                  {s.fileName}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatBytes(s.bytes, i18n.language)} · SHA-256{' '}
                  <Text span className="mono" size="xs" c="dark" data-testid="scan-sha">
                    {s.sha256.slice(0, 12)}…
                  </Text>
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(s.addedAt, timeZone, i18n.language)} · {t('paper.scans.by', { name: staffLabel(s.addedBy, t) })}
                </Text>
              </div>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
