import { afterEach, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createBackend, type Backend } from '../../electron/core/backend';
import { serveBackend, type ParentPortLike, type ServedBackend, type ServeOptions } from '../../electron/backend-process/serve';
import type { FromBackend, SecretSnapshot, ToBackend } from '../../electron/backend-process/protocol';
import { BackendBridge, redactKnown, type BackendChild, type BridgeOptions, type KeychainSecrets } from '../../electron/main/backend-bridge';
import type { ApiError, Result } from '../../shared/contract/errors';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'optin-backend-process-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Electron's parentPort delivers `{ data }` events; a Node MessagePort delivers the value itself. */
function fakeParentPort(port: MessagePort): ParentPortLike {
  return {
    on: (_event, listener) => port.on('message', (data: unknown) => listener({ data })),
    postMessage: (message) => port.postMessage(message),
  };
}

/** The main process's side, played by the test: a keychain in a Map, every message kept. */
class FakeMain {
  readonly messages: FromBackend[] = [];
  /** What the keychain holds, `provider/field` → value; survives a restart of the backend. */
  keychain: Map<string, string>;
  unwritable: string | null = null;
  refuseSets: string | null = null;
  /** When set, `secret.set` replies wait until release() (to see that the call's answer waits for them). */
  holdSets = false;
  private held: (() => void)[] = [];
  private waiters: { test: (m: FromBackend) => boolean; resolve: (m: FromBackend) => void }[] = [];
  private nextId = 100;

  constructor(
    private readonly port: MessagePort,
    keychain = new Map<string, string>(),
  ) {
    this.keychain = keychain;
    port.on('message', (m: FromBackend) => this.receive(m));
  }

