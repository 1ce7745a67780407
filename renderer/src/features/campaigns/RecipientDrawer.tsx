import { useState } from 'react';
import { Alert, Badge, Button, Card, Drawer, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RecipientStatus } from '../../../../shared/domain/outbox/types';
import { RecipientStatuses } from '../../../../shared/domain/outbox/types';
import { useCampaignStore, type RecipientDetail } from '../../stores/campaign.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatPhone } from '../../components/format';
import { translateSaid } from '../../i18n/errors';
import { readSaid } from '../../../../shared/contract/said';
import { RecipientStatusBadge, reasonLabel } from './labels';
import { staffLabel } from '../../components/staff';

const isStatus = (s: string): s is RecipientStatus => (RecipientStatuses as readonly string[]).includes(s);

/** One recipient: the path through the campaign, every step's history, the consent that allowed it, and the decision owed on an unknown. */
export function RecipientDrawer() {
  const { t } = useTranslation();
  const detail = useCampaignStore((s) => s.recipient);
  const error = useCampaignStore((s) => s.recipientError);
  const close = useCampaignStore((s) => s.closeRecipient);
  const opened = detail !== null || error !== null;
  return (
    <Drawer
      opened={opened}
      onClose={close}
      position="right"
      size={560}
      title={
        <Text fw={700} size="lg">
          {detail ? detail.recipient.name || formatPhone(detail.recipient.phone) : t('contacts.loading')}
        </Text>
      }
    >
      <ErrorAlert error={error} />
      {detail ? <Detail detail={detail} /> : !error && <Loader size="sm" />}
    </Drawer>
  );
}

