import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRelay, type RelayOptions, type RelayServer } from '../../electron/relay/server';
import { ackRelay, pullRelay } from '../../electron/relay/client';
import { runRelayServe } from '../../electron/relay/cli';
import { RelayStore } from '../../electron/relay/store';
import type { RelayEventsPage } from '../../electron/relay/types';
import { ProviderQueryError } from '../../electron/core/sending/providers/http';
import { metaMessage, metaPost, metaStatus, metaUserPreference, metaVerify, twilioInbound, twilioPost, twilioStatus } from '../support/fake-meta';

const APP_SECRET = 'meta-app-secret-for-tests';
const VERIFY = 'verify-token-typed-into-meta';
const PULL = 'pull-token-0123456789abcdef';
const TWILIO = 'twilio-auth-token-for-tests';
const PUBLIC = 'https://relay.example.com';
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const CUSTOMER = '+447700900123';
const SHOP = '+15005550006';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'optin-relay-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

let relay: RelayServer;
let logs: string[];
let dataDir: string;
let clock: number;

const start = (extra: Partial<RelayOptions> = {}) =>
  startRelay({
    dataDir,
    port: 0,
    pullToken: PULL,
    appSecret: APP_SECRET,
    verifyToken: VERIFY,
    twilioToken: TWILIO,
    publicUrl: PUBLIC,
    now: () => clock,
    log: (l) => logs.push(l),
    ...extra,
  });

beforeEach(async () => {
  logs = [];
  dataDir = tempDir();
  clock = Date.parse('2026-12-01T10:00:00Z');
  relay = await start();
});
afterEach(() => relay.close());

/** The raw `GET /events` answer. */
async function rawEvents(url: string, opts: { token?: string | null; after?: string; headers?: Record<string, string> } = {}) {
  const q = new URLSearchParams();
  if (opts.after) q.set('after', opts.after);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? PULL}`;
  const res = await fetch(`${url}/events?${q.toString()}`, { headers, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  return { status: res.status, page: res.status === 200 ? (JSON.parse(text) as RelayEventsPage) : null, text };
}

const text = (id: string, body = 'STOP', at = 1_764_583_200) => metaMessage({ from: CUSTOMER, id, timestamp: at, text: body });

describe('relay: Meta verification challenge', () => {
  it('echoes the challenge for the right verify token and refuses a wrong one, a wrong mode or none', async () => {
    expect(await metaVerify(relay.url, { mode: 'subscribe', token: VERIFY, challenge: '1158201444' })).toEqual({ status: 200, text: '1158201444' });
    expect((await metaVerify(relay.url, { mode: 'subscribe', token: 'guess', challenge: '1' })).status).toBe(403);
    expect((await metaVerify(relay.url, { mode: 'unsubscribe', token: VERIFY, challenge: '1' })).status).toBe(403);
    expect((await metaVerify(relay.url, { mode: 'subscribe', challenge: '1' })).status).toBe(403);
  });

  it('refuses every challenge when no verify token is set', async () => {
    await relay.close();
    relay = await start({ verifyToken: undefined });
    expect((await metaVerify(relay.url, { mode: 'subscribe', token: '', challenge: '1' })).status).toBe(403);
  });
});

describe('relay: signatures', () => {
  it.each(['wrong-secret', 'tampered', 'missing', 'malformed'] as const)(
    'a Meta webhook %s is refused with 401 and stored nowhere',
    async (signing) => {
      const r = await metaPost(relay.url, APP_SECRET, text('wamid.bad'), { signing });
      expect(r.status).toBe(401);
      expect(r.text).toContain('X-Hub-Signature-256');
      const { page } = await rawEvents(relay.url);
      expect(page!.events).toEqual([]);
    },
  );

  it.each(['wrong-secret', 'tampered', 'missing', 'malformed'] as const)(
    'a Twilio callback %s is refused with 401 and stored nowhere',
    async (signing) => {
      const fields = twilioStatus({ sid: 'SM1', to: CUSTOMER, from: SHOP, status: 'failed', errorCode: '21610', accountSid: ACCOUNT });
      const r = await twilioPost(relay.url, `${PUBLIC}/twilio`, TWILIO, fields, { signing });
      expect(r.status).toBe(401);
      expect((await rawEvents(relay.url)).page!.events).toEqual([]);
    },
  );

  it('a Twilio signature of the URL with the default port written out is accepted too', async () => {
    const fields = twilioInbound({ sid: 'SM2', from: CUSTOMER, to: SHOP, body: 'hi', accountSid: ACCOUNT });
    expect((await twilioPost(relay.url, `https://relay.example.com:443/twilio`, TWILIO, fields)).status).toBe(200);
    expect((await twilioPost(relay.url, `https://relay.example.com:8443/twilio`, TWILIO, fields)).status).toBe(401);
  });

  it('a Meta webhook with a good signature but a body that is not JSON is refused with 400 and not stored', async () => {
    expect((await metaPost(relay.url, APP_SECRET, 'not json {')).status).toBe(400);
    expect((await rawEvents(relay.url)).page!.events).toEqual([]);
  });
});

