import { Alert, Anchor, Badge, Card, ColorSwatch, Group, List, Loader, Modal, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ExclusionReasons } from '../../../../shared/domain/gate/gate';
import { PAGE_SIZE, useCampaignStore, type AudienceReason, type Campaign, type PlanFigures } from '../../stores/campaign.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatNumber, formatPhone } from '../../components/format';

/** The plan: how many are in the audience, who may get the message, and who is left out and why. */
export function PlanCard({ campaign, figures }: { campaign: Campaign; figures: PlanFigures }) {
  const { t, i18n } = useTranslation();
  const show = useCampaignStore((s) => s.showAudience);
  const lang = i18n.language;
  const excluded = ExclusionReasons.filter((r) => figures.excluded[r] > 0);
  const excludedTotal = ExclusionReasons.reduce((n, r) => n + figures.excluded[r], 0);
  const n = (v: number) => formatNumber(v, lang);

  return (
    <Card withBorder data-testid="plan">
      <Title order={4}>{t('campaigns.plan.title')}</Title>
      <Text size="xs" c="dimmed" mb="sm" data-testid="plan-source">
        {figures.source === 'plan' ? t('campaigns.plan.asPlanned') : t('campaigns.plan.asNow')}
      </Text>
      {figures.promotional && (
        <Alert color="yellow" variant="light" mb="sm" data-testid="plan-promotional">
          {t('campaigns.plan.promotional')}
        </Alert>
      )}
      <div className="figures" style={{ gridTemplateColumns: 'repeat(3, 1fr)' }}>
        <Figure label={t('campaigns.plan.audience')} value={n(figures.audience)} testId="plan-audience" />
        <Figure
          label={t('campaigns.plan.eligible')}
          value={n(figures.eligible)}
          testId="plan-eligible"
          color="teal.8"
          note={
            campaign.channel === 'cascade' && figures.byChannel
              ? t('campaigns.plan.byChannel', { whatsapp: n(figures.byChannel.whatsapp), sms: n(figures.byChannel.sms) })
              : undefined
          }
        />
        <Figure label={t('campaigns.plan.excluded')} value={n(excludedTotal)} testId="plan-excluded" color={excludedTotal ? 'orange.8' : undefined} />
      </div>
      <Table mt="md" verticalSpacing={6} data-testid="exclusions">
        <Table.Tbody>
          <ReasonRow reason="eligible" count={figures.eligible} onShow={() => void show('eligible')} />
          {excluded.map((r) => (
            <ReasonRow key={r} reason={r} count={figures.excluded[r]} onShow={() => void show(r)} />
          ))}
        </Table.Tbody>
      </Table>
      {excluded.length === 0 && (
        <Text size="sm" c="dimmed" mt="xs">
          {t('campaigns.plan.nobodyExcluded')}
        </Text>
      )}
      <AudienceModal />
    </Card>
  );
}

function Figure({
  label,
  value,
  note,
  testId,
  color,
}: {
  label: string;
  value: string;
  note?: string | undefined;
  testId: string;
  color?: string | undefined;
}) {
  return (
    <div className="figure">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} className="mono" data-testid={testId}>
        {value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed" data-testid={`${testId}-note`}>
          {note}
        </Text>
      )}
    </div>
  );
}

