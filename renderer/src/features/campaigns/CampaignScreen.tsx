import { useEffect, useRef, useState } from 'react';
import { Anchor, Badge, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCampaignStore } from '../../stores/campaign.store';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { staffLabel } from '../../components/staff';
import { audienceLabel, CampaignStateBadge, channelLabel } from './labels';
import { LintVerdict, PlanCard } from './PlanCard';
import { PlanHealthAlert } from '../health/HealthWarnings';
import { useHealthStore, type HealthWarning } from '../../stores/health.store';
import { SendPanel } from './SendPanel';
import { OutboxPanel } from './OutboxPanel';
import { RecipientsTable } from './RecipientsTable';
import { RecipientDrawer } from './RecipientDrawer';

/** Polls while the outbox works: every second while it hands off, every few seconds while it waits for a due time. */
const POLL_RUNNING_MS = 1000;
const POLL_WAITING_MS = 5000;

/** One campaign: its plan and message, the send panel until it is sent, then the outbox, its recipients and reports. */
export function CampaignScreen({ batch }: { batch: number }) {
  const { t, i18n } = useTranslation();
  const campaign = useCampaignStore((s) => (s.batchId === batch ? s.campaign : null));
  const figures = useCampaignStore((s) => (s.batchId === batch ? s.figures : null));
  const progress = useCampaignStore((s) => (s.batchId === batch ? s.progress : null));
  const error = useCampaignStore((s) => (s.batchId === batch ? s.error : null));
  const open = useCampaignStore((s) => s.open);
  const refresh = useCampaignStore((s) => s.refreshProgress);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const go = useAppStore((s) => s.go);
  const lang = i18n.language;
  const locale = lang.startsWith('ru') ? 'ru' : 'en';

  const relint = useCampaignStore((s) => s.relint);
  useEffect(() => {
    void open(batch, locale);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [batch, open]);
  // The findings follow the language switch (the counts and the verdict do not change with it).
  const worded = useRef(locale);
  useEffect(() => {
    if (worded.current === locale) return;
    worded.current = locale;
    void relint(locale);
  }, [locale, relint]);

  const sending = progress?.state === 'sending' && !progress.paused;
  const running = progress?.running ?? false;
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => void refresh().catch(() => undefined), running ? POLL_RUNNING_MS : POLL_WAITING_MS);
    return () => clearInterval(timer);
  }, [sending, running, refresh]);

  const started = !!progress?.startedAt;
  // The health warnings the plan came with; a plan reopened later asks for those of recent campaigns.
  const planned = progress?.state === 'planned' && !started;
  const fromPlan = useCampaignStore((s) => s.plans[batch]?.health);
  const recentWarnings = useHealthStore((s) => s.recentWarnings);
  const [recent, setRecent] = useState<HealthWarning[]>([]);
  useEffect(() => {
    if (!planned || fromPlan) return;
    let live = true;
    recentWarnings(batch).then(
      (w) => live && setRecent(w),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [planned, fromPlan, batch, recentWarnings]);
  return (
    <Stack pb="xl" data-testid="campaign-screen" data-batch={batch}>
      <Anchor
        component="button"
        onClick={() => go({ screen: 'campaigns' })}
        size="sm"
        style={{ alignSelf: 'flex-start' }}
        data-testid="back-to-campaigns"
      >
        ← {t('campaigns.back')}
      </Anchor>
      <ErrorAlert error={error} />
      {!campaign || !figures || !progress ? (
        !error && <Loader size="sm" />
      ) : (
        <>
          <Group justify="space-between" align="flex-start">
            <div>
              <Group gap="sm">
                <Title order={2} data-testid="campaign-name">
                  {campaign.name}
                </Title>
                <CampaignStateBadge state={progress.state} plannedAt={campaign.plannedAt} />
              </Group>
              <Group gap="xs" mt={6}>
                <Badge variant="light" tt="none" data-testid="campaign-channel">
                  {channelLabel(t, campaign.channel)}
                </Badge>
                <Badge variant="outline" color="gray" tt="none">
                  {t(`purpose.${campaign.purpose}`)}
                </Badge>
                <Badge variant="outline" color="indigo" tt="none" data-testid="campaign-audience">
                  {audienceLabel(t, campaign)}
                </Badge>
                <Text size="sm" c="dimmed">
                  {t('campaigns.plannedFor', { when: formatDateTime(campaign.plannedAt, timeZone, lang), who: staffLabel(campaign.createdBy, t) })}
                </Text>
              </Group>
            </div>
          </Group>
          {/* Once sending has started, the outbox is what the owner watches: it comes first. */}
          {started && <OutboxPanel progress={progress} plannedAt={campaign.plannedAt} />}
          {planned && <PlanHealthAlert warnings={fromPlan ?? recent} onOpen={() => go({ screen: 'health' })} />}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <PlanCard campaign={campaign} figures={figures} />
            <LintVerdict campaign={campaign} figures={figures} />
          </SimpleGrid>
          {!started && progress.state === 'planned' && <SendPanel campaign={campaign} figures={figures} />}
          {started && <RecipientsTable progress={progress} />}
          <RecipientDrawer />
        </>
      )}
    </Stack>
  );
}