describe('relay: stored, served once, acknowledged', () => {
  it('stores a signed webhook before answering, serves it once, and drops it after the acknowledgement', async () => {
    const r = await metaPost(relay.url, APP_SECRET, text('wamid.HBgL1', 'Стоп'));
    expect(r.status).toBe(200);

    const first = await pullRelay(relay.url, PULL, null);
    expect(first.signals).toEqual([
      {
        kind: 'inbound',
        providerMessageId: 'wamid.HBgL1',
        from: CUSTOMER,
        to: '+15550783881',
        channel: 'whatsapp',
        text: 'Стоп',
        at: 1_764_583_200_000,
        via: 'whatsapp',
      },
    ]);
    expect(first).toMatchObject({ more: false, events: 1, skipped: 0 });

    // Pulled again after the page's cursor: nothing new.
    const second = await pullRelay(relay.url, PULL, first.cursor);
    expect(second.signals).toEqual([]);
    expect(second.cursor).toBe(first.cursor);

    // Not yet acknowledged: a desktop starting over (no cursor) still gets it.
    expect((await pullRelay(relay.url, PULL, null)).signals).toHaveLength(1);

    expect(await ackRelay(relay.url, PULL, first.cursor)).toBe(1);
    expect((await pullRelay(relay.url, PULL, null)).signals).toEqual([]);
    expect(await ackRelay(relay.url, PULL, first.cursor)).toBe(0);
  });

  it('pages through many events in order, then says there are no more', async () => {
    for (let i = 0; i < 5; i++) expect((await metaPost(relay.url, APP_SECRET, text(`wamid.${i}`, `m${i}`))).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await pullRelay(relay.url, PULL, cursor, { limit: 2 });
      pages++;
      for (const s of page.signals) if (s.kind === 'inbound') seen.push(s.text);
      cursor = page.cursor;
      if (!page.more || pages > 10) break;
    }
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(pages).toBe(3);
  });

  it('a page of large events stops early by size, always with at least one event, and says more follow', () => {
    const store = RelayStore.open(tempDir());
    try {
      for (let i = 0; i < 3; i++) store.append('whatsapp', JSON.stringify({ pad: 'x'.repeat(100), i }), clock);
      expect(store.page(0, 10, 50)).toMatchObject({ events: [{ id: 1 }], more: true });
      expect(store.page(0, 10, 250)).toMatchObject({ events: [{ id: 1 }, { id: 2 }], more: true });
      expect(store.page(2, 10, 250)).toMatchObject({ events: [{ id: 3 }], more: false });
      expect(store.page(0, 2)).toMatchObject({ events: [{ id: 1 }, { id: 2 }], more: true });
    } finally {
      store.close();
    }
  });

  it('an acknowledgement is refused for a cursor it never gave out or one ahead of what it stored', async () => {
    await metaPost(relay.url, APP_SECRET, text('wamid.1'));
    const page = await pullRelay(relay.url, PULL, null);
    const [instance] = page.cursor.split('.');
    await expect(ackRelay(relay.url, PULL, `${instance}.999`)).rejects.toMatchObject({ code: 'HTTP_409' });
    await expect(ackRelay(relay.url, PULL, 'abc.1')).rejects.toMatchObject({ code: 'HTTP_409' });
    await expect(ackRelay(relay.url, PULL, 'not a cursor')).rejects.toMatchObject({ code: 'HTTP_400' });
    expect((await pullRelay(relay.url, PULL, null)).signals).toHaveLength(1);
  });

  it('keeps unacknowledged events for keep-days, then drops them', async () => {
    await relay.close();
    relay = await start({ keepDays: 2 });
    await metaPost(relay.url, APP_SECRET, text('wamid.old'));
    clock += 86_400_000;
    await metaPost(relay.url, APP_SECRET, text('wamid.new'));
    expect(relay.prune()).toBe(0);
    clock += 86_400_000 + 1;
    expect(relay.prune()).toBe(1);
    const page = await pullRelay(relay.url, PULL, null);
    expect(page.signals.map((s) => (s.kind === 'inbound' ? s.providerMessageId : null))).toEqual(['wamid.new']);
  });

  it('a relay restarted on the same folder serves what was not acknowledged; a wiped folder serves everything again', async () => {
    await metaPost(relay.url, APP_SECRET, text('wamid.a'));
    const page = await pullRelay(relay.url, PULL, null);
    await relay.close();
    relay = await start();
    await metaPost(relay.url, APP_SECRET, text('wamid.b'));
    const after = await pullRelay(relay.url, PULL, page.cursor);
    expect(after.signals.map((s) => (s.kind === 'inbound' ? s.providerMessageId : null))).toEqual(['wamid.b']);

    await relay.close();
    dataDir = tempDir();
    relay = await start();
    await metaPost(relay.url, APP_SECRET, text('wamid.c'));
    // The old cursor names the old folder: the new relay serves from its start instead of skipping wamid.c.
    const fresh = await pullRelay(relay.url, PULL, after.cursor);
    expect(fresh.signals.map((s) => (s.kind === 'inbound' ? s.providerMessageId : null))).toEqual(['wamid.c']);
  });
});

