import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

// electron/main/index.ts run against a fake Electron (the binary cannot run here): what the real entry point hands
// to the window, the IPC check, the session and the menu, packaged or not.

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    isPackaged: true,
    loaded: [] as string[],
    windowOptions: [] as { webPreferences?: Record<string, unknown> }[],
    menus: [] as unknown[],
    ipcHandlers: new Map<string, Listener>(),
    session: { request: undefined as Listener | undefined, check: undefined as Listener | undefined, device: undefined as Listener | undefined },
    sessionEvents: new Map<string, Listener>(),
    appEvents: new Map<string, Listener>(),
    windows: [] as { webContents: { mainFrame: { url: string } } }[],
    reset() {
      this.loaded = [];
      this.windowOptions = [];
      this.menus = [];
      this.ipcHandlers = new Map();
      this.session = { request: undefined, check: undefined, device: undefined };
      this.sessionEvents = new Map();
      this.appEvents = new Map();
      this.windows = [];
    },
  };
  return state;
});

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => fake.windows;
    webContents = {
      mainFrame: { url: '' },
      setWindowOpenHandler: () => undefined,
      on: () => undefined,
      getURL: () => this.webContents.mainFrame.url,
      isDestroyed: () => false,
      send: () => undefined,
    };
    constructor(options: { webPreferences?: Record<string, unknown> }) {
      fake.windowOptions.push(options);
      fake.windows.push(this);
    }
    once() {}
    isMinimized() {
      return false;
    }
    loadURL(url: string) {
      fake.loaded.push(url);
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    loadFile(path: string) {
      fake.loaded.push(`loadFile:${path}`);
      return Promise.resolve();
    }
  }
  return {
    app: {
      get isPackaged() {
        return fake.isPackaged;
      },
      name: 'Optin Desk',
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => true,
      on: (event: string, listener: Listener) => fake.appEvents.set(event, listener),
      whenReady: () => Promise.resolve(),
      getPath: () => '/tmp/optin-desk-wiring',
      quit: () => undefined,
      exit: () => undefined,
    },
    BrowserWindow,
    dialog: { showErrorBox: () => undefined },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => fake.menus.push(menu),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => undefined },
        setPermissionRequestHandler: (h: Listener) => (fake.session.request = h),
        setPermissionCheckHandler: (h: Listener) => (fake.session.check = h),
        setDevicePermissionHandler: (h: Listener) => (fake.session.device = h),
        on: (event: string, h: Listener) => fake.sessionEvents.set(event, h),
      },
    },
    utilityProcess: { fork: () => undefined },
    ipcMain: { handle: (channel: string, h: Listener) => fake.ipcHandlers.set(channel, h) },
    shell: { openExternal: () => Promise.resolve() },
    safeStorage: { isEncryptionAvailable: () => false },
  };
});

vi.mock('../../../electron/main/backend-bridge', () => ({
  BackendBridge: class {
    start() {}
    invoke(method: string) {
      return Promise.resolve({ ok: true, value: method });
    }
    close() {
      return Promise.resolve();
    }
  },
}));

async function boot(options: { isPackaged: boolean; rendererUrl?: string }): Promise<void> {
  fake.reset();
  fake.isPackaged = options.isPackaged;
  if (options.rendererUrl === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = options.rendererUrl;
  vi.resetModules();
  await import('../../../electron/main/index');
  // Let app.whenReady().then(…) run.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** An IPC call as the window's top frame would make it. */
async function callFromWindow(): Promise<unknown> {
  const wc = fake.windows[0]!.webContents;
  return fake.ipcHandlers.get('optin:invoke')!({ sender: wc, senderFrame: wc.mainFrame }, 'settings.get', {});
}

const saved = process.env.ELECTRON_RENDERER_URL;
let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
  if (saved === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = saved;
});

describe('electron/main/index.ts', () => {
  it('packaged with ELECTRON_RENDERER_URL set: loads its own index.html, says so, and IPC does not trust that URL', async () => {
    await boot({ isPackaged: true, rendererUrl: 'http://localhost:5173/' });
    expect(fake.loaded).toHaveLength(1);
    expect(fake.loaded[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ELECTRON_RENDERER_URL is ignored in a packaged build/));
    // Our own page: the call goes through.
    expect(await callFromWindow()).toEqual({ ok: true, value: 'settings.get' });
    // The same window showing the dev URL (as the old code would have loaded it): refused.
    fake.windows[0]!.webContents.mainFrame.url = 'http://localhost:5173/';
    expect(await callFromWindow()).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('packaged: no DevTools, a menu without reload or DevTools, every permission and device refused', async () => {
    await boot({ isPackaged: true });
    expect(fake.windowOptions[0]!.webPreferences).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(fake.menus).toHaveLength(1);
    const json = JSON.stringify((fake.menus[0] as { template: MenuItemConstructorOptions[] }).template);
    for (const role of ['"reload"', '"forceReload"', '"toggleDevTools"']) expect(json).not.toContain(role);
    expect(json).toContain('"copy"');
    const callback = vi.fn();
    fake.session.request!({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.session.check!({}, 'hid', 'file://', {})).toBe(false);
    expect(fake.session.device!({ deviceType: 'usb' })).toBe(false);
    expect([...fake.sessionEvents.keys()].sort()).toEqual(['select-hid-device', 'select-serial-port', 'select-usb-device']);
  });

  it('a web contents created later gets its Bluetooth chooser cancelled', async () => {
    await boot({ isPackaged: true });
    const on = new Map<string, Listener>();
    fake.appEvents.get('web-contents-created')!({}, { setWindowOpenHandler: () => undefined, on: (e: string, l: Listener) => on.set(e, l) });
    const event = { preventDefault: vi.fn() };
    const callback = vi.fn();
    on.get('select-bluetooth-device')!(event, [{ deviceId: 'x' }], callback);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(callback).toHaveBeenCalledWith('');
  });

  it('development with a loopback dev server: loads it and trusts it, keeps the default menu and DevTools', async () => {
    await boot({ isPackaged: false, rendererUrl: 'http://localhost:5173/' });
    expect(fake.loaded).toEqual(['http://localhost:5173/']);
    expect(fake.menus).toEqual([]);
    expect(fake.windowOptions[0]!.webPreferences).toMatchObject({ devTools: true });
    expect(await callFromWindow()).toEqual({ ok: true, value: 'settings.get' });
    fake.windows[0]!.webContents.mainFrame.url = 'http://localhost:5173.evil.example/';
    expect(await callFromWindow()).toMatchObject({ ok: false });
  });

  it('development with a dev URL that is not on this machine: ignored, the app’s own files load', async () => {
    await boot({ isPackaged: false, rendererUrl: 'http://evil.example:5173/' });
    expect(fake.loaded[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/host evil\.example is not a loopback address/));
  });
});
