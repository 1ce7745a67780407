import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { optin } from '../support/cli';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function register(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-cli-'));
  dirs.push(d);
  return join(d, 'register.db');
}

describe('optin CLI', () => {
  it('adds and lists contacts as JSON', async () => {
    const db = register();
    const add = await optin(db, 'contacts', 'add', '--phone', '8 (912) 345-67-89', '--name', 'Анна', '--json');
    expect(add.code).toBe(0);
    expect(add.json()).toMatchObject({ id: 1, phone: '+79123456789' });
    expect(add.out.trim().split('\n')).toHaveLength(1);
    const list = await optin(db, 'contacts', 'list', '--json');
    expect((list.json().contacts as unknown[]).length).toBe(1);
  });

  it('grants, revokes and reports status at a past instant', async () => {
    const db = register();
    expect((await optin(db, 'settings', 'set', '--business-name', 'Лавка', '--policy', 'eu', '--country', 'DE', '--json')).code).toBe(0);
    const form = await optin(
      db,
      'forms',
      'create',
      '--title',
      'Angebote',
      '--language',
      'en',
      '--channels',
      'sms,whatsapp',
      '--purposes',
      'marketing',
      '--body',
      'I agree to receive offers from Laden by SMS and WhatsApp. Reply STOP to stop.',
      '--json',
    );
    expect(form.code).toBe(0);
    const grant = await optin(
      db,
      'consent',
      'grant',
      '--phone',
      '+4915123456789',
      '--channel',
      'sms',
      '--purpose',
      'marketing',
      '--method',
      'paper_form',
      '--form',
      '1',
      '--sheet',
      'S-12',
      '--at',
      '2026-01-10T10:00:00+01:00',
      '--json',
    );
    expect(grant.code).toBe(0);
    expect(grant.json()).toMatchObject({ downgraded: null, events: [{ action: 'grant', formCode: 'F1-1' }] });
    const revoke = await optin(
      db,
      'consent',
      'revoke',
      '--phone',
      '+4915123456789',
      '--channel',
      'whatsapp',
      '--purpose',
      'marketing',
      '--at',
      '2026-02-01T10:00:00Z',
      '--json',
    );
    expect(revoke.code).toBe(0);
    const before = await optin(db, 'consent', 'status', '--phone', '+4915123456789', '--at', '2026-01-20T00:00:00Z', '--json');
    const cell = (before.json().consents as { channel: string; purpose: string; status: string; since: string; event: number }[]).find(
      (c) => c.channel === 'sms' && c.purpose === 'marketing',
    );
    expect(cell).toMatchObject({ status: 'granted', since: '2026-01-10T09:00:00.000Z', event: 1 });
    const after = await optin(db, 'consent', 'status', '--phone', '+4915123456789', '--json');
    expect(after.json()).toMatchObject({ phone: '+4915123456789' });
    expect((after.json().consents as { purpose: string; status: string }[]).filter((c) => c.purpose === 'marketing').map((c) => c.status)).toEqual([
      'revoked',
      'revoked',
    ]);
  });

  it('request then confirm gives a granted consent', async () => {
    const db = register();
    await optin(
      db,
      'consent',
      'request',
      '--phone',
      '+79123456789',
      '--channel',
      'whatsapp',
      '--purpose',
      'marketing',
      '--method',
      'qr_keyword',
      '--inbound-id',
      'wamid.A',
    );
    const c = await optin(
      db,
      'consent',
      'confirm',
      '--phone',
      '+79123456789',
      '--channel',
      'whatsapp',
      '--purpose',
      'marketing',
      '--method',
      'inbound_keyword',
      '--inbound-id',
      'wamid.B',
      '--json',
    );
    expect(c.code).toBe(0);
    expect(
      (c.json().consents as { channel: string; purpose: string; status: string }[]).find((x) => x.channel === 'whatsapp' && x.purpose === 'marketing')
        ?.status,
    ).toBe('granted');
  });

  it('refuses bad input with exit 1, a one-line reason naming the flag, and nothing written', async () => {
    const db = register();
    for (const [args, reason] of [
      [['consent', 'grant', '--phone', '+79123456789', '--channel', 'fax', '--purpose', 'marketing', '--method', 'paper_form'], /^optin: --channel:/],
      [['consent', 'grant', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing'], /^optin: --method:/],
      [
        ['consent', 'grant', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing', '--method', 'paper_form', '--at', '2026-99-01'],
        /^optin: --at:/,
      ],
      [
        [
          'consent',
          'grant',
          '--phone',
          '+79123456789',
          '--channel',
          'sms',
          '--purpose',
          'marketing',
          '--method',
          'paper_form',
          '--at',
          '2099-01-01T00:00:00Z',
        ],
        /^optin: --at: .*future/,
      ],
      [['contacts', 'add', '--phone', 'not a phone'], /^optin: --phone:/],
      [['settings', 'set', '--policy', 'us', '--quiet-hours', '07:00-22:00'], /^optin: --quiet-hours:/],
      [['contacts', 'frobnicate'], /unknown command/],
      [['contacts', 'add', '--bogus'], /^optin: unknown option --bogus for "contacts add"/],
    ] as [string[], RegExp][]) {
      const r = await optin(db, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err.trim()).toMatch(reason);
    }
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM consent_events').get()).toEqual({ n: 0 });
    expect(raw.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 0 });
    raw.close();
  });

  it('audit verify exits 1 when an event was altered', async () => {
    const db = register();
    await optin(db, 'consent', 'revoke', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing');
    const ok = await optin(db, 'audit', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, events: 2, problems: [] });
    const raw = new Database(db);
    raw.exec("DROP TRIGGER consent_events_no_update; UPDATE consent_events SET action = 'grant' WHERE id = 1;");
    raw.close();
    const bad = await optin(db, 'audit', 'verify', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, events: 2 });
  });

  it('inbound classifies a reply and acts on it', async () => {
    const db = register();
    const stop = await optin(db, 'inbound', '--from', '+79123456789', '--text', 'STOP', '--provider-id', 'SM1', '--json');
    expect(stop.code).toBe(0);
    expect(stop.json()).toMatchObject({ classified: 'opt_out', events: [{ action: 'revoke' }, { action: 'revoke' }] });
    const other = await optin(db, 'inbound', '--from', '+79123456789', '--text', 'Во сколько открываетесь?', '--json');
    expect(other.json()).toMatchObject({ classified: 'other', events: [] });
    const bad = await optin(db, 'inbound', '--from', 'nobody', '--text', 'hello');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^optin: --from:/);
  });

  it('runs as the installed bin with OPTIN_DB', () => {
    const db = register();
    const r = spawnSync(process.execPath, ['bin/optin.js', 'contacts', 'add', '--phone', '+79123456789', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, OPTIN_DB: db },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ phone: '+79123456789' });
  });
});

