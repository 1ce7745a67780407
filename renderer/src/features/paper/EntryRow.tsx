import { useEffect, useImperativeHandle, useRef, useState, type CSSProperties, type KeyboardEvent, type Ref } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Kbd, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Channel, Purpose } from '../../../../shared/domain/consent/types';
import { normalizePhone } from '../../../../shared/domain/phone/normalize';
import { isSheetQrText } from '../../../../shared/domain/forms/links';
import { ApiCallError, call } from '../../api/client';
import type { Output } from '../../../../shared/contract/api';
import { usePaperStore, type OpenSheet } from '../../stores/paper.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useAppStore } from '../../stores/app.store';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatPhone } from '../../components/format';
import { addDays, describeDate, formatSheetDate, parseSheetDate, todayIn } from './dates';

const GRID: CSSProperties = { display: 'grid', columnGap: 10 };
const HEAD: CSSProperties = { fontSize: 12, fontWeight: 600, color: 'var(--mantine-color-gray-7)', alignSelf: 'end', whiteSpace: 'nowrap' };

type Box = { kind: 'channel'; value: Channel } | { kind: 'purpose'; value: Purpose };
type Field = 'row' | 'name' | 'phone' | 'box' | 'date';

/** Lets the screen put the cursor in the name field when a sheet opens. */
export interface EntryRowHandle {
  focusName: () => void;
}

/** The live check of a typed number: the register's answer for one E.164 number. */
interface PhoneCheck {
  e164: string;
  result: Output<'sheets.checkPhone'>;
}

/**
 * One line of the sheet as it is on paper: row, name, phone, one box per channel (and per consent when the form
 * asks for several), the date. Enter anywhere records it; the cursor then goes back to the name with the date kept.
 */
