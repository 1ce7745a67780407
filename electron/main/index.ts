import { app, BrowserWindow, dialog } from 'electron';
import { dirname, join } from 'node:path';
import { createBackend, type Backend } from '../core/backend';
import { createMainWindow, hardenSession } from './window';
import { registerIpc } from './ipc';
import { SafeStorageSecrets } from './os/secrets';

// Thin by design: everything but windows and IPC lives in electron/core and runs in plain Node.
let backend: Backend | undefined;
let mainWindow: BrowserWindow | undefined;
const devUrl = process.env.ELECTRON_RENDERER_URL;

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
      hardenSession();
      const dbPath = process.env.OPTIN_DB ?? join(app.getPath('userData'), 'register.db');
      // Provider secrets: encrypted by the OS keychain, kept beside the register, never inside it.
      // Unfinished batches (the app quit or crashed mid-send) resume in the background.
      backend = createBackend({ dbPath, secrets: new SafeStorageSecrets(join(dirname(dbPath), 'secrets.json')), autoResume: true });
      registerIpc(backend.dispatch, () => mainWindow?.webContents, devUrl);
      mainWindow = createMainWindow(devUrl);
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow(devUrl);
      });
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      console.error('Optin Desk could not start:', message);
      // A register that is damaged, gone or newer is the person's to act on: say so (the message names the file).
      const code = (err as { code?: string }).code;
      if (code === 'REGISTER_DAMAGED' || code === 'SCHEMA_TOO_NEW') dialog.showErrorBox('Optin Desk cannot open the register', message);
      app.exit(1);
    },
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => backend?.close());
}
