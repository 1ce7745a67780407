import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Card, Group, List, Modal, Radio, Select, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Contact, Output } from '../../../../shared/contract/api';
import { localTime, zonedTimeToUtc } from '../../../../shared/domain/time/zones';
import { normalizePhone } from '../../../../shared/domain/phone/normalize';
import { ApiCallError, call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatDateTime, formatPhone } from '../../components/format';
import { StatusBadge } from '../../components/StatusBadge';
import { useAppStore } from '../../stores/app.store';
import { useContactsStore } from '../../stores/contacts.store';
import { useSettingsStore } from '../../stores/settings.store';

type Person = Output<'contacts.person'>;
type Dialog = 'edit' | 'merge' | 'delete' | 'erase' | null;

/**
 * Managing a person on their contact page (issue #17 item 11): who they are as a person (the primary this number was
 * merged into — campaigns go to that number, and this one's cells say so —, or their other numbers), whether they were erased on request, and the
 * actions — edit, merge, delete (a contact never asked) or carry out a deletion request (one with consent events).
 */
export function PersonPanel({ contact, eventCount, onChanged }: { contact: Contact; eventCount: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone);
  const go = useAppStore((s) => s.go);
  const [person, setPerson] = useState<Person | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const when = (iso: string | null | undefined) => formatDateTime(iso ?? null, timeZone, i18n.language);
  // The day a request was made (it is entered as a day, not a time), in the shop's zone.
  const day = (iso: string | null | undefined) =>
    iso ? new Intl.DateTimeFormat(i18n.language === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeZone }).format(new Date(iso)) : '';

  useEffect(() => {
    let live = true;
    call('contacts.person', { contactId: contact.id }).then(
      (p) => live && setPerson(p),
      () => live && setPerson(null),
    );
    return () => {
      live = false;
    };
  }, [contact.id, contact.updatedAt]);

  const others = person?.others ?? [];
  const erased = Boolean(contact.erasedAt);
  const deletable = eventCount === 0 && others.length === 0;
  const reloadList = useContactsStore((s) => s.reload);
  // The contacts list shows names, numbers and statuses this changed: it loads again too.
  const done = () => {
    setDialog(null);
    onChanged();
    reloadList();
  };

  return (
    <Stack gap="sm" data-testid="person-panel">
      {erased && (
        <Alert color="gray" variant="light" title={t('people.erasedTitle')} data-testid="erased-banner">
          {t('people.erasedText', { requested: day(contact.erasureRequestedAt), done: when(contact.erasedAt) })}
        </Alert>
      )}
      {person?.primary && (
        <Alert color="blue" variant="light" data-testid="merged-banner">
          {t('people.mergedInto')}{' '}
          <Anchor
            component="button"
            type="button"
            onClick={() => go({ screen: 'contact', contactId: person.primary!.contactId })}
            data-testid="primary-link"
          >
            {person.primary.name || formatPhone(person.primary.phone)} ({formatPhone(person.primary.phone)})
          </Anchor>
          : {t('people.campaignsGoThere')}
        </Alert>
      )}
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={() => setDialog('edit')} data-testid="edit-contact">
          {t('people.edit')}
        </Button>
        {!erased && (
          <Button variant="default" size="xs" onClick={() => setDialog('merge')} data-testid="merge-contact">
            {t('people.merge')}
          </Button>
        )}
        {deletable ? (
          <Button variant="subtle" color="red" size="xs" onClick={() => setDialog('delete')} data-testid="delete-contact">
            {t('people.delete')}
          </Button>
        ) : (
          !erased && (
            <Button variant="subtle" color="red" size="xs" onClick={() => setDialog('erase')} data-testid="erase-contact">
              {t('people.erase')}
            </Button>
          )
        )}
      </Group>

      {(others.length > 0 || contact.otherPhones.length > 0) && (
        <Card withBorder padding="sm" data-testid="other-numbers">
          <Title order={5} mb={4}>
            {t('people.otherNumbers')}
          </Title>
          {others.length > 0 && (
            <>
              <Text size="xs" c="dimmed" mb={6}>
                {t('people.otherNumbersHint')}
              </Text>
              <Table withRowBorders={false} verticalSpacing={4}>
                <Table.Tbody>
                  {others.map((o) => (
                    <Table.Tr key={o.contactId} data-testid="other-number">
                      <Table.Td>
                        <Anchor component="button" type="button" className="mono" onClick={() => go({ screen: 'contact', contactId: o.contactId })}>
                          {formatPhone(o.phone)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{o.name}</Table.Td>
                      {(['sms', 'whatsapp'] as const).map((ch) => (
                        <Table.Td key={ch}>
                          <Group gap={4} wrap="nowrap">
                            <Text size="xs">{t(`channel.${ch}`)}</Text>
                            {/* As the contacts list: a granted consent of a merged-away number says `merged`, not green. */}
                            <StatusBadge status={o.marketing[ch]} blockedBy={o.marketingBlockedBy[ch]} />
                            <Text size="xs" c={o.marketingBlockedBy[ch] === null ? 'green.8' : 'dimmed'}>
                              {o.marketingBlockedBy[ch] === null ? `✓ ${t('contact.sendable')}` : '✕'}
                            </Text>
                          </Group>
                        </Table.Td>
                      ))}
                      <Table.Td>
                        <Text size="xs" c="dimmed">
                          {t('people.linkedAt', { date: when(o.linkedAt) })}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
          {contact.otherPhones.length > 0 && (
            <Text size="xs" c="dimmed" mt={4} data-testid="noted-numbers">
              {t('people.notedNumbers', { numbers: contact.otherPhones.map(formatPhone).join(', ') })}
            </Text>
          )}
        </Card>
      )}

      {dialog === 'edit' && (
        <EditContactModal contact={contact} onClose={() => setDialog(null)} onDone={done} onWrongNumber={() => setDialog('merge')} />
      )}
      {dialog === 'merge' && <MergeModal contact={contact} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'erase' && <EraseModal contact={contact} others={others.length} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'delete' && (
        <DeleteModal
          contact={contact}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            reloadList();
            go({ screen: 'contacts' });
          }}
        />
      )}
    </Stack>
  );
}

/** Edit the fields of a contact; the number is shown, never changed, with what to do when it is wrong. */
function EditContactModal({
  contact,
  onClose,
  onDone,
  onWrongNumber,
}: {
  contact: Contact;
  onClose: () => void;
  onDone: () => void;
  onWrongNumber: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email ?? '');
  const [locale, setLocale] = useState<string | null>(contact.locale);
  const [externalId, setExternalId] = useState(contact.externalId ?? '');
  const [tags, setTags] = useState<string[]>(contact.tags);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('contacts.update', {
        id: contact.id,
        name: name.trim(),
        email: email.trim() || null,
        locale: locale === 'en' || locale === 'ru' ? locale : null,
        externalId: externalId.trim() || null,
        tags,
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('people.editTitle')} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          <TextInput label={t('people.number')} value={formatPhone(contact.phone)} readOnly disabled data-testid="edit-phone" />
          <Alert color="blue" variant="light" p="xs" data-testid="number-fixed">
            <Text size="sm">{t('people.numberFixed')}</Text>
            <Anchor component="button" type="button" size="sm" onClick={onWrongNumber} data-testid="wrong-number">
              {t('people.wrongNumber')}
            </Anchor>
          </Alert>
          <TextInput
            label={t('addContact.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
            data-testid="edit-name"
            data-autofocus
          />
          <TextInput
            label={t('addContact.email')}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError('email')}
            data-testid="edit-email"
          />
          <Select
            label={t('people.language')}
            data={[
              { value: 'en', label: 'English' },
              { value: 'ru', label: 'Русский' },
            ]}
            value={locale}
            onChange={setLocale}
            clearable
            data-testid="edit-locale"
          />
          <TextInput
            label={t('people.externalId')}
            value={externalId}
            onChange={(e) => setExternalId(e.currentTarget.value)}
            error={fieldError('externalId')}
            data-testid="edit-external-id"
          />
          <TagsInput label={t('addContact.tags')} value={tags} onChange={setTags} error={fieldError('tags')} data-testid="edit-tags" />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('addContact.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="edit-save">
              {t('people.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Merge this contact with another number of the same person; the person chooses which number stays primary. */
function MergeModal({ contact, onClose, onDone }: { contact: Contact; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const country = useSettingsStore((s) => s.settings?.defaultCountry ?? 'RU');
  const [other, setOther] = useState('');
  const [primary, setPrimary] = useState<'this' | 'other'>('other');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);
  const parsed = other.trim() ? normalizePhone(other, country) : null;

  // The other number is not in the register yet (the usual case for a wrong number): offer to add it, then merge.
  const missing =
    error instanceof ApiCallError &&
    error.code === 'NOT_FOUND' &&
    (error.key === 'people.intoNotInRegister' || error.key === 'contacts.phoneNotInRegister');

  const merge = async (addFirst = false) => {
    setBusy(true);
    setError(null);
    try {
      if (addFirst) await call('contacts.add', { phone: other });
      await call('contacts.merge', primary === 'other' ? { contactId: contact.id, intoPhone: other } : { phone: other, intoContactId: contact.id });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('people.mergeTitle')} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void merge(false);
        }}
      >
        <Stack>
          <Text size="sm">{t('people.mergeIntro', { phone: formatPhone(contact.phone) })}</Text>
          <TextInput
            label={t('people.otherNumber')}
            description={t('addContact.phoneHint', { country })}
            value={other}
            onChange={(e) => {
              setOther(e.currentTarget.value);
              setError(null);
            }}
            error={
              missing
                ? undefined
                : (fieldError('intoPhone') ?? fieldError('phone') ?? (parsed && !parsed.ok ? t(`phone.${parsed.reason}`) : undefined))
            }
            required
            data-autofocus
            data-testid="merge-other"
          />
          <Radio.Group label={t('people.primaryQuestion')} value={primary} onChange={(v) => setPrimary(v === 'this' ? 'this' : 'other')}>
            <Stack gap={6} mt={6}>
              <Radio value="other" label={t('people.primaryOther')} data-testid="primary-other" />
              <Radio value="this" label={t('people.primaryThis', { phone: formatPhone(contact.phone) })} data-testid="primary-this" />
            </Stack>
          </Radio.Group>
          <Alert color="gray" variant="light" p="xs">
            <List size="sm" spacing={2}>
              <List.Item>{t('people.mergeRule1')}</List.Item>
              <List.Item>{t('people.mergeRule2')}</List.Item>
              <List.Item>{t('people.mergeRule3')}</List.Item>
            </List>
          </Alert>
          {missing && parsed?.ok ? (
            <Alert color="orange" variant="light" data-testid="merge-missing">
              <Text size="sm">{t('people.notInRegister', { phone: formatPhone(parsed.value.e164) })}</Text>
              <Button mt="xs" size="xs" loading={busy} onClick={() => void merge(true)} data-testid="merge-add">
                {t('people.addAndMerge')}
              </Button>
            </Alert>
          ) : (
            <ErrorAlert error={error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('addContact.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={!parsed?.ok} data-testid="merge-confirm">
              {t('people.mergeConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Delete a contact that was never asked (no consent events). */
function DeleteModal({ contact, onClose, onDone }: { contact: Contact; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('contacts.delete', { contactId: contact.id });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('people.deleteTitle')} size="md">
      <Stack>
        <Text size="sm">{t('people.deleteText', { who: contact.name || formatPhone(contact.phone) })}</Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('addContact.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={() => void remove()} data-testid="delete-confirm">
            {t('people.deleteConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Carry out a deletion request: when it was made, how, and what will (and will not) be erased. */
function EraseModal({ contact, others, onClose, onDone }: { contact: Contact; others: number; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const timeZone = useSettingsStore((s) => s.settings?.timezone) ?? 'UTC';
  // Today in the shop's zone, worked out once when the dialog opens.
  const [today] = useState(() => localTime(Date.now(), timeZone).date);
  const [day, setDay] = useState(today);
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  // The start of the day the person asked, in the shop's zone (a request made today is never "in the future").
  const requestedAt = m ? new Date(zonedTimeToUtc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, timeZone)).toISOString() : null;

  const erase = async () => {
    if (!requestedAt) return;
    setBusy(true);
    setError(null);
    try {
      await call('contacts.erase', { contactId: contact.id, requestedAt, ...(reference.trim() ? { reference: reference.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('people.eraseTitle')} size="lg">
      <Stack>
        <Text size="sm">{t('people.eraseIntro')}</Text>
        <DateField
          label={t('people.requestDate')}
          value={day}
          max={today}
          clearable={false}
          onChange={setDay}
          error={fieldError('requestedAt') ?? (m ? undefined : t('people.notADay'))}
          data-testid="erase-date"
        />
        <TextInput
          label={t('people.reference')}
          description={t('people.referenceHint')}
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
          error={fieldError('reference')}
          data-testid="erase-reference"
        />
        <Alert color="gray" variant="light" p="xs">
          <List size="sm" spacing={2}>
            <List.Item>{t('people.eraseWhat1')}</List.Item>
            <List.Item>{t('people.eraseWhat2')}</List.Item>
            <List.Item>{t('people.eraseWhat3')}</List.Item>
            {others > 0 && <List.Item>{t('people.eraseOthers', { count: others })}</List.Item>}
          </List>
        </Alert>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('addContact.cancel')}
          </Button>
          <Button color="red" loading={busy} disabled={!requestedAt} onClick={() => void erase()} data-testid="erase-confirm">
            {t('people.eraseConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
