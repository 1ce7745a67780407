import { Alert, List, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { HealthWarning } from '../../stores/health.store';
import { useSettingsStore } from '../../stores/settings.store';
import { formatDateTime, formatNumber } from '../../components/format';

/** A rate as a percentage in the UI language ("2,6 %" in Russian); "—" when there is none. */
export function formatRate(rate: number | null, lang: string): string {
  if (rate === null) return '—';
  const digits = rate > 0 && rate < 0.01 ? 2 : 1;
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(rate);
}

/** One warning in words, with the numbers behind it. */
export function warningText(t: TFunction, w: HealthWarning, lang: string, timeZone: string | undefined): string {
  return t(`health.warning.${w.kind}`, {
    name: w.campaignName ?? '',
    count: formatNumber(w.count, lang),
    handedOff: formatNumber(w.handedOff, lang),
    rate: formatRate(w.rate, lang),
    threshold: formatRate(w.threshold, lang),
    hours: w.windowHours ?? 0,
    days: Math.round((w.windowHours ?? 0) / 24),
    detail: w.detail ?? '',
    when: formatDateTime(w.at, timeZone, lang),
  });
}

/** The warnings as a list, each with its numbers. */
export function HealthWarningList({ warnings }: { warnings: readonly HealthWarning[] }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const lang = i18n.language.startsWith('ru') ? 'ru' : 'en';
  return (
    <List size="sm" spacing={4}>
      {warnings.map((w, i) => (
        <List.Item key={`${w.kind}-${w.campaign ?? i}`} data-testid="health-warning" data-kind={w.kind} data-campaign={w.campaign ?? ''}>
          {warningText(t, w, lang, timeZone)}
        </List.Item>
      ))}
    </List>
  );
}

/** The plan's warning: recent campaigns crossed the pack's health thresholds (nothing when none did). */
export function PlanHealthAlert({ warnings, onOpen }: { warnings: readonly HealthWarning[]; onOpen: () => void }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <Alert color="orange" variant="light" title={t('health.plan.title')} data-testid="plan-health">
      <HealthWarningList warnings={warnings} />
      <Text size="sm" mt="xs">
        {t('health.plan.advice')}{' '}
        <Text
          component="button"
          type="button"
          c="blue.7"
          td="underline"
          onClick={onOpen}
          data-testid="plan-health-open"
          style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
        >
          {t('health.open')}
        </Text>
      </Text>
    </Alert>
  );
}
