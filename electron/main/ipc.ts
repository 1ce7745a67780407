import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Result } from '../../shared/contract/errors';
import type { BackendEvent } from '../backend-process/protocol';

/** The one channel the preload uses; every contract method goes through it. */
export const INVOKE_CHANNEL = 'optin:invoke';
/** The channel allow-listed events reach the window on (window.bridge.on in the preload). */
export const EVENT_CHANNEL = 'optin:event';

/** Pass a call on to the backend process; the method name and input are checked by the dispatcher there. */
export type Invoke = (method: string, input: unknown) => Promise<Result<unknown>>;

/** True when the call comes from our own window's top frame, loaded from our own files or dev server. */
function fromOwnFrame(event: IpcMainInvokeEvent, app: WebContents, devUrl: string | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== app || frame !== app.mainFrame) return false;
  const url = frame.url;
  return url.startsWith('file://') || (devUrl !== undefined && url.startsWith(devUrl));
}

/** Register the bridge to the backend process on IPC: the method name is checked against the contract and the input parsed by zod there. */
export function registerIpc(invoke: Invoke, app: () => WebContents | undefined, devUrl: string | undefined): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    const wc = app();
    if (!wc || !fromOwnFrame(event, wc, devUrl)) {
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