export function EntryRow({ sheet, ref }: { sheet: OpenSheet; ref?: Ref<EntryRowHandle> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const draft = usePaperStore((s) => s.draft);
  const setDraft = usePaperStore((s) => s.setDraft);
  const enterRow = usePaperStore((s) => s.enterRow);
  const openSheet = usePaperStore((s) => s.openSheet);
  const lastEntered = usePaperStore((s) => s.lastEntered);
  const settings = useSettingsStore((s) => s.settings);
  const go = useAppStore((s) => s.go);
  const country = settings?.defaultCountry ?? 'RU';
  const timeZone = settings?.timezone ?? 'UTC';
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<{ field: Field; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<PhoneCheck | null>(null);
  /** The register's refusal of a name that differs from the number's owner: staff choose same person or fix the number. */
  // A clash the register refused, for the number and written name it was refused for: it goes away once either changes.
  const [clashFor, setClash] = useState<{ written: string; known: string; for: string } | null>(null);

  const rowRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const boxRefs = useRef<(HTMLInputElement | null)[]>([]);

  useImperativeHandle(ref, () => ({ focusName: () => nameRef.current?.focus() }), []);
  // A sheet just opened (typed, scanned or picked from the list): ready for its first row.
  useEffect(() => nameRef.current?.focus(), []);

  const { form } = sheet;
  const boxes: Box[] = [
    ...form.channels.map((value): Box => ({ kind: 'channel', value })),
    // One purpose is covered by the signature alone; several are ticked one by one, as on the paper.
    ...(form.purposes.length > 1 ? form.purposes.map((value): Box => ({ kind: 'purpose', value })) : []),
  ];
  const ticked = (b: Box, d = draft) => (b.kind === 'channel' ? d.channels.includes(b.value) : d.purposes.includes(b.value));
  // Shortcuts can come faster than renders: always start from the store's current row.
  const toggle = (b: Box) => {
    const d = usePaperStore.getState().draft;
    if (b.kind === 'channel')
      setDraft({
        channels: ticked(b, d) ? d.channels.filter((c) => c !== b.value) : form.channels.filter((c) => c === b.value || d.channels.includes(c)),
      });
    else
      setDraft({
        purposes: ticked(b, d) ? d.purposes.filter((p) => p !== b.value) : form.purposes.filter((p) => p === b.value || d.purposes.includes(p)),
      });
  };
  const tickAll = () => {
    const d = usePaperStore.getState().draft;
    const all = boxes.every((b) => ticked(b, d));
    setDraft({ channels: all ? [] : [...form.channels], purposes: all || form.purposes.length < 2 ? [] : [...form.purposes] });
  };

  // The date: the previous row's, else today on the shop's calendar.
  const today = todayIn(timeZone);
  const shopZone = settings ? timeZone : null;
  useEffect(() => {
    if (shopZone && !usePaperStore.getState().draft.date) setDraft({ date: formatSheetDate(todayIn(shopZone), lang) });
  }, [shopZone, lang, setDraft]);
  // A date typed in one language's style is shown in the other's when the language changes.
  useEffect(() => {
    const typed = usePaperStore.getState().draft.date;
    const iso = parseSheetDate(typed, todayIn(timeZone));
    if (iso && formatSheetDate(iso, lang) !== typed) setDraft({ date: formatSheetDate(iso, lang) });
  }, [lang, timeZone, setDraft]);
  const signedOn = parseSheetDate(draft.date, today);

  // The number normalised as it is typed; the register is asked, once typing pauses, what saving the row would meet:
  // the number on other sheets, another name for it, an opt-out, a missing personal-data consent.
  const parsed = draft.phone.trim() ? normalizePhone(draft.phone, country) : null;
  const e164 = parsed?.ok ? parsed.value.e164 : null;
  const writtenName = draft.name.trim();
  const rowPurposes = form.purposes.length > 1 ? draft.purposes.join(',') : '';
  const rowChannels = draft.channels.join(',');
  const serial = sheet.sheet.serial;
  useEffect(() => {
    if (!e164) return;
    let stale = false;
    const h = setTimeout(() => {
      call('sheets.checkPhone', {
        phone: e164,
        serial,
        ...(writtenName && writtenName.length <= 200 ? { name: writtenName } : {}),
        ...(signedOn ? { signedOn } : {}),
        ...(rowChannels ? { channels: rowChannels.split(',') as Channel[] } : {}),
        ...(rowPurposes ? { purposes: rowPurposes.split(',') as Purpose[] } : {}),
      })
        .then((result) => !stale && setCheck({ e164, result }))
        .catch(() => undefined);
    }, 150);
    return () => {
      stale = true;
      clearTimeout(h);
    };
  }, [e164, serial, writtenName, signedOn, rowChannels, rowPurposes, sheet.rows.length]);
  const dup = check && check.e164 === e164 ? check.result : null;
  const clash = clashFor && clashFor.for === `${e164}|${writtenName}` ? clashFor : null;

  const focusField = (field: string) => {
    if (field === 'row') rowRef.current?.focus();
    else if (field === 'phone') phoneRef.current?.focus();
    else if (field === 'signedOn' || field === 'date') dateRef.current?.focus();
    else if (field === 'purposes' && boxRefs.current[form.channels.length]) boxRefs.current[form.channels.length]?.focus();
    else if (field === 'channels' || field === 'purposes' || field === 'box') boxRefs.current[0]?.focus();
    else nameRef.current?.focus();
  };

  const refuseLocally = (field: Field, message: string, focus: string = field) => {
    setError(null);
    setLocal({ field, message });
    focusField(focus);
  };

  const submit = async (samePerson = false) => {
    if (busy) return;
    // A scanner fired at a sheet's QR while the cursor was in the name: open that sheet instead.
    if (isSheetQrText(draft.name) && !draft.phone.trim()) {
      const serial = draft.name.trim();
      setDraft({ name: '' });
      if (await openSheet(serial)) nameRef.current?.focus();
      return;
    }
    const row = /^\d{1,4}$/.test(draft.row.trim()) ? Number(draft.row.trim()) : NaN;
    if (!(row >= 1)) return refuseLocally('row', t('paper.entry.problem.row'));
    if (!parsed) return refuseLocally('phone', t('phone.empty'));
    if (!parsed.ok) return refuseLocally('phone', t(`phone.${parsed.reason}`));
    if (draft.channels.length === 0) return refuseLocally('box', t('paper.entry.problem.channel'));
    if (form.purposes.length > 1 && draft.purposes.length === 0) return refuseLocally('box', t('paper.entry.problem.purpose'), 'purposes');
    if (!signedOn) return refuseLocally('date', t('paper.entry.problem.date', { example: formatSheetDate(today, lang) }));
    setBusy(true);
    setError(null);
    setLocal(null);
    try {
      await enterRow({
        row,
        name: draft.name,
        phone: draft.phone,
        channels: draft.channels,
        ...(form.purposes.length > 1 ? { purposes: draft.purposes } : {}),
        signedOn,
        samePerson,
      });
      setClash(null);
      nameRef.current?.focus();
    } catch (err) {
      const known = err instanceof ApiCallError && err.code === 'CONFLICT' ? err.details?.contactName : undefined;
      if (typeof known === 'string') {
        setClash({
          written: String(err instanceof ApiCallError ? (err.details?.writtenName ?? draft.name) : draft.name),
          known,
          for: `${e164}|${writtenName}`,
        });
        return;
      }
      setError(err);
      const field = err instanceof ApiCallError ? err.fields[0]?.path : undefined;
      if (field) focusField(field);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      // Buttons and links keep their own Enter.
      if (target.tagName === 'BUTTON' || target.tagName === 'A') return;
      e.preventDefault();
      void submit();
      return;
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const digit = /^Digit([1-9])$/.exec(e.code);
      if (digit) {
        const box = boxes[Number(digit[1]) - 1];
        if (box) {
          e.preventDefault();
          toggle(box);
        }
        return;
      }
      if (e.code === 'KeyA') {
        e.preventDefault();
        tickAll();
      }
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDraft({ name: '', phone: '', channels: [], purposes: [] });
      setError(null);
      setLocal(null);
      setClash(null);
      nameRef.current?.focus();
    }
  };

  const onDateKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    setDraft({ date: formatSheetDate(addDays(signedOn ?? today, e.key === 'ArrowUp' ? 1 : -1), lang) });
  };

  const localFor = (field: Field) => (local?.field === field ? local.message : undefined);
  // The field a refusal names is marked too, so the eye finds it beside the alert.
  const refused = (...paths: string[]) => error instanceof ApiCallError && error.fields.some((f) => paths.includes(f.path));
  const marked = (field: Field, ...paths: string[]) => (localFor(field) || refused(...paths) ? true : undefined);
  const boxLabel = (b: Box) => (b.kind === 'channel' ? t(`channel.${b.value}`) : t(`paper.purposeShort.${b.value}`));
  const columns = `64px minmax(150px, 1.3fr) minmax(150px, 1fr) ${boxes.map(() => 'minmax(64px, auto)').join(' ')} 132px auto`;
  const shortcutFor = (i: number) => (i < 9 ? `Alt+${i + 1}` : '');
  const onSheets = dup?.onSheets ?? [];

  return (
    <Stack gap="xs" onKeyDown={onKeyDown} data-testid="entry">
      <div style={{ ...GRID, gridTemplateColumns: columns, alignItems: 'start', rowGap: 4 }}>
        {/* The column heads of the paper sheet, in its order; the inputs carry their own accessible names. */}
        <span style={HEAD} aria-hidden>
          {t('paper.entry.row')}
        </span>
        <span style={HEAD} aria-hidden>
          {t('paper.entry.name')}
        </span>
        <span style={HEAD} aria-hidden>
          {t('paper.entry.phone')}
        </span>
        {boxes.map((b) => (
          <span
            key={`${b.kind}-${b.value}`}
            style={{ ...HEAD, textAlign: 'center' }}
            title={b.kind === 'purpose' ? t(`purpose.${b.value}`) : undefined}
            aria-hidden
          >
            {boxLabel(b)}
          </span>
        ))}
        <span style={HEAD} aria-hidden>
          {t('paper.entry.date')}
        </span>
        <span aria-hidden />
        <TextInput
          ref={rowRef}
          value={draft.row}
          onChange={(e) => setDraft({ row: e.currentTarget.value.replace(/\D/g, '') })}
          inputMode="numeric"
          aria-label={t('paper.entry.rowLabel')}
          error={marked('row', 'row')}
          classNames={{ input: 'mono' }}
          data-testid="entry-row"
        />
        <TextInput
          ref={nameRef}
          value={draft.name}
          onChange={(e) => setDraft({ name: e.currentTarget.value })}
          aria-label={t('paper.entry.name')}
          placeholder={t('paper.entry.namePlaceholder')}
          autoComplete="off"
          error={marked('name', 'name')}
          data-testid="entry-name"
        />
        <TextInput
          ref={phoneRef}
          value={draft.phone}
          onChange={(e) => setDraft({ phone: e.currentTarget.value })}
          aria-label={t('paper.entry.phone')}
          placeholder={t('paper.entry.phonePlaceholder')}
          autoComplete="off"
          inputMode="tel"
          error={marked('phone', 'phone')}
          classNames={{ input: 'mono' }}
          data-testid="entry-phone"
        />
        {boxes.map((b, i) => (
          <Stack key={`${b.kind}-${b.value}`} gap={2} align="center" pt={8}>
            <Checkbox
              ref={(el) => {
                boxRefs.current[i] = el;
              }}
              size="md"
              checked={ticked(b)}
              onChange={() => toggle(b)}
              aria-label={b.kind === 'channel' ? t(`channel.${b.value}`) : t('paper.entry.purposeLabel', { purpose: t(`purpose.${b.value}`) })}
              error={marked('box', b.kind === 'channel' ? 'channels' : 'purposes')}
              data-testid={`entry-${b.kind}-${b.value}`}
            />
            <Text size="10px" c="dimmed" className="mono">
              {shortcutFor(i)}
            </Text>
          </Stack>
        ))}
        <Stack gap={2}>
          <TextInput
            ref={dateRef}
            value={draft.date}
            onChange={(e) => setDraft({ date: e.currentTarget.value })}
            onKeyDown={onDateKey}
            aria-label={t('paper.entry.dateLabel')}
            placeholder={lang.startsWith('ru') ? 'ДД.ММ.ГГГГ' : 'YYYY-MM-DD'}
            autoComplete="off"
            error={marked('date', 'signedOn')}
            classNames={{ input: 'mono' }}
            data-testid="entry-date"
          />
          <Text size="xs" c={signedOn ? 'dimmed' : 'red.7'} data-testid="entry-date-words" truncate>
            {signedOn
              ? signedOn === today
                ? t('paper.entry.today')
                : describeDate(signedOn, lang, signedOn.slice(0, 4) !== today.slice(0, 4))
              : ' '}
          </Text>
        </Stack>
        <Button type="button" onClick={() => void submit()} loading={busy} data-testid="entry-save">
          {t('paper.entry.save')} ↵
        </Button>
      </div>

      <Group gap="xs" mih={24} data-testid="phone-check" wrap="wrap">
        {parsed && !parsed.ok && (
          <Text size="sm" c="red.7" data-testid="phone-problem">
            {t('paper.entry.phoneProblem', { problem: t(`phone.${parsed.reason}`) })}
          </Text>
        )}
        {parsed?.ok && (
          <>
            <Text size="sm" c="dimmed">
              {t('paper.entry.willSave')}{' '}
              <Text span fw={600} c="dark" className="mono" data-testid="phone-normalized">
                {formatPhone(parsed.value.e164)}
              </Text>
            </Text>
            {!parsed.value.messageable && (
              <Text size="sm" c="orange.8">
                {t('paper.entry.notMessageable', { reach: t(`reach.${parsed.value.reach}`) })}
              </Text>
            )}
          </>
        )}
        {dup?.contact && (
          <Text size="sm" c="orange.8" data-testid="duplicate">
            ⚠ {dup.contact.name ? t('paper.entry.knownAs', { name: dup.contact.name }) : t('paper.entry.known')}{' '}
            <Anchor component="button" type="button" size="sm" onClick={() => go({ screen: 'contact', contactId: dup.contact!.id })} tabIndex={-1}>
              {t('paper.entry.openContact')}
            </Anchor>
            {onSheets.length > 0 &&
              ` · ${onSheets
                .slice(0, 3)
                .map((s) => t('paper.entry.onSheet', { serial: s.serial, row: s.row }))
                .join(', ')}${onSheets.length > 3 ? ` ${t('paper.entry.andMore', { rest: onSheets.length - 3 })}` : ''}`}
          </Text>
        )}
      </Group>

      <RowWarnings check={dup} lang={lang} timeZone={timeZone} />
      {clash && (
        <Alert color="orange" variant="light" p="xs" role="alert" data-testid="name-clash">
          <Text size="sm">
            {t('paper.entry.clash.text', { known: clash.known, written: clash.written, phone: e164 ? formatPhone(e164) : draft.phone })}
          </Text>
          <Group gap="xs" mt={6}>
            <Button size="xs" variant="light" color="orange" onClick={() => void submit(true)} loading={busy} data-testid="clash-same-person">
              {t('paper.entry.clash.samePerson', { known: clash.known })}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                setClash(null);
                phoneRef.current?.focus();
                phoneRef.current?.select();
              }}
              data-testid="clash-fix-number"
            >
              {t('paper.entry.clash.fixNumber')}
            </Button>
          </Group>
        </Alert>
      )}
      {local && (
        <Text size="sm" c="red.7" role="alert" data-testid="entry-problem">
          {local.message}
        </Text>
      )}
      <ErrorAlert error={error} />
      {lastEntered && !error && !local && <SavedLine saved={lastEntered} />}

      <Group gap="md" pt={6} style={{ borderTop: '1px dashed var(--mantine-color-gray-3)' }} data-testid="key-legend">
        <Legend keys={['Enter']} text={t('paper.keys.save')} />
        <Legend keys={['Tab']} text={t('paper.keys.next')} />
        <Legend keys={['Space']} text={t('paper.keys.tick')} />
        <Legend keys={[`Alt+1…${Math.min(boxes.length, 9)}`]} text={t('paper.keys.box')} />
        <Legend keys={['Alt+A']} text={t('paper.keys.all')} />
        <Legend keys={['↑', '↓']} text={t('paper.keys.day')} />
        <Legend keys={['Esc']} text={t('paper.keys.clear')} />
      </Group>
    </Stack>
  );
}

