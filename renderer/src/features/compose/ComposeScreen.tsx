import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Input,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  useComposeStore,
  isoToLocal,
  optOutButtonText,
  type ComposeDiagnostic,
  type DraftChannel,
  type SampleContact,
} from '../../stores/compose.store';
import { call } from '../../api/client';
import { contactFields } from '../../../../shared/domain/lint/profile';
import { applyEdits } from '../../../../shared/domain/lint/edits';
import { MessageKinds, type Diagnostic } from '../../../../shared/domain/lint/types';
import { PolicyPackIds, type PolicyPackId } from '../../../../shared/domain/policy/policy';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MessageEditor, type MessageEditorHandle } from './MessageEditor';
import { CampaignPlanCard } from './CampaignPlanCard';

const SEVERITY_COLOR = { error: 'red', warning: 'yellow', info: 'gray' } as const;

/** The message composer: the linter's editor, its findings with one-click fixes, the SMS counter and a preview. */
export function ComposeScreen() {
  const { t, i18n } = useTranslation();
  const { profile, draft, result, sample, load, change, setLocale } = useComposeStore();
  const editor = useRef<MessageEditorHandle>(null);
  const [error, setError] = useState<unknown>(null);
  const [initial] = useState(() => useComposeStore.getState().draft.text);

  useEffect(() => {
    load().catch(setError);
  }, [load]);
  const uiLocale = i18n.language.startsWith('ru') ? 'ru' : 'en';
  useEffect(() => setLocale(uiLocale), [uiLocale, setLocale]);

  const diagnostics = useMemo(() => result?.diagnostics ?? [], [result]);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;

  const applyFix = (d: Diagnostic) => {
    if (!d.fix) return;
    if (d.fix.sendAt) change({ sendAt: isoToLocal(d.fix.sendAt) });
    if (d.target === 'text') editor.current?.applyEdits(d.fix.edits);
    if (d.target === 'header') change({ header: applyEdits(draft.header, d.fix.edits) });
    if (d.target === 'footer') change({ footer: applyEdits(draft.footer, d.fix.edits) });
  };

  return (
    <Stack pb="xl" gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('compose.title')}</Title>
        {result && (
          <Badge size="lg" color={errors ? 'red' : 'teal'} variant="light" data-testid="verdict">
            {errors ? t('compose.blocked', { count: errors }) : t('compose.sendable')}
          </Badge>
        )}
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder>
        <Grid columns={15}>
          <Grid.Col span={{ base: 15, md: 6 }}>
            <Input.Wrapper label={t('compose.channel')}>
              <SegmentedControl
                fullWidth
                value={draft.channel}
                onChange={(v) => change({ channel: v as DraftChannel })}
                data={[
                  { value: 'sms', label: t('channel.sms') },
                  { value: 'whatsapp', label: t('channel.whatsapp') },
                  { value: 'cascade', label: t('campaigns.channel.cascade') },
                ]}
                data-testid="compose-channel"
              />
            </Input.Wrapper>
          </Grid.Col>
          <Grid.Col span={{ base: 5, md: 3 }}>
            <Select
              label={t('compose.purpose')}
              value={draft.purpose}
              onChange={(v) => v && change({ purpose: v as 'marketing' | 'service' })}
              data={[
                { value: 'marketing', label: t('purpose.marketing') },
                { value: 'service', label: t('purpose.service') },
              ]}
              allowDeselect={false}
              data-testid="compose-purpose"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 5, md: 3 }}>
            <Select
              label={t('compose.kind')}
              value={draft.kind}
              onChange={(v) => v && change({ kind: v as (typeof MessageKinds)[number] })}
              data={MessageKinds.map((k) => ({ value: k, label: t(`compose.kinds.${k}`) }))}
              allowDeselect={false}
              data-testid="compose-kind"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 5, md: 3 }}>
            <Select
              label={t('compose.policy')}
              value={draft.policy ?? profile?.policy.id ?? null}
              onChange={(v) => change({ policy: v === profile?.policy.id ? null : (v as PolicyPackId) })}
              data={PolicyPackIds.map((id) => ({
                value: id,
                label: `${id.toUpperCase()}${id === profile?.policy.id ? ` — ${t('compose.yourPack')}` : ''}`,
              }))}
              allowDeselect={false}
              data-testid="compose-policy"
            />
          </Grid.Col>
        </Grid>
        {draft.channel === 'cascade' && (
          <Text size="xs" c="dimmed" mt="xs" data-testid="cascade-hint">
            {t('campaigns.channel.cascadeHint')}
          </Text>
        )}
        {draft.channel !== 'sms' && (
          <SimpleGrid cols={3} mt="sm">
            <TextInput
              label={t('compose.header')}
              value={draft.header}
              onChange={(e) => change({ header: e.currentTarget.value })}
              data-testid="compose-header"
            />
            <TextInput
              label={t('compose.footer')}
              value={draft.footer}
              onChange={(e) => change({ footer: e.currentTarget.value })}
              data-testid="compose-footer"
            />
            <Checkbox
              mt="xl"
              label={t('compose.optOutButton')}
              checked={draft.optOutButton}
              onChange={(e) => change({ optOutButton: e.currentTarget.checked })}
              data-testid="compose-optout-button"
            />
          </SimpleGrid>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Stack gap="xs">
          <MessageEditor
            ref={editor}
            initial={initial}
            diagnostics={diagnostics}
            onChange={(text) => change({ text })}
            label={t('compose.editorLabel')}
            hint={`${t('compose.editorHint')} {{first_name|${uiLocale === 'ru' ? 'покупатель' : 'there'}}}, {{name}}, {{shop_name}}, {{shop_phone}}`}
          />
          {result && <Counter />}
          <Preview sample={sample} />
        </Stack>
        <Card withBorder padding="sm">
          <Group justify="space-between" mb="xs">
            <Title order={4}>{t('compose.findings')}</Title>
            <Group gap={6}>
              <Badge color="red" variant="light" data-testid="count-errors">
                {t('compose.errors', { count: errors })}
              </Badge>
              <Badge color="yellow" variant="light" data-testid="count-warnings">
                {t('compose.warnings', { count: warnings })}
              </Badge>
            </Group>
          </Group>
          <ScrollArea.Autosize mah={640}>
            <Stack gap="xs" data-testid="diagnostics">
              {diagnostics.length === 0 && <Text c="dimmed">{t('compose.noFindings')}</Text>}
              {diagnostics.map((d, i) => (
                <Finding
                  key={`${d.rule}-${d.start}-${i}`}
                  d={d}
                  text={draft.text}
                  onFix={() => applyFix(d)}
                  onShow={() => editor.current?.select(d.start, d.end)}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Card>
      </SimpleGrid>
      <CampaignPlanCard errors={errors} />
    </Stack>
  );
}

function Finding({ d, text, onFix, onShow }: { d: ComposeDiagnostic; text: string; onFix: () => void; onShow: () => void }) {
  const { t } = useTranslation();
  const switchOff = useComposeStore((s) => s.switchOff);
  const [error, setError] = useState<unknown>(null);
  const quote = d.target === 'text' && d.end > d.start ? text.slice(d.start, d.end) : null;
  return (
    <Paper
      withBorder
      p="xs"
      radius="sm"
      className={`finding finding-${d.severity}`}
      data-testid="diagnostic"
      data-rule={d.rule}
      data-severity={d.severity}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Badge size="xs" color={SEVERITY_COLOR[d.severity]}>
              {t(`compose.severity.${d.severity}`)}
            </Badge>
            <Text size="xs" c="dimmed" className="mono">
              {d.rule}
            </Text>
            {d.target !== 'text' && (
              <Badge size="xs" variant="outline" color="gray">
                {t(`compose.targets.${d.target}`)}
              </Badge>
            )}
            {d.channel && (
              <Badge size="xs" variant="outline" color={d.channel === 'whatsapp' ? 'green' : 'blue'} tt="none" data-testid="finding-channel">
                {t('campaigns.channel.onlyFor', { channel: t(`channel.${d.channel}`) })}
              </Badge>
            )}
          </Group>
          <Text size="sm" style={{ cursor: quote ? 'pointer' : undefined }} onClick={quote ? onShow : undefined}>
            {d.message}
          </Text>
          <Text size="xs" c="dimmed">
            {d.source}
          </Text>
        </Stack>
      </Group>
      {(d.fix || d.severity !== 'error') && (
        <Group gap="xs" mt={6}>
          {d.fix && (
            <Button size="compact-xs" variant="light" onClick={onFix} data-testid="fix">
              {d.fix.label}
            </Button>
          )}
          {d.severity !== 'error' && d.rule !== 'LINT-SMS-ENCODING' && (
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => switchOff(d.rule).catch(setError)} data-testid="switch-off">
              {t('compose.switchOff')}
            </Button>
          )}
        </Group>
      )}
      <ErrorAlert error={error} />
    </Paper>
  );
}

function Counter() {
  const { t, i18n } = useTranslation();
  const result = useComposeStore((s) => s.result)!;
  const channel = useComposeStore((s) => s.draft.channel);
  const limit = useComposeStore((s) => s.profile?.segmentLimit ?? 3);
  const ucs2 = result.encoding === 'UCS-2' && result.ucs2Characters.every((c) => !/[\p{L}]/u.test(c) || /[A-Za-z]/.test(c));
  return (
    <Group gap="md" data-testid="counter" wrap="wrap">
      {channel !== 'whatsapp' && (
        <Badge color={result.encoding === 'GSM-7' ? 'teal' : 'orange'} variant="light" data-testid="encoding">
          {result.encoding}
        </Badge>
      )}
      <Text size="sm" data-testid="characters">
        {t('compose.characters', { count: result.characters })}
      </Text>
      {channel !== 'whatsapp' && (
        <Text
          size="sm"
          fw={result.longest.segments > limit ? 700 : 400}
          c={result.longest.segments > limit ? 'orange' : undefined}
          data-testid="segments"
        >
          {t('compose.segments', { count: result.segments })}
          {result.longest.segments !== result.segments || result.longest.encoding !== result.encoding
            ? ` · ${t('compose.longest', { count: result.longest.segments, encoding: result.longest.encoding })}`
            : ''}
        </Text>
      )}
      {channel !== 'whatsapp' && ucs2 && result.ucs2Characters.length > 0 && (
        <Text size="sm" c="orange" data-testid="ucs2-chars">
          {t('compose.ucs2Because')} {result.ucs2Characters.map((c) => (i18n.language.startsWith('ru') ? `«${c}»` : `“${c}”`)).join(' ')}
        </Text>
      )}
    </Group>
  );
}

function Preview({ sample }: { sample: SampleContact | null }) {
  const { t } = useTranslation();
  const result = useComposeStore((s) => s.result);
  const setSample = useComposeStore((s) => s.setSample);
  const channel = useComposeStore((s) => s.draft.channel);
  const header = useComposeStore((s) => s.draft.header);
  const footer = useComposeStore((s) => s.draft.footer);
  const optOutButton = useComposeStore((s) => s.draft.optOutButton);
  const draftText = useComposeStore((s) => s.draft.text);
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<SampleContact[]>([]);
  useEffect(() => {
    let live = true;
    call('contacts.list', { query: query || undefined, limit: 20 })
      .then((r) => live && setOptions(r.contacts.map((c) => ({ id: c.id, label: `${c.name || '—'} · ${c.phone}`, fields: contactFields(c.name) }))))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [query]);
  const data = [...(sample && !options.some((o) => o.id === sample.id) ? [sample] : []), ...options];
  const text = result?.preview?.text ?? '';
  return (
    <Card withBorder padding="sm" data-testid="preview">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('compose.preview')}</Text>
        <Select
          size="xs"
          w={260}
          placeholder={t('compose.sampleHint')}
          searchable
          searchValue={query}
          onSearchChange={setQuery}
          data={data.map((o) => ({ value: String(o.id), label: o.label }))}
          value={sample ? String(sample.id) : null}
          onChange={(v) => setSample(data.find((o) => String(o.id) === v) ?? null)}
          data-testid="sample-contact"
        />
      </Group>
      <div className={`bubble bubble-${channel === 'whatsapp' ? 'whatsapp' : 'sms'}`} data-testid="preview-text">
        {channel === 'whatsapp' && header && <div className="bubble-header">{header}</div>}
        {text || <span className="bubble-empty">{t('compose.previewEmpty')}</span>}
        {channel === 'whatsapp' && footer && <div className="bubble-footer">{footer}</div>}
      </div>
      {channel === 'whatsapp' && optOutButton && <div className="bubble-button">{optOutButtonText(draftText)}</div>}
      {!sample && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('compose.noSample')}
        </Text>
      )}
    </Card>
  );
}
