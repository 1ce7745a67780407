import { useMemo, useState } from 'react';
import { Autocomplete, type AutocompleteProps } from '@mantine/core';
import { findTimeZones } from '../../../shared/domain/time/places';

type Props = Omit<AutocompleteProps, 'data' | 'value' | 'onChange' | 'filter' | 'onOptionSubmit' | 'onBlur'> & {
  value: string;
  onChange: (timeZone: string) => void;
};

const label = (timeZone: string, city: string | null, offset: string | null) =>
  `${city && city !== timeZone.replace(/_/g, ' ') ? `${city} — ` : ''}${timeZone}${offset ? ` (UTC${offset})` : ''}`;

const labelOf = (timeZone: string) => label(timeZone, null, findTimeZones(timeZone, 1)[0]?.offset ?? null);

/**
 * A time zone found by what people know: the city, in English or Russian («Казань», "Kazan" → Europe/Moscow), the
 * country or the zone's own name. Typing searches; choosing a line sets the zone; leaving the field without choosing
 * puts back the zone it had.
 */
export function TimeZoneSelect({ value, onChange, ...rest }: Props) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? labelOf(value);
  const found = useMemo(() => (text && text.trim() ? findTimeZones(text, 30) : []), [text]);
  const byLabel = useMemo(() => new Map(found.map((m) => [label(m.timeZone, m.matched, m.offset), m.timeZone])), [found]);
  return (
    <Autocomplete
      {...rest}
      value={shown}
      data={[...byLabel.keys()]}
      // findTimeZones already chose and ordered the lines.
      filter={({ options }) => options}
      onChange={setText}
      onFocus={(e) => e.currentTarget.select()}
      onOptionSubmit={(chosen) => {
        const tz = byLabel.get(chosen);
        if (!tz) return;
        onChange(tz);
        setText(null);
      }}
      onBlur={() => setText(null)}
    />
  );
}
