import { homedir } from 'node:os';
import { join } from 'node:path';

/** The app's own user-data folder, as Electron's app.getPath('userData') would give it for "Optin Desk". */
export function defaultUserDataDir(): string {
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Optin Desk');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Optin Desk');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Optin Desk');
}

/** The register's file: --db, else OPTIN_DB, else the app's own database. */
export function resolveDbPath(flag?: string): string {
  return flag ?? process.env.OPTIN_DB ?? join(defaultUserDataDir(), 'register.db');
}
