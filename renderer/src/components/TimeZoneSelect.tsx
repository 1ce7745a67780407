import { useMemo, useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { findTimeZones } from '../../../shared/domain/time/places';

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange' | 'filter'> & {
  value: string;
  onChange: (timeZone: string) => void;
};

const label = (timeZone: string, city: string | null, offset: string | null) =>
  `${city && city !== timeZone.replace(/_/g, ' ') ? `${city} — ` : ''}${timeZone}${offset ? ` (UTC${offset})` : ''}`;

/**
 * A time zone found by what people know: the city, in English or Russian («Казань», "Kazan" → Europe/Moscow), the
 * country or the zone's own name. The chosen zone keeps the city it was found by as its label.
 */
export function TimeZoneSelect({ value, onChange, ...rest }: Props) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const current = useMemo(
    () => (chosen?.value === value ? chosen : { value, label: label(value, null, findTimeZones(value, 1)[0]?.offset ?? null) }),
    [chosen, value],
  );
  const data = useMemo(() => {
    const found = search.trim() && search !== current.label ? findTimeZones(search, 30) : [];
    const options = found.map((m) => ({ value: m.timeZone, label: label(m.timeZone, m.matched, m.offset) }));
    return options.some((o) => o.value === current.value) ? options : [current, ...options];
  }, [search, current]);
  return (
    <Select
      {...rest}
      data={data}
      value={value}
      searchable
      allowDeselect={false}
      searchValue={search}
      onSearchChange={setSearch}
      // findTimeZones already chose and ordered the options.
      filter={({ options }) => options}
      onChange={(v, option) => {
        if (!v) return;
        setChosen({ value: v, label: option.label });
        onChange(v);
      }}
    />
  );
}
