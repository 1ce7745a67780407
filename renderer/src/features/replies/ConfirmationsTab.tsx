import { Fragment, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Loader, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRepliesStore, type Confirmation } from '../../stores/replies.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { CustomerLink } from './parts';

const STATE_COLOR: Record<Confirmation['state'], string> = { queued: 'yellow', sending: 'blue', sent: 'teal', failed: 'red', cancelled: 'gray' };
/** A message in a wave shows where the outbox has it: still going, out, or failed. */
const DELIVERY_STATE: Record<NonNullable<Confirmation['delivery']>, Confirmation['state']> = {
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'sent',
  read: 'sent',
  failed: 'failed',
  undeliverable: 'failed',
  skipped: 'cancelled',
  unknown: 'sent',
};
const OUTCOME_COLOR: Record<Confirmation['outcome'], string> = { waiting: 'yellow', confirmed: 'green', declined: 'red', expired: 'gray' };

/** The double opt-in messages owed to customers: where each is, and what the customer did. */
export function ConfirmationsTab() {
  const { t, i18n } = useTranslation();
  const confirmations = useRepliesStore((s) => s.confirmations);
  const total = useRepliesStore((s) => s.confirmationsTotal);
  const error = useRepliesStore((s) => s.confirmationsError);
  const loadConfirmations = useRepliesStore((s) => s.loadConfirmations);
  const counts = useRepliesStore((s) => s.confirmationsCounts);
  const sent = useRepliesStore((s) => s.confirmationsSent);
  const sendConfirmations = useRepliesStore((s) => s.sendConfirmations);
  const [sending, setSending] = useState(false);
  const settings = useSettingsStore((s) => s.settings);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const when = (iso: string) => formatDateTime(iso, settings?.timezone, i18n.language);
  const queued = counts?.queued ?? confirmations?.filter((c) => c.state === 'queued').length ?? 0;
  const sendNow = () => {
    setSending(true);
    void sendConfirmations().finally(() => setSending(false));
  };

  const toggle = (id: number) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Card withBorder padding={0}>
      <Alert color="blue" variant="light" m="md" title={t('replies.confirmations.noteTitle')} data-testid="outbox-note">
        <Text size="sm">{t('replies.confirmations.note')}</Text>
        <Text size="sm" mt={6}>
          {t('replies.confirmations.outbox')}
        </Text>
        {settings && !settings.effectivePolicy.doubleOptIn && (
          <Text size="sm" mt={6} c="dimmed">
            {t('replies.confirmations.notRequired', { pack: settings.effectivePolicy.id.toUpperCase() })}
          </Text>
        )}
      </Alert>
      <ErrorAlert error={error} />
      {!confirmations ? (
        !error && <Loader size="sm" m="md" />
      ) : confirmations.length === 0 ? (
        <Text c="dimmed" ta="center" p="lg" data-testid="confirmations-empty">
          {t('replies.confirmations.empty')}
        </Text>
      ) : (
        <>
          <Group justify="space-between" px="md" pb="xs" wrap="wrap" gap="xs">
            <div>
              <Text size="sm" c="dimmed" data-testid="confirmations-count">
                {t('replies.confirmations.count', { total, queued })}
              </Text>
              {counts && (
                <Group gap={6} mt={4} data-testid="confirmations-counts">
                  <Badge color="yellow" variant="light" tt="none">
                    {t('replies.confirmations.states.queued')}: {counts.queued}
                  </Badge>
                  <Badge color="teal" variant="light" tt="none" data-testid="count-sent">
                    {t('replies.confirmations.states.sent')}: {counts.sent}
                  </Badge>
                  <Badge color="green" variant="light" tt="none" data-testid="count-confirmed">
                    {t('replies.confirmations.outcomes.confirmed')}: {counts.confirmed}
                  </Badge>
                  <Badge color="red" variant="light" tt="none">
                    {t('replies.confirmations.outcomes.declined')}: {counts.declined}
                  </Badge>
                  <Badge color="gray" variant="light" tt="none" data-testid="count-expired">
                    {t('replies.confirmations.outcomes.expired')}: {counts.expired}
                  </Badge>
                  <Badge color="yellow" variant="outline" tt="none">
                    {t('replies.confirmations.outcomes.waiting')}: {counts.waiting}
                  </Badge>
                </Group>
              )}
            </div>
            <Button size="xs" variant="light" loading={sending} disabled={queued === 0} onClick={sendNow} data-testid="confirmations-send">
              {t('replies.confirmations.sendNow')}
            </Button>
          </Group>
          {sent && (
            <Text size="sm" px="md" pb="xs" data-testid="confirmations-sent">
              {t('replies.confirmations.sentNow', { waves: sent.waves.length, expired: sent.expired })}
              {sent.noProvider.map((n) => (
                <Text key={n.channel} size="sm" c="orange" component="span" display="block">
                  {t('replies.confirmations.noProvider', { channel: t(`channel.${n.channel}`), waiting: n.waiting })}
                </Text>
              ))}
            </Text>
          )}
          <Table verticalSpacing="sm" data-testid="confirmations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('replies.customer')}</Table.Th>
                <Table.Th>{t('replies.channel')}</Table.Th>
                <Table.Th>{t('replies.confirmations.created')}</Table.Th>
                <Table.Th>{t('replies.confirmations.expires')}</Table.Th>
                <Table.Th>{t('replies.confirmations.state')}</Table.Th>
                <Table.Th>{t('replies.confirmations.outcome')}</Table.Th>
                <Table.Th>{t('replies.confirmations.text')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {confirmations.map((c) => {
                const open = expanded.has(c.id);
                return (
                  <Fragment key={c.id}>
                    <Table.Tr data-testid="confirmation" data-state={c.state} data-outcome={c.outcome}>
                      <Table.Td>
                        <CustomerLink contactId={c.contactId} name={c.name} phone={c.phone} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{t(`channel.${c.channel}`)}</Text>
                        <Text size="xs" c="dimmed" data-testid="confirmation-kind">
                          {t(`replies.confirmations.kind.${c.kind}`)}
                        </Text>
                        {c.formCode && (
                          <Text size="xs" c="dimmed" className="mono">
                            {c.formCode}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{when(c.createdAt)}</Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{when(c.expiresAt)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATE_COLOR[c.state]} variant="light" tt="none" data-testid="confirmation-state">
                          {t(`replies.confirmations.states.${c.delivery && c.state === 'sending' ? DELIVERY_STATE[c.delivery] : c.state}`)}
                        </Badge>
                        {c.stateReason && !c.stateReason.startsWith('batch:') && (
                          <Text size="xs" c="dimmed" mt={2}>
                            {t(`replies.confirmations.reasons.${c.stateReason}`, { defaultValue: c.stateReason })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          color={OUTCOME_COLOR[c.outcome]}
                          variant={c.outcome === 'waiting' ? 'outline' : 'light'}
                          tt="none"
                          data-testid="confirmation-outcome"
                        >
                          {t(`replies.confirmations.outcomes.${c.outcome}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          size="sm"
                          onClick={() => toggle(c.id)}
                          title={c.text}
                          aria-expanded={open}
                          data-testid="confirmation-toggle"
                        >
                          {open ? t('replies.confirmations.hide') : t('replies.confirmations.show')}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                    {open && (
                      <Table.Tr>
                        <Table.Td colSpan={7} style={{ background: 'var(--mantine-color-gray-0)' }}>
                          <Text size="xs" c="dimmed" mb={4}>
                            {t('replies.confirmations.textIn', { language: t(`replies.language.${c.language}`) })}
                          </Text>
                          <div className={`bubble bubble-${c.channel}`} data-testid="confirmation-text">
                            {c.text}
                          </div>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
          {confirmations.length < total && (
            <Group justify="center" p="sm">
              <Button variant="subtle" size="xs" onClick={() => void loadConfirmations(true)}>
                {t('replies.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Card>
  );
}
