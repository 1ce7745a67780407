import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Radio, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormVersion, Output } from '../../../../shared/contract/api';
import { useFormsStore, type Rendered } from '../../stores/forms.store';
import { saveBytes } from '../../stores/transfer';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { PdfPreview, printPdf } from '../../components/PdfPreview';

/** Print consent sheets: choose the layout, make the PDF (its serials are recorded), preview, print or save. */
export function PrintModal({ form, onClose }: { form: FormVersion; onClose: () => void }) {
  const { t } = useTranslation();
  const print = useFormsStore((s) => s.print);
  // Slips by default: on a group sheet each customer sees the names and numbers written above their own.
  const [layout, setLayout] = useState<'slip' | 'group' | 'individual'>('slip');
  const [rows, setRows] = useState<number | string>(15);
  const [copies, setCopies] = useState<number | string>(1);
  const [paper, setPaper] = useState<'a4' | 'letter'>('a4');
  const [made, setMade] = useState<Rendered<Output<'forms.print'>> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      setMade(await print({ formVersionId: form.id, layout, rows: Number(rows) || 1, copies: Number(copies) || 1, paper }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const serials = made?.result.serials ?? [];
  const pdSerials = made?.result.personalDataSerials ?? [];
  return (
    <Modal opened onClose={onClose} size={made ? 760 : 'lg'} title={t('forms.printing.title', { code: form.code })}>
      <Stack data-testid="print-modal">
        {!made && (
          <>
            {/* One choice a line: the layouts' names are long (in Russian above all) and a segmented row cut them off. */}
            <Radio.Group label={t('forms.printing.layout')} value={layout} onChange={(v) => setLayout(v as 'slip' | 'group' | 'individual')}>
              <Stack gap={8} mt={6} data-testid="print-layout">
                {(['slip', 'individual', 'group'] as const).map((value) => (
                  <Radio key={value} value={value} label={t(`forms.printing.${value}`)} data-testid={`print-layout-${value}`} />
                ))}
              </Stack>
            </Radio.Group>
            <Group grow align="flex-end">
              <div>
                <Text size="sm" fw={500} mb={4}>
                  {t('forms.printing.paper')}
                </Text>
                <SegmentedControl
                  fullWidth
                  value={paper}
                  onChange={(v) => setPaper(v as 'a4' | 'letter')}
                  data={[
                    { value: 'a4', label: 'A4' },
                    { value: 'letter', label: 'US Letter' },
                  ]}
                  data-testid="print-paper"
                />
              </div>
            </Group>
            <Group grow>
              {layout === 'group' && (
                <NumberInput
                  label={t('forms.printing.rows')}
                  min={1}
                  max={40}
                  value={rows}
                  onChange={setRows}
                  error={fieldError('rows')}
                  data-testid="print-rows"
                />
              )}
              <NumberInput
                label={t('forms.printing.copies')}
                description={t('forms.printing.copiesHint')}
                min={1}
                max={500}
                value={copies}
                onChange={setCopies}
                error={fieldError('copies')}
                data-testid="print-copies"
              />
            </Group>
            {layout === 'group' && (
              <Alert color="orange" variant="light" data-testid="print-group-warning">
                {t('forms.printing.groupWarning')}
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              {t(layout === 'slip' ? 'forms.printing.explainSlip' : 'forms.printing.explain')}
            </Text>
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('forms.cancel')}
              </Button>
              <Button onClick={() => void make()} loading={busy} data-testid="make-sheets">
                {t('forms.printing.make', { count: Number(copies) || 1 })}
              </Button>
            </Group>
          </>
        )}
        {made && (
          <>
            <Alert color="teal" variant="light" data-testid="print-serials">
              {serials.length === 1
                ? t('forms.printing.recordedOne', { serial: serials[0] })
                : t('forms.printing.recordedMany', { first: serials[0], last: serials[serials.length - 1], count: serials.length })}
              {pdSerials.length > 0 && (
                <Text size="sm" mt={4} data-testid="print-personal-data">
                  {t('forms.printing.personalData', { count: pdSerials.length, serials: pdSerials.join(', ') })}
                </Text>
              )}
            </Alert>
            {made.result.warnings.includes('group_shows_others') && (
              <Alert color="orange" variant="light" data-testid="print-group-warning">
                {t('forms.printing.groupWarning')}
              </Alert>
            )}
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {t('forms.printing.preview')}
              </Text>
              <Group>
                <Button variant="default" onClick={() => saveBytes(made.bytes, made.name, 'application/pdf')} data-testid="save-pdf">
                  {t('forms.savePdf')}
                </Button>
                <Button onClick={() => void printPdf(made.bytes).catch(setError)} data-testid="print-pdf">
                  {t('forms.printNow')}
                </Button>
              </Group>
            </Group>
            <ErrorAlert error={error} />
            <div className="preview-frame">
              <PdfPreview bytes={made.bytes} width={660} label={t('forms.page')} />
            </div>
          </>
        )}
      </Stack>
    </Modal>
  );
}
