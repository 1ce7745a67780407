import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Code, Group, List, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { BackupInfo, BackupProblem, Output, RegisterSummary, RestoreLoss } from '../../../../shared/contract/api';
import { useBackupsStore } from '../../stores/backups.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { problemText } from '../../components/IntegrityProblems';
import { formatBytes, formatDateTime, formatPhone } from '../../components/format';
import { translateSaid } from '../../i18n/errors';

/** A head in short: `events 12 · 3f2a9c0d41b7…`. */
function shortHead(t: TFunction, s: RegisterSummary): string {
  return t('backups.head', {
    events: s.heads.events.lastId,
    eventsHash: s.heads.events.lastHash.slice(0, 12),
    audit: s.heads.audit.lastId,
    auditHash: s.heads.audit.lastHash.slice(0, 12),
  });
}

/**
 * What a backup's check found wrong, in the person's language: by its key (with what it names: the file, the SQLite
 * message, the schema); a check recorded before keys by its kind, never by the English text.
 */
function problemLine(t: TFunction, p: BackupProblem): string {
  if (p.kind === 'audit' && p.audit) return problemText(t, p.audit);
  return p.key ? translateSaid(t, { key: p.key, ...(p.params ? { params: p.params } : {}), message: p.message }) : t(`backups.problem.${p.kind}`);
}

/** What restoring would lose, as a list of phrases in the person's language ("3 consent events", "1 contact"). */
function lossParts(t: TFunction, loss: RestoreLoss): string[] {
  const parts: string[] = [];
  if (loss.events) parts.push(t('backups.loss.events', { count: loss.events }));
  // Not the opt-outs: a restore enters them again in the restored register (said on their own line).
  if (loss.contacts) parts.push(t('backups.loss.contacts', { count: loss.contacts }));
  if (loss.messages) parts.push(t('backups.loss.messages', { count: loss.messages }));
  if (loss.imports) parts.push(t('backups.loss.imports', { count: loss.imports }));
  if (loss.auditRows) parts.push(t('backups.loss.auditRows', { count: loss.auditRows }));
  return parts;
}

function Holds({ s, tz, testId }: { s: RegisterSummary; tz: string | undefined; testId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="sm">
        {t('backups.contacts', { count: s.contacts })} · {t('backups.events', { count: s.events })}
        {s.lastEventAt ? ` · ${t('backups.lastEvent', { at: formatDateTime(s.lastEventAt, tz, i18n.language) })}` : ''}
      </Text>
      <Text size="xs" c="dimmed" className="mono" title={s.head}>
        {shortHead(t, s)}
      </Text>
    </Stack>
  );
}

/** The restore dialog, opened afresh for each preview (its confirmation starts unticked). */
function RestoreModal() {
  const preview = useBackupsStore((s) => s.preview);
  if (!preview) return null;
  return <RestoreDialog key={`${preview.backup.path}@${preview.current?.head ?? ''}`} preview={preview} />;
}

