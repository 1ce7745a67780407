import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditProblem } from '../../../shared/contract/api';
import { problemAdvice, problemText } from './integrity-text';

export { problemAdvice, problemText };

/** Integrity problems as a list: each says what differs, about whom, and what to do. */
export function IntegrityProblems({ problems, max = 10 }: { problems: AuditProblem[]; max?: number }) {
  const { t } = useTranslation();
  const shown = problems.slice(0, max);
  return (
    <>
      <List size="sm" spacing={6} data-testid="integrity-problems">
        {shown.map((p, i) => (
          <List.Item
            key={i}
            data-kind={p.kind}
            data-contact-id={p.contactId ?? undefined}
            data-event-id={p.eventId ?? undefined}
            style={{ overflowWrap: 'anywhere' }}
          >
            <Text size="sm" span>
              {problemText(t, p)}
            </Text>{' '}
            <Text size="sm" span c="dimmed">
              {problemAdvice(t, p)}
            </Text>
          </List.Item>
        ))}
      </List>
      {problems.length > shown.length && (
        <Text size="sm" c="dimmed" mt={4}>
          {t('integrity.more', { count: problems.length - shown.length })}
        </Text>
      )}
    </>
  );
}
