import { Card, Checkbox, Group, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Channel, Purpose } from '../../../../shared/domain/consent/types';
import { useImportStore } from '../../stores/import.store';
import { DateField } from '../../components/DateField';
import { purposesForPack } from '../../components/purposes';
import { useSettingsStore } from '../../stores/settings.store';

const CHANNELS: Channel[] = ['sms', 'whatsapp'];

/**
 * One consent source and day for the whole file («анкеты в магазине, 2024»). With consent columns they fill the rows'
 * missing source and date; without, the person also says what every row agreed to. The register's rules decide
 * whether that is a consent or an unproven claim, as for a source written in the file.
 */
export function FileConsentCard() {
  const { t } = useTranslation();
  const mapping = useImportStore((s) => s.mapping);
  const fileConsent = useImportStore((s) => s.fileConsent);
  const pack = useSettingsStore((s) => s.settings?.effectivePolicy);
  const setFileConsent = useImportStore((s) => s.setFileConsent);
  const hasConsentColumn = mapping.some((m) => m.target.field === 'consent');
  const today = new Date().toISOString().slice(0, 10);
  const toggle = (c: Channel, on: boolean) =>
    setFileConsent({ channels: on ? [...new Set([...fileConsent.channels, c])] : fileConsent.channels.filter((x) => x !== c) });

  return (
    <Card withBorder data-testid="file-consent">
      <Title order={4}>{t('import.fileConsent.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {hasConsentColumn ? t('import.fileConsent.hintColumns') : t('import.fileConsent.hintNoColumns')}
      </Text>
      <SimpleGrid cols={2} spacing="xl">
        <Stack gap="sm">
          <TextInput
            label={t('import.fileConsent.source')}
            description={t('import.fileConsent.sourceHint')}
            placeholder={t('import.fileConsent.sourcePlaceholder')}
            value={fileConsent.source}
            maxLength={500}
            onChange={(e) => setFileConsent({ source: e.currentTarget.value })}
            data-testid="file-consent-source"
          />
          <DateField
            label={t('import.fileConsent.date')}
            description={t('import.fileConsent.dateHint')}
            value={fileConsent.date}
            max={today}
            onChange={(v) => setFileConsent({ date: v })}
            maw={220}
            data-testid="file-consent-date"
          />
        </Stack>
        {!hasConsentColumn && (
          <Stack gap="sm">
            <div>
              <Text size="sm" fw={500}>
                {t('import.fileConsent.channels')}
              </Text>
              <Group gap="lg" mt={6}>
                {CHANNELS.map((c) => (
                  <Checkbox
                    key={c}
                    label={t(`channel.${c}`)}
                    checked={fileConsent.channels.includes(c)}
                    onChange={(e) => toggle(c, e.currentTarget.checked)}
                    data-testid={`file-consent-${c}`}
                  />
                ))}
              </Group>
            </div>
            <Radio.Group
              label={t('import.fileConsent.purpose')}
              value={fileConsent.purpose ?? ''}
              onChange={(v) => setFileConsent({ purpose: v as Purpose })}
              data-testid="file-consent-purpose"
            >
              <Group gap="lg" mt={6}>
                {purposesForPack(pack, [fileConsent.purpose]).map((p) => (
                  <Radio key={p} value={p} label={t(`purpose.${p}`)} data-testid={`file-consent-purpose-${p}`} />
                ))}
              </Group>
            </Radio.Group>
          </Stack>
        )}
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="md">
        {t('import.fileConsent.rule')}
      </Text>
    </Card>
  );
}
