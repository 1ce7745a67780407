import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Group, Modal, Radio, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ColumnMapping, ColumnTarget } from '../../../../shared/contract/api';
import type { Channel, Purpose } from '../../../../shared/domain/consent/types';
import { checkMapping, useImportStore, type MappingCheck, type MergeMode } from '../../stores/import.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { countryName } from '../../components/format';
import { COUNTRIES } from '../../components/countries';
import { fieldOptions } from './options';
import { FileConsentCard } from './FileConsentCard';
import { staffOptions } from '../../components/staff';
import { purposesForPack } from '../../components/purposes';

const CHANNELS: Channel[] = ['sms', 'whatsapp'];
/** Sample values shown beside each column. */
const EXAMPLES = 3;

/** Step 3: what each column means, how to merge with the register, and saving the mapping as a preset. */
export function MappingStep() {
  const { t } = useTranslation();
  const inspection = useImportStore((s) => s.inspection);
  const mapping = useImportStore((s) => s.mapping);
  const notice = useImportStore((s) => s.notice);
  const error = useImportStore((s) => s.error);
  const goTo = useImportStore((s) => s.goTo);
  const runPreview = useImportStore((s) => s.runPreview);
  const [saving, setSaving] = useState(false);
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const [hideIgnored, setHideIgnored] = useState(false);
  if (!inspection) return null;
  const check = checkMapping(mapping);
  const ignored = mapping.filter((m) => m.target.field === 'ignore').length;

  return (
    <Stack>
      {notice === 'preview_cancelled' && (
        <Alert color="blue" variant="light" data-testid="notice">
          {t('import.preview.cancelled')}
        </Alert>
      )}
      <Card withBorder p={0}>
        <Group justify="space-between" px="md" py="sm" wrap="nowrap">
          <div>
            <Title order={4}>{t('import.mapping.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('import.mapping.hint')}
            </Text>
          </div>
          <Group gap="lg" wrap="nowrap" style={{ flexShrink: 0 }}>
            {ignored > 0 && (
              <Switch
                label={t('import.mapping.hideIgnored', { count: ignored })}
                checked={hideIgnored}
                onChange={(e) => setHideIgnored(e.currentTarget.checked)}
                data-testid="hide-ignored"
              />
            )}
            <Button variant="light" onClick={() => setSaving(true)} disabled={!check.ok} data-testid="save-preset">
              {t('import.mapping.savePreset')}
            </Button>
          </Group>
        </Group>
        {savedAs && (
          <Alert color="green" variant="light" mx="md" mb="sm" data-testid="preset-saved" withCloseButton onClose={() => setSavedAs(null)}>
            {t('import.mapping.presetSaved', { name: savedAs })}
          </Alert>
        )}
        {check.noPhone && (
          <Alert color="red" variant="light" mx="md" mb="sm" data-testid="no-phone">
            {t('import.mapping.noPhone')}
          </Alert>
        )}
        <MappingTable
          mapping={mapping}
          shown={hideIgnored ? mapping.filter((m) => m.target.field !== 'ignore') : mapping}
          original={inspection.mapping}
          sample={inspection.sample}
          check={check}
        />
      </Card>
      <FileConsentCard />
      <ImportOptions />
      <ErrorAlert error={error} />
      <Group justify="space-between">
        <Button variant="default" onClick={() => goTo('detect')} data-testid="back-to-detect">
          {t('import.back')}
        </Button>
        <Group gap="sm">
          {!check.ok && (
            <Text size="sm" c="red" data-testid="mapping-invalid">
              {check.noPhone ? t('import.mapping.fixPhone') : t('import.mapping.fixConsent')}
            </Text>
          )}
          <Button onClick={() => void runPreview()} disabled={!check.ok} data-testid="to-preview">
            {t('import.mapping.preview')}
          </Button>
        </Group>
      </Group>
      {saving && <SavePresetModal onClose={() => setSaving(false)} onSaved={(name) => setSavedAs(name)} />}
    </Stack>
  );
}

/** One row per file column: its header, a few values, what it means and, for consent, which channels and purpose. */
function MappingTable({
  mapping,
  shown,
  original,
  sample,
  check,
}: {
  mapping: ColumnMapping[];
  /** The rows to show (ignored columns may be hidden). */
  shown: ColumnMapping[];
  original: ColumnMapping[];
  sample: string[][];
  check: MappingCheck;
}) {
  const { t } = useTranslation();
  const setTarget = useImportStore((s) => s.setTarget);
  const options = fieldOptions(t);
  const headerOf = (column: number) => mapping.find((m) => m.column === column)?.header || t('import.mapping.untitled', { n: column + 1 });

  const changeField = (m: ColumnMapping, field: ColumnTarget['field']) => {
    // Back to what was suggested: keep the suggestion's channels and purpose too.
    const suggested = original.find((o) => o.column === m.column)?.target;
    if (suggested && suggested.field === field) setTarget(m.column, suggested);
    else if (field === 'consent') setTarget(m.column, { field, channels: [] });
    else setTarget(m.column, { field });
  };

  return (
    <Table layout="fixed" verticalSpacing="sm" data-testid="mapping-table" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="21%">{t('import.mapping.column')}</Table.Th>
          <Table.Th w="24%">{t('import.mapping.examples')}</Table.Th>
          <Table.Th w={210}>{t('import.mapping.means')}</Table.Th>
          <Table.Th>{t('import.mapping.details')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {shown.map((m) => {
          const examples = sample
            .map((row) => (row[m.column] ?? '').trim())
            .filter((v) => v !== '')
            .slice(0, EXAMPLES);
          const ignored = m.target.field === 'ignore';
          return (
            <Table.Tr key={m.column} data-testid="mapping-row" data-header={m.header} style={{ verticalAlign: 'top' }}>
              <Table.Td>
                <Text size="sm" fw={600} truncate title={m.header} c={ignored ? 'dimmed' : undefined}>
                  {m.header || t('import.mapping.untitled', { n: m.column + 1 })}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('import.mapping.columnNo', { n: m.column + 1 })}
                </Text>
              </Table.Td>
              <Table.Td>
                {examples.length === 0 ? (
                  <Text size="xs" c="dimmed" fs="italic">
                    {t('import.mapping.empty')}
                  </Text>
                ) : (
                  examples.map((v, i) => (
                    <Text key={i} size="xs" c="dimmed" truncate title={v}>
                      {v}
                    </Text>
                  ))
                )}
              </Table.Td>
              <Table.Td>
                <Select
                  aria-label={t('import.mapping.meansFor', { header: m.header })}
                  data={options}
                  value={m.target.field}
                  onChange={(v) => v && changeField(m, v as ColumnTarget['field'])}
                  allowDeselect={false}
                  maxDropdownHeight={360}
                  comboboxProps={{ width: 260, position: 'bottom-start' }}
                  data-testid={`field-${m.column}`}
                />
              </Table.Td>
              <Table.Td>
                <TargetDetails m={m} check={check} headerOf={headerOf} />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** The part of a column's meaning beyond its field: consent scope, and what the field does. */
function TargetDetails({ m, check, headerOf }: { m: ColumnMapping; check: MappingCheck; headerOf: (column: number) => string }) {
  const { t } = useTranslation();
  const setTarget = useImportStore((s) => s.setTarget);
  const { field, channels = [], purpose } = m.target;
  const missing = check.missing[m.column];
  const duplicateOf = check.duplicateOf[m.column];
  const pack = useSettingsStore((s) => s.settings?.effectivePolicy);

  if (field === 'consent') {
    const toggle = (c: Channel, on: boolean) => {
      const next = on ? [...channels, c] : channels.filter((x) => x !== c);
      setTarget(m.column, { ...m.target, channels: CHANNELS.filter((x) => next.includes(x)) });
    };
    return (
      <Stack gap={6}>
        <Group gap="md">
          {CHANNELS.map((c) => (
            <Checkbox
              key={c}
              label={t(`channel.${c}`)}
              checked={channels.includes(c)}
              onChange={(e) => toggle(c, e.currentTarget.checked)}
              data-testid={`channel-${m.column}-${c}`}
            />
          ))}
        </Group>
        <Select
          aria-label={t('import.mapping.purpose')}
          placeholder={t('import.mapping.purpose')}
          data={purposesForPack(pack, [purpose]).map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
          value={purpose ?? null}
          onChange={(v) => setTarget(m.column, { ...m.target, purpose: (v as Purpose | null) ?? undefined })}
          allowDeselect={false}
          error={missing?.purpose}
          maw={240}
          data-testid={`purpose-${m.column}`}
        />
        {missing && (
          <Text size="xs" c="red" data-testid={`consent-missing-${m.column}`}>
            {missing.channels && missing.purpose
              ? t('import.mapping.needBoth')
              : missing.channels
                ? t('import.mapping.needChannels')
                : t('import.mapping.needPurpose')}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('importFieldHints.consent')}
        </Text>
      </Stack>
    );
  }
  if (duplicateOf !== undefined) {
    return (
      <Text size="xs" c="orange.8" data-testid={`duplicate-${m.column}`}>
        {t('import.mapping.duplicate', { field: t(`importFields.${field}`), header: headerOf(duplicateOf) })}
      </Text>
    );
  }
  const scoped = (field === 'consent_date' || field === 'consent_source') && (channels.length > 0 || purpose);
  if (scoped) {
    return (
      <Text size="xs" c="dimmed">
        {t('import.mapping.scopedTo', {
          channels: channels.map((c) => t(`channel.${c}`)).join(', ') || t('import.mapping.allChannels'),
          purpose: purpose ? t(`purpose.${purpose}`) : t('import.mapping.anyPurpose'),
        })}
      </Text>
    );
  }
  const hint = t(`importFieldHints.${field}`, { defaultValue: '' });
  return hint ? (
    <Text size="xs" c="dimmed">
      {hint}
    </Text>
  ) : null;
}

/** Merge mode, default country and who the import is recorded as. */
function ImportOptions() {
  const { t, i18n } = useTranslation();
  const merge = useImportStore((s) => s.merge);
  const defaultCountry = useImportStore((s) => s.defaultCountry);
  const staffName = useImportStore((s) => s.staff);
  const setOptions = useImportStore((s) => s.setOptions);
  const settings = useSettingsStore((s) => s.settings);
  const staff = useSettingsStore((s) => s.staff);
  const activeStaff = staff.filter((s) => s.active);
  const country = defaultCountry ?? settings?.defaultCountry ?? 'RU';
  const countries = [...new Set([...COUNTRIES, country])];
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('import.options.title')}
      </Title>
      <SimpleGrid cols={2} spacing="xl">
        <Radio.Group label={t('import.options.merge')} value={merge} onChange={(v) => setOptions({ merge: v as MergeMode })} data-testid="merge">
          <Stack gap="xs" mt={6}>
            <Radio
              value="fill_blanks"
              label={t('import.options.fillBlanks')}
              description={t('import.options.fillBlanksHint')}
              data-testid="merge-fill"
            />
            <Radio
              value="overwrite"
              label={t('import.options.overwrite')}
              description={t('import.options.overwriteHint')}
              data-testid="merge-overwrite"
            />
          </Stack>
        </Radio.Group>
        <Stack gap="sm">
          <Select
            label={t('import.options.defaultCountry')}
            description={t('import.options.defaultCountryHint')}
            data={countries.map((c) => ({ value: c, label: `${c} — ${countryName(c, i18n.language)}` }))}
            value={country}
            onChange={(v) => v && setOptions({ defaultCountry: v })}
            searchable
            allowDeselect={false}
            data-testid="import-country"
          />
          <Select
            label={t('import.options.staff')}
            description={t('import.options.staffHint')}
            data={staffOptions(activeStaff, t)}
            value={staffName ?? activeStaff.find((s) => s.role === 'owner')?.name ?? null}
            onChange={(v) => setOptions({ staff: v })}
            allowDeselect={false}
            data-testid="import-staff"
          />
        </Stack>
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="md">
        {t('import.options.consentsNote')}
      </Text>
    </Card>
  );
}

/** Keep the current mapping under a name, so files with the same columns are recognised next time. */
function SavePresetModal({ onClose, onSaved }: { onClose: () => void; onSaved: (name: string) => void }) {
  const { t } = useTranslation();
  const savePreset = useImportStore((s) => s.savePreset);
  const suggested = useImportStore((s) =>
    s.inspection?.preset?.kind === 'saved' ? s.inspection.preset.name : (s.file?.name.replace(/\.[^.]*$/, '') ?? ''),
  );
  const [name, setName] = useState(suggested);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await savePreset(name);
      onSaved(saved.name);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('import.mapping.savePresetTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('import.mapping.savePresetHint')}
          </Text>
          <TextInput
            label={t('import.mapping.presetName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
            data-autofocus
            data-testid="preset-name"
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('import.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="preset-save">
              {t('import.mapping.savePresetButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
