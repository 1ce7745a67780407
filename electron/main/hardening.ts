import type { MenuItemConstructorOptions, Session, WebContents, WebPreferences } from 'electron';

// The security decisions of the window's process, as plain functions: this file imports Electron's types only, so
// the unit tests run it in plain Node (test/unit/electron). window.ts, ipc.ts and index.ts apply them.

/** Where the window's page comes from, and so the one page IPC trusts. */
export type RendererSource =
  /** Our own index.html inside the app (always when packaged). */
  | { kind: 'file'; url: string }
  /** electron-vite's dev server: only when not packaged, and only over plain http on a loopback address. */
  | { kind: 'dev'; url: string; origin: string };

/** The decision and, when ELECTRON_RENDERER_URL was set but not used, why (for one line on stderr). */
export type RendererDecision = { source: RendererSource; ignored?: string };

/** Host names a dev server on this machine answers on; URL.hostname writes IPv6 in brackets. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The dev server URL if `raw` is a plain http URL on a loopback address (no credentials), else why not. */
export function loopbackDevUrl(raw: string): { url: URL } | { refused: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'not a URL' };
  }
  if (url.protocol !== 'http:') return { refused: `protocol ${url.protocol} is not http:` };
  if (!LOOPBACK_HOSTS.has(url.hostname)) return { refused: `host ${url.hostname} is not a loopback address` };
  if (url.username || url.password) return { refused: 'carries credentials' };
  return { url };
}

/**
 * The page the window loads and IPC trusts. A packaged app trusts only its own file:// index.html, whatever the
 * environment says (ELECTRON_RENDERER_URL would otherwise hand the whole API to any page it names); a development
 * run trusts the dev server only when it is plain http on a loopback address.
 */
export function trustedRendererOrigin(options: {
  isPackaged: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** The file:// URL of out/renderer/index.html (pathToFileURL of it). */
  rendererFileUrl: string;
}): RendererDecision {
  const file: RendererSource = { kind: 'file', url: options.rendererFileUrl };
  const raw = options.env.ELECTRON_RENDERER_URL;
  if (raw === undefined || raw === '') return { source: file };
  if (options.isPackaged) return { source: file, ignored: 'ELECTRON_RENDERER_URL is ignored in a packaged build' };
  const dev = loopbackDevUrl(raw);
  if ('refused' in dev) return { source: file, ignored: `ELECTRON_RENDERER_URL is ignored: ${dev.refused}` };
  return { source: { kind: 'dev', url: dev.url.href, origin: dev.url.origin } };
}

/** A file:// URL's path, decoded, without query or fragment; undefined for anything else. */
function filePath(raw: string, caseInsensitive: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  // file://server/share/… (a UNC path) is never our app's own file.
  if (url.protocol !== 'file:' || url.host !== '') return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  path = path.normalize('NFC');
  return caseInsensitive ? path.toLowerCase() : path;
}

/**
 * True when a frame's URL is the trusted page: the dev server's exact origin (not a prefix: http://localhost:5173 must
 * not trust http://localhost:5173.evil.example), or exactly our own index.html (not any file:// page). Query and
 * fragment are ignored. Paths compare without case on Windows and macOS, whose file systems ignore it.
 */
export function isTrustedFrameUrl(frameUrl: string, source: RendererSource, platform: NodeJS.Platform): boolean {
  if (source.kind === 'dev') {
    try {
      return new URL(frameUrl).origin === source.origin;
    } catch {
      return false;
    }
  }
  const caseInsensitive = platform === 'win32' || platform === 'darwin';
  const got = filePath(frameUrl, caseInsensitive);
  return got !== undefined && got === filePath(source.url, caseInsensitive);
}

/** What of an IPC event the check needs (IpcMainInvokeEvent has these). */
export type SenderLike = { sender: unknown; senderFrame: { url: string } | null };

/** True when an IPC call comes from our own window's top frame showing the trusted page. */
export function isTrustedSender(
  event: SenderLike,
  app: { mainFrame: unknown } | undefined,
  source: RendererSource,
  platform: NodeJS.Platform,
): boolean {
  const frame = event.senderFrame;
  if (!app || !frame || event.sender !== app || frame !== app.mainFrame) return false;
  return isTrustedFrameUrl(frame.url, source, platform);
}

/** The window's web preferences: isolated, sandboxed, no Node; DevTools only in development. */
export function windowWebPreferences(options: { isPackaged: boolean; preload: string }): WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools: !options.isPackaged,
  };
}

/** Permission requests (camera, notifications, clipboard, …): always refused; the camera comes later, explicitly. */
export const denyPermissionRequest = (_wc: WebContents, _permission: string, callback: (granted: boolean) => void): void => callback(false);
/** Permission checks (what navigator.permissions and device APIs ask first): always "no". */
export const denyPermissionCheck = (): boolean => false;
/** Device permissions (HID, serial, USB) already granted or remembered: none. */
export const denyDevicePermission = (): boolean => false;

/** The parts of a Session hardenSession touches (a fake in the tests). */
export type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'on'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Every response carries the CSP; every permission request, permission check and device permission is refused, and
 * a device chooser (HID, serial, USB) is cancelled rather than left to pick a device.
 */
export function hardenSession(ses: HardenableSession, csp: string): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler(denyPermissionRequest);
  ses.setPermissionCheckHandler(denyPermissionCheck);
  ses.setDevicePermissionHandler(denyDevicePermission);
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/**
 * The application menu. Development keeps Electron's default (null: reload and DevTools stay at hand). A packaged
 * build gets a menu without reload, force reload or DevTools (a console there would hand the whole API to whoever
 * sits at the till); Edit keeps copy and paste, whose shortcuts live in the menu, and macOS keeps its app menu.
 */
export function applicationMenuTemplate(options: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  appName: string;
}): MenuItemConstructorOptions[] | null {
  if (!options.isPackaged) return null;
  const mac = options.platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        separator,
        { role: 'services' },
        separator,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        separator,
        { role: 'quit' },
      ],
    });
  }
  template.push(
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }] },
    {
      label: 'Window',
      submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
  );
  return template;
}
