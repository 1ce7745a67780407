import { useEffect, useMemo, useState } from 'react';
import { Badge, Button, Card, Group, Progress, Select, SegmentedControl, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SetupStepId } from '../../../../shared/contract/api';
import type { PolicyPackId } from '../../../../shared/domain/policy/policy';
import { packForCountry, proposeShopDefaults } from '../../../../shared/domain/time/places';
import { ErrorAlert } from '../../components/ErrorAlert';
import { COUNTRIES } from '../../components/countries';
import { countryName } from '../../components/format';
import { TimeZoneSelect } from '../../components/TimeZoneSelect';
import { setLanguage, type UiLanguage } from '../../i18n';
import { useAppStore, type Route } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';

/** Where each step is done. */
const STEP_ROUTE: Record<SetupStepId, Route> = {
  identity: { screen: 'settings' },
  rules: { screen: 'settings' },
  staff: { screen: 'settings' },
  wording: { screen: 'settings' },
  provider: { screen: 'settings' },
  sheets: { screen: 'forms' },
};

/** What this computer says about where it is: its time zone and language. */
function systemDefaults() {
  return proposeShopDefaults({ locale: navigator.language, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
}

/** First start: where the shop is (proposed from the system, never assumed to be Russia) and what is left to do. */
export function StartScreen() {
  const { t } = useTranslation();
  const setup = useSettingsStore((s) => s.setup);
  const loadSetup = useSettingsStore((s) => s.loadSetup);
  const go = useAppStore((s) => s.go);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    loadSetup().catch(setError);
  }, [loadSetup]);

  if (!setup) return <ErrorAlert error={error} onRetry={() => loadSetup().then(() => setError(null), setError)} />;
  const done = setup.steps.filter((s) => s.done).length;
  return (
    <Stack maw={880} data-testid="start-screen">
      <Title order={2}>{t('start.title')}</Title>
      <Text c="dimmed">{done === setup.steps.length ? t('start.allDone') : t('start.intro')}</Text>
      <ErrorAlert error={error} />
      {!setup.configured && <WhereCard />}
      <Group gap="sm">
        <Progress value={(done / setup.steps.length) * 100} w={240} color="teal" aria-hidden />
        <Text size="sm" data-testid="start-progress">
          {t('start.progress', { done, total: setup.steps.length })}
        </Text>
      </Group>
      <Stack gap="xs">
        {setup.steps.map((step, i) => (
          <Card key={step.id} withBorder padding="sm" data-testid={`step-${step.id}`} data-done={step.done}>
            <Group justify="space-between" wrap="nowrap">
              <Group wrap="nowrap" gap="sm">
                <ThemeIcon radius="xl" color={step.done ? 'teal' : 'gray'} variant={step.done ? 'filled' : 'light'} aria-hidden>
                  {step.done ? '✓' : i + 1}
                </ThemeIcon>
                <div>
                  <Text fw={600}>{t(`start.step.${step.id}`)}</Text>
                  <Text size="sm" c="dimmed">
                    {t(`start.step.${step.id}Hint`)}
                  </Text>
                </div>
              </Group>
              <Group wrap="nowrap" gap="xs" style={{ flexShrink: 0 }}>
                <Badge color={step.done ? 'teal' : 'yellow'} variant="light">
                  {step.done ? t('start.done') : t('start.todo')}
                </Badge>
                <Button variant={step.done ? 'subtle' : 'light'} size="xs" onClick={() => go(STEP_ROUTE[step.id])}>
                  {t('start.open')}
                </Button>
              </Group>
            </Group>
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}

/** The first question: country, time zone, rules and language, proposed from this computer. */
function WhereCard() {
  const { t, i18n } = useTranslation();
  const packs = useSettingsStore((s) => s.packs);
  const save = useSettingsStore((s) => s.save);
  const loadSetup = useSettingsStore((s) => s.loadSetup);
  const proposed = useMemo(() => systemDefaults(), []);
  const [country, setCountry] = useState(proposed.country);
  const [timezone, setTimezone] = useState(proposed.timezone);
  const [pack, setPack] = useState<PolicyPackId | null>(proposed.policyPack);
  const [lang, setLang] = useState<UiLanguage>(i18n.language.startsWith('ru') ? 'ru' : proposed.language);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const ui = lang;

  const apply = async () => {
    if (!pack) return;
    setSaving(true);
    setError(null);
    try {
      await save({ defaultCountry: country, timezone, policyPack: pack });
      setLanguage(lang);
      await loadSetup();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card withBorder padding="lg" data-testid="where-card">
      <Title order={4}>{t('start.where')}</Title>
      <Text size="sm" c="dimmed" mb="md">
        {proposed.countrySource === 'none' ? t('start.whereHintNone') : t('start.whereHint', { zone: proposed.timezone })}
      </Text>
      <SimpleGrid cols={2}>
        <Select
          label={t('start.country')}
          data={[...new Set([...COUNTRIES, country])].map((c) => ({ value: c, label: `${c} — ${countryName(c, ui)}` }))}
          value={country}
          onChange={(v) => {
            if (!v) return;
            setCountry(v);
            setPack(packForCountry(v) ?? pack);
          }}
          searchable
          allowDeselect={false}
          data-testid="where-country"
        />
        <TimeZoneSelect
          label={t('start.timezone')}
          description={t('start.timezoneHint')}
          value={timezone}
          onChange={setTimezone}
          data-testid="where-timezone"
        />
        <Select
          label={t('start.pack')}
          description={pack ? undefined : t('start.packNone', { country: countryName(country, ui) })}
          data={packs.map((p) => ({ value: p.id, label: p.name[ui] }))}
          value={pack}
          onChange={(v) => v && setPack(v as PolicyPackId)}
          allowDeselect={false}
          data-testid="where-pack"
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('start.language')}
          </Text>
          <SegmentedControl
            value={lang}
            onChange={(v) => setLang(v as UiLanguage)}
            data={[
              { value: 'en', label: 'English' },
              { value: 'ru', label: 'Русский' },
            ]}
            data-testid="where-language"
          />
        </div>
      </SimpleGrid>
      <Group mt="md">
        <Button onClick={() => void apply()} disabled={!pack} loading={saving} data-testid="where-apply">
          {t('start.apply')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}
