import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createBackend } from '../core/backend';
import { resolveDbPath } from '../core/paths';
import { startHost } from './server';
import { EnvSecrets, MemorySecrets } from '../core/secrets';

// `optin-host [--db PATH] [--port N]`: the register over HTTP for the browser build of the UI.
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Secrets typed into the provider settings here stay in this process's memory (no OS keychain in plain Node);
// unfinished batches carry on in the background, as in the app.
const backend = createBackend({ dbPath: resolveDbPath(flag('--db')), autoResume: true, secrets: new MemorySecrets(new EnvSecrets()) });
const host = await startHost({ dispatch: backend.dispatch, staticDir: join(root, 'out', 'web'), port: Number(flag('--port') ?? 5178) });
console.log(`Optin Desk is running at ${host.url} (register: ${resolveDbPath(flag('--db'))}); press Ctrl+C to stop`);
const stop = (): void => {
  void host.close().then(() => {
    backend.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
