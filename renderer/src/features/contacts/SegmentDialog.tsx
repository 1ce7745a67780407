import { useState } from 'react';
import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ContactFilter, Output } from '../../../../shared/contract/api';
import { call } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Save the list's filter under a name (a segment), to list those people again or send a campaign to them. */
export function SegmentDialog(props: { opened: boolean; onClose: () => void; filter: ContactFilter; onSaved: (s: Output<'segments.save'>) => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('list.saveTitle')} data-testid="segment-dialog">
      {props.opened && <SegmentBody {...props} />}
    </Modal>
  );
}

function SegmentBody({ onClose, filter, onSaved }: { onClose: () => void; filter: ContactFilter; onSaved: (s: Output<'segments.save'>) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await call('segments.save', { name: name.trim(), filter, replace }));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('list.saveHint')}
      </Text>
      <TextInput
        label={t('list.segmentName')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        maxLength={100}
        data-testid="segment-name"
      />
      <Checkbox label={t('list.replace')} checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('list.cancel')}
        </Button>
        <Button onClick={() => void save()} loading={busy} disabled={!name.trim()} data-testid="segment-save">
          {t('list.save')}
        </Button>
      </Group>
    </Stack>
  );
}
