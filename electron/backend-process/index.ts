/// <reference types="electron" />
// The only Electron thing used here is the utility process's `process.parentPort` (a global typing, no import):
// this process runs the plain-Node core, so long work (an import, a rebuild, a plan, a large report) never
// holds up the window.
import { createBackend } from '../core/backend';
import { serveBackend } from './serve';

const port = process.parentPort as typeof process.parentPort | undefined;
if (!port) {
  process.stderr.write('This is the Optin Desk app’s background process; the app starts it. Use `optin` or `optin-host` in plain Node.\n');
  process.exit(1);
}

const serving = serveBackend(port, {
  create: (start, { secrets }) => createBackend({ dbPath: start.dbPath, secrets, autoResume: start.autoResume }),
});

void serving.closed.then((how) => {
  // A register that cannot be opened stays refused until the main process, which shows why, ends the app.
  if (how === 'closed') setTimeout(() => process.exit(0), 50);
});
