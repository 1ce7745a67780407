import { useEffect, useState } from 'react';
import { Group, Loader, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBusyStore } from '../stores/busy.store';

/**
 * "Waiting for the register…": shown while any call has been waiting longer than a moment (another window or
 * process may hold the register for a long write; an ordinary write then waits a few seconds before it answers).
 * Small and out of the way: nothing is blocked, the screen that asked shows the answer when it comes.
 */
export function BusyIndicator() {
  const { t } = useTranslation();
  const since = useBusyStore((s) => s.since);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);

  if (since === null) return null;
  // `now` may predate this wait (it ticks only while one is shown): a fresh wait reads 1 s until the first tick.
  const secs = Math.max(1, Math.round((now - since) / 1000));
  return (
    <Paper className="busy-indicator" shadow="md" radius="xl" px="md" py={6} withBorder role="status" aria-live="polite" data-testid="busy-indicator">
      <Group gap="xs" wrap="nowrap">
        <Loader size={14} color="teal" />
        <Text size="sm">{t('app.waitingForRegister')}</Text>
        <Text size="xs" c="dimmed" className="mono">
          {t('app.waitingSeconds', { count: secs })}
        </Text>
      </Group>
    </Paper>
  );
}
