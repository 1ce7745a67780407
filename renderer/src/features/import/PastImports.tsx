import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Group, List, Loader, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportBatch } from '../../../../shared/contract/api';
import { useImportStore, type UndoResult } from '../../stores/import.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber } from '../../components/format';
import { staffLabel, staffOptions } from '../../components/staff';
import { WinbackDialog } from '../contacts/WinbackDialog';

/** Committed imports, newest first, each with an undo. */
export function PastImports() {
  const { t, i18n } = useTranslation();
  const batches = useImportStore((s) => s.batches);
  const error = useImportStore((s) => s.batchesError);
  const loadBatches = useImportStore((s) => s.loadBatches);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const [undoing, setUndoing] = useState<ImportBatch | null>(null);
  const [asking, setAsking] = useState<ImportBatch | null>(null);
  const n = (v: number) => formatNumber(v, i18n.language);

  useEffect(() => {
    void loadBatches();
  }, [loadBatches]);

  if (!batches) return error ? <ErrorAlert error={error} /> : <Loader size="sm" />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('history.hint')}
      </Text>
      <ErrorAlert error={error} />
      {batches.length === 0 ? (
        <Card withBorder>
          <Text c="dimmed" ta="center" data-testid="history-empty">
            {t('history.empty')}
          </Text>
        </Card>
      ) : (
        <Card withBorder p={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" data-testid="history-table" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('history.batch')}</Table.Th>
                  <Table.Th>{t('history.file')}</Table.Th>
                  <Table.Th ta="right">{t('history.rows')}</Table.Th>
                  <Table.Th ta="right">{t('history.created')}</Table.Th>
                  <Table.Th ta="right">{t('history.updated')}</Table.Th>
                  <Table.Th ta="right">{t('history.consents')}</Table.Th>
                  <Table.Th ta="right">{t('history.revocations')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {batches.map((b) => (
                  <Table.Tr key={b.id} data-testid="batch-row" data-batch={b.id} style={{ opacity: b.undoneAt ? 0.65 : 1 }}>
                    <Table.Td className="mono">{n(b.id)}</Table.Td>
                    <Table.Td maw={320}>
                      <Text size="sm" fw={500} truncate title={b.fileName}>
                        {b.fileName}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t('history.when', { date: formatDateTime(b.committedAt, timeZone, i18n.language), name: staffLabel(b.committedBy, t) })}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {n(b.rows)}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {n(b.created)}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {n(b.updated)}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {n(b.consentsGranted)}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {n(b.revocations)}
                    </Table.Td>
                    <Table.Td ta="right">
                      {b.undoneAt ? (
                        <Badge color="gray" variant="light" tt="none" data-testid="batch-undone" style={{ whiteSpace: 'nowrap' }}>
                          {t('history.undoneAt', { date: formatDateTime(b.undoneAt, timeZone, i18n.language) })}
                        </Badge>
                      ) : (
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button size="xs" variant="light" onClick={() => setAsking(b)} data-testid="batch-winback" style={{ whiteSpace: 'nowrap' }}>
                            {t('winback.open')}
                          </Button>
                          <Button size="xs" variant="light" color="red" onClick={() => setUndoing(b)} data-testid="undo">
                            {t('history.undo')}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {undoing && <UndoModal batch={undoing} onClose={() => setUndoing(null)} />}
      {/* An import's people can be asked to confirm their claims later too, not only from the report right after it. */}
      <WinbackDialog opened={asking !== null} onClose={() => setAsking(null)} importBatch={asking?.id} />
    </Stack>
  );
}

/** Confirm an undo (what it does and what it keeps), then show what it did. */
function UndoModal({ batch, onClose }: { batch: ImportBatch; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const undo = useImportStore((s) => s.undo);
  const staff = useSettingsStore((s) => s.staff);
  const activeStaff = staff.filter((s) => s.active);
  const [staffName, setStaffName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<UndoResult | null>(null);
  const n = (v: number) => formatNumber(v, i18n.language);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await undo(batch.id, staffName));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={t(result ? 'history.batchTitle' : 'history.undoTitle', { batch: n(batch.id), name: batch.fileName })}
      size="lg"
    >
      {result ? (
        <Stack>
          <Alert color="green" variant="light" title={t('history.undoneTitle')} data-testid="undo-result">
            <List size="sm" spacing={2}>
              <List.Item data-testid="undo-removed">{t('history.resultRemoved', { count: n(result.contactsRemoved) })}</List.Item>
              <List.Item data-testid="undo-restored">{t('history.resultRestored', { count: n(result.contactsRestored) })}</List.Item>
              <List.Item data-testid="undo-retracted">{t('history.resultRetracted', { count: n(result.retracted) })}</List.Item>
              <List.Item data-testid="undo-kept">
                {t('history.resultKept', { count: n(result.revocationsKept), contacts: n(result.contactsKept) })}
              </List.Item>
            </List>
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="undo-done">
              {t('history.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">{t('history.undoIntro', { rows: n(batch.rows) })}</Text>
          <List size="sm" spacing={4}>
            <List.Item>{t('history.undoRemoves', { count: n(batch.created) })}</List.Item>
            <List.Item>{t('history.undoRestores', { count: n(batch.updated) })}</List.Item>
            <List.Item>{t('history.undoRetracts', { count: n(batch.consentsGranted) })}</List.Item>
          </List>
          <Alert color="blue" variant="light" data-testid="undo-keeps-optouts">
            {t('history.undoKeepsOptOuts', { count: n(batch.revocations) })}
          </Alert>
          <Select
            label={t('history.undoneBy')}
            data={staffOptions(activeStaff, t)}
            value={staffName ?? activeStaff.find((s) => s.role === 'owner')?.name ?? null}
            onChange={setStaffName}
            allowDeselect={false}
            w={280}
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('import.cancel')}
            </Button>
            <Button color="red" onClick={() => void submit()} loading={busy} data-testid="undo-confirm">
              {t('history.undoConfirm')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
