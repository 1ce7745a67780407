import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Input, Output } from '../../../../shared/contract/api';
import { call } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber } from '../../components/format';

type Whom = { contactIds: number[] } | { matching: NonNullable<Input<'contacts.tag'>['matching']> };

/**
 * Tag (or untag) many contacts at once: the rows selected, or everyone the search, filters and segment match. A dry
 * run counts them first; the change is one audited step, undone by removing the same tag the same way.
 */
export function TagDialog(props: { opened: boolean; onClose: () => void; whom: Whom; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('list.tagTitle')} data-testid="tag-dialog">
      {props.opened && <TagBody {...props} />}
    </Modal>
  );
}

function TagBody({ onClose, whom, onDone }: { onClose: () => void; whom: Whom; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<'add' | 'remove'>('add');
  const [tag, setTag] = useState('');
  const [matched, setMatched] = useState<number | null>(null);
  const [done, setDone] = useState<Output<'contacts.tag'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const n = (v: number) => formatNumber(v, i18n.language);

  // How many are chosen: counted by the register (a dry run), whatever tag is typed.
  useEffect(() => {
    let live = true;
    call('contacts.tag', { add: 'x', ...whom, dryRun: true })
      .then((r) => live && setMatched(r.matched))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [whom]);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('contacts.tag', { ...(mode === 'add' ? { add: tag.trim() } : { remove: tag.trim() }), ...whom });
      setDone(r);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const count = matched ?? 0;
  return (
    <Stack>
      <Text size="sm" data-testid="tag-whom">
        {matched === null
          ? '…'
          : 'contactIds' in whom
            ? t('list.tagWhomSelected', { count, formatted: n(count) })
            : t('list.tagWhomMatching', { count, formatted: n(count) })}
      </Text>
      <SegmentedControl
        value={mode}
        onChange={(v) => setMode(v as 'add' | 'remove')}
        data={[
          { value: 'add', label: t('list.tagAdd') },
          { value: 'remove', label: t('list.tagRemove') },
        ]}
        data-testid="tag-mode"
      />
      <TextInput
        label={t('list.tagName')}
        placeholder={t('list.tagPlaceholder')}
        value={tag}
        onChange={(e) => setTag(e.currentTarget.value)}
        data-testid="tag-name"
        maxLength={64}
      />
      <ErrorAlert error={error} />
      {done && (
        <Alert color="teal" data-testid="tag-done">
          <Text size="sm">{t('list.tagDone', { count: done.matched, changed: n(done.changed), matched: n(done.matched) })}</Text>
          <Text size="xs" c="dimmed">
            {t('list.tagUndoHint')}
          </Text>
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('list.close')}
        </Button>
        <Button onClick={() => void apply()} loading={busy} disabled={!tag.trim() || count === 0} data-testid="tag-apply">
          {t('list.tagApply')}
        </Button>
      </Group>
    </Stack>
  );
}
