import { useEffect, useState } from 'react';
import { AppShell, Badge, Group, NavLink, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../stores/app.store';
import { useSettingsStore } from '../stores/settings.store';
import { setLanguage, type UiLanguage } from '../i18n';
import { ContactsScreen } from '../features/contacts/ContactsScreen';
import { ContactScreen } from '../features/contact/ContactScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { StartScreen } from '../features/start/StartScreen';
import { ComposeScreen } from '../features/compose/ComposeScreen';
import { ImportExportScreen } from '../features/import/ImportExportScreen';
import { FormsScreen } from '../features/forms/FormsScreen';
import { PaperScreen } from '../features/paper/PaperScreen';
import { RepliesScreen } from '../features/replies/RepliesScreen';
import { CampaignsScreen } from '../features/campaigns/CampaignsScreen';
import { CampaignScreen } from '../features/campaigns/CampaignScreen';
import { HealthScreen } from '../features/health/HealthScreen';
import { ErrorAlert } from '../components/ErrorAlert';
import { BusyIndicator } from './BusyIndicator';

/** The shell: navigation, language switch, and the current screen. */
export function App() {
  const { t, i18n } = useTranslation();
  const route = useAppStore((s) => s.route);
  const go = useAppStore((s) => s.go);
  const businessName = useSettingsStore((s) => s.settings?.businessName);
  const load = useSettingsStore((s) => s.load);
  const setup = useSettingsStore((s) => s.setup);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    load()
      // A register nobody has set up opens on the first-run questions, not on an empty contacts list.
      .then(() => {
        if (useSettingsStore.getState().setup?.configured === false) go({ screen: 'start' });
      })
      .catch(setError);
  }, [load, go]);
  const openSteps = setup ? setup.steps.filter((s) => !s.done).length : 0;

  return (
    <AppShell navbar={{ width: 220, breakpoint: 0 }} header={{ height: 56 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm" wrap="nowrap">
            <div className="logo" aria-hidden>
              ✓
            </div>
            <Title order={3} c="teal.8">
              {t('app.name')}
            </Title>
            {businessName ? (
              <Text c="dimmed" size="sm" data-testid="business">
                {businessName}
              </Text>
            ) : (
              <Text c="dimmed" size="sm">
                {t('app.tagline')}
              </Text>
            )}
          </Group>
          <SegmentedControl
            size="xs"
            aria-label={t('app.language')}
            value={i18n.language.startsWith('ru') ? 'ru' : 'en'}
            onChange={(v) => setLanguage(v as UiLanguage)}
            data={[
              { value: 'en', label: 'EN' },
              { value: 'ru', label: 'RU' },
            ]}
            data-testid="language"
          />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" className="navbar">
        <Stack gap={2}>
          {(openSteps > 0 || route.screen === 'start') && (
            <NavLink
              label={t('start.nav')}
              rightSection={
                openSteps > 0 ? (
                  <Badge size="xs" color="yellow" circle>
                    {openSteps}
                  </Badge>
                ) : undefined
              }
              active={route.screen === 'start'}
              onClick={() => go({ screen: 'start' })}
              data-testid="nav-start"
            />
          )}
          <NavLink
            label={t('app.contacts')}
            active={route.screen === 'contacts' || route.screen === 'contact'}
            onClick={() => go({ screen: 'contacts' })}
            data-testid="nav-contacts"
          />
          <NavLink
            label={t('app.importExport')}
            active={route.screen === 'import'}
            onClick={() => go({ screen: 'import' })}
            data-testid="nav-import"
          />
          <NavLink label={t('app.forms')} active={route.screen === 'forms'} onClick={() => go({ screen: 'forms' })} data-testid="nav-forms" />
          <NavLink label={t('app.paper')} active={route.screen === 'paper'} onClick={() => go({ screen: 'paper' })} data-testid="nav-paper" />
          <NavLink label={t('app.replies')} active={route.screen === 'replies'} onClick={() => go({ screen: 'replies' })} data-testid="nav-replies" />
          <NavLink label={t('app.compose')} active={route.screen === 'compose'} onClick={() => go({ screen: 'compose' })} data-testid="nav-compose" />
          <NavLink
            label={t('campaigns.nav')}
            active={route.screen === 'campaigns' || route.screen === 'campaign'}
            onClick={() => go({ screen: 'campaigns' })}
            data-testid="nav-campaigns"
          />
          <NavLink label={t('health.nav')} active={route.screen === 'health'} onClick={() => go({ screen: 'health' })} data-testid="nav-health" />
          <NavLink
            label={t('app.settings')}
            active={route.screen === 'settings'}
            onClick={() => go({ screen: 'settings' })}
            data-testid="nav-settings"
          />
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
        <BusyIndicator />
        <ErrorAlert error={error} onRetry={() => load().then(() => setError(null), setError)} />
        <div style={{ flex: 1, minHeight: 0 }}>
          {route.screen === 'start' && <StartScreen />}
          {route.screen === 'contacts' && <ContactsScreen />}
          {route.screen === 'contact' && <ContactScreen contactId={route.contactId} />}
          {route.screen === 'import' && <ImportExportScreen />}
          {route.screen === 'compose' && <ComposeScreen />}
          {route.screen === 'campaigns' && <CampaignsScreen />}
          {route.screen === 'campaign' && <CampaignScreen batch={route.batch} />}
          {route.screen === 'forms' && <FormsScreen />}
          {route.screen === 'paper' && <PaperScreen serial={route.serial} />}
          {route.screen === 'replies' && <RepliesScreen />}
          {route.screen === 'health' && <HealthScreen />}
          {route.screen === 'settings' && <SettingsScreen />}
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
