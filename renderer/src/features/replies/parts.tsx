import { useEffect, useState } from 'react';
import { Anchor, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { normalizePhone } from '../../../../shared/domain/phone/normalize';
import { call } from '../../api/client';
import { useAppStore } from '../../stores/app.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useRepliesStore } from '../../stores/replies.store';
import { formatPhone } from '../../components/format';
import { staffOptions } from '../../components/staff';

/** A customer as a link to their page: the name, with the number under it. */
export function CustomerLink({ contactId, name, phone }: { contactId: number; name: string; phone: string }) {
  const { t } = useTranslation();
  const go = useAppStore((s) => s.go);
  return (
    <div>
      <Anchor component="button" type="button" size="sm" fw={500} onClick={() => go({ screen: 'contact', contactId })} data-testid="customer-link">
        {name || t('replies.noName')}
      </Anchor>
      <Text size="xs" c="dimmed" className="mono">
        {formatPhone(phone)}
      </Text>
    </div>
  );
}

/** Under a phone field: the number as it will be stored, or why it is not a number; with `lookup`, whose number it is. */
export function PhoneHint({ phone, lookup = false }: { phone: string; lookup?: boolean }) {
  const { t } = useTranslation();
  const country = useSettingsStore((s) => s.settings?.defaultCountry ?? 'RU');
  const p = phone.trim() ? normalizePhone(phone, country) : null;
  const e164 = p?.ok ? p.value.e164 : null;
  const [found, setFound] = useState<{ e164: string; name: string | null; known: boolean } | null>(null);
  useEffect(() => {
    if (!lookup || !e164) return;
    let stale = false;
    // Asked once typing pauses; an answer for a number no longer typed is dropped.
    const h = setTimeout(() => {
      call('sheets.checkPhone', { phone: e164 })
        .then((r) => !stale && setFound({ e164, name: r.contact?.name ?? null, known: r.contact !== null }))
        .catch(() => undefined);
    }, 150);
    return () => {
      stale = true;
      clearTimeout(h);
    };
  }, [lookup, e164]);
  if (!p) return null;
  if (!p.ok)
    return (
      <Text size="xs" c="red.7">
        {t(`phone.${p.reason}`)}
      </Text>
    );
  const who = found && found.e164 === p.value.e164 ? found : null;
  return (
    <>
      <Text size="xs" c="dimmed" data-testid="phone-normalized">
        {t('replies.willSave')}{' '}
        <Text span size="xs" className="mono" c="dark" fw={600}>
          {formatPhone(p.value.e164)}
        </Text>
      </Text>
      {who && (
        <Text size="xs" c={who.known ? 'dimmed' : 'orange.8'} data-testid="phone-owner">
          {who.known ? t('replies.customerIs', { name: who.name || t('replies.noName') }) : t('replies.notInRegister')}
        </Text>
      )}
    </>
  );
}

/** Who is recording: the active staff, the owner first chosen. */
export function StaffSelect() {
  const { t } = useTranslation();
  const staff = useSettingsStore((s) => s.staff);
  const chosen = useRepliesStore((s) => s.staff);
  const setStaff = useRepliesStore((s) => s.setStaff);
  const active = staff.filter((s) => s.active);
  return (
    <Select
      label={t('replies.recordedBy')}
      data={staffOptions(active, t)}
      value={chosen ?? active.find((s) => s.role === 'owner')?.name ?? null}
      onChange={setStaff}
      allowDeselect={false}
    />
  );
}
