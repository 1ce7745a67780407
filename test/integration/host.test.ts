import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost } from '../../electron/host/server';
import { testBackend } from '../support/backend';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function setup() {
  const t = testBackend();
  cleanups.push(t.cleanup);
  const web = join(t.dir, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Optin Desk</title>');
  writeFileSync(join(t.dir, 'secret.txt'), 'not for the browser');
  const host = await startHost({ dispatch: t.backend.dispatch, staticDir: web, port: 0 });
  cleanups.push(host.close);
  return { ...t, url: host.url };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('local HTTP host', () => {
  it('serves the contract with the result envelope', async () => {
    const { url } = await setup();
    const r = await post(`${url}/api/contacts.add`, { phone: '+79123456789', name: 'Анна' });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, value: { phone: '+79123456789', name: 'Анна' } });
    const bad = await post(`${url}/api/contacts.add`, { phone: 'abc' });
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'INVALID_PHONE' } });
    expect(await (await post(`${url}/api/contacts.drop`, {})).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses other origins, non-JSON bodies and GET on the API', async () => {
    const { url } = await setup();
    expect((await post(`${url}/api/settings.get`, {}, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${url}/api/settings.get`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await fetch(`${url}/api/settings.get`)).status).toBe(405);
    expect((await fetch(`${url}/api/settings.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{oops' })).status).toBe(
      400,
    );
  });

  it('serves the app shell with a strict CSP and never files outside its folder', async () => {
    const { url } = await setup();
    const r = await fetch(`${url}/contacts/42`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await r.text()).toContain('Optin Desk');
    const escape = await fetch(`${url}/..%2Fsecret.txt`);
    expect(await escape.text()).not.toContain('not for the browser');
  });
});