describe('relay: the pull token', () => {
  it('refuses /events and /events/ack without the token or with a wrong one', async () => {
    await metaPost(relay.url, APP_SECRET, text('wamid.1'));
    expect((await rawEvents(relay.url, { token: null })).status).toBe(401);
    expect((await rawEvents(relay.url, { token: 'pull-token-0123456789abcdeX' })).status).toBe(401);
    expect((await rawEvents(relay.url, { token: '' })).status).toBe(401);
    const ack = await fetch(`${relay.url}/events/ack`, { method: 'POST', body: JSON.stringify({ cursor: 'a.1' }) });
    expect(ack.status).toBe(401);
    const err = await pullRelay(relay.url, 'wrong-token', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderQueryError);
    expect(err).toMatchObject({ code: 'RELAY_UNAUTHORIZED' });
    expect(String((err as Error).message)).not.toContain('wrong-token');
    // Still there for the right token.
    expect((await rawEvents(relay.url)).page!.events).toHaveLength(1);
  });

  it('the client refuses a plain-http relay on another machine, and one that is down is a ProviderQueryError', async () => {
    const plain = await pullRelay('http://relay.example.com', PULL, null).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(ProviderQueryError);
    expect(plain).toMatchObject({ code: 'RELAY_CONFIG', message: expect.stringContaining('use https://') });
    await expect(pullRelay('https://relay.example.com?x=1', PULL, null)).rejects.toMatchObject({ code: 'RELAY_CONFIG' });
    await expect(pullRelay('http://127.0.0.1:1', 'token with spaces', null)).rejects.toMatchObject({ code: 'RELAY_CONFIG' });
    const url = relay.url;
    await relay.close();
    const err = await pullRelay(url, PULL, null, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderQueryError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    relay = await start();
  });

  it('the client refuses an answer that is not a page of events', async () => {
    const garbage = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ events: 'nope' }));
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const port = (garbage.address() as { port: number }).port;
    try {
      await expect(pullRelay(`http://127.0.0.1:${port}`, PULL, null)).rejects.toMatchObject({ code: 'RELAY_BAD_ANSWER' });
    } finally {
      await new Promise((r) => garbage.close(r));
    }
  });
});

