import { useEffect, useState } from 'react';
import { IntegrityWarning } from './IntegrityWarning';
import { PaperRowsCard } from '../paper/PaperRowsCard';
import { Alert, Anchor, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Channels, Purposes } from '../../../../shared/domain/consent/types';
import { useContactStore } from '../../stores/contact.store';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { STATUS_COLOR, StatusBadge } from '../../components/StatusBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { countryName, formatDateTime, formatPhone } from '../../components/format';
import { translateSaid } from '../../i18n/errors';
import { readSaid } from '../../../../shared/contract/said';
import { RecordConsentModal } from './RecordConsentModal';
import { CertificatePanel } from './CertificatePanel';
import { PersonPanel } from './PersonPanel';
import { staffLabel } from '../../components/staff';
import { purposesForPack } from '../../components/purposes';

/** A contact's consents now and the full, provable history behind them. */
/** One evidence value as a person reads it: the file's consent columns as "header: value", a hash shortened. */
function evidenceText(key: string, value: unknown, t: TFunction): string {
  // A note or source the register wrote is stored by key (older ones, staff's own notes, a provider's code are shown as written).
  if ((key === 'note' || key === 'source') && typeof value === 'string') return translateSaid(t, readSaid(value));
  if (key === 'columns' && value && typeof value === 'object')
    return Object.entries(value as Record<string, string>)
      .map(([header, cell]) => `${header} = ${cell}`)
      .join(', ');
  if (key === 'fileSha256' && typeof value === 'string') return `${value.slice(0, 12)}…`;
  return String(value);
}