  private receive(m: FromBackend): void {
    this.messages.push(m);
    for (const w of [...this.waiters])
      if (w.test(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    if (m.type === 'secret.get') {
      const values = [...this.keychain].map(([k, value]) => {
        const cut = k.lastIndexOf('/');
        return { provider: k.slice(0, cut), field: k.slice(cut + 1), value };
      });
      const snapshot: SecretSnapshot = { values, unwritable: this.unwritable };
      this.send({ type: 'secret.reply', id: m.id, ok: true, value: snapshot });
    } else if (m.type === 'secret.set') {
      const reply = (): void => {
        if (this.refuseSets) return this.send({ type: 'secret.reply', id: m.id, ok: false, error: this.refuseSets });
        this.keychain.set(`${m.provider}/${m.field}`, m.value);
        this.send({ type: 'secret.reply', id: m.id, ok: true });
      };
      if (this.holdSets) this.held.push(reply);
      else reply();
    } else if (m.type === 'secret.delete') {
      for (const k of [...this.keychain.keys()]) if (k.startsWith(`${m.provider}/`)) this.keychain.delete(k);
      this.send({ type: 'secret.reply', id: m.id, ok: true });
    }
  }

  release(): void {
    for (const reply of this.held.splice(0)) reply();
  }

  send(message: ToBackend): void {
    this.port.postMessage(message);
  }

  /** The first message, received or to come, that passes the test. */
  waitFor(test: (m: FromBackend) => boolean): Promise<FromBackend> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Send a call without waiting; the promise is its answer. */
  call(method: string, input: unknown, id = ++this.nextId): Promise<Result<unknown>> {
    this.send({ type: 'call', id, method, input });
    return this.result(id);
  }

  async result(id: number): Promise<Result<unknown>> {
    const m = await this.waitFor((x) => x.type === 'result' && x.id === id);
    return (m as Extract<FromBackend, { type: 'result' }>).result;
  }

  index(test: (m: FromBackend) => boolean): number {
    return this.messages.findIndex(test);
  }
}

/** A backend process's loop on a fake parentPort, with the real core on a temp register. */
function serveReal(opts: { dbPath?: string; keychain?: Map<string, string>; start?: boolean } = {}) {
  const dbPath = opts.dbPath ?? join(tempDir(), 'register.db');
  const { port1, port2 } = new MessageChannel();
  const main = new FakeMain(port2, opts.keychain);
  let backend: Backend | undefined;
  const serving = serveBackend(fakeParentPort(port1), {
    create: (start, { secrets }) => (backend = createBackend({ dbPath: start.dbPath, secrets, checkOutputs: true })),
    log: () => {},
  });
  cleanups.push(() => {
    if (backend?.db.open) backend.close();
    port1.close();
    port2.close();
  });
  if (opts.start !== false) main.send({ type: 'start', dbPath, autoResume: false });
  return { main, serving, dbPath, backend: () => backend };
}

const value = <T = Record<string, unknown>>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

describe('the backend process loop (serveBackend)', () => {
  it('opens the register when told where, then a call round-trips with the dispatcher’s envelope', async () => {
    const { main } = serveReal();
    await main.waitFor((m) => m.type === 'ready');
    const added = value<{ phone: string; id: number }>(await main.call('contacts.add', { phone: '+44 7911 123456', name: 'Ann' }));
    expect(added.phone).toBe('+447911123456');
    const listed = value<{ contacts: { id: number }[] }>(await main.call('contacts.list', {}));
    expect(listed.contacts.map((c) => c.id)).toEqual([added.id]);
    expect(await main.call('settings.get', {})).toMatchObject({ ok: true, value: expect.objectContaining({ defaultCountry: expect.any(String) }) });
  });

  it('a refused input comes back as { ok: false, error } — zod runs here, in the backend process', async () => {
    const { main } = serveReal();
    const refused = await main.call('contacts.add', { phone: 12345 });
    expect(refused.ok).toBe(false);
    const error = (refused as { error: ApiError }).error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.fields?.[0]?.path).toBe('phone');
    expect(await main.call('contacts.drop', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await main.call('contacts.add', { phone: 'not a number at all' })).toMatchObject({ ok: false });
  });

  it('calls sent before the register is open wait for it; calls in flight are answered by their own id', async () => {
    const { main } = serveReal({ start: false });
    const early = main.call('settings.get', {}, 1);
    main.send({ type: 'start', dbPath: join(tempDir(), 'register.db'), autoResume: false });
    expect((await early).ok).toBe(true);
    // Ids out of order, a lock-free call between two register calls: each answer carries its own call's id.
    const a = main.call('contacts.add', { phone: '+44 7911 123001', name: 'A' }, 7);
    const b = main.call('files.begin', { name: 'x.csv' }, 3);
    const c = main.call('contacts.add', { phone: '+44 7911 123002', name: 'C' }, 5);
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(value<{ phone: string }>(ra).phone).toBe('+447911123001');
    expect(value(rb)).toHaveProperty('uploadId');
    expect(value<{ phone: string }>(rc).phone).toBe('+447911123002');
    expect(main.messages.filter((m) => m.type === 'result').map((m) => (m as { id: number }).id)).toEqual(expect.arrayContaining([1, 7, 3, 5]));
  });

  it('asks the main process for secrets: read at start, kept by the keychain there before the save is answered, deleted there', async () => {
    const keychain = new Map<string, string>();
    const first = serveReal({ keychain });
    await first.main.waitFor((m) => m.type === 'ready');
    // The secrets were asked for before the register opened (an unfinished campaign may resume at once).
    expect(first.main.index((m) => m.type === 'secret.get')).toBeLessThan(first.main.index((m) => m.type === 'ready'));

    first.main.holdSets = true;
    let answered = false;
    const saving = first.main
      .call('providers.save', {
        name: 'shop hook',
        kind: 'webhook',
        options: { url: 'https://hooks.example.com/in' },
        secrets: { token: 'tok-4b8e1f27c9' },
      })
      .then((r) => ((answered = true), r));
    await first.main.waitFor((m) => m.type === 'secret.set');
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false); // "saved" only once the keychain has it
    first.main.release();
    expect(value(await saving)).toMatchObject({ secrets: [{ key: 'token', set: true }] });
    expect(first.main.messages.find((m) => m.type === 'secret.set')).toMatchObject({
      provider: 'shop hook',
      field: 'token',
      value: 'tok-4b8e1f27c9',
    });
    expect(keychain.get('shop hook/token')).toBe('tok-4b8e1f27c9');

    // A new backend process on the same register learns the secret from the main process.
    first.main.send({ type: 'close' });
    expect(await first.serving.closed).toBe('closed');
    const second = serveReal({ dbPath: first.dbPath, keychain });
    expect(value(await second.main.call('providers.list', {}))).toMatchObject({
      providers: [{ name: 'shop hook', secrets: [{ key: 'token', set: true }] }],
    });

    expect(value(await second.main.call('providers.remove', { name: 'shop hook' }))).toEqual({ removed: true });
    expect(second.main.messages.find((m) => m.type === 'secret.delete')).toMatchObject({ provider: 'shop hook' });
    expect(keychain.size).toBe(0);
  });

  it('no keychain: a secret is refused at once and never sent; a keychain that fails later makes the call say so', async () => {
    const dbPath = join(tempDir(), 'register.db');
    const locked = serveReal({ dbPath, start: false });
    locked.main.unwritable = 'the system keychain is not available, so the secret cannot be stored safely';
    locked.main.send({ type: 'start', dbPath, autoResume: false });
    const save = { name: 'shop hook', kind: 'webhook', options: { url: 'https://hooks.example.com/in' }, secrets: { token: 'tok-4b8e1f27c9' } };
    const refused = await locked.main.call('providers.save', save);
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('keychain is not available') } });
    expect(locked.main.index((m) => m.type === 'secret.set')).toBe(-1);

    const { main } = serveReal();
    main.refuseSets = 'the keychain is locked';
    const failed = await main.call('providers.save', save);
    expect(failed).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('the keychain is locked') } });
    // Read again from the main process: the secret the keychain does not hold is not believed in.
    expect(value(await main.call('providers.list', {}))).toMatchObject({
      providers: [{ name: 'shop hook', secrets: [{ key: 'token', set: false }] }],
    });
  });

  it('close lets the call in flight finish, closes the register, answers closed and refuses what comes after', async () => {
    const { main, serving, backend } = serveReal();
    await main.waitFor((m) => m.type === 'ready');
    const inFlight = main.call('contacts.add', { phone: '+44 7911 123003' }, 40);
    main.send({ type: 'close' });
    expect((await inFlight).ok).toBe(true);
    expect(await serving.closed).toBe('closed');
    await main.waitFor((m) => m.type === 'closed');
    expect(main.index((m) => m.type === 'result' && m.id === 40)).toBeLessThan(main.index((m) => m.type === 'closed'));
    expect(backend()!.db.open).toBe(false);
    expect(await main.call('settings.get', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('closing') },
    });
  });

  it('a register that cannot be opened is reported as fatal with the reason, and never replaced by a new one', async () => {
    const dbPath = join(tempDir(), 'register.db');
    writeFileSync(dbPath, '');
    const { main, serving } = serveReal({ dbPath, start: false });
    const waiting = main.call('settings.get', {}, 1);
    main.send({ type: 'start', dbPath, autoResume: false });
    const fatal = await main.waitFor((m) => m.type === 'fatal');
    expect(fatal).toMatchObject({ error: { code: 'REGISTER_DAMAGED', message: expect.stringContaining(dbPath) } });
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'REGISTER_DAMAGED' } });
    expect(await serving.closed).toBe('fatal');
    expect(statSync(dbPath).size).toBe(0);
  });
});