describe('relay: bad requests', () => {
  it('refuses a body over the limit with 413 and stores nothing (declared or streamed)', async () => {
    await relay.close();
    relay = await start({ maxBodyBytes: 4096 });
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(10_000) });
    expect((await metaPost(relay.url, APP_SECRET, big)).status).toBe(413);

    // Streamed without a Content-Length: the relay counts as it reads.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${relay.url}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
      for (let i = 0; i < 4; i++) req.write('x'.repeat(2048));
      req.end();
    });
    expect(status).toBe(413);
    expect((await rawEvents(relay.url)).page!.events).toEqual([]);
  });

  it('answers only its own paths and methods', async () => {
    for (const p of ['/', '/admin', '/events/', '/WHATSAPP', '/events%2Fack']) {
      const res = await fetch(`${relay.url}${p}`, { headers: { authorization: `Bearer ${PULL}` } });
      expect([p, res.status]).toEqual([p, 404]);
    }
    const put = await fetch(`${relay.url}/whatsapp`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await fetch(`${relay.url}/events`, { method: 'DELETE' })).status).toBe(405);
  });

  it('forged forwarding headers change nothing: not the Twilio URL it checks, not who may pull', async () => {
    const forged = {
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-host': 'evil.example.com',
      'x-forwarded-proto': 'http',
      forwarded: 'for=127.0.0.1;host=evil.example.com;proto=http',
    };
    const fields = twilioInbound({ sid: 'SM9', from: CUSTOMER, to: SHOP, body: 'STOP', accountSid: ACCOUNT });
    // Signed for the address the headers claim: refused, the relay checks its own public URL.
    expect((await twilioPost(relay.url, 'http://evil.example.com/twilio', TWILIO, fields, { headers: forged })).status).toBe(401);
    // Signed for the real address: the same answer with or without the headers.
    expect((await twilioPost(relay.url, `${PUBLIC}/twilio`, TWILIO, fields, { headers: forged })).status).toBe(200);
    // No way around the token or the signature.
    expect((await rawEvents(relay.url, { token: null, headers: forged })).status).toBe(401);
    expect((await metaPost(relay.url, APP_SECRET, text('wamid.f'), { signing: 'missing', headers: forged })).status).toBe(401);
    const page = await pullRelay(relay.url, PULL, null);
    expect(page.signals).toEqual([
      { kind: 'inbound', providerMessageId: 'SM9', from: CUSTOMER, to: SHOP, channel: 'sms', text: 'STOP', at: clock, via: 'twilio' },
    ]);
  });

  it('logs method, path and status only: no bodies, numbers, query strings or secrets', async () => {
    await metaVerify(relay.url, { mode: 'subscribe', token: VERIFY, challenge: '4242' });
    await metaPost(relay.url, APP_SECRET, text('wamid.log', 'private words'));
    await metaPost(relay.url, APP_SECRET, text('wamid.log2'), { signing: 'wrong-secret' });
    await twilioPost(
      relay.url,
      `${PUBLIC}/twilio`,
      TWILIO,
      twilioInbound({ sid: 'SM7', from: CUSTOMER, to: SHOP, body: 'private', accountSid: ACCOUNT }),
    );
    await rawEvents(relay.url, { token: 'leaked-guess-token' });
    await fetch(`${relay.url}/secret-path-${CUSTOMER}`);
    const all = logs.join('\n');
    expect(logs).toContain('POST /whatsapp 200');
    expect(logs).toContain('POST /whatsapp 401');
    expect(logs).toContain('GET /whatsapp 200');
    expect(logs).toContain('GET (other path) 404');
    for (const secret of [
      CUSTOMER,
      CUSTOMER.slice(1),
      'private',
      '4242',
      VERIFY,
      APP_SECRET,
      PULL,
      TWILIO,
      'leaked-guess-token',
      'wamid',
      'secret-path',
    ])
      expect(all).not.toContain(secret);
  });
});

