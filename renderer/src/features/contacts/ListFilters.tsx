import { useEffect, useState } from 'react';
import { ActionIcon, Button, Group, MultiSelect, Select, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ConsentMethods } from '../../../../shared/domain/consent/types';
import { ListedStatuses, type ContactFilter, type ImportBatch, type ListSort, type Output } from '../../../../shared/contract/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { cleanFilter, DEFAULT_VIEW, type ListView } from '../../stores/contacts.store';
import { SegmentDialog } from './SegmentDialog';

type Segment = Output<'segments.list'>['segments'][number];

/** A day range as two date fields (YYYY-MM-DD, the shop's days). */
function DayRange({
  label,
  value,
  onChange,
  testid,
}: {
  label: string;
  value: { from?: string | undefined; to?: string | undefined } | undefined;
  onChange: (v: { from?: string; to?: string }) => void;
  testid: string;
}) {
  const { t } = useTranslation();
  const set = (k: 'from' | 'to', v: string) =>
    onChange({ ...(value?.from ? { from: value.from } : {}), ...(value?.to ? { to: value.to } : {}), [k]: v || undefined });
  return (
    <Group gap={4} wrap="nowrap" align="flex-end">
      <DateField
        size="xs"
        label={`${label}: ${t('list.from')}`}
        value={value?.from ?? ''}
        onChange={(v) => set('from', v)}
        data-testid={`${testid}-from`}
        w={140}
      />
      <DateField size="xs" label={t('list.to')} value={value?.to ?? ''} onChange={(v) => set('to', v)} data-testid={`${testid}-to`} w={140} />
    </Group>
  );
}

/**
 * The list's filters, sort and segments: marketing status on a channel as the list shows it, tag, source, import,
 * the days added and of the last consent change; the order; a saved segment to apply, save or delete.
 */