/** An in-process stand-in for a utility process: the loop over a MessageChannel, a backend the test scripts. */
class FakeChild extends EventEmitter implements BackendChild {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  private readonly port: MessagePort;
  private readonly inner: MessagePort;
  exited = false;

  constructor(create: ServeOptions['create']) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port2;
    this.inner = port1;
    port2.on('message', (m) => this.emit('message', m));
    void serveBackend(fakeParentPort(port1), { create, log: () => {} }).closed.then((how) => {
      if (how === 'closed') setTimeout(() => this.exit(0), 5);
    });
  }
  postMessage(message: ToBackend): void {
    if (!this.exited) this.port.postMessage(message);
  }
  kill(): boolean {
    this.exit(143);
    return true;
  }
  /** As a crash: the process is gone, whatever it was doing. */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.port.close();
    this.inner.close();
    this.stdout.end();
    this.stderr.end();
    this.emit('exit', code);
  }
}

class MapKeychain implements KeychainSecrets {
  readonly values = new Map<string, string>();
  snapshot(): SecretSnapshot {
    return {
      values: [...this.values].map(([k, value]) => ({ provider: k.split('/')[0]!, field: k.split('/')[1]!, value })),
      unwritable: null,
    };
  }
  set(provider: string, field: string, value: string): void {
    this.values.set(`${provider}/${field}`, value);
  }
  remove(provider: string): void {
    for (const k of [...this.values.keys()]) if (k.startsWith(`${provider}/`)) this.values.delete(k);
  }
}

