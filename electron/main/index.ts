import { app, BrowserWindow, dialog, Menu, session, utilityProcess } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMainWindow, CSP, RENDERER_FILE_URL } from './window';
import { applicationMenuTemplate, hardenSession, trustedRendererOrigin } from './hardening';
import { registerIpc, sendEvent } from './ipc';
import { SafeStorageSecrets } from './os/secrets';
import { BackendBridge } from './backend-bridge';

// Thin by design: windows and IPC here; the core (electron/core, plain Node) runs in a utility process
// (electron/backend-process), so an import, a rebuild, a large plan or report never holds up the window.
let bridge: BackendBridge | undefined;
let backendClosed = false;
let mainWindow: BrowserWindow | undefined;
// The page the window loads and IPC trusts: a packaged build ignores ELECTRON_RENDERER_URL; development takes it only
// when it is plain http on a loopback address.
const renderer = trustedRendererOrigin({ isPackaged: app.isPackaged, env: process.env, rendererFileUrl: RENDERER_FILE_URL });
if (renderer.ignored) console.warn(`Optin Desk: ${renderer.ignored}; loading the app's own files.`);
// out/main, where electron-vite puts backend-process.js beside this file.
const appDir = dirname(fileURLToPath(import.meta.url));

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });

  app.whenReady().then(
    () => {
      hardenSession(session.defaultSession, CSP);
      // Packaged: no reload, no DevTools; development keeps Electron's default menu.
      const menu = applicationMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform, appName: app.name });
      if (menu) Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
      const dbPath = process.env.OPTIN_DB ?? join(app.getPath('userData'), 'register.db');
      bridge = new BackendBridge({
        fork: () => utilityProcess.fork(join(appDir, 'backend-process.js'), [], { serviceName: 'Optin Desk register', stdio: 'pipe' }),
        // Unfinished campaigns (the app quit or crashed mid-send) resume in the background.
        start: { dbPath, autoResume: true },
        // Provider secrets: encrypted by the OS keychain, kept beside the register, never inside it.
        secrets: new SafeStorageSecrets(join(dirname(dbPath), 'secrets.json')),
        onEvent: (name, payload) => sendEvent(mainWindow?.webContents, name, payload),
        onFatal: (error) => {
          // A damaged or too new register: the message names the file and what to do; nothing is created in its place.
          console.error(`Optin Desk could not open the register: ${error.message}`);
          dialog.showErrorBox('Optin Desk cannot open the register', error.message);
          app.exit(1);
        },
        onGiveUp: (error) => dialog.showErrorBox('Optin Desk stopped working', error.message),
      });
      bridge.start();
      registerIpc(
        (method, input) => bridge!.invoke(method, input),
        () => mainWindow?.webContents,
        renderer.source,
      );
      mainWindow = createMainWindow(renderer.source, app.isPackaged);
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow(renderer.source, app.isPackaged);
      });
    },
    (err: unknown) => {
      console.error('Optin Desk could not start:', err instanceof Error ? err.message : err);
      app.exit(1);
    },
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    // Web Bluetooth picks the first device found unless the chooser is handled: cancel it.
    contents.on('select-bluetooth-device', (event, _devices, callback) => {
      event.preventDefault();
      callback('');
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The register closes in its own process before the app ends: calls in flight finish, the witness is written.
  app.on('will-quit', (event) => {
    if (backendClosed || !bridge) return;
    event.preventDefault();
    void bridge.close().finally(() => {
      backendClosed = true;
      app.quit();
    });
  });
}