function ReasonRow({ reason, count, onShow }: { reason: AudienceReason; count: number; onShow: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Table.Tr data-testid={reason === 'eligible' ? 'eligible-row' : 'exclusion'} data-reason={reason}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <ColorSwatch
            size={10}
            withShadow={false}
            color={`var(--mantine-color-${reason === 'eligible' ? 'teal' : reason === 'quiet_hours' ? 'yellow' : 'orange'}-6)`}
          />
          <Text size="sm" fw={500}>
            {t(`campaigns.reason.${reason}`)}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" pl={16}>
          {t(`campaigns.reasonHint.${reason}`)}
        </Text>
      </Table.Td>
      <Table.Td ta="right" className="mono" fw={600} data-testid="reason-count">
        {formatNumber(count, i18n.language)}
      </Table.Td>
      <Table.Td ta="right" w={110}>
        {count > 0 && (
          <Anchor component="button" size="sm" onClick={onShow} data-testid="show-people">
            {t('campaigns.plan.showPeople')}
          </Anchor>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The people behind one count of the plan, a page at a time. */
function AudienceModal() {
  const { t, i18n } = useTranslation();
  const view = useCampaignStore((s) => s.audience);
  const show = useCampaignStore((s) => s.showAudience);
  const close = useCampaignStore((s) => s.closeAudience);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  if (!view) return null;
  const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
  const eligible = view.reason === 'eligible';
  const quiet = view.reason === 'quiet_hours';
  return (
    <Modal opened onClose={close} size="lg" title={t(`campaigns.reason.${view.reason}`)}>
      <Stack gap="sm" data-testid="audience-modal" data-reason={view.reason}>
        <Text size="sm" c="dimmed">
          {t(`campaigns.reasonHint.${view.reason}`)}
        </Text>
        <ErrorAlert error={view.error} />
        {view.people === null ? (
          <Group justify="center" p="lg">
            <Loader size="sm" />
          </Group>
        ) : view.people.length === 0 ? (
          <Alert variant="light" color="gray">
            {t('campaigns.plan.nobodyNow')}
          </Alert>
        ) : (
          <Table striped withTableBorder data-testid="audience-people">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('contacts.phone')}</Table.Th>
                <Table.Th>{t('contacts.name')}</Table.Th>
                {eligible && <Table.Th>{t('campaigns.plan.channel')}</Table.Th>}
                {quiet && <Table.Th>{t('campaigns.plan.deferUntil')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.people.map((p) => (
                <Table.Tr key={p.contactId} data-testid="audience-person">
                  <Table.Td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {formatPhone(p.phone)}
                  </Table.Td>
                  <Table.Td>{p.name || <Text c="dimmed">{t('contacts.noName')}</Text>}</Table.Td>
                  {eligible && <Table.Td>{p.channel ? t(`channel.${p.channel}`) : ''}</Table.Td>}
                  {quiet && <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.deferUntil, timeZone, i18n.language)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="audience-total">
            {t('campaigns.plan.people', { count: view.total })}
          </Text>
          {pages > 1 && (
            <Pagination size="sm" total={pages} value={view.page} onChange={(p) => void show(view.reason, p)} data-testid="audience-pages" />
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** The lint verdict of the planned message, and its errors when it has any. */
export function LintVerdict({ campaign, figures }: { campaign: Campaign; figures: PlanFigures }) {
  const { t } = useTranslation();
  const lint = figures.lint;
  return (
    <Card withBorder data-testid="message-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('campaigns.message.title')}</Title>
        <Badge size="lg" variant="light" color={lint.ok ? 'teal' : 'red'} tt="none" data-testid="lint-verdict" data-ok={lint.ok}>
          {lint.ok ? t('campaigns.message.ok') : t('campaigns.message.blocked', { count: Math.max(1, lint.errors.length) })}
        </Badge>
      </Group>
      <div className={`bubble bubble-${campaign.channel === 'whatsapp' ? 'whatsapp' : 'sms'}`} data-testid="campaign-text">
        {campaign.text}
      </div>
      <Group gap="md" mt="sm">
        {lint.segments !== null && (
          <Text size="sm" data-testid="lint-segments">
            {t('campaigns.message.segments', { count: lint.segments, encoding: lint.encoding ?? '' })}
          </Text>
        )}
        <Text size="sm" c={lint.warnings ? 'yellow.8' : 'dimmed'}>
          {t('campaigns.message.warnings', { count: lint.warnings })}
        </Text>
      </Group>
      {lint.errors.length > 0 && (
        <List size="sm" mt="xs" c="red.8" data-testid="lint-errors">
          {lint.errors.map((e, i) => (
            <List.Item key={`${e.rule}-${i}`}>
              <Text span size="xs" c="dimmed" className="mono">
                {e.rule}
              </Text>{' '}
              {e.message}
            </List.Item>
          ))}
        </List>
      )}
      {lint.warningList.length > 0 && (
        <List size="sm" mt="xs" c="yellow.9" data-testid="lint-warnings">
          {lint.warningList.map((w, i) => (
            <List.Item key={`${w.rule}-${i}`} data-rule={w.rule}>
              <Text span size="xs" c="dimmed" className="mono">
                {w.rule}
              </Text>{' '}
              {w.message}
            </List.Item>
          ))}
        </List>
      )}
      {!lint.ok && (
        <Text size="sm" c="red.8" mt="xs">
          {t('campaigns.message.fixFirst')}
        </Text>
      )}
    </Card>
  );
}
