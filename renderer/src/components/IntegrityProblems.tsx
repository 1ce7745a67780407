import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditProblem } from '../../../shared/contract/api';
import { problemAdvice, problemText } from './integrity-text';

export { problemAdvice, problemText };

/** Integrity problems as a list: each says what differs, about whom, and what to do. */
export function IntegrityProblems({ problems, max = 10 }: { problems: AuditProblem[]; max?: number }) {
  const { t } = useTranslation();
  // One line per thing said: a reply rewritten is found by each event it produced and by its audit row, said alike.
  const seen = new Set<string>();
  const lines = problems.flatMap((p) => {
    const text = problemText(t, p);
    const advice = problemAdvice(t, p);
    if (seen.has(`${text}\n${advice}`)) return [];
    seen.add(`${text}\n${advice}`);
    return [{ p, text, advice }];
  });
  const shown = lines.slice(0, max);
  return (
    <>
      <List size="sm" spacing={6} data-testid="integrity-problems">
        {shown.map(({ p, text, advice }, i) => (
          <List.Item
            key={i}
            data-kind={p.kind}
            data-contact-id={p.contactId ?? undefined}
            data-event-id={p.eventId ?? undefined}
            style={{ overflowWrap: 'anywhere' }}
          >
            <Text size="sm" span>
              {text}
            </Text>{' '}
            <Text size="sm" span c="dimmed">
              {advice}
            </Text>
          </List.Item>
        ))}
      </List>
      {lines.length > shown.length && (
        <Text size="sm" c="dimmed" mt={4}>
          {t('integrity.more', { count: lines.length - shown.length })}
        </Text>
      )}
    </>
  );
}
