import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { applicationMenuTemplate } from '../../../electron/main/hardening';

/** Every item of a template, submenus included. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}
const roles = (template: MenuItemConstructorOptions[]): string[] => items(template).flatMap((i) => (i.role ? [i.role] : []));
const FORBIDDEN = ['reload', 'forceReload', 'toggleDevTools', 'viewMenu', 'default'];

describe('applicationMenuTemplate', () => {
  it('development keeps Electron’s default menu (reload and DevTools at hand)', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(applicationMenuTemplate({ isPackaged: false, platform, appName: 'Optin Desk' })).toBeNull();
    }
  });

  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`a packaged build on ${platform} has no reload, force reload or DevTools, and keeps copy and paste`, () => {
      const template = applicationMenuTemplate({ isPackaged: true, platform, appName: 'Optin Desk' });
      expect(template).not.toBeNull();
      const all = roles(template!);
      for (const role of FORBIDDEN) expect(all, role).not.toContain(role);
      for (const item of items(template!)) {
        // No hand-made item sneaks them back in through an accelerator or a click.
        expect(item.click, item.label).toBeUndefined();
        expect(item.accelerator, item.label).toBeUndefined();
      }
      const edit = template!.find((m) => m.label === 'Edit');
      expect(roles(edit ? [edit] : [])).toEqual(
        expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll']),
      );
      const view = template!.find((m) => m.label === 'View');
      expect(roles(view ? [view] : [])).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
      expect(all).toContain(platform === 'darwin' ? 'close' : 'quit');
    });
  }

  it('macOS keeps its app menu first, named after the app, with quit; Windows and Linux have none', () => {
    const mac = applicationMenuTemplate({ isPackaged: true, platform: 'darwin', appName: 'Optin Desk' })!;
    expect(mac[0]!.label).toBe('Optin Desk');
    expect(roles([mac[0]!])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    const win = applicationMenuTemplate({ isPackaged: true, platform: 'win32', appName: 'Optin Desk' })!;
    expect(win.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window']);
    expect(roles(win)).not.toContain('about');
    expect(roles(win)).not.toContain('services');
  });
});
