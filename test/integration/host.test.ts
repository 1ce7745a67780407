import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost } from '../../electron/host/server';
import { testBackend } from '../support/backend';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuv';

async function setup(extra: { maxBodyBytes?: number } = {}) {
  const t = testBackend();
  cleanups.push(t.cleanup);
  const web = join(t.dir, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Optin Desk</title>');
  writeFileSync(join(t.dir, 'secret.txt'), 'not for the browser');
  const host = await startHost({ dispatch: t.backend.dispatch, staticDir: web, port: 0, secret: SECRET, ...extra });
  cleanups.push(host.close);
  const port = Number(new URL(host.url).port);
  return { ...t, url: host.url, port, openUrl: host.openUrl };
}

const auth = { Authorization: `Bearer ${SECRET}` };

const post = (url: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request with full control of its headers (fetch will not forge Host); path is sent as written. */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const errorOf = (a: RawAnswer) => (JSON.parse(a.text) as { ok: false; error: { code: string; message: string } }).error;

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
    expect((await post(`${url}/api/settings.get`, {}, { ...auth, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${url}/api/settings.get`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(
      415,
    );
    expect((await fetch(`${url}/api/settings.get`, { headers: auth })).status).toBe(405);
    expect(
      (await fetch(`${url}/api/settings.get`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{oops' })).status,
    ).toBe(400);
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

  it('names the address to open with the launch secret in the fragment, which never reaches the server', async () => {
    const { url, openUrl } = await setup();
    expect(openUrl).toBe(`${url}/#k=${SECRET}`);
    const t = testBackend();
    cleanups.push(t.cleanup);
    const random = await startHost({ dispatch: t.backend.dispatch, port: 0 });
    cleanups.push(random.close);
    // 32 random bytes as base64url: 43 characters, new each launch.
    expect(random.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(random.openUrl).toBe(`${random.url}/#k=${random.secret}`);
    await expect(startHost({ dispatch: t.backend.dispatch, port: 0, secret: 'short' })).rejects.toThrow(/secret/);
  });
});

describe('local HTTP host: DNS rebinding, cross-origin and unauthenticated calls', () => {
  const json = { 'Content-Type': 'application/json' };

  it('refuses a forged Host (DNS rebinding) before anything else, even with the right secret', async () => {
    const { port, call } = await setup();
    await call('contacts.add', { phone: '+79123456789', name: 'Анна' });
    for (const host of [`evil.example:${port}`, `evil.example`, `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, `localhost`]) {
      const r = await raw(port, { path: '/api/contacts.list', headers: { ...json, ...auth, Host: host }, body: '{}' });
      expect(r.status, host).toBe(403);
      expect(errorOf(r).message).toContain('Host');
      expect(r.text).not.toContain('Анна');
    }
    // The page itself is not served to a rebound name either.
    const page = await raw(port, { method: 'GET', path: '/', headers: { Host: `evil.example:${port}` } });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('Optin Desk');
  });

  it('refuses a forged Origin that matches a forged Host (the rebinding attack as reproduced)', async () => {
    const { port, call } = await setup();
    await call('contacts.add', { phone: '+79123456789', name: 'Анна' });
    const forged = { ...json, Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` };
    for (const method of ['contacts.list', 'settings.get', 'providers.list', 'consent.record']) {
      const r = await raw(port, { path: `/api/${method}`, headers: forged, body: '{}' });
      expect(r.status, method).toBe(403);
      expect(r.text).not.toContain('Анна');
    }
    // With a served Host, an Origin must be exactly the served origin.
    for (const origin of [
      `http://evil.example:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      'null',
      `http://localhost:${port}`,
    ]) {
      const r = await raw(port, { path: '/api/contacts.list', headers: { ...json, ...auth, Host: `127.0.0.1:${port}`, Origin: origin }, body: '{}' });
      expect(r.status, origin).toBe(403);
      expect(errorOf(r).message).toContain('cross-origin');
    }
  });

  it('accepts every name of the served loopback address with the secret, from the same origin or no origin', async () => {
    const { port } = await setup();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const same = await raw(port, { path: '/api/settings.get', headers: { ...json, ...auth, Host: host, Origin: `http://${host}` }, body: '{}' });
      expect(same.status, host).toBe(200);
      expect(JSON.parse(same.text)).toMatchObject({ ok: true });
      const none = await raw(port, { path: '/api/settings.get', headers: { ...json, ...auth, Host: host }, body: '{}' });
      expect(none.status, host).toBe(200);
    }
  });

  it('answers 401 to a call with no Origin and no secret (any local process), a wrong secret, or another scheme', async () => {
    const { port, call } = await setup();
    await call('contacts.add', { phone: '+79123456789', name: 'Анна' });
    const host = { Host: `127.0.0.1:${port}` };
    const cases: Record<string, Record<string, string>> = {
      'no secret': {},
      'wrong secret': { Authorization: 'Bearer wrong-secret-0123456789abcdefghijklmnopqrstu' },
      'secret with one character more': { Authorization: `Bearer ${SECRET}x` },
      'secret cut short': { Authorization: `Bearer ${SECRET.slice(0, -1)}` },
      'empty bearer': { Authorization: 'Bearer ' },
      'basic scheme': { Authorization: `Basic ${Buffer.from(`optin:${SECRET}`).toString('base64')}` },
      'secret in the query': {},
    };
    for (const [name, headers] of Object.entries(cases)) {
      const path = name === 'secret in the query' ? `/api/contacts.list?k=${SECRET}` : '/api/contacts.list';
      const r = await raw(port, { path, headers: { ...json, ...host, ...headers }, body: '{}' });
      expect(r.status, name).toBe(401);
      expect(r.headers['www-authenticate'], name).toMatch(/^Bearer/);
      expect(errorOf(r), name).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(errorOf(r).message, name).toContain('#k=');
      expect(r.text, name).not.toContain('Анна');
    }
    // A consent cannot be revoked without the secret either.
    const revoke = await raw(port, {
      path: '/api/consent.record',
      headers: { ...json, ...host },
      body: JSON.stringify({ phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'verbal_in_store' }),
    });
    expect(revoke.status).toBe(401);
    expect((await call('contacts.get', { phone: '+79123456789' })).timeline).toHaveLength(0);
  });

  it('serves the call with the right secret, and never sends CORS headers', async () => {
    const { port, url } = await setup();
    const ok = await raw(port, {
      path: '/api/contacts.add',
      headers: { ...json, ...auth, Host: `127.0.0.1:${port}` },
      body: '{"phone":"+79123456789"}',
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ ok: true, value: { phone: '+79123456789' } });
    const answers = [
      ok,
      await raw(port, {
        method: 'OPTIONS',
        path: '/api/contacts.list',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      }),
      await raw(port, { path: '/api/contacts.list', headers: { ...json, Origin: 'https://evil.example' }, body: '{}' }),
      await raw(port, { path: '/api/contacts.list', headers: json, body: '{}' }),
      await raw(port, { method: 'GET', path: '/', headers: { Origin: url } }),
    ];
    for (const a of answers) expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(answers[1]!.status).not.toBe(200);
  });

  it('answers 413 naming the limit for a body over it, declared or streamed, and serves the next call', async () => {
    const { port, url } = await setup({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ phone: '+79123456789', name: 'x'.repeat(2000) });
    const declared = await raw(port, { path: '/api/contacts.add', headers: { ...json, ...auth, Host: `127.0.0.1:${port}` }, body: big });
    expect(declared.status).toBe(413);
    expect(errorOf(declared).message).toContain('1 KB (1024 bytes)');
    const streamed = await fetch(`${url}/api/contacts.add`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(big.slice(i * 500, (i + 1) * 500)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { message: string } }).error.message).toContain('1024 bytes');
    const after = await post(`${url}/api/contacts.list`, {});
    expect(after.status).toBe(200);
  });

  it('the default body limit is 5 MB and is named in the refusal', async () => {
    const { url } = await setup();
    const r = await fetch(`${url}/api/contacts.add`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ phone: '+79123456789', name: 'x'.repeat(5 * 1024 * 1024) }),
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
      'the request body is larger than the limit of 5 MB (5242880 bytes)',
    );
  });

  it('answers 400, not 500, to bad percent-encoding in the path', async () => {
    const { port } = await setup();
    for (const path of ['/api/contacts.list%', '/api/%E0%A4%A', '/api/contacts%ZZlist', '/%', '/assets/%C0%AF.js', '/%E0%A4%A']) {
      const method = path.startsWith('/api/') ? 'POST' : 'GET';
      const r = await raw(port, {
        method,
        path,
        headers: { ...json, ...auth, Host: `127.0.0.1:${port}` },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(r.status, path).toBe(400);
      expect(r.text, path).toContain('percent-encoding');
    }
  });
});

describe('bin/host.js', () => {
  const root = join(import.meta.dirname, '..', '..');
  function runHost(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'bin', 'host.js'), ...args], { cwd: root, env: { ...process.env, ...env } });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
  }

  it('--help prints usage and exits 0 without opening any register; unknown flags are a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-host-help-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { OPTIN_DB: join(dir, 'env.db'), XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
    const help = await runHost(['--help', '--db', join(dir, 'flag.db')], env);
    expect(help.code, help.err).toBe(0);
    expect(help.out).toMatch(/^usage: /im);
    expect(help.out).toContain('--port');
    expect(help.out).toContain('#k=');
    for (const f of ['flag.db', 'env.db', 'config']) expect(existsSync(join(dir, f)), f).toBe(false);

    const unknown = await runHost(['--bogus'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('--bogus');
    expect(unknown.err).toMatch(/usage: /i);
    const badPort = await runHost(['--port', 'eighty'], env);
    expect(badPort.code).toBe(1);
    expect(badPort.err).toContain('--port');
    const noValue = await runHost(['--db'], env);
    expect(noValue.code).toBe(1);
    expect(noValue.err).toContain('--db');
    expect(existsSync(join(dir, 'env.db'))).toBe(false);
  });
});
