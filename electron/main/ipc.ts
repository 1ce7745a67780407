import { ipcMain, type WebContents } from 'electron';
import type { Result } from '../../shared/contract/errors';
import type { BackendEvent } from '../backend-process/protocol';
import { isTrustedSender, type RendererSource } from './hardening';

/** The one channel the preload uses; every contract method goes through it. */
export const INVOKE_CHANNEL = 'optin:invoke';
/** The channel allow-listed events reach the window on (window.bridge.on in the preload). */
export const EVENT_CHANNEL = 'optin:event';

/** Pass a call on to the backend process; the method name and input are checked by the dispatcher there. */
export type Invoke = (method: string, input: unknown) => Promise<Result<unknown>>;

/**
 * Register the bridge to the backend process on IPC: only calls from our own window's top frame showing the trusted
 * page (trustedRendererOrigin: never a dev URL in a packaged build) pass; the method name is checked against the
 * contract and the input parsed by zod there.
 */
export function registerIpc(invoke: Invoke, app: () => WebContents | undefined, source: RendererSource): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event, app(), source, process.platform)) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'call refused: not from the app window' } };
    }
    // Results are plain data; errors never carry stacks across the boundary.
    return invoke(typeof method === 'string' ? method : '', input);
  });
}

/** Tell the window about an allow-listed event, if it is there to hear it. */
export function sendEvent(wc: WebContents | undefined, name: BackendEvent, payload: unknown): void {
  if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, name, payload);
}
