import { useState } from 'react';
import { TextInput, type MantineSize } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useTranslation } from 'react-i18next';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import { dayPattern, formatDateTime, parseDateTime, parseDay, type Order } from './dates';

/**
 * Date fields in the app's language, not the browser's: a native `<input type=date>` shows mm/dd/yyyy to a Russian
 * shop whose browser is English. Russian shows and takes ДД.ММ.ГГГГ; English the order of the browser's English
 * (month first in the US, day first elsewhere). Both also take an ISO date (2026-03-01), as typed by a script or
 * pasted. Values stay what the native inputs gave: `YYYY-MM-DD`, and `YYYY-MM-DDTHH:mm` for a date and time.
 */

/** What to type, in the UI language's letters: ДД.ММ.ГГГГ, dd/mm/yyyy, mm/dd/yyyy. */
function placeholderOf(t: (k: string) => string, order: Order, sep: string, time: boolean): string {
  const [d, m, y] = [t('dates.dd'), t('dates.mm'), t('dates.yyyy')];
  const day = order === 'dmy' ? [d, m, y].join(sep) : [m, d, y].join(sep);
  return time ? `${day} ${t('dates.hhmm')}` : day;
}

interface Common {
  label?: string;
  description?: string;
  error?: string | undefined;
  size?: MantineSize;
  w?: number | string;
  maw?: number | string;
  inputWrapperOrder?: ('label' | 'input' | 'description' | 'error')[];
  'data-testid'?: string;
}

/**
 * A day: typed in the UI's order or picked from a calendar in the UI's language. `value` and `onChange` are
 * `YYYY-MM-DD` ('' for none), as a native date input's; `max` the last day it takes.
 */
export function DateField({
  value,
  onChange,
  max,
  clearable = true,
  ...rest
}: Common & {
  value: string;
  onChange: (value: string) => void;
  max?: string;
  clearable?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { order, sep, locale } = dayPattern(i18n.language);
  // The calendar keeps its own text while typing; a value set from outside (a reset) starts it afresh.
  const [own, setOwn] = useState(value);
  const [generation, setGeneration] = useState(0);
  if (value !== own) {
    setOwn(value);
    setGeneration((g) => g + 1);
  }
  return (
    <DateInput
      key={`${generation}-${locale}-${order}`}
      {...rest}
      value={value || null}
      onChange={(v) => {
        const next = v ?? '';
        setOwn(next);
        onChange(next);
      }}
      locale={locale}
      firstDayOfWeek={order === 'mdy' ? 0 : 1}
      valueFormat={order === 'dmy' ? `DD${sep}MM${sep}YYYY` : `MM${sep}DD${sep}YYYY`}
      dateParser={(text) => parseDay(text, order)}
      placeholder={placeholderOf(t, order, sep, false)}
      maxDate={max}
      clearable={clearable}
      allowDeselect={clearable}
      popoverProps={{ withinPortal: true }}
    />
  );
}

/**
 * A date and time (24-hour), typed in the UI's order: `value` and `onChange` are `YYYY-MM-DDTHH:mm` as a native
 * datetime-local input's ('' for none). Text that is not a date and time yet is handed on as typed, so the form's own
 * check says so (and nothing is sent for it); the field also names the expected form.
 */
export function DateTimeField({ value, onChange, ...rest }: Common & { value: string; onChange: (value: string) => void }) {
  const { t, i18n } = useTranslation();
  const { order, sep } = dayPattern(i18n.language);
  const shown = (v: string) => (parseDateTime(v, order) === v ? formatDateTime(v, order, sep) : v);
  const [text, setText] = useState(() => shown(value));
  const [own, setOwn] = useState(value);
  if (value !== own) {
    setOwn(value);
    setText(shown(value));
  }
  const typed = text.trim() === '' ? '' : parseDateTime(text, order);
  const placeholder = placeholderOf(t, order, sep, true);
  return (
    <TextInput
      {...rest}
      value={text}
      placeholder={placeholder}
      inputMode="numeric"
      autoComplete="off"
      onChange={(e) => {
        const raw = e.currentTarget.value;
        setText(raw);
        const next = raw.trim() === '' ? '' : (parseDateTime(raw, order) ?? raw);
        setOwn(next);
        onChange(next);
      }}
      onBlur={() => typed && setText(formatDateTime(typed, order, sep))}
      error={rest.error ?? (typed === null ? t('dates.typeAs', { format: placeholder }) : undefined)}
    />
  );
}
