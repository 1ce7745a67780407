import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optin } from '../support/cli';

/**
 * optin contacts winback (issue #17): the win-back request — ask the people an import only claimed to confirm — from
 * the command line, as the import report's button does: a dry run counts who can be asked and why the others cannot;
 * the run asks them; asking again finds them already asked; bad input is refused naming the flag.
 */
let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'optin-winback-cli-'));
  db = join(dir, 'register.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('optin contacts winback', () => {
  it('counts with --dry-run, asks, finds them already asked, and refuses bad input by flag', async () => {
    expect((await optin(db, 'settings', 'set', '--business-name', 'Bike Shop Leeds', '--country', 'GB', '--policy', 'uk')).code).toBe(0);
    const csv = join(dir, 'claims.csv');
    writeFileSync(csv, ['Name,Phone,SMS consent', 'Ann,+447911200001,yes', 'Bob,+447911200002,yes', 'Cat,+447911200003,yes'].join('\n'));
    const imported = await optin(db, 'import', csv, '--json');
    expect(imported.code, imported.err).toBe(0);
    const batch = String(imported.json().batch);
    expect(imported.json()).toMatchObject({ created: 3, claims: 3 });

    // Under the UK pack a request needs the person's service consent on the channel: nobody here has one.
    const uk = await optin(db, 'contacts', 'winback', '--batch', batch, '--dry-run');
    expect(uk.code, uk.err).toBe(0);
    expect(uk.out).toContain('0 of 3 contact(s) can be asked to confirm');
    expect(uk.out).toMatch(/no_service_consent\s+3/);
    expect(uk.out).toContain('dry run: nothing was recorded or queued');

    // Under the US pack an SMS request may stand on the claim itself.
    expect((await optin(db, 'settings', 'set', '--policy', 'us')).code).toBe(0);
    const dry = await optin(db, 'contacts', 'winback', '--batch', batch, '--channel', 'sms', '--dry-run', '--json');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.json()).toMatchObject({ considered: 3, askable: 3, byChannel: { sms: 3, whatsapp: 0 }, asked: 0 });

    const asked = await optin(db, 'contacts', 'winback', '--import', batch, '--channel', 'sms');
    expect(asked.code, asked.err).toBe(0);
    expect(asked.out).toContain('3 of 3 contact(s) can be asked to confirm (SMS 3)');
    expect(asked.out).toContain('3 confirmation request(s) recorded and queued');
    expect(asked.out).toContain('the request (en): ');

    const again = await optin(db, 'contacts', 'winback', '--batch', batch, '--channel', 'sms', '--json');
    expect(again.json()).toMatchObject({ askable: 0, asked: 0, blocked: [{ reason: 'already_asked', count: 3 }] });
    const ids = await optin(db, 'contacts', 'show', '--phone', '+447911200001', '--json');
    const id = String((ids.json().contact as { id: number }).id);
    expect((await optin(db, 'contacts', 'winback', '--ids', id, '--dry-run', '--json')).json()).toMatchObject({ considered: 1, askable: 0 });

    for (const [args, said] of [
      [[], 'name whom to ask: --batch N (an import), --ids N[,N], or everyone --query, filter flags or --segment match'],
      [['--batch', 'x'], '--batch: expected a whole number, got "x"'],
      [['--batch', batch, '--channel', 'fax'], '--channel: expected sms or whatsapp, got "fax"'],
      [['--batch', '999'], 'no import 999'],
      [['--batch', batch, '--ids', id], 'name whom to ask: contact ids, an import, or everyone a search matches, one of the three'],
      [['--batch', batch, '--status', 'unproven'], 'name whom to ask: contact ids, an import, or everyone a search matches, one of the three'],
      [['--status', 'maybe'], '--status'],
      [['--segment', 'nobody'], 'segment'],
    ] as const) {
      const r = await optin(db, 'contacts', 'winback', ...args);
      expect(r.code, `${args.join(' ')}: ${r.out}`).not.toBe(0);
      expect(r.err).toContain(said);
    }
    expect((await optin(db, 'audit', 'verify')).code).toBe(0);
  });

  it('asks everyone a search or filter finds, the whole list and not one page of it', async () => {
    expect((await optin(db, 'settings', 'set', '--business-name', 'Bike Shop Boston', '--country', 'US', '--policy', 'us')).code).toBe(0);
    const csv = join(dir, 'claims.csv');
    const rows = Array.from({ length: 130 }, (_, i) => `Rider ${i},+1617555${String(1000 + i)},${i < 120 ? 'yes' : ''}`);
    writeFileSync(csv, ['Name,Phone,SMS consent', ...rows].join('\n'));
    expect((await optin(db, 'import', csv)).code).toBe(0);
    const claimed = await optin(db, 'contacts', 'winback', '--status', 'unproven', '--channel', 'sms', '--dry-run', '--json');
    expect(claimed.code, claimed.err).toBe(0);
    expect(claimed.json()).toMatchObject({ considered: 120, askable: 120, byChannel: { sms: 120, whatsapp: 0 } });
    const found = await optin(db, 'contacts', 'winback', '--query', 'Rider 12', '--channel', 'sms', '--json');
    expect(found.code, found.err).toBe(0);
    // Rider 12 and Rider 120…129: the ten without a claim cannot be asked.
    expect(found.json()).toMatchObject({ considered: 11, askable: 1, asked: 1, blocked: [{ reason: 'not_claimed', count: 10 }] });
    expect((await optin(db, 'audit', 'verify')).code).toBe(0);
  });
});
