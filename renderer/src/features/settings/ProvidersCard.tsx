import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ProviderKinds, type ProviderKind } from '../../../../shared/domain/outbox/types';
import { useProvidersStore, type Provider, type ProviderKindSpec, type SavedProvider, type TestResult } from '../../stores/providers.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatDateTime, formatPhone } from '../../components/format';
import { translateSaid } from '../../i18n/errors';
import { providerProblem } from './provider-problem';

/** A provider option's label and help in the person's language (the register describes them in English). */
function optionText(t: TFunction, kind: ProviderKind, spec: ProviderKindSpec['options'][number]) {
  return {
    label: t(`providers.option.${spec.key}`, { defaultValue: spec.key }),
    description:
      t(`providers.optionHint.${kind}.${spec.key}`, { defaultValue: '' }) ||
      t(`providers.optionHint.common.${spec.key}`, { defaultValue: spec.description }),
  };
}

/** Settings → Providers: who the shop hands its messages to, their settings and secrets, and a test message. */
export function ProvidersCard() {
  const { t } = useTranslation();
  const providers = useProvidersStore((s) => s.providers);
  const loaded = useProvidersStore((s) => s.loaded);
  const error = useProvidersStore((s) => s.error);
  const persistent = useProvidersStore((s) => s.secretsPersistent);
  const load = useProvidersStore((s) => s.load);
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const [testing, setTesting] = useState<Provider | null>(null);
  const [removing, setRemoving] = useState<Provider | null>(null);
  // The provider whose stored secret the last save cleared (its address changed): the person must enter it again.
  const [cleared, setCleared] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Card withBorder data-testid="providers-card">
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Title order={4}>{t('providers.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('providers.hint')}
          </Text>
        </div>
        <Button onClick={() => setEditing('new')} data-testid="add-provider">
          {t('providers.add')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {cleared && (
        <Alert color="orange" variant="light" mb="xs" withCloseButton onClose={() => setCleared(null)} data-testid="secret-cleared">
          {t('providers.secretCleared', { name: cleared })}
        </Alert>
      )}
      {!persistent && (
        <Text size="xs" c="orange.8" mb="xs" data-testid="secrets-memory">
          {t('providers.memoryNote')}
        </Text>
      )}
      {loaded && providers.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="providers-empty">
          {t('providers.empty')}
        </Text>
      )}
      {providers.length > 0 && (
        <Table verticalSpacing="xs" data-testid="providers-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('providers.name')}</Table.Th>
              <Table.Th>{t('providers.kindLabel')}</Table.Th>
              <Table.Th>{t('providers.channels')}</Table.Th>
              <Table.Th>{t('providers.secrets')}</Table.Th>
              <Table.Th>{t('providers.sync.title')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {providers.map((p) => (
              <Table.Tr key={p.name} data-testid="provider-row" data-name={p.name}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {p.name}
                  </Text>
                  {p.options.url && (
                    <Text size="xs" c="dimmed" className="mono" maw={280} truncate="end" title={p.options.url}>
                      {p.options.url}
                    </Text>
                  )}
                  {p.problems.map((problem) => (
                    <Text key={`${problem.path} ${problem.message}`} size="xs" c="red.8" data-testid="provider-problem" data-path={problem.path}>
                      {providerProblem(t, problem)}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t(`providers.kind.${p.kind}`)}</Text>
                  <CrossBorder kind={p.kind} compact />
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.channels.map((c) => (
                      <Badge key={c} size="sm" variant="light" color={c === 'whatsapp' ? 'green' : 'blue'} tt="none">
                        {t(`channel.${c}`)}
                      </Badge>
                    ))}
                    {p.channels.length === 0 && (
                      <Text size="xs" c="dimmed">
                        —
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {p.secrets.length === 0 && (
                    <Text size="xs" c="dimmed">
                      {t('providers.noSecrets')}
                    </Text>
                  )}
                  {p.secrets.map((s) => (
                    <Text key={s.key} size="xs" c={s.set ? 'teal.8' : s.required ? 'red.8' : 'dimmed'} data-testid="secret-status" data-set={s.set}>
                      {t(`providers.option.${s.key}`, { defaultValue: s.key })}: {s.set ? t('providers.secretSet') : t('providers.secretNotSet')}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <SyncCell provider={p} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    <Button size="compact-sm" variant="light" onClick={() => setTesting(p)} data-testid="test-provider">
                      {t('providers.test')}
                    </Button>
                    <Button size="compact-sm" variant="default" onClick={() => setEditing(p)} data-testid="edit-provider">
                      {t('providers.edit')}
                    </Button>
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRemoving(p)} data-testid="remove-provider">
                      {t('providers.remove')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing && (
        <ProviderModal
          provider={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => setCleared(saved.secretCleared ? saved.name : null)}
        />
      )}
      {testing && <TestModal provider={testing} onClose={() => setTesting(null)} />}
      {removing && <RemoveModal provider={removing} onClose={() => setRemoving(null)} />}
    </Card>
  );
}

/** Provider sync for one provider: when it last synced, what came in, the last error in plain words, and "Sync now". */
function SyncCell({ provider }: { provider: Provider }) {
  const { t, i18n } = useTranslation();
  const syncing = useProvidersStore((s) => s.syncing);
  const syncNow = useProvidersStore((s) => s.syncNow);
  const last = useProvidersStore((s) => s.lastSync[provider.name]);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const lang = i18n.language;
  const sync = provider.sync;
  if (!sync)
    return (
      <Text size="xs" c="dimmed" maw={220} data-testid="sync-none">
        {t(`providers.sync.none.${provider.kind}`, { defaultValue: t('providers.sync.none.other') })}
      </Text>
    );
  const totals = sync.totals;
  return (
    <Stack gap={2} maw={260} data-testid="sync-cell" data-name={provider.name}>
      <Text size="xs" data-testid="sync-when">
        {sync.syncedAt ? t('providers.sync.lastSynced', { when: formatDateTime(sync.syncedAt, timeZone, lang) }) : t('providers.sync.never')}
      </Text>
      <Text size="xs" c="dimmed" data-testid="sync-totals">
        {t('providers.sync.totals', {
          inbound: t('providers.sync.replies', { count: totals.inbound }),
          optOuts: t('providers.sync.optOuts', { count: totals.optOuts }),
          confirmations: t('providers.sync.confirmations', { count: totals.confirmations }),
          statuses: t('providers.sync.statuses', { count: totals.statuses }),
        })}
      </Text>
      {totals.notFromNumber > 0 && (
        <Text size="xs" c="orange.8" data-testid="sync-not-from-number" data-count={totals.notFromNumber}>
          {t('providers.sync.notFromNumber', { count: totals.notFromNumber })}
        </Text>
      )}
      {last && !last.error && (
        <Text size="xs" c="teal.8" data-testid="sync-result">
          {t('providers.sync.justNow', {
            inbound: t('providers.sync.replies', { count: last.inbound }),
            optOuts: t('providers.sync.optOuts', { count: last.optOuts }),
            statuses: t('providers.sync.statuses', { count: last.statuses }),
          })}
        </Text>
      )}
      {sync.error && (
        <Text size="xs" c="red.8" data-testid="sync-error" data-code={sync.error.code} title={sync.error.message}>
          {t(`providers.syncError.${sync.error.code}`, { defaultValue: t('providers.syncError.SYNC_FAILED') })}
        </Text>
      )}
      <Group gap={4}>
        <Button
          size="compact-xs"
          variant="light"
          loading={syncing === provider.name}
          disabled={syncing !== null && syncing !== provider.name}
          onClick={() => void syncNow(provider.name)}
          data-testid="sync-now"
        >
          {t('providers.sync.now')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Add or change a provider: its kind's settings, and secrets typed in but never shown back. */
/** Providers whose servers are abroad: handing them Russian customers' numbers is a cross-border transfer. */
const ABROAD: readonly ProviderKind[] = ['twilio', 'whatsapp-cloud'];

/**
 * Under the ru pack, a provider abroad: 152-FZ art. 12 (notify Roskomnadzor first; 10 working days' wait for a
 * country without adequate protection), and WhatsApp's block in Russia (DOMAIN §1.1, §9.1).
 */
function CrossBorder({ kind, compact = false }: { kind: ProviderKind; compact?: boolean }) {
  const { t } = useTranslation();
  const pack = useSettingsStore((s) => s.settings?.policyPack);
  if (pack !== 'ru' || !ABROAD.includes(kind)) return null;
  const text = [
    t('providers.crossBorder', { provider: t(`providers.kind.${kind}`) }),
    ...(kind === 'whatsapp-cloud' ? [t('providers.whatsappRussia')] : []),
  ];
  return compact ? (
    <Text size="xs" c="orange.8" maw={320} data-testid="provider-cross-border">
      {t('providers.crossBorderShort')}
    </Text>
  ) : (
    <Alert color="orange" variant="light" title={t('providers.crossBorderTitle')} data-testid="provider-cross-border">
      {text.map((line) => (
        <Text key={line} size="sm">
          {line}
        </Text>
      ))}
    </Alert>
  );
}

function ProviderModal({ provider, onClose, onSaved }: { provider: Provider | null; onClose: () => void; onSaved: (saved: SavedProvider) => void }) {
  const { t } = useTranslation();
  const kinds = useProvidersStore((s) => s.kinds);
  const persistent = useProvidersStore((s) => s.secretsPersistent);
  const save = useProvidersStore((s) => s.save);
  const [name, setName] = useState(provider?.name ?? '');
  const [kind, setKind] = useState<ProviderKind>(provider?.kind ?? 'webhook');
  const [options, setOptions] = useState<Record<string, string>>(provider?.options ?? {});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);
  const spec = kinds.find((k) => k.kind === kind);
  const specs = [...(spec?.options ?? [])].sort((a, b) => Number(b.required) - Number(a.required));
  // A new address (URL, base URL) clears the stored secrets on save: a secret is never sent somewhere new.
  const moving =
    !!provider &&
    provider.secrets.some((s) => s.set) &&
    specs.some((s) => s.destination && (options[s.key] ?? '').trim() !== (provider.options[s.key] ?? ''));
  const stored = (key: string) => !moving && (provider?.secrets.find((s) => s.key === key)?.set ?? false);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const keys = new Set(specs.filter((s) => !s.secret).map((s) => s.key));
      const secretValues = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
      const saved = await save({
        name: name.trim(),
        kind,
        options: Object.fromEntries(Object.entries(options).filter(([k, v]) => keys.has(k) && v.trim() !== '')),
        ...(Object.keys(secretValues).length ? { secrets: secretValues } : {}),
      });
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} size="lg" title={provider ? t('providers.editTitle', { name: provider.name }) : t('providers.addTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack data-testid="provider-modal">
          <Group grow align="flex-start">
            <TextInput
              label={t('providers.name')}
              description={provider ? undefined : t('providers.nameHint')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              disabled={!!provider}
              required
              error={fieldError('name')}
              data-autofocus
              data-testid="provider-name"
            />
            <Select
              label={t('providers.kindLabel')}
              value={kind}
              onChange={(v) => v && setKind(v as ProviderKind)}
              data={ProviderKinds.map((k) => ({ value: k, label: t(`providers.kind.${k}`) }))}
              allowDeselect={false}
              disabled={!!provider}
              error={fieldError('kind')}
              data-testid="provider-kind"
            />
          </Group>
          <Text size="sm" c="dimmed">
            {t(`providers.kindHint.${kind}`)}
          </Text>
          <CrossBorder kind={kind} />
          {specs.map((s) => {
            const { label, description } = optionText(t, kind, s);
            return s.secret ? (
              <PasswordInput
                key={`${kind}-${s.key}`}
                label={label}
                description={description}
                required={s.required && !stored(s.key)}
                placeholder={stored(s.key) ? t('providers.secretKeep') : undefined}
                value={secrets[s.key] ?? ''}
                onChange={(e) => setSecrets({ ...secrets, [s.key]: e.currentTarget.value })}
                error={fieldError(`secrets.${s.key}`)}
                autoComplete="new-password"
                data-testid={`provider-secret-${s.key}`}
              />
            ) : (
              <TextInput
                key={`${kind}-${s.key}`}
                label={label}
                description={description}
                required={s.required}
                value={options[s.key] ?? ''}
                onChange={(e) => setOptions({ ...options, [s.key]: e.currentTarget.value })}
                error={fieldError(`options.${s.key}`)}
                data-testid={`provider-option-${s.key}`}
              />
            );
          })}
          {moving && (
            <Alert color="orange" variant="light" data-testid="secret-will-clear">
              {t('providers.secretWillClear')}
            </Alert>
          )}
          {specs.some((s) => s.secret) && (
            <Alert color={persistent ? 'gray' : 'orange'} variant="light" data-testid="secrets-notice">
              {persistent ? t('providers.secretsKeychain') : t('providers.secretsMemory')}
            </Alert>
          )}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('providers.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="save-provider">
              {t('providers.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** One test message to the owner's own number through a provider, and what the provider answered. */
function TestModal({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const { t } = useTranslation();
  const test = useProvidersStore((s) => s.test);
  const shopPhone = useSettingsStore((s) => s.settings?.shopPhone ?? '');
  const [to, setTo] = useState(shopPhone ? formatPhone(shopPhone) : '');
  const [channel, setChannel] = useState<string | null>(provider.channels[0] ?? null);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const submit = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await test({
          name: provider.name,
          ...(to.trim() ? { to: to.trim() } : {}),
          ...(channel ? { channel: channel as 'sms' | 'whatsapp' } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('providers.testTitle', { name: provider.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack data-testid="test-modal">
          <Text size="sm" c="dimmed">
            {t('providers.testHint')}
          </Text>
          <TextInput
            label={t('providers.testTo')}
            description={shopPhone ? t('providers.testToShop', { phone: formatPhone(shopPhone) }) : t('providers.testToNone')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={fieldError('to')}
            data-autofocus
            data-testid="test-to"
          />
          {provider.channels.length > 1 && (
            <Select
              label={t('providers.testChannel')}
              value={channel}
              onChange={setChannel}
              data={provider.channels.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
              allowDeselect={false}
              error={fieldError('channel')}
              data-testid="test-channel"
            />
          )}
          <ErrorAlert error={error} />
          {result && (
            <Alert
              color={result.ok ? 'teal' : result.outcome === 'retry' ? 'yellow' : 'red'}
              variant="light"
              title={t(`providers.outcome.${result.outcome}`)}
              data-testid="test-result"
              data-outcome={result.outcome}
            >
              <Text size="sm">
                {t('providers.testSentTo', { phone: formatPhone(result.to), channel: t(`channel.${result.channel}`) })}
                {result.providerMessageId ? ` · ${t('providers.testId', { id: result.providerMessageId })}` : ''}
              </Text>
              {!result.ok && (
                <Text size="sm" data-testid="test-message">
                  {result.code ? `${result.code}: ` : ''}
                  {translateSaid(t, result.said)}
                </Text>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('providers.close')}
            </Button>
            <Button type="submit" loading={busy} data-testid="send-test">
              {t('providers.sendTest')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveModal({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const { t } = useTranslation();
  const remove = useProvidersStore((s) => s.remove);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await remove(provider.name);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('providers.removeTitle', { name: provider.name })}>
      <Stack data-testid="remove-modal">
        <Text size="sm">{t('providers.removeText')}</Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('providers.cancel')}
          </Button>
          <Button color="red" onClick={() => void submit()} loading={busy} data-testid="confirm-remove">
            {t('providers.remove')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
