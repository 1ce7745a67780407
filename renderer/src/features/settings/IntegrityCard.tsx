import { useState } from 'react';
import { Alert, Button, Card, Code, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ChainHead } from '../../../../shared/contract/api';
import { useIntegrityStore } from '../../stores/integrity.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { IntegrityProblems } from '../../components/IntegrityProblems';
import { formatNumber } from '../../components/format';

/** Problems only accepting the register as it is can clear: the witness saw other history. */
const WITNESS_KINDS = new Set(['register_shorter', 'history_rewritten', 'witness_unreadable', 'witness_missing']);

/** Settings → register integrity: verify, the heads of both chains, what the witness says, each problem named. */
export function IntegrityCard() {
  const { t, i18n } = useTranslation();
  const verification = useIntegrityStore((s) => s.verification);
  const verify = useIntegrityStore((s) => s.verify);
  const acceptHead = useIntegrityStore((s) => s.acceptHead);
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reportHead, setReportHead] = useState('');
  const fieldError = useFieldError(error);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const head = (chain: 'events' | 'audit', h: ChainHead) => (
    <Text size="xs" data-testid={`head-${chain}`}>
      {h.count === 0 ? t(`integrity.${chain}Empty`) : t(`integrity.${chain}Head`, { count: h.count, lastId: h.lastId })}
      {h.count > 0 && (
        <Text span size="xs" c="dimmed" className="mono" title={h.lastHash}>
          {' '}
          · {h.lastHash.slice(0, 16)}…
        </Text>
      )}
    </Text>
  );
  // Accepting the register as it is answers what the witness saw (after restoring an older backup on purpose); a
  // report's head that does not match is the report's finding, not something to accept here.
  const missing = verification?.problems.some((p) => p.kind === 'witness_missing') ?? false;
  const canAccept =
    verification !== null &&
    (verification.witness.state === 'diverged' || verification.witness.state === 'unreadable' || missing) &&
    verification.problems.some((p) => WITNESS_KINDS.has(p.kind));
  return (
    <Card withBorder data-testid="integrity-card">
      <Title order={4} mb="xs">
        {t('integrity.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('integrity.hint')}
      </Text>
      <Button variant="light" onClick={() => void run(() => (setAccepted(false), verify()))} loading={busy} data-testid="verify">
        {t('integrity.verify')}
      </Button>
      <Group mt="sm" align="flex-end" wrap="nowrap">
        <Textarea
          label={t('integrity.report.label')}
          description={t('integrity.report.hint')}
          placeholder={'events:812:…\naudit:930:…'}
          autosize
          minRows={2}
          value={reportHead}
          onChange={(e) => setReportHead(e.currentTarget.value)}
          error={fieldError('expect')}
          style={{ flex: 1 }}
          className="mono"
          data-testid="report-head"
        />
        <Button
          variant="light"
          disabled={!reportHead.trim()}
          onClick={() => void run(() => (setAccepted(false), verify(reportHead.trim())))}
          loading={busy}
          data-testid="check-report"
        >
          {t('integrity.report.check')}
        </Button>
      </Group>
      {verification?.expected && (
        <Alert
          color={verification.expected.held ? 'green' : 'red'}
          variant="light"
          mt="sm"
          data-testid="report-check-result"
          title={t(verification.expected.held ? 'integrity.report.heldTitle' : 'integrity.report.notHeldTitle')}
        >
          {t(verification.expected.held ? 'integrity.report.held' : 'integrity.report.notHeld')}
        </Alert>
      )}
      {verification && (
        <Stack gap={4} mt="sm" data-testid="integrity-heads">
          <Text size="sm" fw={600}>
            {t('integrity.heads')}
          </Text>
          {head('events', verification.heads.events)}
          {head('audit', verification.heads.audit)}
          <Text size="xs" c="dimmed" mt={4}>
            {t('integrity.headLine')}
          </Text>
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="integrity-head">
            {verification.head}
          </Code>
          <Text size="xs" c={!missing && (verification.witness.state === 'consistent' || verification.witness.state === 'none') ? 'dimmed' : 'red.7'}>
            {t(missing ? 'integrity.witness.recreated' : `integrity.witness.${verification.witness.state}`)}
          </Text>
        </Stack>
      )}
      {verification &&
        (verification.ok ? (
          <Alert color="green" variant="light" mt="sm" data-testid="verify-result" title={t('integrity.okTitle')}>
            {t('integrity.ok', {
              events: t('integrity.okEvents', { count: verification.events, formatted: formatNumber(verification.events, i18n.language) }),
              rows: t('integrity.okRows', { count: verification.auditRows, formatted: formatNumber(verification.auditRows, i18n.language) }),
            })}
          </Alert>
        ) : (
          <Alert
            color="red"
            variant="light"
            mt="sm"
            data-testid="verify-result"
            title={t('integrity.badTitle', { count: verification.problems.length })}
          >
            <IntegrityProblems problems={verification.problems} />
            {canAccept && (
              <Stack gap={4} mt="sm">
                <Button
                  size="xs"
                  variant="outline"
                  color="red"
                  onClick={() => void run(async () => (await acceptHead(), setAccepted(true)))}
                  data-testid="accept-head"
                  h="auto"
                  py={6}
                  styles={{ label: { whiteSpace: 'normal' } }}
                >
                  {t(missing ? 'integrity.acceptMissing' : 'integrity.accept')}
                </Button>
                <Text size="xs" c="dimmed">
                  {t('integrity.acceptHint')}
                </Text>
              </Stack>
            )}
          </Alert>
        ))}
      {accepted && (
        <Text size="sm" c="teal" mt="xs" data-testid="head-accepted">
          {t('integrity.accepted')}
        </Text>
      )}
      <ErrorAlert error={error} mt="sm" />
    </Card>
  );
}