/** A bridge over fake children whose backend answers `echo` at once and holds `hang` until the process goes. */
function bridgeWithFakes(extra: Partial<BridgeOptions> = {}) {
  const children: FakeChild[] = [];
  const events: { name: string; payload: unknown }[] = [];
  const lines: string[] = [];
  const gaveUp: ApiError[] = [];
  const keychain = new MapKeychain();
  keychain.set('shop hook', 'token', 'tok-4b8e1f27c9');
  let clock = 0;
  const backend = (secrets: { get(p: string, f: string): string | undefined }): ServedBackend => ({
    dispatch: async (method, input) => {
      if (method === 'hang') return new Promise<never>(() => {});
      if (method === 'secret') return { ok: true, value: secrets.get('shop hook', 'token') ?? null };
      if (method === 'log') {
        console.log(`provider said ${String(input)}`);
        return { ok: true, value: null };
      }
      return { ok: true, value: { method, input } };
    },
    close: () => {},
  });
  const bridge = new BackendBridge({
    fork: () => {
      const child = new FakeChild((_start, deps) => backend(deps.secrets));
      children.push(child);
      return child;
    },
    start: { dbPath: '/nowhere/register.db', autoResume: true },
    secrets: keychain,
    onEvent: (name, payload) => events.push({ name, payload }),
    onFatal: () => {},
    onGiveUp: (e) => gaveUp.push(e),
    log: { info: (l) => lines.push(l), error: (l) => lines.push(l) },
    now: () => (clock += 1000),
    ...extra,
  });
  cleanups.push(() => bridge.close());
  return { bridge, children, events, lines, gaveUp, keychain };
}

