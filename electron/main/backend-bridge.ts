import { apiError, type ApiError, type MessageKey, type MessageParams, type Result } from '../../shared/contract/errors';
import {
  hasType,
  isBackendEvent,
  isId,
  type BackendEvent,
  type CallMessage,
  type SecretReplyMessage,
  type SecretSnapshot,
  type StartMessage,
  type ToBackend,
} from '../backend-process/protocol';

// No runtime import of electron here, so the bridge runs (and is tested) in plain Node with a fake child.

/** The part of Electron's UtilityProcess the bridge uses. */
export interface BackendChild {
  postMessage(message: ToBackend): void;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  kill(): boolean;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
}

/** The main process's keychain store, as the backend process may use it. */
export interface KeychainSecrets {
  /** Every secret held, decrypted, and why a new one cannot be stored now (null when it can). */
  snapshot(): SecretSnapshot;
  set(provider: string, field: string, value: string): void;
  remove(provider: string): void;
}

/** Where the backend process's output and the bridge's own notes go. */
export interface BridgeLog {
  info(line: string): void;
  error(line: string): void;
}

/** What the bridge needs. */
export interface BridgeOptions {
  /** Start the backend process (utilityProcess.fork in the app). */
  fork(): BackendChild;
  start: Omit<StartMessage, 'type'>;
  secrets: KeychainSecrets;
  /** An allow-listed event for the window. */
  onEvent(name: BackendEvent, payload: unknown): void;
  /** The register cannot be opened (damaged, too new): the app shows why and ends; nothing is restarted. */
  onFatal(error: ApiError): void;
  /** The backend process kept stopping and is not started again. */
  onGiveUp(error: ApiError): void;
  log?: BridgeLog;
  now?: () => number;
  /** Restarts allowed within `restartWindowMs` before giving up (default 3 in 60 s). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** How long `close` waits for the register to close before ending the process (default 10 s). */
  closeGraceMs?: number;
}

interface Pending {
  message: CallMessage;
  sent: boolean;
  resolve: (result: Result<unknown>) => void;
}

/** The bridge's own failure, by key (the window translates it). */
const fail = (key: MessageKey, params?: MessageParams): Result<unknown> => ({ ok: false, error: apiError('INTERNAL', key, params) });
const CLOSING = 'door.closing' as const;

/** Replace every known secret value in a line of output. */
export function redactKnown(line: string, secrets: Iterable<string>): string {
  let out = line;
  for (const value of [...secrets].sort((a, b) => b.length - a.length)) if (value.length >= 4) out = out.split(value).join('[secret]');
  return out;
}

/**
 * The main process's side of the backend process: contract calls from the window go to it by request id and come
 * back in whatever order they finish. Calls never time out (an import or a large report takes as long as it
 * takes); a call is answered with an error only when the process that had it stopped. Then the process is started
 * again, the window hears `backend.restarted`, and calls made meanwhile wait for the new one. The backend's
 * requests for provider secrets are answered from the keychain here (safeStorage exists only in this process).
 */
export class BackendBridge {
  private child: BackendChild | null = null;
  private state: 'idle' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed' | 'stopped' = 'idle';
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private crashes: number[] = [];
  private refusal: ApiError | null = null;
  private finishClose: ((how: 'closed' | 'exit') => void) | null = null;
  /** Secret values this session has seen, kept out of the log. */
  private readonly known = new Set<string>();
  private readonly log: BridgeLog;
  private readonly now: () => number;

  constructor(private readonly options: BridgeOptions) {
    this.log = options.log ?? { info: (l) => console.log(l), error: (l) => console.error(l) };
    this.now = options.now ?? Date.now;
  }

  /** Start the backend process. */
  start(): void {
    if (this.state !== 'idle') return;
    this.spawn();
  }

