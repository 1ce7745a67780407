import { Alert, Button, List, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiCallError } from '../api/client';
import type { FieldProblem } from '../../../shared/contract/errors';
import { knownKey } from '../../../shared/contract/errors';
import { translateParam, translateSaid } from '../i18n/errors';

/** A field path in the person's language: the longest translated prefix, e.g. policyOverrides.quietHours.start → send window. */
export function fieldName(t: TFunction, path: string): string {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const key = `fields.${parts.slice(0, n).join('_')}`;
    if (t(key, { defaultValue: '' })) return t(key);
  }
  return path;
}

/**
 * One field problem in the person's language: by its key (errors.<key>). A problem without a key (an answer from an
 * older version, or a door's own) is shown as it was sent, after the code's general words.
 */
export function fieldMessage(t: TFunction, error: ApiCallError, problem: FieldProblem): string {
  if (knownKey(problem.key)) return translateSaid(t, problem);
  const reason = error.details?.reason;
  if (error.code === 'INVALID_PHONE' && typeof reason === 'string') return t(`phone.${reason}`, { defaultValue: problem.message });
  return t(`fieldProblem.${error.code}`, { message: problem.message, defaultValue: problem.message });
}

/** What holds the register when a write was answered BUSY (register.busy's `what`, by key), in the person's language, or null. */
function busyHolder(t: TFunction, error: ApiCallError): string | null {
  const what = error.params?.what ?? (typeof error.details?.what === 'string' ? error.details.what : undefined);
  return what ? translateParam(t, what) || null : null;
}

function problemFor(error: unknown, field: string): FieldProblem | undefined {
  if (!(error instanceof ApiCallError)) return undefined;
  return error.fields.find((f) => f.path === field || f.path.startsWith(`${field}.`));
}

/** `(field) => message` for inputs: the refusal's problem with that field, translated. */
export function useFieldError(error: unknown): (field: string) => string | undefined {
  const { t } = useTranslation();
  return (field) => {
    const p = problemFor(error, field);
    return p && error instanceof ApiCallError ? fieldMessage(t, error, p) : undefined;
  };
}

/**
 * A refusal or failure in the person's language: what went wrong, and which fields, by name. A BUSY answer (another
 * window or process holds the register; nothing was changed) names what holds it, and offers `onRetry` when the
 * screen has one.
 */
export function ErrorAlert({ error, mt, onRetry }: { error: unknown; mt?: string; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiCallError ? error : null;
  const code = api?.code ?? 'INTERNAL';
  const fields = api?.fields ?? [];
  const holder = api && code === 'BUSY' ? busyHolder(t, api) : null;
  // What the core said helps when no field carries the problem (e.g. "not reachable"), translated by its key. A
  // problem with a file, a mapping or the country needs no "file:" in front of it.
  const detail = api && fields.length === 0 && !holder ? translateSaid(t, api).replace(/^(file|fileId|mapping|defaultCountry): /, '') : null;
  return (
    <Alert
      color={code === 'BUSY' ? 'orange' : 'red'}
      variant="light"
      role="alert"
      data-testid="error"
      data-code={code}
      mt={mt}
      title={holder ? t('errors.busyTitle') : t(`errors.${code}`)}
    >
      {fields.length > 0 && (
        <List size="sm" spacing={2}>
          {fields.map((f) => (
            <List.Item key={f.path} data-field={f.path}>
              <b>{fieldName(t, f.path)}</b>: {fieldMessage(t, api!, f)}
            </List.Item>
          ))}
        </List>
      )}
      {holder && (
        <Text size="sm" data-testid="busy-holder">
          {t('errors.busyWith', { what: holder })}
        </Text>
      )}
      {detail && <div style={{ fontSize: 12, opacity: 0.8 }}>{t('errors.detail', { message: detail })}</div>}
      {onRetry && code === 'BUSY' && (
        <Button size="xs" variant="light" color="orange" mt="xs" onClick={onRetry} data-testid="error-retry">
          {t('errors.retry')}
        </Button>
      )}
    </Alert>
  );
}
