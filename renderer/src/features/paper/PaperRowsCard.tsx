import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Modal, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract/api';
import { call } from '../../api/client';
import { usePaperStore } from '../../stores/paper.store';
import { useContactStore } from '../../stores/contact.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatDateTime, formatDay, formatPhone } from '../../components/format';
import { staffLabel } from '../../components/staff';

type ContactRow = Output<'sheets.contactRows'>['rows'][number];

/**
 * The contact's paper rows: each sheet and row they were entered from, what was written on it, and whether it was
 * corrected or voided since. A row typed wrong is corrected (the number or name as written) or voided (it should
 * never have counted) here, with the reason; both are kept in the register with who did it and when.
 */
export function PaperRowsCard({ contactId }: { contactId: number }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const reloadContact = useContactStore((s) => s.load);
  const [rows, setRows] = useState<ContactRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<{ row: ContactRow; action: 'void' | 'correct' } | null>(null);

  const fetchRows = useCallback(async () => (await call('sheets.contactRows', { contactId })).rows, [contactId]);
  const load = useCallback(async () => {
    try {
      setRows(await fetchRows());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [fetchRows]);
  useEffect(() => {
    let live = true;
    fetchRows().then(
      (r) => {
        if (!live) return;
        setRows(r);
        setError(null);
      },
      (err: unknown) => {
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [fetchRows]);

  if (error) return <ErrorAlert error={error} onRetry={() => void load()} />;
  if (!rows || rows.length === 0) return null;
  const when = (iso: string) => formatDateTime(iso, timeZone, i18n.language);

  return (
    <Card withBorder padding="sm" data-testid="paper-rows">
      <Title order={4} mb="xs">
        {t('paper.contactRows.title')}
      </Title>
      <Table data-testid="paper-rows-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('paper.contactRows.sheet')}</Table.Th>
            <Table.Th>{t('paper.contactRows.written')}</Table.Th>
            <Table.Th>{t('paper.rows.signedOn')}</Table.Th>
            <Table.Th>{t('paper.contactRows.state')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => {
            const c = r.correction;
            const name = c?.writtenName ?? r.writtenName;
            const phone = c?.writtenPhone ?? r.writtenPhone;
            return (
              <Table.Tr key={`${r.serial}-${r.row}`} data-testid="paper-row" data-state={c?.kind ?? 'entered'}>
                <Table.Td className="mono">
                  {r.serial} · {t('paper.contactRows.row', { row: r.row })}
                  <Text size="xs" c="dimmed">
                    {r.formCode}
                  </Text>
                </Table.Td>
                <Table.Td style={c?.kind === 'void' ? { textDecoration: 'line-through', opacity: 0.6 } : undefined}>
                  <Text size="sm">{name ?? t('paper.rows.noName')}</Text>
                  <Text size="xs" c="dimmed" className="mono">
                    {phone ?? formatPhone(r.phone)}
                  </Text>
                </Table.Td>
                <Table.Td className="mono">{formatDay(r.signedOn, i18n.language)}</Table.Td>
                <Table.Td>
                  {c ? (
                    <>
                      <Badge color={c.kind === 'void' ? 'red' : 'orange'} variant="light" tt="none">
                        {t(`paper.contactRows.${c.kind === 'void' ? 'voided' : 'corrected'}`)}
                      </Badge>
                      <Text size="xs" c="dimmed" data-testid="paper-row-reason">
                        {c.reason} · {t('paper.rows.by', { name: staffLabel(c.by, t) })} · {when(c.at)}
                      </Text>
                    </>
                  ) : (
                    <Text size="xs" c="dimmed">
                      {when(r.enteredAt)} · {t('paper.rows.by', { name: staffLabel(r.enteredBy, t) })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {c?.kind !== 'void' && (
                    <Group gap={6} wrap="nowrap" justify="flex-end">
                      <Button size="xs" variant="default" onClick={() => setEditing({ row: r, action: 'correct' })} data-testid="paper-row-correct">
                        {t('paper.contactRows.correct')}
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => setEditing({ row: r, action: 'void' })}
                        data-testid="paper-row-void"
                      >
                        {t('paper.contactRows.void')}
                      </Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {editing && (
        <CorrectRowModal
          row={editing.row}
          initial={editing.action}
          onClose={() => setEditing(null)}
          onDone={async () => {
            setEditing(null);
            await Promise.all([load(), reloadContact(contactId)]);
          }}
        />
      )}
    </Card>
  );
}

function CorrectRowModal({
  row,
  initial,
  onClose,
  onDone,
}: {
  row: ContactRow;
  initial: 'void' | 'correct';
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const correctRow = usePaperStore((s) => s.correctRow);
  const [action, setAction] = useState(initial);
  const written = {
    name: row.correction?.writtenName ?? row.writtenName ?? '',
    phone: row.correction?.writtenPhone ?? row.writtenPhone ?? row.phone,
  };
  const [name, setName] = useState(written.name);
  const [phone, setPhone] = useState(written.phone);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await correctRow({
        serial: row.serial,
        row: row.row,
        action,
        reason,
        ...(action === 'correct' && phone.trim() !== written.phone ? { phone } : {}),
        ...(action === 'correct' && name.trim() && name.trim() !== written.name ? { name: name.trim() } : {}),
      });
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('paper.contactRows.modalTitle', { serial: row.serial, row: row.row })}>
      <Stack data-testid="correct-row-modal">
        <SegmentedControl
          value={action}
          onChange={(v) => setAction(v as 'void' | 'correct')}
          data={[
            { value: 'correct', label: t('paper.contactRows.correct') },
            { value: 'void', label: t('paper.contactRows.void') },
          ]}
          data-testid="correct-row-action"
        />
        <Text size="sm" c="dimmed">
          {t(action === 'void' ? 'paper.contactRows.voidExplain' : 'paper.contactRows.correctExplain')}
        </Text>
        {action === 'correct' && (
          <>
            <TextInput
              label={t('paper.contactRows.writtenName')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError('name')}
              data-testid="correct-row-name"
            />
            <TextInput
              label={t('paper.contactRows.writtenPhone')}
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
              error={fieldError('phone')}
              classNames={{ input: 'mono' }}
              data-testid="correct-row-phone"
            />
          </>
        )}
        <Textarea
          label={t('paper.contactRows.reason')}
          placeholder={t('paper.contactRows.reasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError('reason')}
          autosize
          minRows={2}
          data-testid="correct-row-reason"
        />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('paper.contactRows.cancel')}
          </Button>
          <Button color={action === 'void' ? 'red' : undefined} onClick={() => void save()} loading={busy} data-testid="correct-row-save">
            {t(action === 'void' ? 'paper.contactRows.voidSave' : 'paper.contactRows.correctSave')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