/** The restore dialog: the backup checks out, what it holds, what the current register holds, what would be lost, and a confirmation naming it. */
function RestoreDialog({ preview }: { preview: NonNullable<ReturnType<typeof useBackupsStore.getState>['preview']> }) {
  const { t, i18n } = useTranslation();
  const tz = useSettingsStore((s) => s.settings?.timezone);
  const close = useBackupsStore((s) => s.closePreview);
  const restore = useBackupsStore((s) => s.restore);
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const loss = preview.loss;
  const parts = lossParts(t, loss);
  const mustConfirm = !loss.nothing;
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await restore();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={close} title={t('backups.restoreTitle')} size="lg" data-testid="restore-modal">
      <Stack gap="sm">
        <Text size="sm">
          {t('backups.restoreOf', {
            when: formatDateTime(preview.backup.createdAt, tz, i18n.language) || preview.backup.id,
            reason: t(`backups.reason.${preview.backup.reason ?? 'unknown'}`),
          })}
        </Text>
        {preview.ok ? (
          <Text size="sm" c="teal" data-testid="restore-checks">
            ✓ {t('backups.checksOut')}
          </Text>
        ) : (
          <Alert color="red" variant="light" title={t('backups.doesNotCheck')} data-testid="restore-checks">
            <List size="sm">
              {preview.problems.map((p, i) => (
                <List.Item key={i}>{problemLine(t, p)}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {preview.restored && (
          <div>
            <Text size="sm" fw={600}>
              {t('backups.restoredHolds')}
            </Text>
            <Holds s={preview.restored} tz={tz} testId="restore-restored" />
          </div>
        )}
        <div>
          <Text size="sm" fw={600}>
            {t('backups.currentHolds')}
          </Text>
          {preview.current ? (
            <Holds s={preview.current} tz={tz} testId="restore-current" />
          ) : (
            <Stack gap={0}>
              <Text size="sm">{t('backups.currentUnreadable')}</Text>
              {preview.currentProblemSaid && (
                <Text size="xs" c="dimmed" data-testid="restore-current-problem">
                  {translateSaid(t, preview.currentProblemSaid)}
                </Text>
              )}
            </Stack>
          )}
        </div>
        <Alert
          color={loss.nothing ? 'green' : 'orange'}
          variant="light"
          data-testid="restore-loss"
          title={loss.nothing ? t('backups.lossNone') : t('backups.lossTitle')}
        >
          {!loss.nothing && (
            <Stack gap={4}>
              {loss.compared ? (
                <Text size="sm">{t('backups.lossList', { what: parts.join(', ') })}</Text>
              ) : (
                <Text size="sm">{t('backups.lossUnknown')}</Text>
              )}
              {loss.lastEventAt && <Text size="sm">{t('backups.lossNewest', { at: formatDateTime(loss.lastEventAt, tz, i18n.language) })}</Text>}
              {loss.optOuts > 0 && (
                <Text size="sm" fw={600} data-testid="restore-optouts">
                  {t('backups.lossOptOuts', {
                    count: loss.optOuts,
                    phones: loss.optOutPhones.map(formatPhone).join(', ') + (loss.optOuts > loss.optOutPhones.length ? ', …' : ''),
                  })}
                </Text>
              )}
              {loss.messages > 0 && <Text size="sm">{t('backups.lossMessages')}</Text>}
              {!loss.sameRegister && loss.compared && <Text size="sm">{t('backups.otherRegister')}</Text>}
              {loss.sameRegister && !loss.sameHistory && <Text size="sm">{t('backups.otherHistory', { event: loss.commonEvents })}</Text>}
              <Text size="sm">{t('backups.keptFirst')}</Text>
            </Stack>
          )}
        </Alert>
        {mustConfirm && (
          <Checkbox
            checked={agreed}
            onChange={(e) => setAgreed(e.currentTarget.checked)}
            label={loss.compared ? t('backups.confirm', { what: parts.join(', ') }) : t('backups.confirmUnknown')}
            data-testid="restore-confirm"
          />
        )}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('backups.cancel')}
          </Button>
          <Button color="red" disabled={!preview.ok || (mustConfirm && !agreed)} loading={busy} onClick={() => void go()} data-testid="restore-go">
            {t('backups.restore')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Verified({ b }: { b: BackupInfo }) {
  const { t } = useTranslation();
  if (!b.verified)
    return (
      <Badge color="gray" variant="light">
        ?
      </Badge>
    );
  return b.verified.ok ? (
    <Badge color="teal" variant="light" title={t('backups.verifiedOk')} data-testid="backup-verified">
      ✓
    </Badge>
  ) : (
    <Badge color="red" variant="light" title={b.verified.problems.map((p) => problemLine(t, p)).join('\n')} data-testid="backup-verified">
      ✗
    </Badge>
  );
}

function RestoredNote({ r }: { r: Output<'backup.restore'> }) {
  const { t } = useTranslation();
  return (
    <Alert color="teal" variant="light" mt="sm" data-testid="restore-done" title={t('backups.restoredTitle')}>
      <Stack gap={4}>
        <Text size="sm">
          {t('backups.restoredHoldsNow', {
            what: `${t('backups.contacts', { count: r.restored.contacts })}, ${t('backups.events', { count: r.restored.events })}`,
          })}
        </Text>
        {r.keptAs && <Text size="sm">{t('backups.restoredKept', { name: r.keptAs.id })}</Text>}
        <Text size="sm">{t('backups.restoredWitness')}</Text>
        {r.optOutsKept > 0 && (
          <Text size="sm" data-testid="restore-optouts-kept">
            {t('backups.restoredOptOuts', { count: r.optOutsKept })}
          </Text>
        )}
        {r.optOutsNotKept.length > 0 && (
          <Text size="sm" c="red.8" fw={600} data-testid="restore-optouts-not-kept">
            {t('backups.restoredOptOutsNot', { phones: r.optOutsNotKept.map(formatPhone).join(', ') })}
          </Text>
        )}
        {r.pausedBatches.length > 0 && (
          <Text size="sm">{t('backups.restoredPaused', { batches: r.pausedBatches.join(', '), count: r.pausedBatches.length })}</Text>
        )}
        <Group>
          <Button size="xs" variant="light" onClick={() => window.location.reload()} data-testid="backup-reload">
            {t('backups.reload')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Settings → Backups: the list (date, why, size, checked, what each holds, heads), back up now or to a folder, check, restore. */
export function BackupsCard() {
  const { t, i18n } = useTranslation();
  const tz = useSettingsStore((s) => s.settings?.timezone);
  const { list, restored, load, create, verify, previewRestore } = useBackupsStore();
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<BackupInfo | null>(null);
  useEffect(() => {
    void load().catch(setError);
  }, [load]);
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card withBorder data-testid="backups-card">
      <Title order={4} mb="xs">
        {t('backups.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t(
          'backups.hint',
          list ? { daily: list.keeps.daily, weekly: list.keeps.weekly, before: list.keeps.before } : { daily: 7, weekly: 4, before: 10 },
        )}
      </Text>
      {list && (
        <Text size="xs" c="dimmed" mb="sm">
          {t('backups.folder')} <Code>{list.folder}</Code>
        </Text>
      )}
      <Group align="flex-end" mb="sm">
        <Button onClick={() => void run('now', async () => setMade((await create()).backup))} loading={busy === 'now'} data-testid="backup-now">
          {t('backups.now')}
        </Button>
        <TextInput
          label={t('backups.toLabel')}
          placeholder={t('backups.toPlaceholder')}
          value={folder}
          onChange={(e) => setFolder(e.currentTarget.value)}
          style={{ flex: 1 }}
          data-testid="backup-to-path"
        />
        <Button
          variant="light"
          disabled={!folder.trim()}
          onClick={() => void run('to', async () => setMade((await create(folder.trim())).backup))}
          loading={busy === 'to'}
          data-testid="backup-to"
        >
          {t('backups.to')}
        </Button>
      </Group>
      {made && (
        <Text size="sm" c={made.verified?.ok ? 'teal' : 'red'} mb="sm" data-testid="backup-made">
          {made.verified?.ok ? t('backups.madeOk', { path: made.path }) : t('backups.madeBad', { path: made.path })}
        </Text>
      )}
      {list && list.backups.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('backups.none')}
        </Text>
      )}
      {list && list.backups.length > 0 && (
        <Table striped withTableBorder fz="sm" data-testid="backups-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('backups.col.date')}</Table.Th>
              <Table.Th>{t('backups.col.reason')}</Table.Th>
              <Table.Th>{t('backups.col.size')}</Table.Th>
              <Table.Th>{t('backups.col.verified')}</Table.Th>
              <Table.Th>{t('backups.col.holds')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.backups.map((b) => (
              <Table.Tr key={b.id} data-testid="backup-row" data-id={b.id}>
                <Table.Td>{formatDateTime(b.createdAt, tz, i18n.language) || '—'}</Table.Td>
                <Table.Td>
                  {t(`backups.reason.${b.reason ?? 'unknown'}`)}
                  {/* The register's own note by key (before restoring which backup, which import…); a note typed by hand as
                      typed; an automatic backup's note from before keys is in English, and its kind says it already. */}
                  {b.noteSaid?.key ? (
                    <Text size="xs" c="dimmed" data-testid="backup-note">
                      {translateSaid(t, b.noteSaid)}
                    </Text>
                  ) : (
                    b.note &&
                    b.reason === 'manual' && (
                      <Text size="xs" c="dimmed" data-testid="backup-note">
                        {b.note}
                      </Text>
                    )
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(b.bytes, i18n.language)}</Table.Td>
                <Table.Td>
                  <Verified b={b} />
                </Table.Td>
                <Table.Td>{b.register ? <Holds s={b.register} tz={tz} testId="backup-holds" /> : '—'}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      loading={busy === `v:${b.id}`}
                      onClick={() => void run(`v:${b.id}`, () => verify(b.id))}
                      data-testid="backup-verify"
                    >
                      {t('backups.verify')}
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      loading={busy === `r:${b.id}`}
                      onClick={() => void run(`r:${b.id}`, () => previewRestore({ id: b.id }))}
                      data-testid="backup-restore"
                    >
                      {t('backups.restoreEllipsis')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {restored && <RestoredNote r={restored} />}
      <ErrorAlert error={error} mt="sm" />
      <RestoreModal />
    </Card>
  );
}