describe('relay: signals the desktop gets', () => {
  it('a user_preferences marketing stop becomes an opt_out for WhatsApp marketing', async () => {
    expect((await metaPost(relay.url, APP_SECRET, metaUserPreference({ waId: CUSTOMER, value: 'stop', timestamp: 1_764_583_300 }))).status).toBe(200);
    const page = await pullRelay(relay.url, PULL, null);
    expect(page.signals).toEqual([
      {
        kind: 'opt_out',
        phone: CUSTOMER,
        channel: 'whatsapp',
        scope: 'marketing',
        evidenceId: `whatsapp:user_preferences:${CUSTOMER.slice(1)}:1764583300:stop`,
        source: 'WhatsApp user_preferences (marketing stop)',
        at: 1_764_583_300_000,
        via: 'whatsapp',
      },
    ]);
  });

  it('a Twilio status callback with 21610 becomes a failed status with opted_out and an opt_out for every purpose', async () => {
    const fields = twilioStatus({ sid: 'SMabc', to: CUSTOMER, from: SHOP, status: 'undelivered', errorCode: '21610', accountSid: ACCOUNT });
    const r = await twilioPost(relay.url, `${PUBLIC}/twilio`, TWILIO, fields);
    expect(r.status).toBe(200);
    expect(r.text).toContain('<Response>');
    const page = await pullRelay(relay.url, PULL, null);
    expect(page.signals).toEqual([
      {
        kind: 'status',
        providerMessageId: 'SMabc',
        update: { status: 'undeliverable', code: '21610', action: 'opted_out' },
        at: clock,
        via: 'twilio',
      },
      {
        kind: 'opt_out',
        phone: CUSTOMER,
        channel: 'sms',
        scope: 'all',
        evidenceId: 'twilio:SMabc:21610',
        source: 'Twilio status callback (error 21610)',
        at: clock,
        via: 'twilio',
      },
    ]);
  });

  it('a Cloud API failed status with 131050 becomes opted_out, and with 131026 unreachable', async () => {
    await metaPost(
      relay.url,
      APP_SECRET,
      metaStatus({ id: 'wamid.s1', recipient: CUSTOMER, status: 'failed', timestamp: 1_764_583_400, errorCode: 131050 }),
    );
    await metaPost(
      relay.url,
      APP_SECRET,
      metaStatus({ id: 'wamid.s2', recipient: CUSTOMER, status: 'failed', timestamp: 1_764_583_401, errorCode: 131026 }),
    );
    await metaPost(relay.url, APP_SECRET, metaStatus({ id: 'wamid.s3', recipient: CUSTOMER, status: 'delivered', timestamp: 1_764_583_402 }));
    const page = await pullRelay(relay.url, PULL, null);
    expect(page.signals).toEqual([
      {
        kind: 'status',
        providerMessageId: 'wamid.s1',
        update: { status: 'failed', code: '131050', action: 'opted_out' },
        at: 1_764_583_400_000,
        via: 'whatsapp',
      },
      expect.objectContaining({ kind: 'opt_out', phone: CUSTOMER, scope: 'marketing', evidenceId: 'whatsapp:wamid.s1:131050' }),
      {
        kind: 'status',
        providerMessageId: 'wamid.s2',
        update: { status: 'failed', code: '131026', action: 'unreachable' },
        at: 1_764_583_401_000,
        via: 'whatsapp',
      },
      { kind: 'status', providerMessageId: 'wamid.s3', update: { status: 'delivered' }, at: 1_764_583_402_000, via: 'whatsapp' },
    ]);
  });
});

describe('relay serve: the command', () => {
  it('names what is missing or wrong, as typed, and exits 1', async () => {
    const err: string[] = [];
    const run = (argv: string[], env: Record<string, string> = {}) => runRelayServe(argv, env, { stderr: (t) => err.push(t), stdout: () => {} });
    expect(await run(['serve', '--data', tempDir()])).toBe(1);
    expect(err.pop()).toContain('--port is required');
    expect(await run(['serve', '--port', '0', '--data', tempDir(), '--app-secret', 's'])).toBe(1);
    expect(err.pop()).toContain('--pull-token');
    expect(await run(['serve', '--port', 'eighty', '--data', tempDir()], { OPTIN_RELAY_PULL_TOKEN: PULL })).toBe(1);
    expect(err.pop()).toContain('--port: eighty is not a whole number');
    expect(await run(['serve', '--port', '0', '--data', tempDir(), '--twilio-token', 't'], { OPTIN_RELAY_PULL_TOKEN: PULL })).toBe(1);
    expect(err.pop()).toContain('--twilio-token needs --public-url');
    expect(await run(['serve', '--port', '0', '--data', tempDir(), '--bogus'], { OPTIN_RELAY_PULL_TOKEN: PULL })).toBe(1);
    expect(err.pop()).toContain("'--bogus'");
    expect(
      await run(['serve', '--port', String(relay.port), '--data', tempDir()], { OPTIN_RELAY_PULL_TOKEN: PULL, OPTIN_RELAY_APP_SECRET: 's' }),
    ).toBe(1);
    expect(err.pop()).toContain(`port ${relay.port} is already in use`);
  });

  it('takes its secrets from the environment and stops cleanly when asked', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    let url = '';
    const done = runRelayServe(
      ['serve', '--port', '0', '--data', tempDir()],
      { OPTIN_RELAY_PULL_TOKEN: PULL, OPTIN_RELAY_APP_SECRET: APP_SECRET },
      {
        stdout: (t) => out.push(t),
        signal: stop.signal,
        handleProcessSignals: false,
        onListening: (r) => (url = r.url),
      },
    );
    await expect.poll(() => url, { timeout: 5_000 }).not.toBe('');
    expect((await metaPost(url, APP_SECRET, text('wamid.env'))).status).toBe(200);
    expect((await pullRelay(url, PULL, null)).signals).toHaveLength(1);
    stop.abort();
    expect(await done).toBe(0);
    expect(out.join('\n')).not.toContain(PULL);
  });
});

