import { useEffect } from 'react';
import { Badge, Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRepliesStore, type RepliesTab } from '../../stores/replies.store';
import { ComplaintsTab } from './ComplaintsTab';
import { ConfirmationsTab } from './ConfirmationsTab';
import { RecordReply } from './RecordReply';

/** Replies: complaints, the double opt-in confirmations owed to customers, and replies typed in by staff. */
export function RepliesScreen() {
  const { t } = useTranslation();
  const tab = useRepliesStore((s) => s.tab);
  const setTab = useRepliesStore((s) => s.setTab);
  const loadComplaints = useRepliesStore((s) => s.loadComplaints);
  const loadConfirmations = useRepliesStore((s) => s.loadConfirmations);
  const queued = useRepliesStore((s) => s.confirmations?.filter((c) => c.state === 'queued').length ?? 0);

  useEffect(() => {
    void loadComplaints();
    void loadConfirmations();
  }, [loadComplaints, loadConfirmations]);

  return (
    <Stack pb="xl" gap="md">
      <div>
        <Title order={2}>{t('replies.title')}</Title>
        <Text c="dimmed" size="sm" mt={4}>
          {t('replies.subtitle')}
        </Text>
      </div>
      <Tabs value={tab} onChange={(v) => v && setTab(v as RepliesTab)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="complaints" data-testid="tab-complaints">
            {t('replies.tabs.complaints')}
          </Tabs.Tab>
          <Tabs.Tab
            value="confirmations"
            data-testid="tab-confirmations"
            rightSection={
              queued > 0 ? (
                <Badge size="xs" color="yellow" circle={queued < 10}>
                  {queued}
                </Badge>
              ) : null
            }
          >
            {t('replies.tabs.confirmations')}
          </Tabs.Tab>
          <Tabs.Tab value="record" data-testid="tab-record">
            {t('replies.tabs.record')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="complaints">
          <ComplaintsTab />
        </Tabs.Panel>
        <Tabs.Panel value="confirmations">
          <ConfirmationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="record">
          <RecordReply />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
