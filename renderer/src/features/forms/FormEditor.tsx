import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, List, Modal, SegmentedControl, Stack, Text, TextInput, Textarea, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormVersion } from '../../../../shared/contract/api';
import { Channels, type Channel, type Purpose } from '../../../../shared/domain/consent/types';
import { checkWording } from '../../../../shared/domain/forms/checks';
import { call } from '../../api/client';
import { useFormsStore } from '../../stores/forms.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { purposesForPack } from '../../components/purposes';

/**
 * Write or edit consent wording. Saving always makes a new version: a version that was printed or used must
 * stay exactly as the customer saw it, so nothing here ever changes one.
 */
export function FormEditor({ base, onClose }: { base: FormVersion | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const settings = useSettingsStore((s) => s.settings);
  const save = useFormsStore((s) => s.save);
  const [language, setLanguage] = useState<'en' | 'ru'>(base?.language ?? (i18n.language.startsWith('ru') ? 'ru' : 'en'));
  const [title, setTitle] = useState(base?.title ?? '');
  const [channels, setChannels] = useState<Channel[]>(base?.channels ?? ['sms', 'whatsapp']);
  const [purposes, setPurposes] = useState<Purpose[]>(base?.purposes ?? ['marketing']);
  const [body, setBody] = useState(base?.body ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirmReplace, setConfirmReplace] = useState(false);

  const checks = useMemo(
    () => (settings ? checkWording(body, [settings.businessName, ...settings.brandAliases], settings.effectivePolicy, purposes) : []),
    [body, settings, purposes],
  );

  const loadTemplate = async () => {
    if (body.trim() && !confirmReplace) {
      setConfirmReplace(true);
      return;
    }
    setConfirmReplace(false);
    setError(null);
    try {
      const tpl = await call('forms.template', { language, channels });
      setTitle(tpl.title);
      setPurposes(tpl.purposes);
      setBody(tpl.body);
    } catch (err) {
      setError(err);
    }
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await save({ formKey: base?.formKey, title: title.trim() || undefined, language, channels, purposes, body });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} size="xl" title={base ? t('forms.editor.editTitle', { code: base.code }) : t('forms.editor.newTitle')}>
      <Stack data-testid="form-editor">
        {base && (
          <Alert color="blue" variant="light" data-testid="new-version-note">
            {t('forms.editor.newVersionNote', { code: base.code })}
          </Alert>
        )}
        <Group align="flex-end" justify="space-between">
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('forms.editor.language')}
            </Text>
            <SegmentedControl
              value={language}
              onChange={(v) => setLanguage(v as 'en' | 'ru')}
              data={[
                { value: 'en', label: t('forms.language.en') },
                { value: 'ru', label: t('forms.language.ru') },
              ]}
              data-testid="form-language"
            />
          </div>
          <Button variant="light" onClick={() => void loadTemplate()} data-testid="use-template">
            {confirmReplace
              ? t('forms.editor.replaceConfirm')
              : t('forms.editor.useTemplate', { pack: settings?.effectivePolicy.name[i18n.language.startsWith('ru') ? 'ru' : 'en'] ?? '' })}
          </Button>
        </Group>
        <TextInput
          label={t('forms.editor.titleLabel')}
          placeholder={t('forms.editor.titlePlaceholder')}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          data-testid="form-title"
        />
        <Group grow align="flex-start">
          <Checkbox.Group label={t('forms.editor.channels')} value={channels} onChange={(v) => setChannels(v as Channel[])}>
            <Group mt={6}>
              {Channels.map((c) => (
                <Checkbox key={c} value={c} label={t(`forms.channel.${c}`)} data-testid={`form-channel-${c}`} />
              ))}
            </Group>
          </Checkbox.Group>
          <Checkbox.Group label={t('forms.editor.purposes')} value={purposes} onChange={(v) => setPurposes(v as Purpose[])}>
            <Group mt={6}>
              {purposesForPack(settings?.effectivePolicy, base?.purposes).map((p) => (
                <Checkbox key={p} value={p} label={t(`forms.purpose.${p}`)} data-testid={`form-purpose-${p}`} />
              ))}
            </Group>
          </Checkbox.Group>
        </Group>
        <Textarea
          label={t('forms.editor.wording')}
          description={t('forms.editor.wordingHint')}
          autosize
          minRows={10}
          maxRows={22}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          data-testid="form-body-input"
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('forms.editor.checks')}
          </Text>
          <List spacing={2} size="sm" data-testid="wording-checks">
            {checks.map((c) => (
              <List.Item
                key={c.id}
                data-ok={c.ok}
                icon={
                  <ThemeIcon size={18} radius="xl" color={c.ok ? 'teal' : 'yellow'} variant="light">
                    {c.ok ? '✓' : '!'}
                  </ThemeIcon>
                }
              >
                {t(`forms.check.${c.id}`)}
              </List.Item>
            ))}
          </List>
        </div>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('forms.cancel')}
          </Button>
          <Button onClick={() => void submit()} loading={busy} data-testid="save-form">
            {base ? t('forms.editor.saveVersion') : t('forms.editor.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