function Detail({ detail }: { detail: RecipientDetail }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const lang = i18n.language;
  const when = (iso: string | null) => formatDateTime(iso, timeZone, lang);
  const { recipient, path, history, proof, proofForm } = detail;
  const stepName = (step: number, channel: string) =>
    path.length > 1
      ? t(step === 0 ? 'campaigns.detail.firstTry' : 'campaigns.detail.fallback', { channel: t(`channel.${channel}`) })
      : t(`channel.${channel}`);
  const text = path.find((p) => p.text)?.text ?? null;

  return (
    <Stack gap="md" data-testid="recipient-detail" data-status={recipient.status}>
      <Group gap="xs">
        <Text className="mono" fw={500}>
          {formatPhone(recipient.phone)}
        </Text>
        <RecipientStatusBadge status={recipient.status} />
      </Group>

      {recipient.status === 'unknown' && <UnknownDecision />}

      {text && (
        <div>
          <Text size="sm" fw={600} mb={4}>
            {t('campaigns.detail.text')}
          </Text>
          <div className={`bubble bubble-${recipient.channel}`} data-testid="recipient-text">
            {text}
          </div>
        </div>
      )}

      <div>
        <Title order={5} mb={6}>
          {t('campaigns.detail.path')}
        </Title>
        <Stack gap="xs" data-testid="recipient-path">
          {path.map((p) => (
            <Card key={p.id} withBorder padding="xs" data-testid="path-step" data-step={p.step} data-status={p.status}>
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" fw={600}>
                  {stepName(p.step, p.channel)}
                </Text>
                <RecipientStatusBadge status={p.status} />
              </Group>
              <Text size="xs" c="dimmed">
                {[
                  p.provider && t('campaigns.detail.provider', { provider: p.provider }),
                  p.providerMessageId && t('campaigns.detail.messageId', { id: p.providerMessageId }),
                  p.attempts > 0 && t('campaigns.detail.attempts', { count: p.attempts }),
                  p.handedOffAt && t('campaigns.detail.handedOff', { when: when(p.handedOffAt) }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
              {p.reason && (
                <Text size="xs" c={p.status === 'skipped' ? 'dimmed' : 'red.8'}>
                  {reasonLabel(t, p.reason, p.reasonSaid)}
                </Text>
              )}
            </Card>
          ))}
        </Stack>
      </div>

      <div>
        <Title order={5} mb={6}>
          {t('campaigns.detail.history')}
        </Title>
        <Table verticalSpacing={4} fz="xs" data-testid="recipient-history">
          <Table.Tbody>
            {history.map((h, i) => (
              <Table.Tr key={i}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(h.at)}</Table.Td>
                {path.length > 1 && <Table.Td>{t(`channel.${path.find((p) => p.step === h.step)?.channel ?? 'sms'}`)}</Table.Td>}
                <Table.Td>{isStatus(h.status) ? <RecipientStatusBadge status={h.status} /> : h.status}</Table.Td>
                <Table.Td>{h.detail ? translateSaid(t, h.detail) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>

      <div>
        <Title order={5} mb={6}>
          {t('campaigns.detail.proof')}
        </Title>
        {proof ? (
          <Card withBorder padding="sm" className="cell-card" style={{ borderLeftColor: 'var(--mantine-color-green-6)' }} data-testid="proof">
            <Group justify="space-between" mb={6}>
              <Text size="sm" fw={600}>
                {t(`channel.${proof.channel}`)} · {t(`purpose.${proof.purpose}`)}
              </Text>
              <Badge color="green" variant="light" tt="none">
                {t(`action.${proof.action}`)}
              </Badge>
            </Group>
            <Table verticalSpacing={3} fz="sm" withRowBorders={false}>
              <Table.Tbody>
                <ProofRow label={t('campaigns.proof.method')} value={t(`method.${proof.method}`)} testId="proof-method" />
                <ProofRow label={t('campaigns.proof.given')} value={when(proof.occurredAt)} testId="proof-given" />
                <ProofRow
                  label={t('campaigns.proof.recorded')}
                  value={`${when(proof.recordedAt)} · ${staffLabel(proof.recordedBy, t)}`}
                  testId="proof-recorded"
                />
                {proof.formCode && (
                  <ProofRow
                    label={t('campaigns.proof.form')}
                    value={proof.formCode}
                    detail={proofForm ? t('campaigns.proof.fingerprint', { sha: proofForm.sha256 }) : undefined}
                    testId="proof-form"
                  />
                )}
                {proof.evidence.sheetRef && <ProofRow label={t('campaigns.proof.sheet')} value={proof.evidence.sheetRef} testId="proof-sheet" />}
                {proof.evidence.inboundMessageId && (
                  <ProofRow label={t('campaigns.proof.inbound')} value={proof.evidence.inboundMessageId} testId="proof-inbound" />
                )}
                {proof.evidence.scanSha256 && <ProofRow label={t('campaigns.proof.scan')} value={proof.evidence.scanSha256} mono />}
                {proof.evidence.fileName && (
                  <ProofRow
                    label={t('campaigns.proof.file')}
                    value={`${proof.evidence.fileName}${proof.evidence.row ? ` · ${t('contact.evidence.row')} ${proof.evidence.row}` : ''}`}
                  />
                )}
                {proof.evidence.source && <ProofRow label={t('campaigns.proof.source')} value={translateSaid(t, readSaid(proof.evidence.source))} />}
                {proof.evidence.note && <ProofRow label={t('campaigns.proof.note')} value={translateSaid(t, readSaid(proof.evidence.note))} />}
                {proof.expiresAt && <ProofRow label={t('campaigns.proof.expires')} value={when(proof.expiresAt)} />}
                <ProofRow label={t('campaigns.proof.event')} value={`#${proof.id} · ${proof.uid}`} mono />
                <ProofRow label={t('campaigns.proof.hash')} value={proof.hash} mono testId="proof-hash" />
              </Table.Tbody>
            </Table>
          </Card>
        ) : (
          <Text size="sm" c="dimmed" data-testid="no-proof">
            {t('campaigns.proof.none')}
          </Text>
        )}
      </div>
    </Stack>
  );
}

function ProofRow({
  label,
  value,
  detail,
  mono,
  testId,
}: {
  label: string;
  value: string;
  detail?: string | undefined;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <Table.Tr data-testid={testId}>
      <Table.Td w={150} c="dimmed" style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        <Text size="sm" className={mono ? 'mono' : undefined} fz={mono ? 'xs' : undefined}>
          {value}
        </Text>
        {detail && (
          <Text size="xs" c="dimmed" className="mono" style={{ overflowWrap: 'anywhere' }}>
            {detail}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** A message the provider may or may not have taken: the owner says which, so nobody gets it twice. */
function UnknownDecision() {
  const { t } = useTranslation();
  const resolve = useCampaignStore((s) => s.resolve);
  const [busy, setBusy] = useState<'sent' | 'resend' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const decide = async (decision: 'sent' | 'resend') => {
    setBusy(decision);
    setError(null);
    try {
      await resolve(decision);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Alert color="yellow" variant="light" title={t('campaigns.unknown.title')} data-testid="unknown-decision">
      <Text size="sm">{t('campaigns.unknown.text')}</Text>
      <Group mt="sm">
        <Button size="xs" variant="default" onClick={() => void decide('sent')} loading={busy === 'sent'} data-testid="resolve-sent">
          {t('campaigns.unknown.sent')}
        </Button>
        <Button size="xs" color="orange" onClick={() => void decide('resend')} loading={busy === 'resend'} data-testid="resolve-resend">
          {t('campaigns.unknown.resend')}
        </Button>
      </Group>
      <ErrorAlert error={error} mt="xs" />
    </Alert>
  );
}
