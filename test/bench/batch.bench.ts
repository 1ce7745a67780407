/**
 * Batch planning benchmark (issue #6 target: plan a batch over 1,000,000 contacts in under 2 s). Beside it,
 * floors measured in the same run: iterating the same join (contacts × projection cells) in JavaScript
 * without the gate. BENCH_CONTACTS=100000 for a quicker run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBackend } from '../../electron/core/backend';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'optin-bench-batch-'));
const backend = createBackend({ dbPath: join(dir, 'register.db') });

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await backend.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function main(): Promise<void> {
  await call('settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
  });
  const db = backend.db;
  // One real consent event, for the projection cells below to point to as their proof.
  const form = await call<{ id: number }>('forms.create', {
    language: 'ru',
    channels: ['sms'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции «Лавка у дома» по SMS. Отписка: СТОП.',
  });
  const proof = await call<{ events: { id: number }[] }>('consent.record', {
    phone: '+79990000000',
    channel: 'sms',
    purpose: 'marketing',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
  });
  const proofEvent = proof.events[0]!.id;
  // A register of realistic shape, written straight into the tables: 60% with SMS and personal-data consent,
  // 10% revoked, 10% unproven claims from a CRM, 20% with nothing; a tenth tagged "vip".
  const contact = db.prepare(
    `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'mobile', '[]', 0, 0)`,
  );
  const cell = db.prepare(
    'INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, ?, ?, 0, NULL, ?)',
  );
  const started = performance.now();
  db.transaction(() => {
    for (let i = 2; i <= CONTACTS + 1; i++) {
      contact.run(i, `+7915${String(i).padStart(7, '0')}`, `915${String(i).padStart(7, '0')}`, `Покупатель ${i}`, i % 10 === 0 ? '["vip"]' : '[]');
      const kind = i % 10;
      if (kind < 6) {
        cell.run(i, 'sms', 'marketing', 'granted', proofEvent);
        cell.run(i, 'sms', 'personal_data', 'granted', proofEvent);
      } else if (kind === 6) cell.run(i, 'sms', 'marketing', 'revoked', proofEvent);
      else if (kind === 7) cell.run(i, 'sms', 'marketing', 'unproven', proofEvent);
    }
  })();
  console.log(`(register of ${CONTACTS.toLocaleString('en')} contacts written in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

  // Floor: the same join walked in JavaScript, rows counted.
  let start = performance.now();
  let rows = 0;
  for (const _ of db
    .prepare(
      'SELECT c.id, c.phone, c.name, c.reach, s.channel, s.purpose, s.status, s.since, s.expires_at, s.last_event_id FROM contacts c LEFT JOIN consent_state s ON s.contact_id = c.id ORDER BY c.id',
    )
    .iterate())
    rows++;
  const floor = performance.now() - start;

  const text = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
  start = performance.now();
  const plan = await call<{ eligible: number; excluded: Record<string, number> }>('batch.plan', { channel: 'sms', purpose: 'marketing', text });
  const planMs = performance.now() - start;
  start = performance.now();
  await call('batch.plan', { channel: 'sms', purpose: 'marketing', text, tags: ['vip'] });
  const vipMs = performance.now() - start;
  console.log(
    `plan over ${CONTACTS.toLocaleString('en')} contacts: ${(planMs / 1000).toFixed(2)} s (target < 2 s; eligible ${plan.eligible.toLocaleString('en')}, ` +
      `no consent ${plan.excluded.no_consent}, revoked ${plan.excluded.revoked})   floor: walking the join alone ${(floor / 1000).toFixed(2)} s (${rows.toLocaleString('en')} rows)   ` +
      `tag-filtered plan: ${(vipMs / 1000).toFixed(2)} s`,
  );
}

main()
  .finally(() => {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
