import { useEffect, useState } from 'react';
import { Alert, Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Matching, Output } from '../../../../shared/contract/api';
import { call } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useContactsStore } from '../../stores/contacts.store';

type Winback = Output<'contacts.winback'>;

/**
 * "Ask these people to confirm": for the contacts given (or everyone an import brought in), how many can be sent a
 * neutral confirmation request about their claimed or expired marketing consent, why the others cannot, the request
 * itself, and the asking (the app sends the requests through the outbox; a YES turns a claim into a proven consent).
 */
type Whom = { contactIds?: number[]; importBatch?: number; matching?: Matching };

export function WinbackDialog(props: { opened: boolean; onClose: () => void } & Whom) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('winback.title')} size="lg" data-testid="winback-dialog">
      {/* Mounted afresh each time it opens: a new count for the people given now. */}
      {props.opened && <WinbackBody {...props} />}
    </Modal>
  );
}

function WinbackBody({ onClose, contactIds, importBatch, matching }: { onClose: () => void } & Whom) {
  const { t, i18n } = useTranslation();
  const [preview, setPreview] = useState<Winback | null>(null);
  const [done, setDone] = useState<Winback | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const whom = importBatch !== undefined ? { importBatch } : matching !== undefined ? { matching } : { contactIds: contactIds ?? [] };
  const empty = importBatch === undefined && matching === undefined && !contactIds?.length;

  useEffect(() => {
    if (empty) return;
    let live = true;
    call('contacts.winback', { ...whom, dryRun: true })
      .then((r) => live && setPreview(r))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- asked once per opening (the body mounts when it opens)
  }, []);

  const ask = () => {
    setBusy(true);
    call('contacts.winback', { ...whom, dryRun: false })
      .then((r) => {
        setDone(r);
        useContactsStore.getState().reload();
        // The app hands them to the provider on its own; asking now saves waiting for its next round.
        return call('confirmations.send', { wait: false }).catch(() => undefined);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };

  const text = preview ? (i18n.language === 'ru' ? preview.text.ru : preview.text.en) : '';
  return (
    <Stack gap="sm">
      <Text size="sm">{t('winback.intro')}</Text>
      <ErrorAlert error={error} />
      {empty && <Text c="dimmed">{t('winback.nobody')}</Text>}
      {!empty && !preview && !error && <Loader size="sm" />}
      {preview && (
        <>
          <Text fw={600} data-testid="winback-askable">
            {t('winback.askable', { count: preview.askable, considered: preview.considered })}
          </Text>
          {preview.blocked.length > 0 && (
            <div data-testid="winback-blocked">
              <Text size="sm">{t('winback.cannot')}</Text>
              <List size="sm" withPadding>
                {preview.blocked.map((b) => (
                  <List.Item key={b.reason}>
                    {t(`winback.reasons.${b.reason}`)}: {b.count}
                  </List.Item>
                ))}
              </List>
            </div>
          )}
          {preview.askable > 0 && (
            <Text size="sm" data-testid="winback-by-channel">
              {t('winback.byChannel', { sms: preview.byChannel.sms, whatsapp: preview.byChannel.whatsapp })}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t('winback.message')}
          </Text>
          <div className="bubble bubble-sms" data-testid="winback-text">
            {text}
          </div>
        </>
      )}
      {done && (
        <Alert color="green" data-testid="winback-done">
          {t('winback.done', { count: done.asked })}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('winback.close')}
        </Button>
        {!done && (
          <Button onClick={ask} loading={busy} disabled={!preview || preview.askable === 0} data-testid="winback-ask">
            {t('winback.ask', { count: preview?.askable ?? 0 })}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
