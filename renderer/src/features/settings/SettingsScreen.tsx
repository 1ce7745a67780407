import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormVersion, Settings, Staff } from '../../../../shared/contract/api';
import type { Channel, Purpose } from '../../../../shared/domain/consent/types';
import type { PolicyOverrides, PolicyPackId } from '../../../../shared/domain/policy/policy';
import { useSettingsStore } from '../../stores/settings.store';
import { useFormsStore } from '../../stores/forms.store';
import { TimeZoneSelect } from '../../components/TimeZoneSelect';
import { senderNameProblem } from '../../../../shared/domain/lint/sender-name';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { countryName } from '../../components/format';
import { COUNTRIES } from '../../components/countries';
import { ProvidersCard } from './ProvidersCard';
import { IntegrityCard } from './IntegrityCard';
import { BackupsCard } from './BackupsCard';
import { staffLabel } from '../../components/staff';
import { purposesForPack } from '../../components/purposes';

/** Business identity, defaults, the policy pack and its tightening, staff, consent wording and integrity. */
export function SettingsScreen() {
  const { t } = useTranslation();
  const settings = useSettingsStore((s) => s.settings);
  if (!settings) return <Text c="dimmed">{t('contacts.loading')}</Text>;
  return (
    <Stack pb="xl">
      <Title order={2}>{t('settings.title')}</Title>
      <IdentityCard settings={settings} />
      <PolicyCard settings={settings} />
      <MessagingCard settings={settings} />
      <ProvidersCard />
      <SimpleGrid cols={2}>
        <StaffCard />
        <IntegrityCard />
      </SimpleGrid>
      <BackupsCard />
      <FormsCard />
    </Stack>
  );
}

