import { useEffect, useMemo, useState } from 'react';
import { Badge, Button, Card, Code, Group, NavLink, ScrollArea, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormVersion } from '../../../../shared/contract/api';
import { useFormsStore } from '../../stores/forms.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useAppStore } from '../../stores/app.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { FormEditor } from './FormEditor';
import { PrintModal } from './PrintModal';
import { QrModal } from './QrModal';

/** Consent forms: wording versions (kept forever), printing sheets, QR codes and posters. */
export function FormsScreen() {
  const { t, i18n } = useTranslation();
  const { forms, loaded, selectedId, error, load, select } = useFormsStore();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const go = useAppStore((s) => s.go);
  const [editing, setEditing] = useState<{ base: FormVersion | null } | null>(null);
  const [printing, setPrinting] = useState(false);
  const [qr, setQr] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  // One entry per form: its newest version first; older versions are listed on the form's card.
  const byKey = useMemo(() => {
    const groups = new Map<string, FormVersion[]>();
    for (const f of forms) groups.set(f.formKey, [...(groups.get(f.formKey) ?? []), f]);
    return [...groups.values()].map((versions) => versions.sort((a, b) => b.version - a.version));
  }, [forms]);
  const selected = forms.find((f) => f.id === selectedId) ?? null;
  const versions = selected ? (byKey.find((g) => g[0]?.formKey === selected.formKey) ?? []) : [];
  const when = (iso: string | null) => formatDateTime(iso, timeZone, i18n.language);

  return (
    <Stack pb="xl" h="100%">
      <Group justify="space-between">
        <div>
          <Title order={2}>{t('forms.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('forms.subtitle')}
          </Text>
        </div>
        <Group>
          <Button variant="default" onClick={() => go({ screen: 'paper' })} data-testid="to-paper">
            {t('forms.toPaper')}
          </Button>
          <Button onClick={() => setEditing({ base: null })} data-testid="new-form">
            {t('forms.new')}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      {loaded && forms.length === 0 && (
        <Card withBorder p="xl" data-testid="forms-empty">
          <Stack align="flex-start">
            <Text fw={500}>{t('forms.emptyTitle')}</Text>
            <Text c="dimmed" size="sm">
              {t('forms.emptyText')}
            </Text>
            <Button onClick={() => setEditing({ base: null })}>{t('forms.new')}</Button>
          </Stack>
        </Card>
      )}
      {forms.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg" style={{ alignItems: 'start' }}>
          <Card withBorder p="xs" data-testid="form-list">
            {byKey.map((group) => {
              const latest = group[0]!;
              return (
                <NavLink
                  key={latest.formKey}
                  active={selected?.formKey === latest.formKey}
                  onClick={() => select(latest.id)}
                  label={latest.title}
                  description={`${latest.code} · ${latest.language.toUpperCase()} · ${latest.channels.map((c) => t(`forms.channel.${c}`)).join(', ')}`}
                  data-testid={`form-${latest.code}`}
                />
              );
            })}
          </Card>
          {selected && (
            <Card withBorder style={{ gridColumn: 'span 2' }} data-testid="form-detail">
              <Stack>
                <Group justify="space-between" align="flex-start">
                  <div>
                    <Group gap="xs">
                      <Title order={3}>{selected.title}</Title>
                      <Badge variant="light" tt="none" data-testid="form-code">
                        {selected.code}
                      </Badge>
                      {selected.id !== versions[0]?.id && (
                        <Badge color="gray" variant="outline" tt="none">
                          {t('forms.oldVersion')}
                        </Badge>
                      )}
                    </Group>
                    <Text size="sm" c="dimmed" mt={4}>
                      {[
                        t(`forms.language.${selected.language}`),
                        selected.channels.map((c) => t(`forms.channel.${c}`)).join(', '),
                        selected.purposes.map((p) => t(`forms.purpose.${p}`)).join(', '),
                      ].join(' · ')}
                    </Text>
                  </div>
                  <Group>
                    <Button variant="default" onClick={() => setEditing({ base: selected })} data-testid="edit-form">
                      {t('forms.edit')}
                    </Button>
                    <Button variant="light" onClick={() => setQr(true)} data-testid="open-qr">
                      {t('forms.qrAndPoster')}
                    </Button>
                    <Button onClick={() => setPrinting(true)} data-testid="open-print">
                      {t('forms.print')}
                    </Button>
                  </Group>
                </Group>
                <ScrollArea.Autosize mah={420}>
                  <Text className="wording" pr="md" data-testid="form-body">
                    {selected.body}
                  </Text>
                </ScrollArea.Autosize>
                <Group gap="lg">
                  <Tooltip label={selected.sha256} multiline w={320}>
                    <Text size="xs" c="dimmed">
                      SHA-256 <Code>{selected.sha256.slice(0, 16)}…</Code>
                    </Text>
                  </Tooltip>
                  <Text size="xs" c="dimmed">
                    {t('forms.created', { date: when(selected.createdAt) })}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {selected.firstUsedAt ? t('forms.firstUsed', { date: when(selected.firstUsedAt) }) : t('forms.neverUsed')}
                  </Text>
                </Group>
                {versions.length > 1 && (
                  <div>
                    <Text size="sm" fw={500} mb={4}>
                      {t('forms.versions')}
                    </Text>
                    <Group gap="xs" data-testid="form-versions">
                      {versions.map((v) => (
                        <Button key={v.id} size="compact-sm" variant={v.id === selected.id ? 'filled' : 'default'} onClick={() => select(v.id)}>
                          {v.code}
                        </Button>
                      ))}
                    </Group>
                    <Text size="xs" c="dimmed" mt={4}>
                      {t('forms.versionsHint')}
                    </Text>
                  </div>
                )}
              </Stack>
            </Card>
          )}
        </SimpleGrid>
      )}
      {editing && <FormEditor base={editing.base} onClose={() => setEditing(null)} />}
      {printing && selected && <PrintModal form={selected} onClose={() => setPrinting(false)} />}
      {qr && selected && <QrModal form={selected} onClose={() => setQr(false)} />}
    </Stack>
  );
}
