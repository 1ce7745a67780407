/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** `http` in the browser build (local host), `ipc` in the Electron build. */
  readonly VITE_TRANSPORT: 'http' | 'ipc';
}

interface Window {
  /** Exposed by the Electron preload: exactly the contract, nothing else. */
  bridge?: { invoke(method: string, input: unknown): Promise<unknown> };
}