  /** One contract call: the method name and input go on untouched; the dispatcher there checks both. */
  invoke(method: string, input: unknown): Promise<Result<unknown>> {
    if (this.state === 'failed' || this.state === 'stopped') return Promise.resolve({ ok: false, error: this.refusal! });
    if (this.state === 'closing' || this.state === 'closed') return Promise.resolve(fail(CLOSING));
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const entry: Pending = { message: { type: 'call', id, method, input }, sent: false, resolve };
      this.pending.set(id, entry);
      if (this.state === 'ready') this.send(entry);
    });
  }

  /** Let the calls in flight finish, close the register, end the process (after `closeGraceMs` at most). */
  close(): Promise<void> {
    const child = this.child;
    if (this.state === 'closing' || this.state === 'closed') return Promise.resolve();
    if (!child || this.state === 'failed' || this.state === 'stopped' || this.state === 'idle') {
      child?.kill();
      this.child = null;
      this.state = 'closed';
      this.answerAll(fail(CLOSING));
      return Promise.resolve();
    }
    this.state = 'closing';
    return new Promise((resolve) => {
      let exited = false;
      const done = (): void => {
        clearTimeout(timer);
        this.finishClose = null;
        // It ends itself once the register is closed; a process that does not is ended here.
        if (!exited) child.kill();
        this.child = null;
        this.state = 'closed';
        this.answerAll(fail(CLOSING));
        resolve();
      };
      let timer = setTimeout(() => {
        this.log.error('[backend] did not close in time; ending it (the register stays consistent: every write is a transaction)');
        done();
      }, this.options.closeGraceMs ?? 10_000);
      this.finishClose = (how) => {
        if (how === 'exit') {
          exited = true;
          done();
        } else {
          // The register is closed: give the process a moment to end by itself.
          clearTimeout(timer);
          timer = setTimeout(done, 1000);
        }
      };
      child.postMessage({ type: 'close' });
    });
  }

  private spawn(): void {
    const child = this.options.fork();
    this.child = child;
    this.state = 'starting';
    this.pipe(child.stdout, (l) => this.log.info(l));
    this.pipe(child.stderr, (l) => this.log.error(l));
    // Events of a process already replaced are ignored.
    child.on('message', (message) => {
      if (this.child === child) this.onMessage(child, message);
    });
    child.on('exit', (code) => {
      if (this.child === child) this.onExit(code);
    });
    child.postMessage({ type: 'start', ...this.options.start });
  }

  private send(entry: Pending): void {
    try {
      this.child!.postMessage(entry.message);
      entry.sent = true;
    } catch {
      this.pending.delete(entry.message.id);
      entry.resolve({ ok: false, error: apiError('VALIDATION_FAILED', 'door.inputNotPassed') });
    }
  }

  private answerAll(result: Result<unknown>, which: (p: Pending) => boolean = () => true): number {
    let n = 0;
    for (const [id, entry] of this.pending)
      if (which(entry)) {
        this.pending.delete(id);
        entry.resolve(result);
        n++;
      }
    return n;
  }

  private onMessage(child: BackendChild, message: unknown): void {
    if (!hasType(message)) return;
    switch (message.type) {
      case 'ready':
        if (this.state !== 'starting') return;
        this.state = 'ready';
        for (const entry of this.pending.values()) if (!entry.sent) this.send(entry);
        return;
      case 'result': {
        const entry = isId(message.id) ? this.pending.get(message.id) : undefined;
        if (!entry?.sent) return;
        this.pending.delete(entry.message.id);
        const result = message.result as Result<unknown> | undefined;
        entry.resolve(result && typeof result === 'object' && typeof result.ok === 'boolean' ? result : fail('door.answerMalformed'));
        return;
      }
      case 'secret.get':
      case 'secret.set':
      case 'secret.delete':
        this.answerSecret(child, message);
        return;
      case 'event':
        if (isBackendEvent(message.name)) this.options.onEvent(message.name, message.payload);
        return;
      case 'fatal': {
        const error = message.error as ApiError;
        this.refusal = {
          code: error.code,
          ...(error.key ? { key: error.key } : {}),
          ...(error.params ? { params: error.params } : {}),
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        };
        this.state = 'failed';
        this.answerAll({ ok: false, error: this.refusal });
        this.options.onFatal(this.refusal);
        return;
      }
      case 'closed':
        this.finishClose?.('closed');
        return;
    }
  }

  private answerSecret(child: BackendChild, message: { type: string; [key: string]: unknown }): void {
    if (!isId(message.id)) return;
    const id = message.id;
    let reply: SecretReplyMessage;
    try {
      if (message.type === 'secret.get') {
        const value = this.options.secrets.snapshot();
        for (const v of value.values) this.known.add(v.value);
        reply = { type: 'secret.reply', id, ok: true, value };
      } else if (message.type === 'secret.set') {
        const { provider, field, value } = message;
        if (typeof provider !== 'string' || typeof field !== 'string' || typeof value !== 'string') throw new Error('malformed request');
        this.known.add(value);
        this.options.secrets.set(provider, field, value);
        reply = { type: 'secret.reply', id, ok: true };
      } else {
        if (typeof message.provider !== 'string') throw new Error('malformed request');
        this.options.secrets.remove(message.provider);
        reply = { type: 'secret.reply', id, ok: true };
      }
    } catch (err) {
      reply = { type: 'secret.reply', id, ok: false, error: err instanceof Error ? err.message : 'the system keychain refused the request' };
    }
    child.postMessage(reply);
  }

  private onExit(code: number): void {
    this.child = null;
    if (this.state === 'closing') {
      this.finishClose?.('exit');
      return;
    }
    if (this.state === 'failed' || this.state === 'closed') return;
    // What the stopped process had may or may not have been done: say so, never run it again unasked.
    const lost = this.answerAll(fail('door.processStopped', { code }), (p) => p.sent);
    const now = this.now();
    this.crashes = [...this.crashes.filter((t) => now - t < (this.options.restartWindowMs ?? 60_000)), now];
    if (this.crashes.length > (this.options.maxRestarts ?? 3)) {
      this.state = 'stopped';
      this.refusal = apiError('INTERNAL', 'door.processKeepsStopping', { code });
      this.log.error(`[backend] stopped ${this.crashes.length} times within a minute (exit code ${code}); not starting it again`);
      this.answerAll({ ok: false, error: this.refusal });
      this.options.onGiveUp(this.refusal);
      return;
    }
    this.log.error(`[backend] stopped unexpectedly (exit code ${code}); ${lost} call(s) answered with an error; starting it again`);
    this.spawn();
    this.options.onEvent('backend.restarted', { code, lost });
  }

  private pipe(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
    if (!stream) return;
    let buffer = '';
    stream.setEncoding('utf8');
    const flush = (line: string): void => {
      if (line.trim() !== '') write(`[backend] ${redactKnown(line, this.known)}`);
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffer += String(chunk);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) flush(line);
      if (buffer.length > 65_536) {
        flush(buffer);
        buffer = '';
      }
    });
    stream.on('end', () => {
      flush(buffer);
      buffer = '';
    });
  }
}
