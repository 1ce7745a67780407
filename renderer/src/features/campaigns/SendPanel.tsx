import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Group, List, Modal, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCampaignStore, type Campaign, type PlanFigures } from '../../stores/campaign.store';
import { useProvidersStore, type Provider } from '../../stores/providers.store';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber } from '../../components/format';
import { providerProblem } from '../settings/provider-problem';
import { nextAllowed, zonesOutside } from '../../../../shared/domain/time/zones';

type Leg = 'whatsapp' | 'sms';

const legsOf = (channel: Campaign['channel']): Leg[] => (channel === 'cascade' ? ['whatsapp', 'sms'] : [channel]);

/** Choose the providers (and a WhatsApp template where the Cloud API needs one), then send after a final confirmation. */
export function SendPanel({ campaign, figures }: { campaign: Campaign; figures: PlanFigures }) {
  const { t, i18n } = useTranslation();
  const providers = useProvidersStore((s) => s.providers);
  const loaded = useProvidersStore((s) => s.loaded);
  const loadProviders = useProvidersStore((s) => s.load);
  const send = useCampaignStore((s) => s.send);
  const go = useAppStore((s) => s.go);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const policy = useSettingsStore((s) => s.settings?.effectivePolicy);
  const lang = i18n.language;
  const legs = useMemo(() => legsOf(campaign.channel), [campaign.channel]);

  const [chosen, setChosen] = useState<Partial<Record<Leg, string>>>({});
  const [template, setTemplate] = useState({ name: '', language: '' });
  const [fallback, setFallback] = useState<number | string>(60);
  const [confirming, setConfirming] = useState(false);
  // Whether the planned time is still ahead, as of opening the confirmation.
  const [future, setFuture] = useState(false);
  // Whether the messages would go outside the send window (the law's or the shop's: held; only recommended: not), as of opening it.
  const [quiet, setQuiet] = useState<{ held: boolean; start: string; end: string; zones: string; next: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldError = useFieldError(error);

  useEffect(() => {
    void loadProviders();
  }, [loadProviders]);

  const carriers = useMemo(
    () => Object.fromEntries(legs.map((leg) => [leg, providers.filter((p) => p.channels.includes(leg))])) as Record<Leg, Provider[]>,
    [legs, providers],
  );
  // The first provider that carries a leg, until the owner picks another.
  const pick = (leg: Leg): Provider | undefined => {
    const list = carriers[leg] ?? [];
    return list.find((p) => p.name === chosen[leg]) ?? list.find((p) => p.problems.length === 0) ?? list[0];
  };
  const picked = Object.fromEntries(legs.map((leg) => [leg, pick(leg)])) as Record<Leg, Provider | undefined>;
  const whatsappProvider = picked.whatsapp;
  const needsTemplate = whatsappProvider?.kind === 'whatsapp-cloud';
  const templateLanguage = template.language || whatsappProvider?.options.defaultLanguage || (/[а-яё]/i.test(campaign.text) ? 'ru' : 'en');
  const missingLeg = legs.find((leg) => !picked[leg]);

  const smsSegments = figures.lint.segments ?? 1;
  const byChannel = figures.byChannel ?? {
    whatsapp: campaign.channel === 'whatsapp' ? figures.eligible : 0,
    sms: campaign.channel === 'sms' ? figures.eligible : 0,
  };
  const blockedBy = !figures.lint.ok ? 'lint' : figures.eligible === 0 ? 'nobody' : missingLeg ? 'provider' : null;

  const outsideWindow = (at: number) => {
    const window = policy?.quietHours ?? policy?.messaging.recommendedSendWindow;
    if (!policy || !window || campaign.purpose !== 'marketing') return null;
    const zones = policy.messaging.defaultRecipientTimeZones.length ? policy.messaging.defaultRecipientTimeZones : timeZone ? [timeZone] : [];
    const outside = zonesOutside(at, zones, window);
    if (outside.length === 0) return null;
    const next = nextAllowed(at, zones, window);
    return {
      held: policy.quietHours !== null,
      start: window.start,
      end: window.end,
      zones: outside.slice(0, 3).join(', ') + (outside.length > 3 ? ` +${outside.length - 3}` : ''),
      next: next === null ? '' : formatDateTime(new Date(next).toISOString(), timeZone ?? 'UTC', lang),
    };
  };

  const doSend = async () => {
    setBusy(true);
    setError(null);
    try {
      const names = [...new Set(legs.map((leg) => picked[leg]!.name))];
      await send({
        providers: names,
        fallbackAfterMinutes: Number(fallback) || 60,
        template: needsTemplate && template.name.trim() ? { name: template.name.trim(), language: templateLanguage } : undefined,
      });
      setConfirming(false);
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  const n = (v: number) => formatNumber(v, lang);
  const segmentsText = (count: number) => t('campaigns.confirm.segmentCount', { count, formatted: n(count) });
  return (
    <Card withBorder data-testid="send-panel">
      <Title order={4}>{t('campaigns.send.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('campaigns.send.hint')}
      </Text>
      {loaded && missingLeg && (
        <Alert color="orange" variant="light" mb="sm" data-testid="no-provider">
          <Text size="sm">{t('campaigns.send.noProvider', { channel: t(`channel.${missingLeg}`) })}</Text>
          <Button size="compact-sm" variant="light" mt={6} onClick={() => go({ screen: 'settings' })} data-testid="to-providers">
            {t('campaigns.send.toSettings')}
          </Button>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        {legs.map((leg) => (
          <Stack key={leg} gap={4}>
            <Select
              label={campaign.channel === 'cascade' ? t(`campaigns.send.providerFor.${leg}`) : t('campaigns.send.provider')}
              data={(carriers[leg] ?? []).map((p) => ({ value: p.name, label: `${p.name} · ${t(`providers.kind.${p.kind}`)}` }))}
              value={picked[leg]?.name ?? null}
              onChange={(v) => v && setChosen({ ...chosen, [leg]: v })}
              allowDeselect={false}
              disabled={(carriers[leg] ?? []).length === 0}
              placeholder={t('campaigns.send.none')}
              error={leg === legs[0] ? fieldError('providers') : undefined}
              data-testid={`send-provider-${leg}`}
            />
            {picked[leg] && picked[leg]!.problems.length > 0 && (
              <Text size="xs" c="red.8" data-testid="provider-problems">
                {picked[leg]!.problems.map((p) => providerProblem(t, p)).join('; ')}
              </Text>
            )}
          </Stack>
        ))}
        {campaign.channel === 'cascade' && (
          <NumberInput
            label={t('campaigns.send.fallback')}
            description={t('campaigns.send.fallbackHint')}
            min={1}
            max={7 * 24 * 60}
            value={fallback}
            onChange={setFallback}
            error={fieldError('fallbackAfterMinutes')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data-testid="send-fallback"
          />
        )}
      </SimpleGrid>
      {needsTemplate && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mt="sm">
          <TextInput
            label={t('campaigns.send.templateName')}
            description={t('campaigns.send.templateHint')}
            value={template.name}
            onChange={(e) => setTemplate({ ...template, name: e.currentTarget.value })}
            error={fieldError('template')}
            data-testid="send-template-name"
          />
          <TextInput
            label={t('campaigns.send.templateLanguage')}
            description={t('campaigns.send.templateLanguageHint')}
            placeholder={templateLanguage}
            value={template.language}
            onChange={(e) => setTemplate({ ...template, language: e.currentTarget.value })}
            data-testid="send-template-language"
          />
        </SimpleGrid>
      )}
      <ErrorAlert error={error} mt="sm" />
      <Group justify="space-between" mt="md" wrap="nowrap">
        <Text size="sm" c={blockedBy ? 'orange.8' : 'dimmed'} data-testid="send-note">
          {blockedBy ? t(`campaigns.send.blocked.${blockedBy}`) : t('campaigns.send.ready', { count: figures.eligible, people: n(figures.eligible) })}
        </Text>
        <Button
          onClick={() => {
            setFuture(Date.parse(campaign.plannedAt) > Date.now() + 60_000);
            setQuiet(outsideWindow(Math.max(Date.now(), Date.parse(campaign.plannedAt))));
            setConfirming(true);
          }}
          disabled={blockedBy !== null}
          data-testid="send"
        >
          {t('campaigns.send.button')}
        </Button>
      </Group>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('campaigns.confirm.title', { name: campaign.name })} size="lg">
        <Stack data-testid="confirm-send">
          <Text fw={600} size="lg" data-testid="confirm-people">
            {t('campaigns.confirm.people', { count: figures.eligible, people: n(figures.eligible) })}
          </Text>
          <List spacing={4} size="sm" data-testid="confirm-cost">
            {byChannel.whatsapp > 0 && (
              <List.Item>
                {t('campaigns.confirm.whatsapp', {
                  count: byChannel.whatsapp,
                  messages: n(byChannel.whatsapp),
                  provider: picked.whatsapp?.name ?? '',
                })}
              </List.Item>
            )}
            {byChannel.sms > 0 && (
              <List.Item data-testid="confirm-sms">
                {t('campaigns.confirm.sms', {
                  count: byChannel.sms,
                  messages: n(byChannel.sms),
                  perMessage: segmentsText(smsSegments),
                  total: segmentsText(byChannel.sms * smsSegments),
                  provider: picked.sms?.name ?? '',
                })}
              </List.Item>
            )}
            {campaign.channel === 'cascade' && byChannel.whatsapp > 0 && (
              <List.Item>
                {t('campaigns.confirm.fallback', {
                  minutes: Number(fallback) || 60,
                  total: segmentsText(byChannel.whatsapp * smsSegments),
                })}
              </List.Item>
            )}
          </List>
          <Text size="sm" fw={600} data-testid="confirm-segments">
            {t('campaigns.confirm.segments', { total: segmentsText(byChannel.sms * smsSegments) })}
          </Text>
          {future && <Text size="sm">{t('campaigns.confirm.later', { when: formatDateTime(campaign.plannedAt, timeZone, lang) })}</Text>}
          {quiet && (
            <Alert color={quiet.held ? 'blue' : 'orange'} variant="light" data-testid="confirm-quiet" data-held={quiet.held}>
              {t(quiet.held ? 'campaigns.confirm.quietHeld' : 'campaigns.confirm.quietGoes', quiet)}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            {t('campaigns.confirm.gate')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-testid="confirm-cancel">
              {t('campaigns.confirm.cancel')}
            </Button>
            <Button onClick={() => void doSend()} loading={busy} data-autofocus data-testid="confirm-send-button">
              {t('campaigns.confirm.send', { count: figures.eligible, people: n(figures.eligible) })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