function MessagingCard({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const save = useSettingsStore((s) => s.save);
  const rules = useSettingsStore((s) => s.lintRules);
  const [draft, setDraft] = useState({
    brandAliases: settings.brandAliases,
    shopDomains: settings.shopDomains,
    smsSegmentLimit: settings.smsSegmentLimit,
    lintDisabledRules: settings.lintDisabledRules,
  });
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);
  const [saved, setSaved] = useState(false);
  const lang = i18n.language.startsWith('ru') ? 'ru' : 'en';
  const submit = async () => {
    setError(null);
    setSaved(false);
    try {
      await save(draft);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (id: string, on: boolean) =>
    setDraft({ ...draft, lintDisabledRules: on ? draft.lintDisabledRules.filter((r) => r !== id) : [...draft.lintDisabledRules, id] });
  return (
    <Card withBorder data-testid="messaging-card">
      <Title order={4}>{t('settings.messaging')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('settings.messagingHint')}
      </Text>
      <SimpleGrid cols={3}>
        <TagsInput
          label={t('settings.brandAliases')}
          description={t('settings.brandAliasesHint')}
          value={draft.brandAliases}
          onChange={(v) => setDraft({ ...draft, brandAliases: v })}
          error={fieldError('brandAliases')}
          data-testid="brand-aliases"
        />
        <TagsInput
          label={t('settings.shopDomains')}
          description={t('settings.shopDomainsHint')}
          value={draft.shopDomains}
          onChange={(v) => setDraft({ ...draft, shopDomains: v })}
          error={fieldError('shopDomains')}
          data-testid="shop-domains"
        />
        <NumberInput
          label={t('settings.smsSegmentLimit')}
          min={1}
          max={10}
          value={draft.smsSegmentLimit}
          onChange={(v) => typeof v === 'number' && setDraft({ ...draft, smsSegmentLimit: v })}
          error={fieldError('smsSegmentLimit')}
          data-testid="segment-limit"
        />
      </SimpleGrid>
      <Text fw={600} size="sm" mt="md">
        {t('settings.checks')}
      </Text>
      <Text size="xs" c="dimmed" mb={6}>
        {t('settings.checksHint')}
      </Text>
      <SimpleGrid cols={3} spacing={6}>
        {rules
          .filter((r) => r.switchable && r.severity !== 'info')
          .map((r) => (
            <Checkbox
              key={r.id}
              size="xs"
              label={r.title[lang]}
              checked={!draft.lintDisabledRules.includes(r.id)}
              onChange={(e) => toggle(r.id, e.currentTarget.checked)}
              data-testid={`check-${r.id}`}
            />
          ))}
      </SimpleGrid>
      <ErrorAlert error={error} />
      <Group mt="md">
        <Button onClick={submit} data-testid="save-messaging">
          {t('settings.save')}
        </Button>
        {saved && <Text c="teal">{t('settings.saved')}</Text>}
      </Group>
    </Card>
  );
}

function IdentityCard({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const save = useSettingsStore((s) => s.save);
  const [draft, setDraft] = useState({
    businessName: settings.businessName,
    senderName: settings.senderName,
    shopPhone: settings.shopPhone ?? '',
    businessAddress: settings.businessAddress,
    defaultCountry: settings.defaultCountry,
    timezone: settings.timezone,
  });
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);
  const [saved, setSaved] = useState(false);
  // The operators' rules for the sender name, checked as it is typed — the same rule the composer applies later.
  const senderProblem = senderNameProblem(draft.senderName, settings.policyPack);
  const senderError = senderProblem
    ? t('settings.senderNameProblem', {
        name: draft.senderName.trim(),
        problem: i18n.language.startsWith('ru') ? senderProblem.ru : senderProblem.en,
      })
    : null;
  const submit = async () => {
    setError(null);
    setSaved(false);
    try {
      await save({ ...draft, shopPhone: draft.shopPhone.trim() ? draft.shopPhone : null });
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.identity')}
      </Title>
      <SimpleGrid cols={2}>
        <TextInput
          label={t('settings.businessName')}
          value={draft.businessName}
          onChange={(e) => setDraft({ ...draft, businessName: e.currentTarget.value })}
          error={fieldError('businessName')}
          data-testid="business-name"
        />
        <TextInput
          label={t('settings.senderName')}
          value={draft.senderName}
          onChange={(e) => setDraft({ ...draft, senderName: e.currentTarget.value })}
          error={senderError ?? fieldError('senderName')}
          data-testid="sender-name"
        />
        <TextInput
          label={t('settings.shopPhone')}
          value={draft.shopPhone}
          onChange={(e) => setDraft({ ...draft, shopPhone: e.currentTarget.value })}
          error={fieldError('shopPhone')}
        />
        <TextInput
          label={t('settings.businessAddress')}
          value={draft.businessAddress}
          onChange={(e) => setDraft({ ...draft, businessAddress: e.currentTarget.value })}
          error={fieldError('businessAddress')}
        />
        <Group grow align="flex-start" gap="xs">
          <Select
            label={t('settings.defaultCountry')}
            description={t('settings.defaultCountryHint')}
            data={[...new Set([...COUNTRIES, ...(/^[A-Z]{2}$/.test(draft.defaultCountry) ? [draft.defaultCountry] : [])])].map((c) => ({
              value: c,
              label: `${c} — ${countryName(c, i18n.language)}`,
            }))}
            value={/^[A-Z]{2}$/.test(draft.defaultCountry) ? draft.defaultCountry : null}
            onChange={(v) => v && setDraft({ ...draft, defaultCountry: v })}
            searchable
            allowDeselect={false}
            error={fieldError('defaultCountry')}
            data-testid="default-country"
            style={{ flex: 3 }}
          />
          <TextInput
            label={t('settings.otherCountry')}
            description={t('settings.otherCountryHint')}
            value={draft.defaultCountry}
            maxLength={2}
            onChange={(e) => setDraft({ ...draft, defaultCountry: e.currentTarget.value.toUpperCase() })}
            data-testid="country-code"
            style={{ flex: 1 }}
          />
        </Group>
        <TimeZoneSelect
          label={t('settings.timezone')}
          value={draft.timezone}
          onChange={(v) => setDraft({ ...draft, timezone: v })}
          description={t('settings.timezoneHint')}
          error={fieldError('timezone')}
          data-testid="timezone"
        />
      </SimpleGrid>
      <Group mt="md">
        <Button onClick={() => void submit()} disabled={senderError !== null} data-testid="save-identity">
          {t('settings.save')}
        </Button>
        {saved && (
          <Text c="green" size="sm" data-testid="saved">
            {t('settings.saved')}
          </Text>
        )}
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}

function PolicyCard({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const packs = useSettingsStore((s) => s.packs);
  const save = useSettingsStore((s) => s.save);
  const [pack, setPack] = useState<PolicyPackId>(settings.policyPack);
  const [o, setO] = useState<PolicyOverrides>(settings.policyOverrides);
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);
  const [saved, setSaved] = useState(false);
  // When the stored settings change (saved here or elsewhere), the form starts again from what is stored.
  const [storedFrom, setStoredFrom] = useState(settings);
  if (storedFrom !== settings) {
    setStoredFrom(settings);
    setPack(settings.policyPack);
    setO(settings.policyOverrides);
  }
  const base = packs.find((p) => p.id === pack);
  // The stored pack is shown with the shop's tightening applied; another pack as bundled, until saved.
  const shown = pack === settings.policyPack ? settings.effectivePolicy : base;
  const lang = i18n.language === 'ru' ? 'ru' : 'en';
  const submit = async () => {
    setError(null);
    setSaved(false);
    try {
      await save({ policyPack: pack, policyOverrides: pack === settings.policyPack ? o : {} });
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const yesNo = (v: boolean) => (v ? t('settings.yes') : t('settings.no'));
  const tightened = (field: keyof PolicyOverrides) =>
    pack === settings.policyPack && settings.policyOverrides[field] !== undefined ? (
      <Badge size="xs" variant="light" color="teal" ml={6} tt="none">
        {t('settings.tightened')}
      </Badge>
    ) : null;
  const numberOrUnset = (v: string | number) => (typeof v === 'number' ? v : undefined);
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.policy')}
      </Title>
      <Select
        label={t('settings.policyPack')}
        description={t('settings.policyPackHint')}
        data={packs.map((p) => ({ value: p.id, label: `${p.id.toUpperCase()} — ${p.name[lang]}` }))}
        value={pack}
        onChange={(v) => v && setPack(v as PolicyPackId)}
        allowDeselect={false}
        data-testid="policy-pack"
        maw={480}
      />
      {base && shown && (
        <SimpleGrid cols={2} mt="md" spacing="xl">
          <div>
            <Text fw={600} size="sm" mb={6}>
              {t('settings.policyValues')}
            </Text>
            <Table withRowBorders={false} verticalSpacing={4} data-testid="policy-values">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td>{t('settings.doubleOptIn')}</Table.Td>
                  <Table.Td>
                    {yesNo(shown.doubleOptIn)}
                    {tightened('doubleOptIn')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.maxConsentAgeDays')}</Table.Td>
                  <Table.Td>
                    {shown.maxConsentAgeDays ?? t('settings.unlimited')}
                    {tightened('maxConsentAgeDays')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.pendingExpiryHours')}</Table.Td>
                  <Table.Td>
                    {shown.pendingExpiryHours}
                    {tightened('pendingExpiryHours')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.revocationScope')}</Table.Td>
                  <Table.Td>
                    {t(`settings.scope.${shown.revocationScope}`)}
                    {tightened('revocationScope')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.quietHours')}</Table.Td>
                  <Table.Td>
                    {shown.quietHours ? `${shown.quietHours.start}–${shown.quietHours.end}` : t('settings.none')}
                    {tightened('quietHours')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.frequencyCap')}</Table.Td>
                  <Table.Td>
                    {shown.frequencyCap
                      ? t('settings.frequencyValue', { messages: shown.frequencyCap.messages, days: shown.frequencyCap.days })
                      : t('settings.none')}
                    {tightened('frequencyCap')}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.pdConsent')}</Table.Td>
                  <Table.Td>{yesNo(shown.requiresPersonalDataConsent)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.optOutKeywords')}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {shown.optOutKeywords.map((k) => (
                        <Badge key={k} variant="light" color="gray" size="sm" tt="none">
                          {k}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" mt={8} data-testid="policy-notes">
              {shown.notes[lang]}
            </Text>
          </div>
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('settings.tighten')}
            </Text>
            {pack !== settings.policyPack ? (
              <Text size="sm" c="dimmed">
                {t('settings.tightenAfterSave')}
              </Text>
            ) : (
              <>
                <Text size="xs" c="dimmed">
                  {t('settings.tightenHint')}
                </Text>
                <Checkbox
                  label={t('settings.doubleOptIn')}
                  checked={o.doubleOptIn ?? base.doubleOptIn}
                  onChange={(ev) => setO({ ...o, doubleOptIn: ev.currentTarget.checked })}
                  error={fieldError('policyOverrides.doubleOptIn')}
                  data-testid="double-opt-in"
                />
                <Group grow align="flex-start">
                  <NumberInput
                    label={t('settings.maxConsentAgeDays')}
                    description={t('settings.maxConsentAgeNow')}
                    value={o.maxConsentAgeDays ?? ''}
                    placeholder={base.maxConsentAgeDays === null ? t('settings.unlimited') : String(base.maxConsentAgeDays)}
                    onChange={(v) => setO({ ...o, maxConsentAgeDays: numberOrUnset(v) })}
                    min={1}
                    error={fieldError('policyOverrides.maxConsentAgeDays')}
                    data-testid="max-age"
                  />
                  <NumberInput
                    label={t('settings.pendingExpiryHours')}
                    description={t('settings.pendingExpiryNow')}
                    value={o.pendingExpiryHours ?? ''}
                    placeholder={String(base.pendingExpiryHours)}
                    onChange={(v) => setO({ ...o, pendingExpiryHours: numberOrUnset(v) })}
                    min={1}
                    error={fieldError('policyOverrides.pendingExpiryHours')}
                    data-testid="pending-hours"
                  />
                </Group>
                <Select
                  label={t('settings.revocationScope')}
                  data={(['all_marketing', 'channel'] as const).map((v) => ({ value: v, label: t(`settings.scope.${v}`) }))}
                  value={o.revocationScope ?? base.revocationScope}
                  onChange={(v) => v && setO({ ...o, revocationScope: v as PolicyOverrides['revocationScope'] })}
                  allowDeselect={false}
                  error={fieldError('policyOverrides.revocationScope')}
                  data-testid="revocation-scope"
                />
                <Group grow align="flex-start">
                  <TextInput
                    label={t('settings.quietFrom')}
                    placeholder={base.quietHours?.start ?? '09:00'}
                    value={o.quietHours?.start ?? ''}
                    onChange={(ev) =>
                      setO({ ...o, quietHours: { start: ev.currentTarget.value, end: o.quietHours?.end ?? base.quietHours?.end ?? '21:00' } })
                    }
                    error={fieldError('policyOverrides.quietHours')}
                    data-testid="quiet-start"
                  />
                  <TextInput
                    label={t('settings.quietEnd')}
                    placeholder={base.quietHours?.end ?? '21:00'}
                    value={o.quietHours?.end ?? ''}
                    onChange={(ev) =>
                      setO({ ...o, quietHours: { start: o.quietHours?.start ?? base.quietHours?.start ?? '08:00', end: ev.currentTarget.value } })
                    }
                    data-testid="quiet-end"
                  />
                </Group>
                <Group grow align="flex-start">
                  <NumberInput
                    label={t('settings.capMessages')}
                    value={o.frequencyCap?.messages ?? ''}
                    placeholder={String(base.frequencyCap?.messages ?? '')}
                    min={1}
                    onChange={(v) =>
                      setO({
                        ...o,
                        frequencyCap: typeof v === 'number' ? { messages: v, days: o.frequencyCap?.days ?? base.frequencyCap?.days ?? 7 } : undefined,
                      })
                    }
                    error={fieldError('policyOverrides.frequencyCap')}
                    data-testid="cap-messages"
                  />
                  <NumberInput
                    label={t('settings.frequencyDays')}
                    value={o.frequencyCap?.days ?? ''}
                    placeholder={String(base.frequencyCap?.days ?? '')}
                    min={1}
                    onChange={(v) =>
                      setO({
                        ...o,
                        frequencyCap:
                          typeof v === 'number' ? { messages: o.frequencyCap?.messages ?? base.frequencyCap?.messages ?? 4, days: v } : undefined,
                      })
                    }
                  />
                </Group>
              </>
            )}
          </Stack>
        </SimpleGrid>
      )}
      <Group mt="md">
        <Button onClick={() => void submit()} data-testid="save-policy">
          {t('settings.save')}
        </Button>
        {saved && (
          <Text c="green" size="sm" data-testid="policy-saved">
            ✓ {t('settings.saved')}
          </Text>
        )}
      </Group>
      <ErrorAlert error={error} mt="sm" />
    </Card>
  );
}

function StaffCard() {
  const { t } = useTranslation();
  const staff = useSettingsStore((s) => s.staff);
  const addStaff = useSettingsStore((s) => s.addStaff);
  const setStaffActive = useSettingsStore((s) => s.setStaffActive);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Staff['role']>('staff');
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);
  const run = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.staff')}
      </Title>
      <Table data-testid="staff-table" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('settings.staffName')}</Table.Th>
            <Table.Th>{t('settings.staffRole')}</Table.Th>
            <Table.Th>{t('settings.staffStatus')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {staff.map((s) => (
            <Table.Tr key={s.id} data-testid="staff-row" style={{ opacity: s.active ? 1 : 0.6 }}>
              <Table.Td>{staffLabel(s.name, t)}</Table.Td>
              <Table.Td>{t(`settings.role.${s.role}`)}</Table.Td>
              <Table.Td>
                <Badge color={s.active ? 'green' : 'gray'} variant="light" size="sm" tt="none">
                  {s.active ? t('settings.active') : t('settings.inactive')}
                </Badge>
              </Table.Td>
              <Table.Td align="right">
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color={s.active ? 'red' : 'teal'}
                  onClick={() => void run(() => setStaffActive(s.id, !s.active))}
                >
                  {s.active ? t('settings.deactivate') : t('settings.activate')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await addStaff(name, role);
            setName('');
          });
        }}
      >
        <Group mt="sm" align="flex-end" wrap="nowrap">
          <TextInput
            label={t('settings.newStaff')}
            placeholder={t('settings.staffName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            style={{ flex: 1 }}
            data-testid="staff-name"
            error={fieldError('name')}
          />
          <Select
            aria-label={t('settings.staffRole')}
            data={(['staff', 'owner'] as const).map((r) => ({ value: r, label: t(`settings.role.${r}`) }))}
            value={role}
            onChange={(v) => v && setRole(v as Staff['role'])}
            allowDeselect={false}
            w={130}
            data-testid="staff-role"
          />
          <Button type="submit" data-testid="add-staff">
            {t('settings.addStaff')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={error} mt="sm" />
    </Card>
  );
}

type FormDraft = { formKey?: string; title: string; language: 'en' | 'ru'; channels: Channel[]; purposes: Purpose[]; body: string };

function FormsCard() {
  const { t, i18n } = useTranslation();
  // One home for the wording versions: the forms store, so a version saved here shows on the Forms screen and back.
  const forms = useFormsStore((s) => s.forms);
  const loaded = useFormsStore((s) => s.loaded);
  const loadForms = useFormsStore((s) => s.load);
  const createForm = useFormsStore((s) => s.save);
  const pack = useSettingsStore((s) => s.settings?.effectivePolicy);
  useEffect(() => {
    if (!loaded) void loadForms();
  }, [loaded, loadForms]);
  const empty: FormDraft = {
    title: '',
    language: i18n.language === 'ru' ? 'ru' : 'en',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing'],
    body: '',
  };
  const [draft, setDraft] = useState<FormDraft>(empty);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const fieldError = useFieldError(error);
  const submit = async () => {
    setError(null);
    setCreated(null);
    try {
      const f = await createForm(draft);
      setCreated(f.code);
      setDraft(empty);
    } catch (err) {
      setError(err);
    }
  };
  const versionOf = (f: FormVersion) => {
    setCreated(null);
    setError(null);
    setDraft({ formKey: f.formKey, title: f.title, language: f.language, channels: f.channels, purposes: f.purposes, body: f.body });
  };
  const editing = draft.formKey ? forms.find((f) => f.formKey === draft.formKey) : undefined;
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        {t('settings.forms')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('settings.formsHint')}
      </Text>
      {forms.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('settings.formsEmpty')}
        </Text>
      ) : (
        <Table data-testid="forms-table" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.formCode')}</Table.Th>
              <Table.Th>{t('settings.formTitle')}</Table.Th>
              <Table.Th>{t('settings.formLanguage')}</Table.Th>
              <Table.Th>{t('settings.formChannels')}</Table.Th>
              <Table.Th>{t('settings.formPurposes')}</Table.Th>
              <Table.Th>SHA-256</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {forms.map((f) => (
              <Table.Tr key={f.id} data-testid="form-row">
                <Table.Td>
                  <Badge variant="outline" tt="none">
                    {f.code}
                  </Badge>
                </Table.Td>
                <Table.Td>{f.title}</Table.Td>
                <Table.Td>{f.language.toUpperCase()}</Table.Td>
                <Table.Td>{f.channels.map((c) => t(`channel.${c}`)).join(', ')}</Table.Td>
                <Table.Td>{f.purposes.map((p) => t(`purpose.${p}`)).join(', ')}</Table.Td>
                <Table.Td>
                  <Text size="xs" className="mono" c="dimmed" title={f.sha256}>
                    {f.sha256.slice(0, 12)}
                  </Text>
                </Table.Td>
                <Table.Td align="right">
                  <Button size="compact-xs" variant="subtle" onClick={() => versionOf(f)} data-testid="new-version">
                    {t('settings.formNewVersion')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group mt="md" mb="xs" justify="space-between">
        <Title order={5}>{editing ? t('settings.newVersionOf', { title: editing.title }) : t('settings.newForm')}</Title>
        {draft.formKey && (
          <Button size="compact-sm" variant="subtle" onClick={() => setDraft(empty)}>
            {t('settings.formStartNew')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={4}>
        <TextInput
          label={t('settings.formTitle')}
          value={draft.title}
          onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
          error={fieldError('title')}
          data-testid="form-title"
        />
        <Select
          label={t('settings.formLanguage')}
          data={[
            { value: 'ru', label: 'Русский' },
            { value: 'en', label: 'English' },
          ]}
          value={draft.language}
          onChange={(v) => v && setDraft({ ...draft, language: v as 'en' | 'ru' })}
          allowDeselect={false}
        />
        <MultiSelect
          label={t('settings.formChannels')}
          data={(['sms', 'whatsapp'] as const).map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          value={draft.channels}
          onChange={(v) => setDraft({ ...draft, channels: v as Channel[] })}
          error={fieldError('channels')}
        />
        <MultiSelect
          label={t('settings.formPurposes')}
          data={purposesForPack(pack, draft.purposes).map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
          value={draft.purposes}
          onChange={(v) => setDraft({ ...draft, purposes: v as Purpose[] })}
          error={fieldError('purposes')}
        />
      </SimpleGrid>
      <Textarea
        label={t('settings.formBody')}
        description={t('settings.formBodyHint')}
        value={draft.body}
        onChange={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
        autosize
        minRows={3}
        mt="xs"
        error={fieldError('body')}
        data-testid="form-body"
      />
      <Group mt="sm">
        <Button onClick={() => void submit()} data-testid="create-form">
          {t('settings.formCreate')}
        </Button>
        {created && (
          <Text c="green" size="sm" data-testid="form-created">
            ✓ {t('settings.formCreated', { code: created })}
          </Text>
        )}
      </Group>
      <ErrorAlert error={error} mt="sm" />
    </Card>
  );
}
