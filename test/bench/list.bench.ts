/**
 * Contacts list benchmark (issue #17.10: any page, at any depth, in any order or search, under 20 ms at 1,000,000
 * contacts). The register is written with bulk SQL (a million contacts in seconds, not through the app's path),
 * indexed for search by the repo, with consent cells for the list's marketing column; then every kind of page is
 * timed through contacts.list as the app asks it, beside a floor measured in the same run on the same file: a bare
 * SELECT of 50 rows by primary key. Then the same in the list's other orders (number, date added, last consent change)
 * and with its filters (marketing status as the list shows it, tag, days added, last consent change, a segment).
 * BENCH_CONTACTS to change the size, BENCH_KEEP=1 to keep the file, BENCH_REUSE=path/to/register.db to time a kept one
 * again without building it (it is migrated on open like any register; the contacts a run adds stay in it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBackend } from '../../electron/core/backend';
import { getContact } from '../../electron/core/register/contacts';
import { listContacts, toListFilter } from '../../electron/core/register/contact-list';
import { filterSql } from '../../electron/core/db/repos/contacts.repo';
import { searchKey } from '../../shared/domain/text/fold';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const T0 = Date.parse('2026-03-01T09:00:00Z');
const FIRST = ['Анна', 'Семён', 'Ольга', 'Пётр', 'Мария', 'Иван', 'Алёна', 'Дмитрий', 'Emma', 'Élodie', 'John', 'Zoë', 'Jürgen', 'Noah'];
const LAST = ['Фёдорова', 'Смирнов', 'Иванова', 'Кузнецов', 'Попова', 'Соколов', 'Müller', 'Brown', 'Lefèvre', 'Smith', 'Ёлкин', 'Weber'];

function timeIt(samples: number, fn: (i: number) => unknown): { p50: number; p95: number } {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const s = performance.now();
    fn(i);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(samples * 0.5)]!, p95: times[Math.floor(samples * 0.95)]! };
}
const ms = (n: number): string => `${n < 1 ? n.toFixed(3) : n.toFixed(1)} ms`;

const reuse = process.env.BENCH_REUSE;
if (reuse && !existsSync(reuse)) throw new Error(`BENCH_REUSE: no register at ${reuse}`);
const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), 'optin-bench-list-'));
let started = performance.now();
const backend = createBackend({ dbPath: reuse ?? join(dir, 'register.db'), clock: { now: () => T0 } });
const { ctx, db } = backend;
console.log(`Optin Desk contacts list benchmark — ${CONTACTS.toLocaleString('en')} contacts (node ${process.version})`);
if (reuse) console.log(`reusing ${reuse} (opened and migrated in ${ms(performance.now() - started)})\n`);
else fill();

/** The register, by bulk SQL. */
function fill(): void {
  started = performance.now();
  db.exec('CREATE TEMP TABLE bench_names (n INTEGER PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL)');
  const names = FIRST.flatMap((f) => LAST.map((l) => `${f} ${l}`));
  const nameRow = db.prepare('INSERT INTO bench_names (n, name, name_key) VALUES (?, ?, ?)');
  names.forEach((name, n) => nameRow.run(n, name, searchKey(name)));
  db.prepare(
    `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
   INSERT INTO contacts (id, phone, national_number, name, name_key, tags, reach, other_phones, created_at, updated_at, us_number)
   SELECT i, '+79' || (100000000 + i), '9' || (100000000 + i), b.name, b.name_key,
          CASE WHEN i % 10 = 0 THEN '["vip"]' ELSE '[]' END, 'mobile', '[]', ? - (? - i) * 60000, ?, 0
   FROM seq JOIN bench_names b ON b.n = (i * 7919) % ?`,
  ).run(CONTACTS, T0, CONTACTS, T0, names.length);
  // Consent cells for the list's marketing column: granted SMS marketing and personal data for most, some revoked,
  // a few claims, requests waiting (until a day after T0), grants whose expiry has passed and cells stored expired.
  db.prepare(
    `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id)
   SELECT id, 'sms', 'marketing',
          CASE WHEN id % 7 = 0 THEN 'revoked' WHEN id % 13 = 0 THEN 'unproven' WHEN id % 17 = 0 THEN 'pending'
               WHEN id % 23 = 0 THEN 'expired' ELSE 'granted' END,
          ? - ((id * 7919) % 1000) * 3600000,
          CASE WHEN id % 7 <> 0 AND id % 13 <> 0 AND id % 17 = 0 THEN ? + 86400000
               WHEN id % 7 <> 0 AND id % 13 <> 0 AND id % 23 <> 0 AND id % 19 = 0 THEN ? - 3600000 END, NULL
   FROM contacts WHERE id % 5 <> 0`,
  ).run(T0 - 86_400_000, T0, T0);
  // WhatsApp marketing for every third contact, granted.
  db.prepare(
    `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id)
   SELECT id, 'whatsapp', 'marketing', 'granted', ?, NULL, NULL FROM contacts WHERE id % 3 = 0`,
  ).run(T0 - 2 * 86_400_000);
  db.prepare(
    `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id)
   SELECT id, 'sms', 'personal_data', 'granted', ?, NULL, NULL FROM contacts WHERE id % 5 <> 0 AND id % 11 <> 0`,
  ).run(T0 - 86_400_000);
  // What the list shows of each contact and its last consent change, as a rebuild of the projection sets them.
  ctx.consent.relistRange(1, CONTACTS);
  const fillMs = performance.now() - started;
  started = performance.now();
  ctx.contacts.indexFrom(1);
  console.log(
    `fill: contacts and cells by bulk SQL ${(fillMs / 1000).toFixed(1)} s; search index ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

// ---- floor ----
const bare = db.prepare('SELECT * FROM contacts WHERE id > ? ORDER BY id LIMIT 50');
const floor = timeIt(400, (i) => bare.all(((i * 104729) % CONTACTS) + 1));
const row = (what: string, r: { p50: number; p95: number }) =>
  console.log(
    `${what.padEnd(52)} p50 ${ms(r.p50).padStart(9)}  p95 ${ms(r.p95).padStart(9)}   | floor p50 ${ms(floor.p50).padStart(8)} p95 ${ms(floor.p95).padStart(8)}   target < 20 ms`,
  );
const page = (input: Partial<Parameters<typeof listContacts>[1]>) => listContacts(ctx, { offset: 0, limit: 50, ...input });
const depth = (i: number) => Math.floor(((i * 7919) % 997) * (CONTACTS / 1000));

// First jump to a depth walks there once (where every 1,024th row lies is then remembered until contacts change).
started = performance.now();
page({ offset: CONTACTS - 100 });
console.log(`first page at the very end after a change (walks the list once): ${ms(performance.now() - started)}`);
row(
  'first page (name order)',
  timeIt(200, () => page({})),
);
row(
  'page at a random depth by offset (name order)',
  timeIt(400, (i) => page({ offset: depth(i) })),
);
row(
  'last page by offset (name order)',
  timeIt(200, () => page({ offset: CONTACTS - 50 })),
);
const cursors: string[] = [];
let cursor = page({ offset: Math.floor(CONTACTS / 2) }).nextCursor!;
for (let i = 0; i < 400; i++) {
  cursors.push(cursor);
  cursor = page({ cursor }).nextCursor ?? cursors[0]!;
}
row(
  'next page by cursor, from the middle (name order)',
  timeIt(400, (i) => page({ cursor: cursors[i]! })),
);
// A change (a new contact) forgets what was remembered: the first deep page after it walks again.
// (From past the highest id, so a reused register takes new numbers again.)
let added = ctx.contacts.maxId();
row(
  'deep page by offset right after a contact was added',
  timeIt(20, (i) => {
    ctx.contacts.insert({
      phone: `+7999${String(1_000_000 + added++).padStart(7, '0')}`,
      nationalNumber: '999',
      name: `Новый ${i}`,
      email: null,
      locale: null,
      country: 'RU',
      externalId: null,
      tags: [],
      reach: 'mobile',
      otherPhones: [],
      importBatchId: null,
      createdAt: T0,
      updatedAt: T0,
    });
    page({ offset: depth(i + 1) });
  }),
);

for (const [what, query] of [
  ['search one letter, first page', 'м'],
  ['search a common surname, first page', 'Федорова'],
  ['search a first name and surname (ё either way)', 'семен федоров'],
  ['search a Latin name without its marks', 'muller'],
  ['search a number by its beginning', '8 912 345'],
  ['search a number by its last digits', '43-66'],
] as const) {
  row(
    what,
    timeIt(100, () => page({ query })),
  );
}
const broad = 'Федорова';
const total = page({ query: broad });
console.log(`(“${broad}”: ${total.total ?? `${total.atLeast}+`} found)`);
row(
  'search, a deep page by offset',
  timeIt(100, (i) => page({ query: broad, offset: (i * 9973) % 9_000 })),
);
const searchCursors: string[] = [];
let sc = page({ query: broad, offset: 5_000 }).nextCursor!;
for (let i = 0; i < 100; i++) {
  searchCursors.push(sc);
  sc = page({ query: broad, cursor: sc }).nextCursor ?? searchCursors[0]!;
}
row(
  'search, next page by cursor',
  timeIt(100, (i) => page({ query: broad, cursor: searchCursors[i]! })),
);
row(
  'contact page (contact + cells + timeline)',
  timeIt(400, (i) => getContact(ctx, { contactId: ((i * 104729) % CONTACTS) + 1 })),
);

// ---- the list's other orders (issue #17 item 13): each has its own index, keyset cursors and fence posts ----
type Sort = NonNullable<Parameters<typeof listContacts>[1]['sort']>;
type Filter = NonNullable<Parameters<typeof listContacts>[1]['filter']>;
/** A page at a random depth of `n` rows. */
const within = (n: number, i: number) => Math.max(0, Math.floor(((i * 7919) % 997) * (n / 1000)) - 50);
function ordered(label: string, input: { sort?: Sort; filter?: Filter; segment?: string }, samples = 200): void {
  started = performance.now();
  page(input);
  // How many match (exactly, for the depths to sample; the list itself counts up to 1,000).
  const asked = { ...((input.segment ? ctx.segments.byName(input.segment)?.filter : {}) as Filter), ...(input.filter ?? {}) };
  const n = ctx.contacts.countOf({ source: { kind: 'all' }, filter: filterSql(toListFilter(ctx, asked).filter, T0) }, CONTACTS * 2);
  const total = 'total' in n ? n.total : CONTACTS;
  // The first deep page of an order or filter walks it once; then every FENCEth position is remembered.
  if (samples === 200) page({ ...input, offset: Math.max(0, total - 100) });
  console.log(
    `${label}: ${total} match (the SQL part); ${samples === 200 ? 'first walk to the end' : 'first page'} ${ms(performance.now() - started)}`,
  );
  row(
    `  first page`,
    timeIt(Math.min(100, samples), () => page(input)),
  );
  row(
    `  page at a random depth by offset`,
    timeIt(samples, (i) => page({ ...input, offset: within(samples === 200 ? total : 2_000, i) })),
  );
  const cs: string[] = [];
  let c = page({ ...input, offset: samples === 200 ? Math.floor(total / 2) : 1_000 }).nextCursor;
  for (let i = 0; i < samples && c; i++) {
    cs.push(c);
    c = page({ ...input, cursor: c }).nextCursor;
  }
  if (cs.length)
    row(
      `  next page by cursor, from the middle`,
      timeIt(cs.length, (i) => page({ ...input, cursor: cs[i]! })),
    );
}
console.log('\nthe other orders');
ordered('by number', { sort: { by: 'phone', dir: 'asc' } });
ordered('by date added, newest first', { sort: { by: 'added', dir: 'desc' } });
ordered('by last consent change, latest first', { sort: { by: 'consentChanged', dir: 'desc' } });
ordered('by name, Я to A', { sort: { by: 'name', dir: 'desc' } });

console.log('\nfilters (name order unless said)');
const week = (daysBack: number) => new Date(T0 - daysBack * 86_400_000).toISOString().slice(0, 10);
for (const status of ['granted', 'needs_personal_data', 'unproven', 'pending', 'expired', 'revoked', 'none'] as const)
  ordered(`SMS marketing ${status}`, { filter: { marketing: { channel: 'sms', status: [status] } } });
ordered('SMS marketing granted or a claim (two statuses)', { filter: { marketing: { channel: 'sms', status: ['granted', 'unproven'] } } });
ordered('WhatsApp marketing granted', { filter: { marketing: { channel: 'whatsapp', status: ['granted'] } } });
ordered('SMS marketing revoked, newest first', {
  filter: { marketing: { channel: 'sms', status: ['revoked'] } },
  sort: { by: 'added', dir: 'desc' },
});
ordered('tag vip', { filter: { tags: ['vip'] } });
ordered('added within a week', { filter: { added: { from: week(7), to: week(0) } } });
ordered('last consent change within a week, by that change', {
  filter: { consentChanged: { from: week(8), to: week(1) } },
  sort: { by: 'consentChanged', dir: 'desc' },
});
if (!ctx.segments.byName('vip to ask'))
  ctx.segments.insert({
    // (In this register the vip have no consent yet: every 10th contact, and only those not a multiple of 5 have cells.)
    name: 'vip to ask',
    filter: { marketing: { channel: 'sms', status: ['none'] }, tags: ['vip'] },
    createdAt: T0,
    createdBy: 'bench',
    updatedAt: T0,
  });
ordered('segment: vip without SMS consent, newest first', { segment: 'vip to ask', sort: { by: 'added', dir: 'desc' } });

backend.close();
if (process.env.BENCH_KEEP || reuse) console.log(`kept ${join(dir, 'register.db')}`);
else rmSync(dir, { recursive: true, force: true });