export function ContactScreen({ contactId }: { contactId: number }) {
  const { t, i18n } = useTranslation();
  const detail = useContactStore((s) => s.detail);
  const error = useContactStore((s) => s.error);
  const load = useContactStore((s) => s.load);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const pack = useSettingsStore((s) => s.settings?.effectivePolicy);
  const go = useAppStore((s) => s.go);
  const [recording, setRecording] = useState<'consent' | 'optout' | null>(null);

  useEffect(() => {
    void load(contactId);
  }, [contactId, load]);

  if (error) return <ErrorAlert error={error} onRetry={() => void load(contactId)} />;
  if (!detail || detail.contact.id !== contactId) return <Text c="dimmed">{t('contacts.loading')}</Text>;
  const { contact, consents, timeline } = detail;
  // The personal-data consent (152-FZ) is shown only under a pack that needs it, or when this contact has one on record.
  const shownPurposes = Purposes.filter((p) => purposesForPack(pack).includes(p) || consents.some((c) => c.purpose === p && c.status !== 'none'));
  // Opt-outs accepted while another window or process held the register: honoured already (the cells show them),
  // entered into the timeline as soon as the register is free.
  const pending = detail.pending ?? [];
  const retracted = new Set(timeline.flatMap((e) => (e.retracts !== null ? [e.retracts] : [])));
  const when = (iso: string | null) => formatDateTime(iso, timeZone, i18n.language);

  return (
    <Stack pb="xl">
      <Anchor component="button" onClick={() => go({ screen: 'contacts' })} size="sm" style={{ alignSelf: 'flex-start' }}>
        ← {t('contact.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2} data-testid="contact-name">
            {contact.name || formatPhone(contact.phone)}
          </Title>
          <Group gap="xs" mt={6}>
            <Text className="mono" fw={500}>
              {formatPhone(contact.phone)}
            </Text>
            {contact.country && (
              <Badge variant="light" tt="none" data-testid="contact-country">
                {countryName(contact.country, i18n.language)}
              </Badge>
            )}
            <Badge variant="outline" color={contact.messageable ? 'gray' : 'red'} tt="none">
              {t(`reach.${contact.reach}`)}
            </Badge>
            {contact.tags.map((tag) => (
              <Badge key={tag} variant="light" color="indigo" tt="none">
                {tag}
              </Badge>
            ))}
          </Group>
          <Text size="xs" c="dimmed" mt={6}>
            {[contact.email, t('contact.added', { date: when(contact.createdAt) })].filter(Boolean).join(' · ')}
          </Text>
          {!contact.messageable && (
            <Text size="sm" c="red.7" mt={4}>
              {t('contact.notMessageable')}
            </Text>
          )}
        </div>
        <Group>
          <Button onClick={() => setRecording('consent')} data-testid="record-consent">
            {t('contact.record')}
          </Button>
          <Button color="red" variant="light" onClick={() => setRecording('optout')} data-testid="record-optout">
            {t('contact.optOut')}
          </Button>
        </Group>
      </Group>

      <PersonPanel contact={contact} eventCount={timeline.length} onChanged={() => void load(contactId)} />

      <IntegrityWarning contactId={contact.id} />

      <Title order={4}>{t('contact.consents')}</Title>
      {pending.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          icon={<Loader size={14} color="orange" />}
          title={t('contact.optOutPending')}
          data-testid="optout-pending"
        >
          {pending.map((p) => (
            <Text key={p.id} size="xs">
              {t('contact.optOutPendingDetail', {
                cell: `${t(`channel.${p.channel}`)} · ${t(`purpose.${p.purpose}`)}`,
                date: when(p.receivedAt),
                what: translateSaid(t, p.waitingForSaid),
              })}
              {p.problemSaid && ` ${t('errors.detail', { message: translateSaid(t, p.problemSaid) })}`}
            </Text>
          ))}
        </Alert>
      )}
      <SimpleGrid cols={shownPurposes.length} data-testid="consent-cells">
        {Channels.flatMap((channel) =>
          shownPurposes.map((purpose) => {
            const cell = consents.find((c) => c.channel === channel && c.purpose === purpose);
            if (!cell) return null;
            // A merged-away number is no recipient of its own: the whole cell says so rather than green (its status stays).
            const merged = cell.blockedBy === 'merged';
            return (
              <Card
                key={`${channel}/${purpose}`}
                withBorder
                padding="sm"
                className="cell-card"
                style={{
                  borderLeftColor: merged
                    ? 'var(--mantine-color-gray-4)'
                    : `var(--mantine-color-${STATUS_COLOR[cell.status]}-${cell.status === 'none' ? 3 : 6})`,
                }}
                data-testid={`cell-${channel}-${purpose}`}
              >
                <Group justify="space-between" mb={4} wrap="nowrap">
                  <Text fw={600} size="sm">
                    {t(`channel.${channel}`)} · {t(`purpose.${purpose}`)}
                  </Text>
                  <StatusBadge status={cell.status} blockedBy={merged ? 'merged' : null} />
                </Group>
                {cell.since && (
                  <Text size="xs" c="dimmed">
                    {t('contact.since', { date: when(cell.since) })}
                  </Text>
                )}
                {cell.expiresAt && (cell.status === 'granted' || cell.status === 'pending' || cell.status === 'expired') && (
                  <Text size="xs" c="dimmed">
                    {t(cell.status === 'expired' ? 'contact.expired' : 'contact.expires', { date: when(cell.expiresAt) })}
                  </Text>
                )}
                {pending.some((p) => p.channel === channel && p.purpose === purpose) && (
                  <Group gap={6} mt={4} wrap="nowrap" data-testid="cell-pending">
                    <Loader size={10} color="orange" />
                    <Text size="xs" c="orange.8">
                      {t('contact.optOutPending')}
                    </Text>
                  </Group>
                )}
                {purpose !== 'personal_data' && (
                  <Text size="xs" mt={4} c={cell.sendable ? 'green.8' : 'dimmed'} data-testid="sendable">
                    {cell.sendable
                      ? `✓ ${t('contact.sendable')}`
                      : `✕ ${t('contact.notSendable')}: ${
                          merged && detail.primary
                            ? t('contact.mergedInto', { phone: formatPhone(detail.primary.phone) })
                            : cell.blockedBy
                              ? t(`campaigns.reason.${cell.blockedBy}`)
                              : t(`contact.why.${cell.status}`)
                        }`}
                  </Text>
                )}
              </Card>
            );
          }),
        )}
      </SimpleGrid>

      <PaperRowsCard contactId={contact.id} />

      <CertificatePanel contactId={contact.id} />

      <Title order={4} mt="md">
        {t('contact.timeline')}
      </Title>
      {timeline.length === 0 ? (
        <Text c="dimmed">{t('contact.noEvents')}</Text>
      ) : (
        <Table striped withTableBorder data-testid="timeline">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contact.occurred')}</Table.Th>
              <Table.Th>{t('record.action')}</Table.Th>
              <Table.Th>
                {t('record.channel')} · {t('record.purpose')}
              </Table.Th>
              <Table.Th>{t('record.method')}</Table.Th>
              <Table.Th>{t('contact.recorded')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {timeline.map((e) => (
              <Table.Tr
                key={e.id}
                data-testid="timeline-event"
                data-action={e.action}
                data-retracted={retracted.has(e.id) || undefined}
                // An event voided by an undone import stays visible (it is part of the record) but reads as void.
                style={retracted.has(e.id) ? { opacity: 0.5, textDecoration: 'line-through' } : undefined}
              >
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(e.occurredAt)}</Table.Td>
                <Table.Td>
                  <Badge
                    color={
                      e.action === 'revoke'
                        ? 'red'
                        : e.action === 'grant' || e.action === 'confirm'
                          ? 'green'
                          : e.action === 'claim'
                            ? 'orange'
                            : 'gray'
                    }
                    variant="light"
                    title={t(`action.${e.action}`)}
                  >
                    {t(`actionShort.${e.action}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {t(`channel.${e.channel}`)} · {t(`purpose.${e.purpose}`)}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t(`method.${e.method}`)}</Text>
                  <Text size="xs" c="dimmed">
                    {(e.retracts !== null
                      ? [
                          // A voided or corrected paper row retracts what it granted; an undone import what it recorded.
                          e.method === 'paper_form'
                            ? t('paper.voidedRow', { event: e.retracts, row: e.evidence.row ?? '?', serial: e.evidence.sheetRef ?? '?' })
                            : t('contact.retraction', { batch: e.evidence.importBatchId ?? '?', event: e.retracts }),
                        ]
                      : [
                          e.formCode && t('contact.form', { code: e.formCode }),
                          ...Object.entries(e.evidence)
                            .filter(([k]) => k !== 'formVersionId')
                            .map(([k, v]) => `${t(`contact.evidence.${k}`)}: ${evidenceText(k, v, t)}`),
                        ]
                    )
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{when(e.recordedAt)}</Text>
                  <Text size="xs" c="dimmed">
                    {t('contact.by', { name: staffLabel(e.recordedBy, t) })} · {t('contact.policy', { pack: e.policyPack.toUpperCase() })} ·{' '}
                    {t('contact.hash')} {e.hash.slice(0, 10)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {recording && <RecordConsentModal contactId={contact.id} mode={recording} onClose={() => setRecording(null)} />}
    </Stack>
  );
}
