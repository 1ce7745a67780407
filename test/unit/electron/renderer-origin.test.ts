import { describe, expect, it } from 'vitest';
import { isTrustedFrameUrl, isTrustedSender, loopbackDevUrl, trustedRendererOrigin, type RendererSource } from '../../../electron/main/hardening';

const FILE = 'file:///opt/Optin%20Desk/resources/app.asar/out/renderer/index.html';
const DEV = 'http://localhost:5173/';

describe('trustedRendererOrigin', () => {
  it('a packaged build ignores ELECTRON_RENDERER_URL, even a loopback one, and trusts only its own index.html', () => {
    for (const url of [DEV, 'http://127.0.0.1:5173', 'http://evil.example/', 'https://evil.example/']) {
      const decision = trustedRendererOrigin({ isPackaged: true, env: { ELECTRON_RENDERER_URL: url }, rendererFileUrl: FILE });
      expect(decision.source).toEqual({ kind: 'file', url: FILE });
      expect(decision.ignored).toMatch(/packaged/);
      expect(isTrustedFrameUrl(url, decision.source, 'linux')).toBe(false);
    }
  });

  it('a packaged build without the variable loads its own file, with nothing to report', () => {
    expect(trustedRendererOrigin({ isPackaged: true, env: {}, rendererFileUrl: FILE })).toEqual({ source: { kind: 'file', url: FILE } });
  });

  it('development takes a loopback http dev server and trusts its origin', () => {
    for (const [raw, origin] of [
      ['http://localhost:5173', 'http://localhost:5173'],
      ['http://127.0.0.1:5173/', 'http://127.0.0.1:5173'],
      ['http://[::1]:5173/', 'http://[::1]:5173'],
      ['http://LOCALHOST:5173/', 'http://localhost:5173'],
    ] as const) {
      const decision = trustedRendererOrigin({ isPackaged: false, env: { ELECTRON_RENDERER_URL: raw }, rendererFileUrl: FILE });
      expect(decision.ignored).toBeUndefined();
      expect(decision.source).toMatchObject({ kind: 'dev', origin });
    }
  });

  it('development ignores a dev URL that is not plain http on a loopback address, and loads the files instead', () => {
    for (const raw of [
      'http://evil.example:5173/',
      'http://localhost.evil.example:5173/',
      'http://192.168.1.10:5173/',
      'http://0.0.0.0:5173/',
      'https://localhost:5173/',
      'http://user:pw@localhost:5173/',
      'file:///tmp/evil.html',
      'javascript:alert(1)',
      'not a url',
    ]) {
      const decision = trustedRendererOrigin({ isPackaged: false, env: { ELECTRON_RENDERER_URL: raw }, rendererFileUrl: FILE });
      expect(decision.source, raw).toEqual({ kind: 'file', url: FILE });
      expect(decision.ignored, raw).toMatch(/ELECTRON_RENDERER_URL is ignored/);
    }
  });

  it('says why a dev URL is refused', () => {
    expect(loopbackDevUrl('https://localhost/')).toEqual({ refused: 'protocol https: is not http:' });
    expect(loopbackDevUrl('http://evil.example/')).toEqual({ refused: 'host evil.example is not a loopback address' });
  });
});

