import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiCallError } from '../api/client';

/** A refusal or failure in the person's language, with the register's own detail underneath. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
  const detail = error instanceof ApiCallError ? error.message : null;
  return (
    <Alert color="red" variant="light" role="alert" data-testid="error">
      {t(`errors.${code}`)}
      {detail && <div style={{ fontSize: 12, opacity: 0.8 }}>{t('errors.detail', { message: detail })}</div>}
    </Alert>
  );
}

/** The message for one field of a refused input, if the refusal named it. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiCallError)) return undefined;
  const hit = error.fields.find((f) => f.path === field || f.path.startsWith(`${field}.`));
  return hit?.message;
}
