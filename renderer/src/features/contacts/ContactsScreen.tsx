import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Checkbox, CloseButton, Group, Pagination, Text, TextInput, Title } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { PAGE_SIZE, rowAt, useContactsStore, viewInput } from '../../stores/contacts.store';
import { useAppStore } from '../../stores/app.store';
import { StatusBadge } from '../../components/StatusBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber, formatPhone } from '../../components/format';
import { AddContactModal } from './AddContactModal';
import { WinbackDialog } from './WinbackDialog';
import { ListFilters } from './ListFilters';
import { TagDialog } from './TagDialog';

const ROW_HEIGHT = 44;
const GRID = '28px minmax(180px, 2fr) 190px 150px 170px minmax(120px, 1fr)';
// Browsers cap an element's height (~33M px in Chromium): past this many rows the list is cut into segments.
const SEGMENT = 200_000;

/**
 * The contacts list: virtualised rows paged from the register, search as you type, filters, sorts and segments;
 * rows selected (or all matching) tagged at once.
 */
export function ContactsScreen() {
  const { t, i18n } = useTranslation();
  const pages = useContactsStore((s) => s.pages);
  const count = useContactsStore((s) => s.count);
  const known = useContactsStore((s) => s.known);
  const complete = useContactsStore((s) => s.complete);
  const query = useContactsStore((s) => s.query);
  const generation = useContactsStore((s) => s.generation);
  const error = useContactsStore((s) => s.error);
  const setQuery = useContactsStore((s) => s.setQuery);
  const view = useContactsStore((s) => s.view);
  const setView = useContactsStore((s) => s.setView);
  const reload = useContactsStore((s) => s.reload);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [tagging, setTagging] = useState<'selected' | 'matching' | null>(null);
  const ensurePage = useContactsStore((s) => s.ensurePage);
  const go = useAppStore((s) => s.go);
  const [typed, setTyped] = useState(query);
  const [adding, setAdding] = useState(false);
  const [winback, setWinback] = useState(false);
  const [segment, setSegment] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Debounced search; the store drops answers to older queries.
    const h = setTimeout(() => {
      const s = useContactsStore.getState();
      if (typed.trim() !== s.query || s.generation === 0) setQuery(typed.trim());
    }, 150);
    return () => clearTimeout(h);
  }, [typed, setQuery]);
  // Leaving the screen within the debounce must not lose what was typed.
  const typedRef = useRef(typed);
  typedRef.current = typed;
  useEffect(
    () => () => {
      const s = useContactsStore.getState();
      if (typedRef.current.trim() !== s.query) s.setQuery(typedRef.current.trim());
    },
    [],
  );

  const segments = Math.max(1, Math.ceil(count / SEGMENT));
  const seg = Math.min(segment, segments - 1);
  const base = seg * SEGMENT;
  const segCount = Math.max(0, Math.min(SEGMENT, count - base));

  // A new search or another segment starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [generation, seg]);
  useEffect(() => setSegment(0), [generation]);
  // A new search, filter or order starts with nothing selected.
  useEffect(() => setSelected(new Set()), [query, view]);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the list library we chose; it manages its own state.
  const virtualizer = useVirtualizer({ count: segCount, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = base + (items[0]?.index ?? 0);
  const last = base + (items[items.length - 1]?.index ?? 0);

  useEffect(() => {
    const lo = Math.floor(first / PAGE_SIZE);
    const hi = Math.floor(last / PAGE_SIZE);
    const { pages: loaded } = useContactsStore.getState();
    const near = (p: number) => loaded[p - 1] !== undefined || loaded[p + 1] !== undefined || p === 0;
    // Pages next to loaded ones (smooth scrolling) load at once; a jump (dragging the scrollbar) waits until it settles.
    const jumped: number[] = [];
    for (let p = lo; p <= hi; p++) {
      if (near(p)) void ensurePage(p);
      else jumped.push(p);
    }
    if (!complete && last >= count - 5) void ensurePage(Math.floor(count / PAGE_SIZE));
    if (jumped.length === 0) return;
    const h = setTimeout(() => jumped.forEach((p) => void ensurePage(p)), 80);
    return () => clearTimeout(h);
  }, [first, last, count, complete, ensurePage, generation]);

  const n = (v: number) => formatNumber(v, i18n.language);
  const asked = viewInput(query, view);
  const narrowed = Object.keys(asked).length > 0;
  const summary = narrowed
    ? complete
      ? t('contacts.found', { count: n(count) })
      : t('contacts.foundMore', { count: n(known) })
    : complete
      ? // The number picks the plural form («1 contact», «21 контакт», «5 контактов»); the formatted one is shown.
        t('contacts.count', { count, formatted: n(count) })
      : '';

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Group justify="space-between" mb="md">
        <Title order={2}>{t('contacts.title')}</Title>
        <Group gap="xs">
          {/* The people listed (found by the search) can be asked to confirm a claimed or expired consent. */}
          <Button variant="light" onClick={() => setWinback(true)} disabled={count === 0} data-testid="winback-open">
            {t('winback.open')}
          </Button>
          <Button onClick={() => setAdding(true)} data-testid="add-contact">
            + {t('contacts.add')}
          </Button>
        </Group>
      </Group>
      <Group mb="sm" align="center">
        <TextInput
          placeholder={t('contacts.search')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          style={{ flex: 1 }}
          data-testid="search"
          aria-label={t('contacts.search')}
          rightSection={typed ? <CloseButton size="sm" aria-label={t('contacts.clear')} onClick={() => setTyped('')} /> : null}
        />
        <Text c="dimmed" size="sm" data-testid="count" miw={140} ta="right">
          {summary}
        </Text>
      </Group>
      <ListFilters view={view} onChange={setView} />
      <Group mb="xs" gap="xs" data-testid="selection-bar">
        <Button
          size="xs"
          variant="default"
          onClick={() => setSelected(new Set([...selected, ...items.flatMap((item) => rowAt(pages, base + item.index)?.id ?? [])]))}
          data-testid="select-page"
        >
          {t('list.selectPage')}
        </Button>
        {selected.size > 0 && (
          <>
            <Text size="sm" data-testid="selected-count">
              {t('list.selected', { count: selected.size, formatted: n(selected.size) })}
            </Text>
            <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
              {t('list.clearSelection')}
            </Button>
            <Button size="xs" onClick={() => setTagging('selected')} data-testid="tag-selected">
              {t('list.tagSelected')}
            </Button>
          </>
        )}
        <Button size="xs" variant="light" disabled={count === 0} onClick={() => setTagging('matching')} data-testid="tag-matching">
          {complete ? t('list.tagMatching', { count, formatted: n(count) }) : t('list.tagMatchingMore', { formatted: n(known) })}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {segments > 1 && (
        <Group justify="space-between" mb="xs" data-testid="segments">
          <Text size="sm" c="dimmed">
            {t('contacts.segment', { from: n(base + 1), to: n(base + segCount), total: n(count) })}
          </Text>
          <Pagination size="sm" total={segments} value={seg + 1} onChange={(v) => setSegment(v - 1)} siblings={1} />
        </Group>
      )}
      <div className="contacts-head" style={{ gridTemplateColumns: GRID }}>
        <span />
        <span>{t('contacts.name')}</span>
        <span>{t('contacts.phone')}</span>
        <span>{t('contacts.smsMarketing')}</span>
        <span>{t('contacts.waMarketing')}</span>
        <span>{t('contacts.tags')}</span>
      </div>
      <div ref={scrollRef} className="contacts-scroll" data-testid="contacts-scroll" role="rowgroup">
        {count === 0 && complete && (
          <Text c="dimmed" p="lg" ta="center" data-testid="empty">
            {query ? t('contacts.noMatch', { query }) : narrowed ? t('list.noneMatch') : t('contacts.empty')}
          </Text>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const index = base + item.index;
            const c = rowAt(pages, index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={index + 1}
                className={c ? 'contact-row' : 'contact-row loading'}
                data-testid={c ? 'contact-row' : 'contact-row-loading'}
                tabIndex={c ? 0 : -1}
                onClick={() => c && go({ screen: 'contact', contactId: c.id })}
                onKeyDown={(e) => c && e.key === 'Enter' && go({ screen: 'contact', contactId: c.id })}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, gridTemplateColumns: GRID }}
              >
                {c ? (
                  <>
                    <Checkbox
                      size="xs"
                      aria-label={t('list.select')}
                      checked={selected.has(c.id)}
                      onClick={(e) => e.stopPropagation()}
                      onKeyDown={(e) => e.stopPropagation()}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.currentTarget.checked) next.add(c.id);
                        else next.delete(c.id);
                        setSelected(next);
                      }}
                      data-testid="row-select"
                    />
                    <Text size="sm" fw={500} truncate c={c.name ? undefined : 'dimmed'}>
                      {c.name || t('contacts.noName')}
                    </Text>
                    <Text size="sm" className="mono">
                      {formatPhone(c.phone)}
                    </Text>
                    <span>
                      <StatusBadge status={c.marketing.sms} blockedBy={c.marketingBlockedBy.sms} />
                    </span>
                    <span>
                      <StatusBadge status={c.marketing.whatsapp} blockedBy={c.marketingBlockedBy.whatsapp} />
                    </span>
                    <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
                      {c.tags.map((tag) => (
                        <Badge key={tag} variant="light" color="indigo" size="sm" tt="none">
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  </>
                ) : (
                  <>
                    <span />
                    <span className="skeleton" />
                    <span className="skeleton" />
                    <span />
                    <span />
                    <span />
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <AddContactModal opened={adding} onClose={() => setAdding(false)} />
      <TagDialog
        opened={tagging !== null}
        onClose={() => setTagging(null)}
        whom={tagging === 'selected' ? { contactIds: [...selected] } : { matching: asked }}
        onDone={() => {
          setSelected(new Set());
          reload();
        }}
      />
      {/* Everyone the search and filters find, not only the rows loaded so far. */}
      <WinbackDialog opened={winback} onClose={() => setWinback(false)} matching={asked} />
    </div>
  );
}
