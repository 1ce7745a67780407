import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Dispatch } from '../../shared/contract/dispatch';

/** The one channel the preload uses; every contract method goes through it. */
export const INVOKE_CHANNEL = 'optin:invoke';

/** True when the call comes from our own window's top frame, loaded from our own files or dev server. */
function fromOwnFrame(event: IpcMainInvokeEvent, app: WebContents, devUrl: string | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== app || frame !== app.mainFrame) return false;
  const url = frame.url;
  return url.startsWith('file://') || (devUrl !== undefined && url.startsWith(devUrl));
}

/** Register the dispatcher on IPC: the method name is checked against the contract and the input parsed by zod there. */
export function registerIpc(dispatch: Dispatch, app: () => WebContents | undefined, devUrl: string | undefined): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    const wc = app();
    if (!wc || !fromOwnFrame(event, wc, devUrl)) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'call refused: not from the app window' } };
    }
    // Results are plain data; errors never carry stacks across the boundary.
    return dispatch(typeof method === 'string' ? method : '', input);
  });
}
