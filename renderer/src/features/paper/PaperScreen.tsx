import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, CloseButton, Grid, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePaperStore } from '../../stores/paper.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { EntryRow, SavedLine, type EntryRowHandle } from './EntryRow';
import { EnteredRows, ScanPanel, SheetHeader } from './SheetPanels';
import { SheetList } from './SheetList';
import { staffOptions } from '../../components/staff';

/**
 * Paper entry: type in signed consent sheets with the keyboard alone. The serial (typed, or scanned from the
 * sheet's QR by a hand scanner, which types it and presses Enter) opens the sheet; then row after row.
 */
export function PaperScreen({ serial }: { serial?: string }) {
  const { t } = useTranslation();
  const open = usePaperStore((s) => s.open);
  const openError = usePaperStore((s) => s.openError);
  const opening = usePaperStore((s) => s.opening);
  const openSheet = usePaperStore((s) => s.openSheet);
  const closeSheet = usePaperStore((s) => s.closeSheet);
  const loadSheets = usePaperStore((s) => s.loadSheets);
  const staffName = usePaperStore((s) => s.staff);
  const lastEntered = usePaperStore((s) => s.lastEntered);
  const setStaff = usePaperStore((s) => s.setStaff);
  const staff = useSettingsStore((s) => s.staff);
  const [typed, setTyped] = useState('');
  const serialRef = useRef<HTMLInputElement>(null);
  const entry = useRef<EntryRowHandle>(null);

  const activeStaff = staff.filter((s) => s.active);
  const owner = activeStaff.find((s) => s.role === 'owner')?.name ?? null;

  const openAndFocus = async (text: string) => {
    if (!text.trim()) return;
    if (await openSheet(text.trim())) {
      setTyped('');
      // The entry row mounts with the sheet: wait a frame for it.
      requestAnimationFrame(() => entry.current?.focusName());
    } else serialRef.current?.focus();
  };

  useEffect(() => {
    void loadSheets();
  }, [loadSheets]);

  // Opened from elsewhere with a serial (e.g. the forms screen after printing); otherwise pick up where the person was.
  useEffect(() => {
    const state = usePaperStore.getState();
    if (serial && state.open?.sheet.serial !== serial) {
      void state.openSheet(serial).then((ok) => ok && requestAnimationFrame(() => entry.current?.focusName()));
    } else if (state.open) entry.current?.focusName();
    else serialRef.current?.focus();
  }, [serial]);

  const full = open !== null && open.nextRow === null;
  // The last row typed: the cursor goes back to the serial, ready for the next sheet (or its QR).
  useEffect(() => {
    if (full) serialRef.current?.focus();
  }, [full]);

  return (
    <Stack pb="xl" gap="md">
      <div>
        <Title order={2}>{t('paper.title')}</Title>
        <Text c="dimmed" size="sm" mt={4}>
          {t('paper.subtitle')}
        </Text>
      </div>

      <Card withBorder padding="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void openAndFocus(typed);
          }}
        >
          <Grid align="flex-end" gutter="sm">
            <Grid.Col span="auto">
              <TextInput
                ref={serialRef}
                label={t('paper.picker.serial')}
                placeholder={t('paper.picker.placeholder')}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                autoComplete="off"
                classNames={{ input: 'mono' }}
                size="md"
                data-testid="serial"
                rightSection={
                  open ? <CloseButton aria-label={t('paper.picker.close')} onClick={() => closeSheet()} data-testid="close-sheet" /> : null
                }
              />
            </Grid.Col>
            <Grid.Col span="content">
              <Button type="submit" size="md" loading={opening} disabled={!typed.trim()} data-testid="open-sheet">
                {t('paper.picker.open')}
              </Button>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 3 }}>
              <Select
                label={t('paper.picker.staff')}
                data={staffOptions(activeStaff, t)}
                value={staffName ?? owner}
                onChange={setStaff}
                allowDeselect={false}
                size="md"
                data-testid="entry-staff"
              />
            </Grid.Col>
          </Grid>
          <Text size="xs" c="dimmed" mt={6}>
            {t('paper.picker.serialHint')}
          </Text>
        </form>
        <ErrorAlert error={openError} mt="sm" />
      </Card>

      {open && (
        <>
          <SheetHeader open={open} />
          <Card withBorder padding="md">
            <Group justify="space-between" mb="xs">
              <Title order={5}>{t('paper.entry.title')}</Title>
              {!full && (
                <Text size="sm" c="dimmed">
                  {t('paper.entry.hint')}
                </Text>
              )}
            </Group>
            {full ? (
              <Stack gap="sm">
                {lastEntered && <SavedLine saved={lastEntered} />}
                <Alert color="green" variant="light" data-testid="sheet-full" title={t('paper.entry.fullTitle')}>
                  <Text size="sm">{t('paper.entry.full')}</Text>
                  <Button
                    mt="sm"
                    size="xs"
                    variant="light"
                    onClick={() => {
                      closeSheet();
                      serialRef.current?.focus();
                    }}
                  >
                    {t('paper.entry.nextSheet')}
                  </Button>
                </Alert>
              </Stack>
            ) : (
              <EntryRow key={open.sheet.serial} ref={entry} sheet={open} />
            )}
          </Card>
          <Grid gutter="md">
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <EnteredRows open={open} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <ScanPanel open={open} onAttached={() => entry.current?.focusName()} />
            </Grid.Col>
          </Grid>
        </>
      )}

      <SheetList onOpen={(s) => void openAndFocus(s)} />
    </Stack>
  );
}