describe('isTrustedFrameUrl', () => {
  const dev: RendererSource = { kind: 'dev', url: DEV, origin: 'http://localhost:5173' };
  const file: RendererSource = { kind: 'file', url: FILE };

  it('the dev server is trusted by exact origin, not by prefix', () => {
    expect(isTrustedFrameUrl('http://localhost:5173/', dev, 'linux')).toBe(true);
    expect(isTrustedFrameUrl('http://localhost:5173/index.html?x=1#/contacts', dev, 'linux')).toBe(true);
    // The old startsWith(devUrl) check let these through.
    expect(isTrustedFrameUrl('http://localhost:5173.evil.example/', dev, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('http://localhost:51730/', dev, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('http://localhost:5174/', dev, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('https://localhost:5173/', dev, 'linux')).toBe(false);
    expect(isTrustedFrameUrl(FILE, dev, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('garbage', dev, 'linux')).toBe(false);
  });

  it('the packaged app trusts its own index.html only, not any file:// page', () => {
    expect(isTrustedFrameUrl(FILE, file, 'linux')).toBe(true);
    expect(isTrustedFrameUrl(`${FILE}#token=abc`, file, 'linux')).toBe(true);
    expect(isTrustedFrameUrl(`${FILE}?lang=ru`, file, 'linux')).toBe(true);
    expect(isTrustedFrameUrl('file:///opt/Optin Desk/resources/app.asar/out/renderer/index.html', file, 'linux')).toBe(true);
    // The old startsWith('file://') check trusted all of these.
    expect(isTrustedFrameUrl('file:///tmp/evil.html', file, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('file:///opt/Optin%20Desk/resources/app.asar/out/renderer/other.html', file, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('file://evil-server/opt/Optin%20Desk/resources/app.asar/out/renderer/index.html', file, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('http://localhost:5173/', file, 'linux')).toBe(false);
    expect(isTrustedFrameUrl('file:///OPT/Optin%20Desk/resources/app.asar/out/renderer/index.html', file, 'linux')).toBe(false);
  });

  it('paths compare without case where the file system ignores it, and with any percent-encoding', () => {
    const win: RendererSource = { kind: 'file', url: 'file:///C:/Program%20Files/Optin%20Desk/resources/app.asar/out/renderer/index.html' };
    expect(isTrustedFrameUrl('file:///c:/program files/optin desk/resources/app.asar/out/renderer/index.html', win, 'win32')).toBe(true);
    expect(isTrustedFrameUrl('file:///c:/program files/optin desk/resources/app.asar/out/renderer/index.html', win, 'linux')).toBe(false);
    const ru: RendererSource = { kind: 'file', url: 'file:///Users/%D0%BC%D0%B0%D0%B3%D0%B0%D0%B7%D0%B8%D0%BD/App/index.html' };
    expect(isTrustedFrameUrl('file:///Users/магазин/App/index.html', ru, 'darwin')).toBe(true);
    expect(isTrustedFrameUrl('file:///Users/%D0%BC%D0%B0%D0%B3%D0%B0%D0%B7%D0%B8%D0%BD/App/index.html', ru, 'darwin')).toBe(true);
    expect(isTrustedFrameUrl('file:///Users/%E0%A4%A/App/index.html', ru, 'darwin')).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const source: RendererSource = { kind: 'file', url: FILE };
  const mainFrame = { url: FILE };
  const app = { mainFrame };

  it('passes a call from our window’s top frame showing our page', () => {
    expect(isTrustedSender({ sender: app, senderFrame: mainFrame }, app, source, 'linux')).toBe(true);
  });

  it('refuses another window, a subframe, a destroyed frame, no window, or our frame on another page', () => {
    expect(isTrustedSender({ sender: { mainFrame }, senderFrame: mainFrame }, app, source, 'linux')).toBe(false);
    expect(isTrustedSender({ sender: app, senderFrame: { url: FILE } }, app, source, 'linux')).toBe(false);
    expect(isTrustedSender({ sender: app, senderFrame: null }, app, source, 'linux')).toBe(false);
    expect(isTrustedSender({ sender: app, senderFrame: mainFrame }, undefined, source, 'linux')).toBe(false);
    const elsewhere = { url: 'file:///tmp/evil.html' };
    expect(isTrustedSender({ sender: { mainFrame: elsewhere }, senderFrame: elsewhere }, { mainFrame: elsewhere }, source, 'linux')).toBe(false);
  });

  it('in a packaged build a page served at ELECTRON_RENDERER_URL is refused', () => {
    const { source: packaged } = trustedRendererOrigin({ isPackaged: true, env: { ELECTRON_RENDERER_URL: DEV }, rendererFileUrl: FILE });
    const frame = { url: DEV };
    expect(isTrustedSender({ sender: { mainFrame: frame }, senderFrame: frame }, { mainFrame: frame }, packaged, 'linux')).toBe(false);
  });
});
