import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optin } from '../support/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optin-cli-sync-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('optin providers sync', () => {
  it('syncs every provider or one by name, in words or JSON, and refuses a name that is not a provider', async () => {
    const db = path.join(dir, 'shop.db');
    expect((await optin(db, 'providers', 'sync')).out).toMatch(/no providers to sync/);
    const added = await optin(db, 'providers', 'add', '--name', 'hook', '--kind', 'webhook', '--url', 'https://relay.example/in');
    expect(added.code).toBe(0);
    const json = await optin(db, 'providers', 'sync', '--provider', 'hook', '--json');
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ providers: [{ name: 'hook', kind: 'webhook', inbound: 0, optOuts: 0, statuses: 0, error: null }] });
    const words = await optin(db, 'providers', 'sync');
    expect(words.out).toMatch(/hook \(webhook\): 0 replies, 0 opt-outs, 0 confirmations, 0 delivery results/);
    const unknown = await optin(db, 'providers', 'sync', '--provider', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/nobody/);
  });
});
