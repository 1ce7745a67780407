import { useEffect } from 'react';
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useIntegrityStore } from '../../stores/integrity.store';
import { IntegrityProblems } from '../../components/IntegrityProblems';

/**
 * On a contact's page: a warning when this contact's history does not verify — an event altered, moved to another
 * number, or part of the number's history (an opt-out) cut off — naming each event and what to do. Nothing when it verifies.
 */
export function IntegrityWarning({ contactId }: { contactId: number }) {
  const { t } = useTranslation();
  const check = useIntegrityStore((s) => s.contacts[contactId]);
  const checkContact = useIntegrityStore((s) => s.checkContact);

  useEffect(() => {
    // A failed check (the contact vanished meanwhile) leaves the page as it is: the page shows its own error.
    checkContact(contactId).catch(() => undefined);
  }, [contactId, checkContact]);

  if (!check || check.ok) return null;
  return (
    <Alert color="red" variant="light" title={t('integrity.contactTitle')} data-testid="integrity-warning">
      <Text size="sm" mb="xs">
        {t('integrity.contactHint')}
      </Text>
      <IntegrityProblems problems={check.problems} />
    </Alert>
  );
}