/**
 * What saving the row would meet, from the register's check: the number known by another name, each opt-out it
 * would touch (and whether the date on the sheet gives the consent again or the opt-out still wins), and, under a
 * pack that needs the separate personal-data consent, marketing that would still not be sent.
 */
function RowWarnings({ check, lang, timeZone }: { check: Output<'sheets.checkPhone'> | null; lang: string; timeZone: string }) {
  const { t } = useTranslation();
  if (!check?.ok) return null;
  const lines: { key: string; text: string; color: string }[] = [];
  if (check.nameDiffers && check.contact)
    lines.push({ key: 'name', text: t('paper.entry.warn.nameDiffers', { known: check.contact.name }), color: 'orange.8' });
  for (const o of check.optedOut) {
    const what = t('paper.entry.warn.what', { channel: t(`channel.${o.channel}`), purpose: t(`purpose.${o.purpose}`) });
    const at = formatDateTime(o.at, timeZone, lang);
    lines.push({
      key: `out-${o.channel}-${o.purpose}`,
      text: o.rowWins ? t('paper.entry.warn.optedOutRowWins', { what, at }) : t('paper.entry.warn.optedOutStillWins', { what, at }),
      color: o.rowWins ? 'orange.8' : 'red.7',
    });
  }
  if (check.needsPersonalData) lines.push({ key: 'pd', text: t('paper.entry.warn.needsPersonalData'), color: 'orange.8' });
  if (lines.length === 0) return null;
  return (
    <Stack gap={2} data-testid="row-warnings">
      {lines.map((l) => (
        <Text key={l.key} size="sm" c={l.color} data-testid={`row-warning-${l.key.split('-')[0]}`}>
          ⚠ {l.text}
        </Text>
      ))}
    </Stack>
  );
}

