import { useState } from 'react';
import {
  Alert,
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
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/contract/api';
import type { Channel, Purpose } from '../../../../shared/domain/consent/types';
import type { PolicyOverrides, PolicyPackId } from '../../../../shared/domain/policy/policy';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert';

const COUNTRIES = ['RU', 'KZ', 'BY', 'UA', 'AM', 'UZ', 'DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'GB', 'US', 'CA'];

/** Business identity, defaults, the policy pack and its tightening, staff, consent wording and integrity. */
export function SettingsScreen() {
  const { t } = useTranslation();
  const settings = useSettingsStore((s) => s.settings);
  if (!settings) return <Text c="dimmed">{t('contacts.loading')}</Text>;
  return (
    <Stack>
      <Title order={2}>{t('settings.title')}</Title>
      <IdentityCard settings={settings} />
      {/* Re-mounted when the pack changes: its tightening starts again from what is stored. */}
      <PolicyCard key={settings.policyPack} settings={settings} />
      <SimpleGrid cols={2}>
        <StaffCard />
        <IntegrityCard />
      </SimpleGrid>
      <FormsCard />
    </Stack>
  );
}

function IdentityCard({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
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
  const [saved, setSaved] = useState(false);
  const zones = Intl.supportedValuesOf('timeZone');
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
          error={fieldError(error, 'businessName')}
          data-testid="business-name"
        />
        <TextInput
          label={t('settings.senderName')}
          value={draft.senderName}
          onChange={(e) => setDraft({ ...draft, senderName: e.currentTarget.value })}
          error={fieldError(error, 'senderName')}
        />
        <TextInput
          label={t('settings.shopPhone')}
          value={draft.shopPhone}
          onChange={(e) => setDraft({ ...draft, shopPhone: e.currentTarget.value })}
          error={fieldError(error, 'shopPhone')}
        />
        <TextInput
          label={t('settings.businessAddress')}
          value={draft.businessAddress}
          onChange={(e) => setDraft({ ...draft, businessAddress: e.currentTarget.value })}
        />
        <Select
          label={t('settings.defaultCountry')}
          data={[...new Set([...COUNTRIES, draft.defaultCountry])]}
          value={draft.defaultCountry}
          onChange={(v) => v && setDraft({ ...draft, defaultCountry: v })}
          searchable
          allowDeselect={false}
        />
        <Select
          label={t('settings.timezone')}
          data={zones.includes(draft.timezone) ? zones : [draft.timezone, ...zones]}
          value={draft.timezone}
          onChange={(v) => v && setDraft({ ...draft, timezone: v })}
          searchable
          allowDeselect={false}
          error={fieldError(error, 'timezone')}
        />
      </SimpleGrid>
      <Group mt="md">
        <Button onClick={() => void submit()} data-testid="save-identity">
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
  const [saved, setSaved] = useState(false);
  const base = packs.find((p) => p.id === pack);
  const e = settings.effectivePolicy;
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
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.policy')}
      </Title>
      <Select
        label={t('settings.policyPack')}
        data={packs.map((p) => ({ value: p.id, label: `${p.id.toUpperCase()} — ${i18n.language === 'ru' ? p.name.ru : p.name.en}` }))}
        value={pack}
        onChange={(v) => v && setPack(v as PolicyPackId)}
        allowDeselect={false}
        data-testid="policy-pack"
        maw={420}
      />
      {base && (
        <SimpleGrid cols={2} mt="md" spacing="xl">
          <div>
            <Text fw={600} size="sm" mb={6}>
              {t('settings.policyValues')}
            </Text>
            <Table withRowBorders={false} data-testid="policy-values">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td>{t('settings.doubleOptIn')}</Table.Td>
                  <Table.Td>{yesNo(pack === settings.policyPack ? e.doubleOptIn : base.doubleOptIn)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.maxConsentAgeDays')}</Table.Td>
                  <Table.Td>{(pack === settings.policyPack ? e.maxConsentAgeDays : base.maxConsentAgeDays) ?? t('settings.unlimited')}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.revocationScope')}</Table.Td>
                  <Table.Td>{t(`settings.scope.${base.revocationScope}`)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.quietHours')}</Table.Td>
                  <Table.Td>{base.quietHours ? `${base.quietHours.start}–${base.quietHours.end}` : t('settings.none')}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.frequencyCap')}</Table.Td>
                  <Table.Td>{base.frequencyCap ? `${base.frequencyCap.messages} / ${base.frequencyCap.days}` : t('settings.none')}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.pdConsent')}</Table.Td>
                  <Table.Td>{yesNo(base.requiresPersonalDataConsent)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>{t('settings.optOutKeywords')}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {base.optOutKeywords.map((k) => (
                        <Badge key={k} variant="light" size="xs">
                          {k}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" mt={6}>
              {i18n.language === 'ru' ? base.notes.ru : base.notes.en}
            </Text>
          </div>
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('settings.tighten')}
            </Text>
            <Checkbox
              label={t('settings.doubleOptIn')}
              checked={o.doubleOptIn ?? base.doubleOptIn}
              onChange={(ev) => setO({ ...o, doubleOptIn: ev.currentTarget.checked })}
              error={fieldError(error, 'policyOverrides.doubleOptIn')}
            />
            <NumberInput
              label={t('settings.maxConsentAgeDays')}
              value={o.maxConsentAgeDays ?? ''}
              placeholder={base.maxConsentAgeDays === null ? t('settings.unlimited') : String(base.maxConsentAgeDays)}
              onChange={(v) => setO({ ...o, maxConsentAgeDays: typeof v === 'number' ? v : undefined })}
              min={1}
              error={fieldError(error, 'policyOverrides.maxConsentAgeDays')}
              data-testid="max-age"
            />
            <Group grow>
              <TextInput
                label={`${t('settings.quietHours')} — ${t('settings.quietStart')}`}
                placeholder={base.quietHours?.start ?? '09:00'}
                value={o.quietHours?.start ?? ''}
                onChange={(ev) =>
                  setO({ ...o, quietHours: { start: ev.currentTarget.value, end: o.quietHours?.end ?? base.quietHours?.end ?? '21:00' } })
                }
                error={fieldError(error, 'policyOverrides.quietHours')}
                data-testid="quiet-start"
              />
              <TextInput
                label={t('settings.quietEnd')}
                placeholder={base.quietHours?.end ?? '21:00'}
                value={o.quietHours?.end ?? ''}
                onChange={(ev) =>
                  setO({ ...o, quietHours: { start: o.quietHours?.start ?? base.quietHours?.start ?? '08:00', end: ev.currentTarget.value } })
                }
              />
            </Group>
            <Group grow>
              <NumberInput
                label={`${t('settings.frequencyCap')}: ${t('settings.frequencyMessages')}`}
                value={o.frequencyCap?.messages ?? ''}
                placeholder={String(base.frequencyCap?.messages ?? '')}
                min={1}
                onChange={(v) =>
                  setO({
                    ...o,
                    frequencyCap: typeof v === 'number' ? { messages: v, days: o.frequencyCap?.days ?? base.frequencyCap?.days ?? 7 } : undefined,
                  })
                }
                error={fieldError(error, 'policyOverrides.frequencyCap')}
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
          </Stack>
        </SimpleGrid>
      )}
      <Group mt="md">
        <Button onClick={() => void submit()} data-testid="save-policy">
          {t('settings.save')}
        </Button>
        {saved && (
          <Text c="green" size="sm" data-testid="policy-saved">
            {t('settings.saved')}
          </Text>
        )}
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}

function StaffCard() {
  const { t } = useTranslation();
  const staff = useSettingsStore((s) => s.staff);
  const addStaff = useSettingsStore((s) => s.addStaff);
  const setStaffActive = useSettingsStore((s) => s.setStaffActive);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
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
      <Table data-testid="staff-table">
        <Table.Tbody>
          {staff.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                {s.name}{' '}
                {!s.active && (
                  <Badge color="gray" size="xs">
                    {t('settings.inactive')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{t(`settings.role.${s.role}`)}</Table.Td>
              <Table.Td align="right">
                <Button size="compact-xs" variant="subtle" onClick={() => void run(() => setStaffActive(s.id, !s.active))}>
                  {s.active ? t('settings.deactivate') : t('settings.activate')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group mt="sm" align="flex-end">
        <TextInput
          label={t('settings.staffName')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          style={{ flex: 1 }}
          data-testid="staff-name"
          error={fieldError(error, 'name')}
        />
        <Button
          onClick={() =>
            void run(async () => {
              await addStaff(name);
              setName('');
            })
          }
          data-testid="add-staff"
        >
          {t('settings.addStaff')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}

function IntegrityCard() {
  const { t } = useTranslation();
  const verification = useSettingsStore((s) => s.verification);
  const verify = useSettingsStore((s) => s.verify);
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.integrity')}
      </Title>
      <Button variant="light" onClick={() => void verify()} data-testid="verify">
        {t('settings.verify')}
      </Button>
      {verification &&
        (verification.ok ? (
          <Alert color="green" mt="sm" data-testid="verify-result">
            {t('settings.verifyOk', { events: verification.events, rows: verification.auditRows })}
          </Alert>
        ) : (
          <Alert color="red" mt="sm" data-testid="verify-result">
            {t('settings.verifyBad', { count: verification.problems.length })}
            <ul>
              {verification.problems.slice(0, 10).map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          </Alert>
        ))}
    </Card>
  );
}

function FormsCard() {
  const { t } = useTranslation();
  const forms = useSettingsStore((s) => s.forms);
  const createForm = useSettingsStore((s) => s.createForm);
  const [draft, setDraft] = useState({
    title: '',
    language: 'ru' as 'en' | 'ru',
    channels: ['sms', 'whatsapp'] as Channel[],
    purposes: ['marketing'] as Purpose[],
    body: '',
  });
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setError(null);
    try {
      await createForm(draft);
      setDraft({ ...draft, title: '', body: '' });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {t('settings.forms')}
      </Title>
      {forms.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('settings.formsEmpty')}
        </Text>
      ) : (
        <Table data-testid="forms-table">
          <Table.Tbody>
            {forms.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td>
                  <Badge variant="outline">{f.code}</Badge>
                </Table.Td>
                <Table.Td>{f.title}</Table.Td>
                <Table.Td>{f.language.toUpperCase()}</Table.Td>
                <Table.Td>{f.channels.map((c) => t(`channel.${c}`)).join(', ')}</Table.Td>
                <Table.Td>{f.purposes.map((p) => t(`purpose.${p}`)).join(', ')}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" c="dimmed">
                    {f.sha256.slice(0, 12)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={5} mt="md" mb="xs">
        {t('settings.newForm')}
      </Title>
      <SimpleGrid cols={4}>
        <TextInput
          label={t('settings.formTitle')}
          value={draft.title}
          onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
          error={fieldError(error, 'title')}
          data-testid="form-title"
        />
        <Select
          label={t('settings.formLanguage')}
          data={['ru', 'en']}
          value={draft.language}
          onChange={(v) => v && setDraft({ ...draft, language: v as 'en' | 'ru' })}
          allowDeselect={false}
        />
        <MultiSelect
          label={t('settings.formChannels')}
          data={(['sms', 'whatsapp'] as const).map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          value={draft.channels}
          onChange={(v) => setDraft({ ...draft, channels: v as Channel[] })}
          error={fieldError(error, 'channels')}
        />
        <MultiSelect
          label={t('settings.formPurposes')}
          data={(['marketing', 'service', 'personal_data'] as const).map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
          value={draft.purposes}
          onChange={(v) => setDraft({ ...draft, purposes: v as Purpose[] })}
          error={fieldError(error, 'purposes')}
        />
      </SimpleGrid>
      <Textarea
        label={t('settings.formBody')}
        value={draft.body}
        onChange={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
        autosize
        minRows={3}
        mt="xs"
        error={fieldError(error, 'body')}
        data-testid="form-body"
      />
      <Button mt="sm" onClick={() => void submit()} data-testid="create-form">
        {t('settings.formCreate')}
      </Button>
      <ErrorAlert error={error} />
    </Card>
  );
}