describe('relay: durable before 200', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
  });

  const serve = async (dir: string, entry = path.resolve('bin/optin-relay.js')): Promise<{ proc: ChildProcess; url: string }> => {
    const proc = spawn(process.execPath, [entry, 'serve', '--port', '0', '--data', dir], {
      env: { ...process.env, OPTIN_RELAY_PULL_TOKEN: PULL, OPTIN_RELAY_APP_SECRET: APP_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`the relay did not start: ${seen}`)), 30_000);
      proc.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.on('exit', (code) => reject(new Error(`the relay exited with ${String(code)}: ${seen}`)));
    });
    return { proc, url };
  };

  it('an event answered 200 survives the relay being killed before the desktop acknowledged it', async () => {
    const dir = tempDir();
    const first = await serve(dir);
    for (let i = 0; i < 3; i++) expect((await metaPost(first.url, APP_SECRET, text(`wamid.k${i}`))).status).toBe(200);
    const before = await pullRelay(first.url, PULL, null, { limit: 1 });
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));

    const second = await serve(dir);
    // The cursor from before the crash still works: the rest follows it, nothing is lost or repeated.
    const rest = await pullRelay(second.url, PULL, before.cursor);
    expect(rest.signals.map((s) => (s.kind === 'inbound' ? s.providerMessageId : null))).toEqual(['wamid.k1', 'wamid.k2']);
    expect(await ackRelay(second.url, PULL, rest.cursor)).toBe(3);
    expect((await pullRelay(second.url, PULL, null)).signals).toEqual([]);
  });

  it('bundles into one file that runs with better-sqlite3 alone, as Dockerfile.relay builds it', async () => {
    const out = tempDir();
    // The esbuild that comes with tsx, found from tsx's folder as Dockerfile.relay finds it.
    const { build } = createRequire(path.resolve('node_modules/tsx/'))('esbuild') as typeof import('esbuild');
    await build({
      entryPoints: ['electron/relay/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      outfile: path.join(out, 'relay.mjs'),
      logLevel: 'silent',
    });
    const mod = path.join(out, 'node_modules');
    fs.mkdirSync(path.join(mod, 'better-sqlite3/build/Release'), { recursive: true });
    fs.cpSync('node_modules/better-sqlite3/package.json', path.join(mod, 'better-sqlite3/package.json'));
    fs.cpSync('node_modules/better-sqlite3/lib', path.join(mod, 'better-sqlite3/lib'), { recursive: true });
    fs.cpSync('node_modules/better-sqlite3/build/Release/better_sqlite3.node', path.join(mod, 'better-sqlite3/build/Release/better_sqlite3.node'));
    for (const m of ['bindings', 'file-uri-to-path']) fs.cpSync(path.join('node_modules', m), path.join(mod, m), { recursive: true });
    // Only the server is in it: the mapping and the desktop's provider code stay out of the image.
    const bundled = fs.readFileSync(path.join(out, 'relay.mjs'), 'utf8');
    expect(bundled).not.toContain('user_preferences');

    const relayed = await serve(tempDir(), path.join(out, 'relay.mjs'));
    expect((await metaPost(relayed.url, APP_SECRET, text('wamid.bundle'))).status).toBe(200);
    expect((await pullRelay(relayed.url, PULL, null)).signals).toEqual([expect.objectContaining({ providerMessageId: 'wamid.bundle' })]);
  });
});
