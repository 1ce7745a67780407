import { AppError, apiError, type ApiError, type Result } from '../../shared/contract/errors';
import type { SecretStore } from '../core/sending/providers/types';
import { ParentSecrets } from './parent-secrets';
import {
  hasType,
  isId,
  type BackendEvent,
  type CallMessage,
  type FromBackend,
  type SecretAsk,
  type SecretSnapshot,
  type StartMessage,
} from './protocol';

/** What the loop needs of `process.parentPort` in the utility process (in tests: a Node MessagePort behind a fake). */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: FromBackend): void;
}

/** The part of the core's Backend the loop uses. */
export interface ServedBackend {
  dispatch(method: string, input: unknown): Promise<Result<unknown>>;
  close(): void;
}

/** What the loop hands the function that builds the backend. */
export interface BackendDeps {
  /** Provider secrets, kept by the main process in the OS keychain. */
  secrets: SecretStore;
  /** Pass an event to the main process, which forwards allow-listed ones to the window. */
  emit(name: BackendEvent, payload: unknown): void;
}

/** How the loop builds the backend and reports its own failures. */
export interface ServeOptions {
  /** Open the register (createBackend in the app); may throw a refusal (damaged or too new a register). */
  create(start: StartMessage, deps: BackendDeps): ServedBackend;
  /** Where the loop's own failures go; given no input data and no secrets. */
  log?: (line: string) => void;
}

/** A running loop. */
export interface Serving {
  /** Settles once the backend is closed ('closed') or could not be opened ('fatal'). */
  closed: Promise<'closed' | 'fatal'>;
}

const closingError: ApiError = apiError('INTERNAL', 'door.closing');

/**
 * The backend process's message loop. The main process sends `start` (the register's path), then contract calls
 * `{ type: 'call', id, method, input }`; each is answered `{ type: 'result', id, result }` with the dispatcher's
 * envelope, in whatever order they finish. The method name and input are checked by the dispatcher here (zod):
 * the main process passes them on untouched. `close` lets the calls in flight finish, closes the register and
 * answers `closed`.
 */
export function serveBackend(port: ParentPortLike, options: ServeOptions): Serving {
  const log = options.log ?? ((line: string) => console.error(`[optin backend] ${line}`));
  let state: 'waiting' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed' = 'waiting';
  let backend: ServedBackend | null = null;
  let secrets: ParentSecrets | null = null;
  let fatal: ApiError | null = null;
  let closeRequested = false;
  const queued: CallMessage[] = [];
  const inFlight = new Set<Promise<void>>();
  const asks = new Map<number, { resolve: (v: SecretSnapshot | undefined) => void; reject: (e: Error) => void }>();
  let nextAsk = 0;
  let settle!: (how: 'closed' | 'fatal') => void;
  const closed = new Promise<'closed' | 'fatal'>((resolve) => (settle = resolve));

  const post = (message: FromBackend): void => {
    try {
      port.postMessage(message);
    } catch (err) {
      // A value that cannot cross (not structured-cloneable) must still answer its call.
      log(`a ${message.type} message could not be sent: ${err instanceof Error ? err.name : 'unknown error'}`);
      if (message.type === 'result')
        port.postMessage({
          type: 'result',
          id: message.id,
          result: { ok: false, error: apiError('INTERNAL', 'door.answerLost') },
        });
    }
  };
  const answer = (id: number, result: Result<unknown>): void => post({ type: 'result', id, result });

  const ask = (request: SecretAsk): Promise<SecretSnapshot | undefined> =>
    new Promise((resolve, reject) => {
      const id = ++nextAsk;
      asks.set(id, { resolve, reject });
      post({ ...request, id });
    });

  const run = (call: CallMessage): void => {
    const done = (async () => {
      let result: Result<unknown>;
      try {
        result = await backend!.dispatch(call.method, call.input);
      } catch (err) {
        // The dispatcher maps every error itself; this only guards the loop.
        log(`${call.method.slice(0, 80)} failed: ${err instanceof Error ? err.name : 'unknown error'}`);
        result = { ok: false, error: apiError('INTERNAL', 'door.internal') };
      }
      // The answer waits until the keychain has kept what the call changed, so "saved" means saved.
      const refused = secrets ? await secrets.settle() : [];
      if (refused.length > 0 && result.ok) result = { ok: false, error: apiError('INTERNAL', 'door.secretNotKept', { secrets: refused.join('; ') }) };
      answer(call.id, result);
    })();
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const close = async (): Promise<void> => {
    if (state === 'starting') {
      closeRequested = true;
      return;
    }
    if (state === 'closing' || state === 'closed') return;
    if (state === 'failed' || state === 'waiting') {
      state = 'closed';
      post({ type: 'closed' });
      settle(fatal ? 'fatal' : 'closed');
      return;
    }
    state = 'closing';
    for (const call of queued.splice(0)) answer(call.id, { ok: false, error: closingError });
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    try {
      await secrets?.settle();
    } catch {
      // settle reports, never throws; nothing more to keep
    }
    try {
      // What is in flight at the outbox stays `sending` and is reconciled at the next start.
      backend?.close();
    } catch (err) {
      log(`closing the register failed: ${err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error'}`);
    }
    state = 'closed';
    post({ type: 'closed' });
    settle('closed');
  };

  const start = async (message: StartMessage): Promise<void> => {
    state = 'starting';
    try {
      secrets = await ParentSecrets.load(ask);
      backend = options.create(message, {
        secrets,
        emit: (name, payload) => {
          if (state !== 'closed') post({ type: 'event', name, payload });
        },
      });
    } catch (err) {
      fatal =
        err instanceof AppError
          ? err.toApiError()
          : apiError('INTERNAL', 'door.registerUnopened', { reason: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error' });
      log(`could not start: ${fatal.code}: ${fatal.message}`);
      state = 'failed';
      post({ type: 'fatal', error: fatal });
      for (const call of queued.splice(0)) answer(call.id, { ok: false, error: fatal });
      if (closeRequested) {
        state = 'closed';
        post({ type: 'closed' });
      }
      settle('fatal');
      return;
    }
    state = 'ready';
    post({ type: 'ready' });
    for (const call of queued.splice(0)) run(call);
    if (closeRequested) await close();
  };

  port.on('message', (event) => {
    const message: unknown = event.data;
    if (!hasType(message)) return;
    switch (message.type) {
      case 'start':
        if (state === 'waiting' && typeof message.dbPath === 'string')
          void start({ type: 'start', dbPath: message.dbPath, autoResume: message.autoResume === true });
        return;
      case 'call': {
        if (!isId(message.id)) return;
        const call: CallMessage = {
          type: 'call',
          id: message.id,
          method: typeof message.method === 'string' ? message.method : '',
          input: message.input,
        };
        if (state === 'ready') run(call);
        else if (state === 'waiting' || state === 'starting') queued.push(call);
        else answer(call.id, { ok: false, error: fatal ?? closingError });
        return;
      }
      case 'secret.reply': {
        const pending = isId(message.id) ? asks.get(message.id) : undefined;
        if (!pending) return;
        asks.delete(message.id as number);
        if (message.ok === true) pending.resolve(message.value as SecretSnapshot | undefined);
        else pending.reject(new Error(typeof message.error === 'string' ? message.error : 'the system keychain refused the request'));
        return;
      }
      case 'close':
        void close();
        return;
    }
  });

  return { closed };
}
