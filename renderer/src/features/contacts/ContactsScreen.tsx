import { useEffect, useRef, useState } from 'react';
import { Button, Group, Text, TextInput, Title, Badge } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { PAGE_SIZE, useContactsStore } from '../../stores/contacts.store';
import { useAppStore } from '../../stores/app.store';
import { StatusBadge } from '../../components/StatusBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPhone } from '../../components/format';
import { AddContactModal } from './AddContactModal';

const ROW_HEIGHT = 44;
const GRID = 'minmax(180px, 2fr) 180px 150px 170px minmax(120px, 1fr)';

/** The contacts list: virtualised rows paged from the register, search as you type. */
export function ContactsScreen() {
  const { t } = useTranslation();
  const rows = useContactsStore((s) => s.rows);
  const count = useContactsStore((s) => s.count);
  const complete = useContactsStore((s) => s.complete);
  const query = useContactsStore((s) => s.query);
  const error = useContactsStore((s) => s.error);
  const setQuery = useContactsStore((s) => s.setQuery);
  const ensurePage = useContactsStore((s) => s.ensurePage);
  const go = useAppStore((s) => s.go);
  const [typed, setTyped] = useState(query);
  const [adding, setAdding] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Debounced search; the store drops answers to older queries.
    const h = setTimeout(() => {
      if (typed.trim() !== useContactsStore.getState().query || useContactsStore.getState().rows.length === 0) setQuery(typed.trim());
    }, 150);
    return () => clearTimeout(h);
  }, [typed, setQuery]);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the list library we chose; it manages its own state.
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void ensurePage(p);
    if (!complete && last >= count - 5) void ensurePage(Math.floor(count / PAGE_SIZE));
  }, [first, last, count, complete, ensurePage]);

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Group justify="space-between" mb="md">
        <Title order={2}>{t('contacts.title')}</Title>
        <Button onClick={() => setAdding(true)} data-testid="add-contact">
          {t('contacts.add')}
        </Button>
      </Group>
      <Group mb="sm" align="center">
        <TextInput
          placeholder={t('contacts.search')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          style={{ flex: 1 }}
          data-testid="search"
          aria-label={t('contacts.search')}
        />
        <Text c="dimmed" size="sm" data-testid="count">
          {query ? t('contacts.found', { count: complete ? count : rows.filter(Boolean).length }) : t('contacts.count', { count })}
        </Text>
      </Group>
      <ErrorAlert error={error} />
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: GRID,
          gap: 12,
          padding: '8px 12px',
          fontWeight: 600,
          fontSize: 13,
          color: '#555',
          borderBottom: '1px solid #e5e7eb',
        }}
      >
        <span>{t('contacts.name')}</span>
        <span>{t('contacts.phone')}</span>
        <span>{t('contacts.smsMarketing')}</span>
        <span>{t('contacts.waMarketing')}</span>
        <span>{t('contacts.tags')}</span>
      </div>
      <div ref={scrollRef} style={{ flex: 1, overflow: 'auto', minHeight: 200 }} data-testid="contacts-scroll">
        {count === 0 && complete && (
          <Text c="dimmed" p="lg" data-testid="empty">
            {query ? t('contacts.noMatch', { query }) : t('contacts.empty')}
          </Text>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = rows[item.index];
            return (
              <div
                key={item.key}
                role="row"
                data-testid={c ? 'contact-row' : 'contact-row-loading'}
                onClick={() => c && go({ screen: 'contact', contactId: c.id })}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: GRID,
                  gap: 12,
                  alignItems: 'center',
                  padding: '0 12px',
                  borderBottom: '1px solid #f1f3f5',
                  cursor: c ? 'pointer' : 'default',
                  background: item.index % 2 ? '#fcfcfd' : 'white',
                }}
              >
                {c ? (
                  <>
                    <Text size="sm" fw={500} truncate>
                      {c.name || '—'}
                    </Text>
                    <Text size="sm" ff="monospace">
                      {formatPhone(c.phone)}
                    </Text>
                    <span>
                      <StatusBadge status={c.marketing.sms} />
                    </span>
                    <span>
                      <StatusBadge status={c.marketing.whatsapp} />
                    </span>
                    <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
                      {c.tags.map((tag) => (
                        <Badge key={tag} variant="light" color="blue" size="xs">
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  </>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('contacts.loading')}
                  </Text>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <AddContactModal opened={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