export function ListFilters({ view, onChange }: { view: ListView; onChange: (v: ListView) => void }) {
  const { t } = useTranslation();
  const [segments, setSegments] = useState<Segment[]>([]);
  const [imports, setImports] = useState<ImportBatch[]>([]);
  const [saving, setSaving] = useState(false);
  const [tag, setTag] = useState(view.filter.tags?.[0] ?? '');
  const f = view.filter;
  const setFilter = (patch: Partial<ContactFilter>) => onChange({ ...view, filter: { ...f, ...patch } });

  const loadSegments = () =>
    void call('segments.list', {})
      .then((r) => setSegments(r.segments))
      .catch(() => setSegments([]));
  useEffect(() => {
    loadSegments();
    void call('import.batches', {})
      .then((r) => setImports(r.batches))
      .catch(() => setImports([]));
  }, []);
  // A typed tag is applied after a pause, like the search.
  useEffect(() => {
    const h = setTimeout(() => {
      const now = f.tags?.[0] ?? '';
      if (tag.trim() !== now) setFilter({ tags: tag.trim() ? [tag.trim()] : undefined });
    }, 300);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the typed tag starts the pause
  }, [tag]);

  const channel = f.marketing?.channel ?? 'sms';
  const statusLabel = (s: (typeof ListedStatuses)[number]) => (s === 'needs_personal_data' ? t('list.needsPd') : t(`status.${s}`));
  const saveable = cleanFilter(f);

  return (
    <div data-testid="list-filters">
      <Group gap="xs" align="flex-end" mb={6} wrap="wrap">
        <Select
          size="xs"
          w={110}
          label={t('list.channel')}
          value={channel}
          onChange={(v) => v && setFilter({ marketing: { channel: v as 'sms' | 'whatsapp', status: f.marketing?.status ?? [] } })}
          data={[
            { value: 'sms', label: t('channel.sms') },
            { value: 'whatsapp', label: t('channel.whatsapp') },
          ]}
          allowDeselect={false}
          data-testid="filter-channel"
        />
        <MultiSelect
          size="xs"
          w={260}
          label={t('list.status')}
          placeholder={f.marketing?.status.length ? undefined : t('list.statusAny')}
          value={f.marketing?.status ?? []}
          onChange={(v) =>
            setFilter({
              marketing: { channel, status: v as ContactFilter['marketing'] extends infer M ? (M extends { status: infer S } ? S : never) : never },
            })
          }
          data={ListedStatuses.map((s) => ({ value: s, label: statusLabel(s) }))}
          clearable
          data-testid="filter-status"
        />
        <TextInput
          size="xs"
          w={120}
          label={t('list.tag')}
          placeholder={t('list.tagPlaceholder')}
          value={tag}
          onChange={(e) => setTag(e.currentTarget.value)}
          data-testid="filter-tag"
        />
        <Select
          size="xs"
          w={170}
          label={t('list.source')}
          placeholder={t('list.sourceAny')}
          value={f.method ?? null}
          onChange={(v) => setFilter({ method: (v ?? undefined) as ContactFilter['method'] })}
          data={ConsentMethods.map((m) => ({ value: m, label: t(`method.${m}`) }))}
          clearable
          data-testid="filter-source"
        />
        <Select
          size="xs"
          w={200}
          label={t('list.import')}
          placeholder={t('list.importAny')}
          value={f.importBatch ? String(f.importBatch) : null}
          onChange={(v) => setFilter({ importBatch: v ? Number(v) : undefined })}
          data={imports.map((b) => ({
            value: String(b.id),
            label: t('list.importOption', { id: b.id, file: b.fileName, date: b.committedAt.slice(0, 10) }),
          }))}
          clearable
          data-testid="filter-import"
        />
      </Group>
      <Group gap="xs" align="flex-end" mb="sm" wrap="wrap">
        <DayRange label={t('list.added')} value={f.added} onChange={(v) => setFilter({ added: v })} testid="filter-added" />
        <DayRange label={t('list.changed')} value={f.consentChanged} onChange={(v) => setFilter({ consentChanged: v })} testid="filter-changed" />
        <Select
          size="xs"
          w={190}
          label={t('list.sort')}
          value={view.sort.by}
          onChange={(v) => v && onChange({ ...view, sort: { ...view.sort, by: v as ListSort['by'] } })}
          data={(['name', 'phone', 'added', 'consentChanged'] as const).map((by) => ({ value: by, label: t(`list.sortBy.${by}`) }))}
          allowDeselect={false}
          data-testid="sort-by"
        />
        <Tooltip label={view.sort.dir === 'asc' ? t('list.asc') : t('list.desc')}>
          <ActionIcon
            variant="default"
            size="md"
            mb={2}
            aria-label={view.sort.dir === 'asc' ? t('list.asc') : t('list.desc')}
            onClick={() => onChange({ ...view, sort: { ...view.sort, dir: view.sort.dir === 'asc' ? 'desc' : 'asc' } })}
            data-testid="sort-dir"
          >
            {view.sort.dir === 'asc' ? '↑' : '↓'}
          </ActionIcon>
        </Tooltip>
        <Select
          size="xs"
          w={180}
          label={t('list.segment')}
          placeholder={t('list.noSegment')}
          value={view.segment}
          onChange={(v) => onChange({ ...view, segment: v })}
          data={segments.map((s) => s.name)}
          clearable
          data-testid="filter-segment"
        />
        {view.segment && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() =>
              void call('segments.delete', { name: view.segment! }).then(() => {
                onChange({ ...view, segment: null });
                loadSegments();
              })
            }
          >
            {t('list.deleteSegment')}
          </Button>
        )}
        <Button size="xs" variant="light" disabled={!saveable} onClick={() => setSaving(true)} data-testid="segment-open">
          {t('list.saveSegment')}
        </Button>
        <Button
          size="xs"
          variant="subtle"
          onClick={() => {
            setTag('');
            onChange(DEFAULT_VIEW);
          }}
          data-testid="filters-clear"
        >
          {t('list.clear')}
        </Button>
      </Group>
      <SegmentDialog
        opened={saving}
        onClose={() => setSaving(false)}
        filter={saveable ?? {}}
        onSaved={(s) => {
          loadSegments();
          onChange({ ...view, filter: {}, segment: s.name });
          setTag('');
        }}
      />
    </div>
  );
}
