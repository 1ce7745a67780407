import { Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore, type ImportTab } from '../../stores/import.store';
import { ImportWizard } from './ImportWizard';
import { PastImports } from './PastImports';
import { ExportPanel } from './ExportPanel';

/** Bring customers in from a CSV file, take back a past import, and export the register. */
export function ImportExportScreen() {
  const { t } = useTranslation();
  const tab = useImportStore((s) => s.tab);
  const setTab = useImportStore((s) => s.setTab);
  return (
    <Stack pb="xl" gap="md">
      <Title order={2}>{t('importExport.title')}</Title>
      <Tabs value={tab} onChange={(v) => v && setTab(v as ImportTab)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="import" data-testid="tab-import">
            {t('importExport.tabImport')}
          </Tabs.Tab>
          <Tabs.Tab value="history" data-testid="tab-history">
            {t('importExport.tabHistory')}
          </Tabs.Tab>
          <Tabs.Tab value="export" data-testid="tab-export">
            {t('importExport.tabExport')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import">
          <ImportWizard />
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <PastImports />
        </Tabs.Panel>
        <Tabs.Panel value="export">
          <ExportPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
