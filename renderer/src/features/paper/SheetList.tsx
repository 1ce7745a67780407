import { Badge, Button, Card, Group, Loader, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SheetSummary } from '../../../../shared/contract/api';
import { usePaperStore } from '../../stores/paper.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useAppStore } from '../../stores/app.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatSheetDate, dayOf } from './dates';

/** The printed sheets, newest first: how far each is entered, its scans, and the ones that never came back. */
export function SheetList({ onOpen }: { onOpen: (serial: string) => void }) {
  const { t, i18n } = useTranslation();
  const sheets = usePaperStore((s) => s.sheets);
  const total = usePaperStore((s) => s.sheetsTotal);
  const error = usePaperStore((s) => s.sheetsError);
  const loadSheets = usePaperStore((s) => s.loadSheets);
  const openSerial = usePaperStore((s) => s.open?.sheet.serial);
  const timeZone = useSettingsStore((s) => s.settings?.timezone ?? 'UTC');
  const go = useAppStore((s) => s.go);

  if (!sheets) return error ? <ErrorAlert error={error} /> : <Loader size="sm" />;
  if (sheets.length === 0)
    return (
      <Card withBorder padding="xl" data-testid="sheets-empty">
        <Title order={4} ta="center">
          {t('paper.list.emptyTitle')}
        </Title>
        <Text c="dimmed" ta="center" mt="xs" maw={560} mx="auto">
          {t('paper.list.empty')}
        </Text>
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => go({ screen: 'forms' })} data-testid="go-forms">
            {t('paper.list.goForms')}
          </Button>
        </Group>
      </Card>
    );

  const status = (s: SheetSummary) =>
    s.notReturned ? (
      <Badge color="red" size="sm" tt="none" data-testid="not-returned">
        {t('paper.list.notReturned')}
      </Badge>
    ) : s.enteredRows >= s.rows ? (
      <Badge color="green" size="sm" variant="light" tt="none">
        {t('paper.list.complete')}
      </Badge>
    ) : s.enteredRows > 0 ? (
      <Badge color="yellow" size="sm" variant="light" tt="none">
        {t('paper.list.partly')}
      </Badge>
    ) : (
      <Badge color="gray" size="sm" variant="outline" tt="none">
        {t('paper.list.notEntered')}
      </Badge>
    );

  return (
    <Card withBorder padding={0}>
      <Group justify="space-between" px="md" py="sm">
        <Title order={5}>{t('paper.list.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('paper.list.count', { count: total })}
        </Text>
      </Group>
      <ErrorAlert error={error} />
      <Table highlightOnHover verticalSpacing={6} data-testid="sheet-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('paper.list.serial')}</Table.Th>
            <Table.Th>{t('paper.list.form')}</Table.Th>
            <Table.Th ta="right">{t('paper.list.entered')}</Table.Th>
            <Table.Th ta="right">{t('paper.list.scans')}</Table.Th>
            <Table.Th>{t('paper.list.printed')}</Table.Th>
            <Table.Th>{t('paper.list.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sheets.map((s) => (
            <Table.Tr
              key={s.serial}
              data-testid="sheet-item"
              data-serial={s.serial}
              tabIndex={0}
              style={{ cursor: 'pointer', background: s.serial === openSerial ? 'var(--mantine-color-teal-0)' : undefined }}
              onClick={() => onOpen(s.serial)}
              onKeyDown={(e) => e.key === 'Enter' && onOpen(s.serial)}
            >
              <Table.Td className="mono" fw={600}>
                {s.serial}
              </Table.Td>
              <Table.Td>
                <Text size="sm" truncate maw={320}>
                  <Text span className="mono" fw={600} size="sm">
                    {s.formCode}
                  </Text>{' '}
                  · {s.formTitle}
                </Text>
              </Table.Td>
              <Table.Td ta="right" className="mono">
                {s.enteredRows} / {s.rows}
              </Table.Td>
              <Table.Td ta="right" className="mono">
                {s.scans}
              </Table.Td>
              <Table.Td className="mono" style={{ whiteSpace: 'nowrap' }}>
                {formatSheetDate(dayOf(s.printedAt, timeZone), i18n.language)}
              </Table.Td>
              <Table.Td>{status(s)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {sheets.length < total && (
        <Group justify="center" p="sm">
          <Button variant="subtle" size="xs" onClick={() => void loadSheets(true)} data-testid="sheets-more">
            {t('paper.list.more', { rest: total - sheets.length })}
          </Button>
        </Group>
      )}
    </Card>
  );
}
