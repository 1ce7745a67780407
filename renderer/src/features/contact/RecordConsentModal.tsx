import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ConsentMethods, type Channel, type ConsentMethod, type Purpose } from '../../../../shared/domain/consent/types';
import type { Output } from '../../../../shared/contract/api';
import { useContactStore } from '../../stores/contact.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useFormsStore } from '../../stores/forms.store';
import { useContactsStore } from '../../stores/contacts.store';
import { DateTimeField } from '../../components/DateField';
import { isLocalDateTime } from '../../components/dates';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { localInputToIso, nowLocalInput } from '../../components/format';
import { staffOptions } from '../../components/staff';
import { purposesForPack } from '../../components/purposes';

type Action = 'grant' | 'request' | 'confirm' | 'claim' | 'revoke';

/** Record a consent or an opt-out against a contact, with method, wording, staff, time and evidence. */
export function RecordConsentModal({ contactId, mode, onClose }: { contactId: number; mode: 'consent' | 'optout'; onClose: () => void }) {
  const { t } = useTranslation();
  const record = useContactStore((s) => s.record);
  const reloadList = useContactsStore((s) => s.reload);
  const settings = useSettingsStore((s) => s.settings);
  const staff = useSettingsStore((s) => s.staff);
  const forms = useFormsStore((s) => s.forms);
  const formsLoaded = useFormsStore((s) => s.loaded);
  const loadForms = useFormsStore((s) => s.load);
  useEffect(() => {
    if (!formsLoaded) void loadForms();
  }, [formsLoaded, loadForms]);
  const timeZone = settings?.timezone ?? 'UTC';
  const [channel, setChannel] = useState<Channel>('sms');
  const [purpose, setPurpose] = useState<Purpose>('marketing');
  const [action, setAction] = useState<Action>(mode === 'optout' ? 'revoke' : 'grant');
  // An opt-out is valid however it arrived, so its method may stay blank.
  const [method, setMethod] = useState<ConsentMethod | null>(mode === 'optout' ? null : 'paper_form');
  const [formId, setFormId] = useState<string | null>(null);
  const [staffName, setStaffName] = useState<string | null>(null);
  // Left as proposed, the moment is the recording itself, to the second: a minute-rounded "now" would date an opt-out
  // before a consent recorded earlier in the same minute, and the consent would win.
  const [proposed] = useState(() => nowLocalInput(timeZone));
  const [occurred, setOccurred] = useState(proposed);
  const [sheetRef, setSheetRef] = useState('');
  const [messageId, setMessageId] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Output<'consent.record'> | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  // What the shop's pack needs to accept a grant by this method, so a downgrade is no surprise.
  const policy = settings?.effectivePolicy;
  const needs = policy && method ? policy.grantEvidence[method] : undefined;
  const packLabel = (policy?.id ?? '').toUpperCase();
  const fitting = forms.filter((f) => f.channels.includes(channel) && f.purposes.includes(purpose));
  const activeStaff = staff.filter((s) => s.active);
  // A wording chosen for another channel or purpose no longer applies.
  const chosenForm = formId && fitting.some((f) => String(f.id) === formId) ? formId : null;
  // What the pack needs that is not filled in yet: saved like this, a grant is recorded as an unproven claim.
  const given: Record<string, boolean> = {
    formVersion: chosenForm !== null,
    sheetRef: sheetRef.trim() !== '',
    inboundMessageId: messageId.trim() !== '',
    note: note.trim() !== '',
  };
  const missingNow = mode === 'consent' && (action === 'grant' || action === 'confirm') && needs ? needs.filter((k) => !given[k]) : [];

  const submit = async () => {
    // What was typed is not a date and time yet: the field says how to write it; nothing is recorded.
    if (occurred && !isLocalDateTime(occurred)) return;
    setBusy(true);
    setError(null);
    try {
      const evidence = {
        ...(chosenForm ? { formVersionId: Number(chosenForm) } : {}),
        ...(sheetRef.trim() ? { sheetRef: sheetRef.trim() } : {}),
        ...(messageId.trim() ? { inboundMessageId: messageId.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      const r = await record({
        contactId,
        channel,
        purpose,
        action,
        method: method ?? undefined,
        occurredAt: occurred && occurred !== proposed ? localInputToIso(occurred, timeZone) : undefined,
        staff: staffName ?? undefined,
        evidence: Object.keys(evidence).length ? evidence : undefined,
      });
      reloadList();
      if (r.downgraded || r.events.length > 1) setResult(r);
      else onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Said from the register's structured answer in the person's language (its English `reason` names internal fields).
  const downgradeReason = (d: NonNullable<Output<'consent.record'>['downgraded']>) => {
    const pack = (settings?.policyPack ?? '').toUpperCase();
    if (d.to === 'request') return t('record.reasonDoubleOptIn', { pack });
    if (d.missing.length === 0) return t('record.reasonMethod', { pack, method: t(`method.${method ?? 'paper_form'}`) });
    return t('record.reasonMissing', { pack, missing: d.missing.map((k) => t(`evidenceKind.${k}`)).join(', ') });
  };

  const options = <T extends string>(values: readonly T[], prefix: string) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));

  return (
    <Modal opened onClose={onClose} title={mode === 'optout' ? t('record.titleOptOut') : t('record.titleConsent')} size="lg">
      {result ? (
        <Stack>
          {result.downgraded && (
            <Alert
              color="orange"
              variant="light"
              data-testid="downgraded"
              title={t(result.downgraded.to === 'claim' ? 'record.downgradedClaim' : 'record.downgradedRequest')}
            >
              {downgradeReason(result.downgraded)}
            </Alert>
          )}
          {result.events.length > 1 && (
            <Alert color="blue" variant="light" data-testid="revoked-all" title={t('record.revokedAllTitle')}>
              {t('record.revokedAll', { cells: result.events.map((e) => `${t(`channel.${e.channel}`)} · ${t(`purpose.${e.purpose}`)}`).join(', ') })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="rec-done">
              {t('record.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack>
            {mode === 'optout' && (
              <Alert color="blue" variant="light">
                {t('record.optOutNote')}
              </Alert>
            )}
            <Group grow>
              <Select
                label={t('record.channel')}
                data={options(['sms', 'whatsapp'] as const, 'channel')}
                value={channel}
                onChange={(v) => v && setChannel(v as Channel)}
                allowDeselect={false}
                data-testid="rec-channel"
              />
              <Select
                label={t('record.purpose')}
                data={options(purposesForPack(settings?.effectivePolicy), 'purpose')}
                value={purpose}
                onChange={(v) => v && setPurpose(v as Purpose)}
                allowDeselect={false}
                data-testid="rec-purpose"
              />
            </Group>
            <Group grow>
              {mode === 'consent' && (
                <Select
                  label={t('record.action')}
                  data={options(['grant', 'request', 'confirm', 'claim'] as const, 'action')}
                  value={action}
                  onChange={(v) => v && setAction(v as Action)}
                  allowDeselect={false}
                  data-testid="rec-action"
                />
              )}
              <Select
                label={t('record.method')}
                data={options(mode === 'optout' ? ConsentMethods : ConsentMethods.filter((m) => m !== 'provider_feedback'), 'method')}
                value={method}
                onChange={(v) => setMethod(v as ConsentMethod | null)}
                allowDeselect={mode === 'optout'}
                clearable={mode === 'optout'}
                placeholder={t('record.methodUnknown')}
                error={fieldError('method')}
                data-testid="rec-method"
              />
            </Group>
            {mode === 'consent' && action !== 'claim' && method && (
              <Text size="xs" c="dimmed" data-testid="evidence-needed">
                {needs === undefined
                  ? t('record.needsNothingAccepted', { pack: packLabel, method: t(`method.${method}`) })
                  : needs.length === 0
                    ? t('record.needsNothing', { pack: packLabel, method: t(`method.${method}`) })
                    : t('record.needs', {
                        pack: packLabel,
                        method: t(`method.${method}`),
                        evidence: needs.map((k) => t(`evidenceKind.${k}`)).join(', '),
                      })}
              </Text>
            )}
            {mode === 'consent' && (
              <Select
                label={t('record.form')}
                placeholder={t('record.formNone')}
                data={fitting.map((f) => ({ value: String(f.id), label: `${f.code} — ${f.title} (${f.language.toUpperCase()})` }))}
                value={chosenForm}
                onChange={setFormId}
                clearable
                error={fieldError('evidence.formVersionId')}
                data-testid="rec-form"
              />
            )}
            <Group grow>
              <Select
                label={t('record.staff')}
                data={staffOptions(activeStaff, t)}
                value={staffName ?? activeStaff.find((s) => s.role === 'owner')?.name ?? null}
                onChange={setStaffName}
                allowDeselect={false}
              />
              <DateTimeField
                label={t('record.occurredAt')}
                value={occurred}
                onChange={setOccurred}
                description={t('record.inZone', { zone: timeZone })}
                error={fieldError('occurredAt')}
                data-testid="rec-when"
              />
            </Group>
            <Group grow>
              <TextInput label={t('record.sheetRef')} value={sheetRef} onChange={(e) => setSheetRef(e.currentTarget.value)} data-testid="rec-sheet" />
              <TextInput label={t('record.inboundMessageId')} value={messageId} onChange={(e) => setMessageId(e.currentTarget.value)} />
            </Group>
            <TextInput label={t('record.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="rec-note" />
            {missingNow.length > 0 && (
              <Alert color="orange" variant="light" data-testid="evidence-missing">
                {t('record.willBeClaim', { missing: missingNow.map((k) => t(`evidenceKind.${k}`)).join(', ') })}
              </Alert>
            )}
            <ErrorAlert error={error} onRetry={() => void submit()} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('record.cancel')}
              </Button>
              <Button type="submit" color={mode === 'optout' ? 'red' : undefined} loading={busy} data-testid="rec-save">
                {t('record.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
