import { useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { normalizePhone } from '../../../../shared/domain/phone/normalize';
import { ApiCallError } from '../../api/client';
import { useContactsStore } from '../../stores/contacts.store';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';

/** Add a contact: the number is normalised live with the shop's default country. */
export function AddContactModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const country = useSettingsStore((s) => s.settings?.defaultCountry ?? 'RU');
  const add = useContactsStore((s) => s.add);
  const go = useAppStore((s) => s.go);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const fieldError = useFieldError(error);
  const parsed = phone.trim() ? normalizePhone(phone, country) : null;
  const conflictId = error instanceof ApiCallError && error.code === 'CONFLICT' ? (error.details?.contactId as number | undefined) : undefined;

  const close = () => {
    setPhone('');
    setName('');
    setEmail('');
    setTags('');
    setError(null);
    onClose();
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const c = await add({
        phone,
        name: name || undefined,
        email: email || undefined,
        tags: tags
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      });
      close();
      go({ screen: 'contact', contactId: c.id });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={t('addContact.title')} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput
            label={t('addContact.phone')}
            description={t('addContact.phoneHint', { country })}
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            data-testid="new-phone"
            data-autofocus
            required
            error={fieldError('phone') ?? (parsed && !parsed.ok ? t(`phone.${parsed.reason}`) : undefined)}
          />
          {parsed?.ok && (
            <Alert color={parsed.value.messageable ? 'green' : 'yellow'} variant="light" data-testid="phone-preview" p="xs">
              {t('addContact.normalized', { e164: parsed.value.e164 })}
              {!parsed.value.messageable && <div>{t('addContact.notMessageable', { reach: t(`reach.${parsed.value.reach}`) })}</div>}
            </Alert>
          )}
          <TextInput label={t('addContact.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="new-name" />
          <TextInput
            label={t('addContact.email')}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError('email')}
            data-testid="new-email"
          />
          <TextInput
            label={t('addContact.tags')}
            description={t('addContact.tagsHint')}
            value={tags}
            onChange={(e) => setTags(e.currentTarget.value)}
            error={fieldError('tags')}
            data-testid="new-tags"
          />
          {conflictId !== undefined ? (
            <Alert color="orange" variant="light" data-testid="conflict">
              {t('addContact.exists')}{' '}
              <Anchor
                component="button"
                type="button"
                onClick={() => {
                  close();
                  go({ screen: 'contact', contactId: conflictId });
                }}
              >
                {t('addContact.openExisting')}
              </Anchor>
            </Alert>
          ) : (
            <ErrorAlert error={error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('addContact.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="save-contact">
              {t('addContact.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
