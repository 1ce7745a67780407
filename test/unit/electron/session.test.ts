import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import {
  denyDevicePermission,
  denyPermissionCheck,
  denyPermissionRequest,
  hardenSession,
  windowWebPreferences,
  type HardenableSession,
} from '../../../electron/main/hardening';

type Handler = (...args: unknown[]) => unknown;

/** A session that keeps what hardenSession registers. */
function fakeSession() {
  const handlers: Record<string, Handler> = {};
  const listeners: Record<string, Handler> = {};
  const ses = {
    webRequest: { onHeadersReceived: (h: Handler) => (handlers.headers = h) },
    setPermissionRequestHandler: (h: Handler) => (handlers.request = h),
    setPermissionCheckHandler: (h: Handler) => (handlers.check = h),
    setDevicePermissionHandler: (h: Handler) => (handlers.device = h),
    on: (event: string, h: Handler) => (listeners[event] = h),
  };
  return { ses: ses as unknown as HardenableSession, handlers, listeners };
}

const wc = {} as WebContents;

describe('hardenSession', () => {
  it('installs a permission request, permission check and device permission handler, each refusing everything', () => {
    const { ses, handlers } = fakeSession();
    hardenSession(ses, "default-src 'self'");
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'unknown']) {
      const callback = vi.fn();
      handlers.request!(wc, permission, callback, {});
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
    }
    for (const permission of ['hid', 'serial', 'usb', 'media', 'clipboard-read', 'fullscreen', 'storage-access']) {
      expect(handlers.check!(wc, permission, 'file://', {}), permission).toBe(false);
      expect(handlers.check!(null, permission, 'http://localhost:5173', {}), permission).toBe(false);
    }
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(handlers.device!({ deviceType, origin: 'file://', device: {} }), deviceType).toBe(false);
    }
  });

  it('cancels every device chooser instead of letting it pick a device', () => {
    const { ses, listeners } = fakeSession();
    hardenSession(ses, "default-src 'self'");
    const hid = { event: { preventDefault: vi.fn() }, callback: vi.fn() };
    listeners['select-hid-device']!(hid.event, { deviceList: [{ deviceId: 'kbd' }] }, hid.callback);
    expect(hid.event.preventDefault).toHaveBeenCalled();
    expect(hid.callback).toHaveBeenCalledExactlyOnceWith();
    const serial = { event: { preventDefault: vi.fn() }, callback: vi.fn() };
    listeners['select-serial-port']!(serial.event, [{ portId: 'COM1' }], wc, serial.callback);
    expect(serial.callback).toHaveBeenCalledExactlyOnceWith('');
    const usb = { event: { preventDefault: vi.fn() }, callback: vi.fn() };
    listeners['select-usb-device']!(usb.event, { deviceList: [{ deviceId: 'scanner' }] }, usb.callback);
    expect(usb.callback).toHaveBeenCalledExactlyOnceWith();
  });

  it('adds the CSP to every response and keeps the other headers', () => {
    const { ses, handlers } = fakeSession();
    hardenSession(ses, "default-src 'self'");
    const callback = vi.fn();
    handlers.headers!({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ['default-src *'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ["default-src 'self'"] } });
  });

  it('the deny handlers stand alone too', () => {
    const callback = vi.fn();
    denyPermissionRequest(wc, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(denyPermissionCheck()).toBe(false);
    expect(denyDevicePermission()).toBe(false);
  });
});

describe('windowWebPreferences', () => {
  it('isolated, sandboxed, no Node, in both builds', () => {
    for (const isPackaged of [true, false]) {
      expect(windowWebPreferences({ isPackaged, preload: '/p.cjs' })).toMatchObject({
        preload: '/p.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      });
    }
  });

  it('DevTools only in development', () => {
    expect(windowWebPreferences({ isPackaged: true, preload: '/p.cjs' }).devTools).toBe(false);
    expect(windowWebPreferences({ isPackaged: false, preload: '/p.cjs' }).devTools).toBe(true);
  });
});