describe('the main process bridge (BackendBridge), in plain Node with fake utility processes', () => {
  it('passes calls through by id, answers the backend’s secret requests from the keychain, keeps secrets out of the log', async () => {
    const { bridge, children, lines } = bridgeWithFakes();
    bridge.start();
    const [a, b] = await Promise.all([bridge.invoke('echo', { n: 1 }), bridge.invoke('echo', { n: 2 })]);
    expect(a).toEqual({ ok: true, value: { method: 'echo', input: { n: 1 } } });
    expect(b).toEqual({ ok: true, value: { method: 'echo', input: { n: 2 } } });
    expect(await bridge.invoke('secret', {})).toEqual({ ok: true, value: 'tok-4b8e1f27c9' });
    children[0]!.stdout.write('calling with tok-4b8e1f27c9 now\npartial ');
    children[0]!.stdout.write('line tok-4b8e\n');
    children[0]!.stdout.write('1f27c9 split across writes\n');
    await new Promise((r) => setTimeout(r, 10));
    expect(lines).toContain('[backend] calling with [secret] now');
    expect(lines.join('\n')).not.toContain('tok-4b8e1f27c9');
    expect(redactKnown('a tok-4b8e1f27c9 b', ['tok-4b8e1f27c9'])).toBe('a [secret] b');
  });

  it('a crash answers the call it had with an error, starts a new process, tells the window, and later calls work', async () => {
    const { bridge, children, events } = bridgeWithFakes();
    bridge.start();
    expect((await bridge.invoke('echo', {})).ok).toBe(true);
    const lost = bridge.invoke('hang', {});
    await new Promise((r) => setTimeout(r, 20));
    children[0]!.exit(1);
    expect(await lost).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('stopped unexpectedly') } });
    expect(events).toEqual([{ name: 'backend.restarted', payload: { code: 1, lost: 1 } }]);
    expect(children).toHaveLength(2);
    // Calls made while the new process starts wait for it; nothing times out.
    expect(await bridge.invoke('echo', { again: true })).toEqual({ ok: true, value: { method: 'echo', input: { again: true } } });
  });

  it('gives up after too many crashes in a minute: calls are refused with the reason, the app is told', async () => {
    const { bridge, children, gaveUp } = bridgeWithFakes({ now: () => 0, maxRestarts: 2 });
    bridge.start();
    for (let i = 0; i < 3; i++) {
      await bridge.invoke('echo', {});
      children.at(-1)!.exit(1);
    }
    expect(children).toHaveLength(3);
    expect(gaveUp).toHaveLength(1);
    expect(await bridge.invoke('echo', {})).toMatchObject({ ok: false, error: { message: expect.stringContaining('keeps stopping') } });
  });

  it('close waits for the backend to close its register and end', async () => {
    const { bridge, children } = bridgeWithFakes();
    bridge.start();
    await bridge.invoke('echo', {});
    await bridge.close();
    expect(children[0]!.exited).toBe(true);
    expect(await bridge.invoke('echo', {})).toMatchObject({ ok: false, error: { message: expect.stringContaining('closing') } });
  });
});

describe('the real entry in a process of its own (child_process standing in for utilityProcess.fork)', () => {
  it('round-trips calls, survives a kill with its data, and exits 0 on close', async () => {
    const dbPath = join(tempDir(), 'register.db');
    const keychain = new MapKeychain();
    const exits: number[] = [];
    const events: string[] = [];
    const bridge = new BackendBridge({
      fork: () => {
        const child = fork('electron/backend-process/index.ts', [], {
          execArgv: ['--import', 'tsx', '--import', './test/support/parent-port.ts'],
          serialization: 'advanced',
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        });
        child.on('exit', (code, signal) => exits.push(code ?? (signal ? 137 : -1)));
        const adapted = Object.assign(new EventEmitter(), {
          postMessage: (m: ToBackend) => child.send(m),
          kill: () => child.kill('SIGKILL'),
          stdout: child.stdout,
          stderr: child.stderr,
        });
        child.on('message', (m) => adapted.emit('message', m));
        child.on('exit', (code, signal) => adapted.emit('exit', code ?? (signal ? 137 : -1)));
        return adapted as unknown as BackendChild;
      },
      start: { dbPath, autoResume: true },
      secrets: keychain,
      onEvent: (name) => events.push(name),
      onFatal: (e) => {
        throw new Error(e.message);
      },
      onGiveUp: (e) => {
        throw new Error(e.message);
      },
      log: { info: () => {}, error: () => {} },
    });
    cleanups.push(() => bridge.close());
    bridge.start();
    const added = await bridge.invoke('contacts.add', { phone: '+44 7911 123009', name: 'Kim' });
    expect(added).toMatchObject({ ok: true, value: { phone: '+447911123009' } });
    expect(await bridge.invoke('contacts.add', { phone: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    // Kill it as a crash would: the next process opens the same register, the window hears of the restart.
    (bridge as unknown as { child: { kill(): void } }).child.kill();
    await new Promise<void>((resolve) => {
      const wait = (): void => void (events.length > 0 ? resolve() : setTimeout(wait, 20));
      wait();
    });
    expect(events).toEqual(['backend.restarted']);
    expect(await bridge.invoke('contacts.list', {})).toMatchObject({ ok: true, value: { contacts: [{ name: 'Kim' }] } });

    await bridge.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(exits).toEqual([137, 0]);
  });
});
