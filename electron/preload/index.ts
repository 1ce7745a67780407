import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// Kept in step with electron/main/ipc.ts and electron/backend-process/protocol.ts; the preload is sandboxed and
// cannot import app modules at runtime.
const INVOKE_CHANNEL = 'optin:invoke';
const EVENT_CHANNEL = 'optin:event';
const EVENTS: ReadonlySet<string> = new Set(['backend.restarted']);

/**
 * Exactly the contract: one invoke(method, input) → result envelope, and on(event, listener) for the allow-listed
 * events (returns the function that stops listening). ipcRenderer itself, and its event objects, are never exposed.
 */
contextBridge.exposeInMainWorld('bridge', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(INVOKE_CHANNEL, method, input),
  on: (event: string, listener: (payload: unknown) => void): (() => void) => {
    if (!EVENTS.has(event)) throw new Error(`unknown event: ${String(event).slice(0, 80)}`);
    const forward = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
});
