import { useEffect, useState } from 'react';
import { Button, Card, Group, Input, SegmentedControl, Select, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { localToIso, useComposeStore } from '../../stores/compose.store';
import { useSettingsStore } from '../../stores/settings.store';
import { formatDateTime } from '../../components/format';
import { channelLabel } from '../campaigns/labels';
import { useAppStore } from '../../stores/app.store';
import { DateTimeField } from '../../components/DateField';
import { isLocalDateTime } from '../../components/dates';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { call } from '../../api/client';

/** Who gets the message and when: name, audience, planned time, and "Plan campaign". */
export function CampaignPlanCard({ errors }: { errors: number }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const draft = useComposeStore((s) => s.draft);
  const change = useComposeStore((s) => s.change);
  const tagOptions = useComposeStore((s) => s.tagOptions);
  const loadTags = useComposeStore((s) => s.loadTags);
  const plan = useComposeStore((s) => s.plan);
  const go = useAppStore((s) => s.go);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const byTags = draft.audience === 'tags';
  const bySegment = draft.audience === 'segment';
  const [segments, setSegments] = useState<string[]>([]);
  useEffect(() => {
    if (byTags) loadTags().catch(() => undefined);
  }, [byTags, loadTags]);
  // Saved segments (Contacts → filters → Save as segment…): the plan copies the one chosen; the gate decides each person.
  useEffect(() => {
    if (!bySegment) return;
    let live = true;
    call('segments.list', {})
      .then((r) => live && setSegments(r.segments.map((s) => s.name)))
      .catch(() => live && setSegments([]));
    return () => {
      live = false;
    };
  }, [bySegment]);

  const missing = !draft.text.trim() ? 'text' : byTags && draft.tags.length === 0 ? 'tags' : bySegment && !draft.segment ? 'segment' : null;
  // A send time typed but not a date and time yet: the field says how to write it, and nothing is planned (never "now").
  const badWhen = draft.sendAt !== '' && !isLocalDateTime(draft.sendAt);
  const submit = async () => {
    if (badWhen) return;
    setBusy(true);
    setError(null);
    try {
      // The default name in the owner's language and the shop's time, e.g. "SMS · 24 Nov 2026, 09:25".
      const when = localToIso(draft.sendAt) ?? new Date().toISOString();
      const batch = await plan(`${channelLabel(t, draft.channel)} · ${formatDateTime(when, timeZone, i18n.language)}`);
      go({ screen: 'campaign', batch });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder data-testid="campaign-plan-card">
      <Title order={4}>{t('campaigns.composer.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('campaigns.composer.hint')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <TextInput
          label={t('campaigns.composer.name')}
          placeholder={t('campaigns.composer.namePlaceholder')}
          value={draft.name}
          onChange={(e) => change({ name: e.currentTarget.value })}
          error={fieldError('name')}
          maxLength={200}
          data-testid="campaign-name"
        />
        <Stack gap={6}>
          <Input.Wrapper label={t('campaigns.composer.audience')}>
            <SegmentedControl
              fullWidth
              value={draft.audience}
              onChange={(v) => change({ audience: v as 'all' | 'tags' | 'segment' })}
              data={[
                { value: 'all', label: t('campaigns.composer.everyone') },
                { value: 'tags', label: t('campaigns.composer.withTags') },
                { value: 'segment', label: t('list.segment') },
              ]}
              data-testid="campaign-audience"
            />
          </Input.Wrapper>
          {byTags && (
            <TagsInput
              aria-label={t('campaigns.composer.tags')}
              placeholder={draft.tags.length ? undefined : t('campaigns.composer.tagsPlaceholder')}
              data={tagOptions}
              value={draft.tags}
              onChange={(tags) => change({ tags })}
              error={fieldError('tags')}
              comboboxProps={{ withinPortal: true }}
              data-testid="campaign-tags"
            />
          )}
          {bySegment && (
            <Select
              aria-label={t('list.segment')}
              placeholder={t('list.noSegment')}
              data={segments}
              value={draft.segment || null}
              onChange={(v) => change({ segment: v ?? '' })}
              error={fieldError('segment')}
              comboboxProps={{ withinPortal: true }}
              data-testid="campaign-segment"
            />
          )}
        </Stack>
        <Stack gap={4}>
          <DateTimeField
            label={t('campaigns.composer.when')}
            description={`${draft.sendAt ? t('campaigns.composer.whenLater') : t('campaigns.composer.whenNow')}${timeZone ? ` · ${t('record.inZone', { zone: timeZone })}` : ''}`}
            value={draft.sendAt}
            onChange={(v) => change({ sendAt: v })}
            error={fieldError('at')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data-testid="compose-send-at"
          />
          {draft.sendAt && (
            <Button
              size="compact-xs"
              variant="subtle"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => change({ sendAt: '' })}
              data-testid="send-now"
            >
              {t('campaigns.composer.now')}
            </Button>
          )}
        </Stack>
      </SimpleGrid>
      <ErrorAlert error={error} mt="sm" />
      <Group justify="space-between" mt="md" wrap="nowrap" align="center">
        <Text size="sm" c={errors ? 'orange.8' : 'dimmed'} data-testid="plan-note">
          {missing === 'text'
            ? t('campaigns.composer.needText')
            : missing === 'tags'
              ? t('campaigns.composer.needTags')
              : missing === 'segment'
                ? t('list.needSegment')
                : errors
                  ? t('campaigns.composer.withErrors', { count: errors })
                  : t('campaigns.composer.planNote')}
        </Text>
        <Button onClick={() => void submit()} loading={busy} disabled={missing !== null || badWhen} data-testid="plan-campaign">
          {t('campaigns.composer.plan')}
        </Button>
      </Group>
    </Card>
  );
}