describe('optin import / export', () => {
  it('previews, imports, reports, exports and undoes, answering in the documented JSON shape', async () => {
    const db = register();
    const dir = join(db, '..');
    const csv = join(dir, 'crm.csv');
    writeFileSync(
      csv,
      'Имя;Телефон;Согласие на смс;Дата согласия;Источник согласия\r\nАнна;8 912 345-67-89;да;01.02.2025;анкета\r\nБорис;abc;;;\r\n',
    );
    const dry = await optin(db, 'import', csv, '--dry-run', '--report', join(dir, 'report.csv'), '--json');
    expect(dry.code).toBe(0);
    const preview = dry.json();
    expect(Object.keys(preview)).toEqual(
      expect.arrayContaining(['rows', 'created', 'updated', 'merged', 'rejected', 'consentsGranted', 'revocations', 'batch', 'errors']),
    );
    expect(preview).toMatchObject({ rows: 2, created: 1, rejected: 1, consentsGranted: 1, batch: null, errors: [{ row: 3 }] });
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toMatch(/^\uFEFFrow,problem,reason,Имя,Телефон/);
    const done = (await optin(db, 'import', csv, '--json')).json();
    expect(done).toMatchObject({ rows: 2, created: 1, batch: 1 });
    const out = join(dir, 'out.csv');
    const exp = await optin(db, 'export', '--what', 'contacts', '--encoding', 'windows-1251', '--delimiter', ';', '--out', out, '--json');
    expect(exp.json()).toMatchObject({ rows: 1, out });
    expect(iconv.decode(readFileSync(out), 'windows-1251')).toContain('Анна');
    const undo = await optin(db, 'import', 'undo', '1', '--json');
    expect(undo.json()).toMatchObject({ batch: 1, retracted: 1, contactsRemoved: 1 });
  });

  it('exits 1 with the reason when the file cannot be read', async () => {
    const db = register();
    const missing = await optin(db, 'import', join(db, '..', 'nope.csv'), '--json');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/does not exist/);
    const empty = join(db, '..', 'empty.csv');
    writeFileSync(empty, '');
    const r = await optin(db, 'import', empty);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/optin: FILE: the file is empty/);
    const bad = await optin(db, 'export', '--what', 'everything', '--out', join(db, '..', 'x.csv'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--what/);
  });

  it('a --report or --out that cannot be written is refused before anything is imported or exported, in one line', async () => {
    const db = register();
    const dir = join(db, '..');
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'phone,name\n+79120000001,Анна\n');
    const missing = join(dir, 'missing', 'report.csv');
    const folder = join(dir, 'missing');
    for (const [flag, command] of [
      ['--report', ['import', csv]],
      ['--out', ['export']],
    ] as const) {
      const tail = flag === '--report' ? '; nothing was imported' : '';
      const gone = await optin(db, ...command, flag, missing);
      expect(gone.code).toBe(1);
      expect(gone.err.trim().split('\n')).toEqual([`optin: ${flag}: cannot write ${missing}: the folder ${folder} does not exist${tail}`]);
      const isFolder = await optin(db, ...command, flag, dir);
      expect(isFolder.code).toBe(1);
      expect(isFolder.err.trim().split('\n')).toEqual([`optin: ${flag}: ${dir} is a folder; name a file to write${tail}`]);
    }
    const list = await optin(db, 'contacts', 'list', '--json');
    expect(list.json().contacts).toEqual([]);
  });
});
