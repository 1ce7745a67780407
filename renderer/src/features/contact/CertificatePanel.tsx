import { useState } from 'react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract/api';
import { zonedTimeToUtc } from '../../../../shared/domain/time/zones';
import { call } from '../../api/client';
import { DateTimeField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fetchFile, saveBytes } from '../../stores/transfer';
import { useSettingsStore } from '../../stores/settings.store';

type Format = 'pdf' | 'jsonld';

/** `YYYY-MM-DDTHH:MM` (what a date-time field holds), read in the shop's time zone, as an ISO instant; null when not one. */
export function wallTimeToIso(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  try {
    const ms = zonedTimeToUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 0, timeZone);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  } catch {
    return null;
  }
}

/**
 * Proof for one customer (issue #17 item 12): an "as of" date and time in the shop's zone, and the consent
 * certificate (PDF, in the person's language) or the ISO/IEC TS 27560 consent record (JSON-LD) for that moment.
 */
export function CertificatePanel({ contactId }: { contactId: number }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone) ?? 'UTC';
  const [asOf, setAsOf] = useState('');
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<Output<'contacts.certificate'> | null>(null);
  // The moment the field was last touched: "now" for the field's upper bound and the future check.
  const [now, setNow] = useState(() => Date.now());
  const at = asOf === '' ? null : wallTimeToIso(asOf, timeZone);
  const invalid = asOf !== '' && at === null;
  const future = at !== null && Date.parse(at) > now;

  const make = async (format: Format) => {
    setBusy(format);
    setError(null);
    try {
      const r = await call('contacts.certificate', {
        contactId,
        format,
        locale: i18n.language === 'ru' ? 'ru' : 'en',
        ...(at ? { at } : {}),
      });
      const file = await fetchFile(r.fileId);
      saveBytes(file.bytes, file.name, format === 'pdf' ? 'application/pdf' : 'application/ld+json');
      setMade(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card withBorder padding="md" data-testid="certificate-panel">
      <Stack gap="xs">
        <Title order={5}>{t('certificate.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('certificate.intro')}
        </Text>
        <Group align="flex-end" gap="sm">
          <DateTimeField
            label={t('certificate.asOf')}
            description={t('certificate.asOfHint', { zone: timeZone })}
            value={asOf}
            onChange={(v) => {
              setNow(Date.now());
              setAsOf(v);
            }}
            error={invalid ? t('certificate.notADate') : future ? t('certificate.future') : undefined}
            data-testid="certificate-at"
            w={260}
          />
          <Button
            onClick={() => void make('pdf')}
            loading={busy === 'pdf'}
            disabled={busy !== null || invalid || future}
            data-testid="certificate-pdf"
          >
            {t('certificate.pdf')}
          </Button>
          <Button
            variant="default"
            onClick={() => void make('jsonld')}
            loading={busy === 'jsonld'}
            disabled={busy !== null || invalid || future}
            data-testid="certificate-jsonld"
          >
            {t('certificate.jsonld')}
          </Button>
        </Group>
        {made && (
          <Text size="xs" c={made.contactVerified ? 'dimmed' : 'red.7'} data-testid="certificate-made">
            {t(made.format === 'pdf' ? 'certificate.savedPdf' : 'certificate.savedJsonld', { name: made.name })} ·{' '}
            {made.contactVerified ? t('certificate.verified') : t('certificate.notVerified')} · {t('certificate.record', { id: made.recordId })}
          </Text>
        )}
        <ErrorAlert error={error} />
      </Stack>
    </Card>
  );
}