function Legend({ keys, text }: { keys: string[]; text: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      {keys.map((k) => (
        <Kbd key={k} size="xs">
          {k}
        </Kbd>
      ))}
      <Text size="xs" c="dimmed">
        {text}
      </Text>
    </Group>
  );
}

/** The row just recorded, and what the customer will be sent when the pack asks them to confirm. */
export function SavedLine({ saved }: { saved: Output<'sheets.enterRow'> }) {
  const { t } = useTranslation();
  const go = useAppStore((s) => s.go);
  const who = [saved.name, formatPhone(saved.phone)].filter(Boolean).join(', ');
  return (
    <Alert color={saved.downgraded ? 'orange' : 'green'} variant="light" p="xs" data-testid="row-saved">
      <Text size="sm">
        ✓ {t('paper.entry.saved', { row: saved.row, who })} ·{' '}
        {saved.writtenName && saved.writtenName !== saved.name && <>{t('paper.entry.writtenAs', { name: saved.writtenName })} · </>}
        {saved.personalDataSerial && <>{t('paper.entry.personalDataFrom', { serial: saved.personalDataSerial })} · </>}
        {saved.createdContact ? t('paper.entry.newCustomer') : t('paper.entry.existingCustomer')} ·{' '}
        <Anchor component="button" type="button" size="sm" onClick={() => go({ screen: 'contact', contactId: saved.contactId })} tabIndex={-1}>
          {t('paper.entry.openContact')}
        </Anchor>
      </Text>
      {saved.downgraded?.to === 'request' && (
        <Text size="sm" mt={4} data-testid="confirmation-queued">
          {t('paper.entry.confirmationQueued')}
        </Text>
      )}
      {saved.downgraded?.to === 'claim' && (
        <Text size="sm" mt={4} data-testid="recorded-as-claim">
          {t('paper.entry.recordedAsClaim')}
        </Text>
      )}
    </Alert>
  );
}
