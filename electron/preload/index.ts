import { contextBridge, ipcRenderer } from 'electron';

// Kept in step with electron/main/ipc.ts; the preload is sandboxed and cannot import app modules at runtime.
const INVOKE_CHANNEL = 'optin:invoke';

/** Exactly the contract: one invoke(method, input) → result envelope. ipcRenderer itself is never exposed. */
contextBridge.exposeInMainWorld('bridge', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(INVOKE_CHANNEL, method, input),
});
