import { BrowserWindow, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { windowWebPreferences, type RendererSource } from './hardening';

// out/main, whether the bundle runs as ESM or CommonJS.
const appDir = dirname(fileURLToPath(import.meta.url));

/** The CSP every renderer response carries; the HTTP host uses the same policy. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The file:// URL of the built renderer (inside app.asar when packaged); the window loads exactly this URL. */
export const RENDERER_FILE_URL = pathToFileURL(join(appDir, '../renderer/index.html')).href;

/** The one app window: isolated, sandboxed, no Node, no navigation away, no new windows; DevTools only in development. */
export function createMainWindow(source: RendererSource, isPackaged: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Optin Desk',
    webPreferences: windowWebPreferences({ isPackaged, preload: join(appDir, '../preload/index.cjs') }),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the system browser, never inside the app.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The same URL IPC trusts (see trustedRendererOrigin): the dev server, or our own index.html loaded by its file URL.
  void win.loadURL(source.url);
  return win;
}
