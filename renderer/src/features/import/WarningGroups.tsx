import { Accordion, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ImportSummary } from '../../../../shared/contract/api';
import { formatDay, formatNumber } from '../../components/format';

type Group = ImportSummary['warningGroups'][number];
type Example = Group['examples'][number];

/** One example of a warning in the person's language, from its parameters (the English sentence is the fallback). */
function exampleText(t: TFunction, kind: Group['kind'], e: Example, lang: string): string {
  // A day ("read as 2026-04-03") as the person writes days: 03.04.2026, 3 Apr 2026.
  const params: Record<string, string | number> = Object.fromEntries(
    Object.entries(e.params).map(([k, v]) => [k, typeof v === 'string' ? formatDay(v, lang) : v]),
  );
  if (kind === 'consent_claim' && typeof e.params.reasons === 'string')
    params.reasons = e.params.reasons
      .split(',')
      .filter(Boolean)
      .map((r) => t(`import.warnings.reasons.${r}`, { defaultValue: r }))
      .join(', ');
  return t(`import.warnings.kinds.${kind}.example`, { ...params, defaultValue: e.text });
}

/** The import's warnings, grouped by kind: a count and the first rows of each, in the person's language. */
export function WarningGroups({ summary }: { summary: ImportSummary }) {
  const { t, i18n } = useTranslation();
  if (summary.warningGroups.length === 0) return null;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <Card withBorder p={0} data-testid="warning-groups">
      <Stack gap={2} px="md" py="sm">
        <Title order={5}>{t('import.warnings.title', { count: summary.warnings, n: n(summary.warnings) })}</Title>
        <Text size="xs" c="dimmed">
          {t('import.warnings.hint')}
        </Text>
      </Stack>
      <Accordion multiple variant="contained" radius={0} chevronPosition="left">
        {summary.warningGroups.map((g) => (
          <Accordion.Item key={g.kind} value={g.kind} data-testid={`warning-group-${g.kind}`}>
            <Accordion.Control>
              <Group justify="space-between" wrap="nowrap" pr="sm">
                <Text size="sm" fw={500}>
                  {t(`import.warnings.kinds.${g.kind}.title`)}
                </Text>
                <Badge color="orange" variant="light" data-testid="warning-count" style={{ flexShrink: 0 }}>
                  {t('import.warnings.rows', { count: g.count, n: n(g.count) })}
                </Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Text size="xs" c="dimmed" mb={6}>
                {t(`import.warnings.kinds.${g.kind}.hint`)}
              </Text>
              <Table fz="sm" verticalSpacing={4} layout="fixed">
                <Table.Tbody>
                  {g.examples.map((e, i) => (
                    <Table.Tr key={`${e.row}-${i}`} data-testid="warning-example">
                      <Table.Td w={110} className="mono">
                        {t('import.warnings.row', { n: n(e.row) })}
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{exampleText(t, g.kind, e, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {g.count > g.examples.length && (
                <Text size="xs" c="dimmed" mt={4}>
                  {t('import.warnings.more', { count: g.count - g.examples.length, n: n(g.count - g.examples.length) })}
                </Text>
              )}
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Card>
  );
}
