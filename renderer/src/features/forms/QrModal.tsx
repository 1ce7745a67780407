import { useEffect, useMemo, useState } from 'react';
import { Button, Code, Group, Image, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormVersion, Output } from '../../../../shared/contract/api';
import type { Channel } from '../../../../shared/domain/consent/types';
import { useFormsStore, type Rendered } from '../../stores/forms.store';
import { saveBytes } from '../../stores/transfer';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PdfPreview, printPdf } from '../../components/PdfPreview';

function dataUrl(bytes: Uint8Array, type: string): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${type};base64,${btoa(binary)}`;
}

/** The link as people read it (the QR itself holds the encoded form). */
function readable(payload: string): string {
  try {
    return decodeURIComponent(payload);
  } catch {
    return payload;
  }
}

/** The opt-in QR code of a form version (WhatsApp click-to-chat or SMS), as PNG/SVG and as a counter poster. */
export function QrModal({ form, onClose }: { form: FormVersion; onClose: () => void }) {
  const { t } = useTranslation();
  const { qr, poster } = useFormsStore();
  const [kind, setKind] = useState<Channel>(form.channels.includes('whatsapp') ? 'whatsapp' : 'sms');
  const [code, setCode] = useState<Rendered<Output<'forms.qr'>> | null>(null);
  const [paper, setPaper] = useState<'a4' | 'a5'>('a4');
  const [made, setMade] = useState<Rendered<Output<'forms.poster'>> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    qr({ formVersionId: form.id, kind, format: 'png' })
      .then((r) => live && setCode(r))
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [form.id, kind, qr]);
  const image = useMemo(() => (code ? dataUrl(code.bytes, 'image/png') : null), [code]);

  const save = async (format: 'png' | 'svg') => {
    try {
      const r = format === 'png' && code ? code : await qr({ formVersionId: form.id, kind, format });
      saveBytes(r.bytes, r.name, format === 'png' ? 'image/png' : 'image/svg+xml');
    } catch (err) {
      setError(err);
    }
  };
  const makePoster = async () => {
    setBusy(true);
    setError(null);
    try {
      setMade(await poster({ formVersionId: form.id, kind, paper }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} size={made ? 760 : 'lg'} title={t('forms.qr.title', { code: form.code })}>
      <Stack data-testid="qr-modal">
        <SegmentedControl
          value={kind}
          onChange={(v) => {
            setKind(v as Channel);
            setCode(null);
            setMade(null);
            setError(null);
          }}
          data={form.channels.map((c) => ({ value: c, label: t(`forms.qr.kind.${c}`) }))}
          data-testid="qr-kind"
        />
        <ErrorAlert error={error} />
        {code && image && (
          <Group align="flex-start" wrap="nowrap" gap="lg">
            <Image src={image} w={180} h={180} alt={t('forms.qr.alt')} data-testid="qr-image" />
            <Stack gap={6} style={{ minWidth: 0 }}>
              <Text size="sm">{t(kind === 'whatsapp' ? 'forms.qr.explainWhatsapp' : 'forms.qr.explainSms')}</Text>
              <Text size="sm" fw={500}>
                {t('forms.qr.sends')}
              </Text>
              <Code block data-testid="qr-text">
                {code.result.text}
              </Code>
              <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }} data-testid="qr-payload">
                {readable(code.result.payload)}
              </Text>
              <Group gap="xs">
                <Button size="xs" variant="default" onClick={() => void save('png')} data-testid="save-png">
                  {t('forms.qr.savePng')}
                </Button>
                <Button size="xs" variant="default" onClick={() => void save('svg')} data-testid="save-svg">
                  {t('forms.qr.saveSvg')}
                </Button>
              </Group>
            </Stack>
          </Group>
        )}
        <Group justify="space-between" align="flex-end">
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('forms.qr.poster')}
            </Text>
            <SegmentedControl
              value={paper}
              onChange={(v) => {
                setPaper(v as 'a4' | 'a5');
                setMade(null);
              }}
              data={[
                { value: 'a4', label: 'A4' },
                { value: 'a5', label: 'A5' },
              ]}
              data-testid="poster-paper"
            />
          </div>
          <Group>
            {made && (
              <>
                <Button variant="default" onClick={() => saveBytes(made.bytes, made.name, 'application/pdf')}>
                  {t('forms.savePdf')}
                </Button>
                <Button variant="default" onClick={() => void printPdf(made.bytes).catch(setError)}>
                  {t('forms.printNow')}
                </Button>
              </>
            )}
            <Button onClick={() => void makePoster()} loading={busy} disabled={!code} data-testid="make-poster">
              {t('forms.qr.makePoster')}
            </Button>
          </Group>
        </Group>
        {made && (
          <div className="preview-frame">
            <PdfPreview bytes={made.bytes} width={520} label={t('forms.page')} />
          </div>
        )}
      </Stack>
    </Modal>
  );
}
