import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const USAGE = `usage: optin-host [--db PATH] [--port N]

Serves the register and the browser build of the UI (npm run build:web) on http://127.0.0.1:PORT.
It prints the address to open, e.g. http://127.0.0.1:5178/#k=SECRET: the part after #k= is this launch's access
key, new at every start. Only a page opened with it can use the register; keep it private.

  --db PATH   the register file (default: $OPTIN_DB, else the app's own register)
  --port N    the port to serve on, 0–65535 (default 5178; 0 picks a free one)
  --help      print this and exit`;

/** What the command line asks for, or why it cannot be followed. */
type Parsed = { help: true } | { help: false; db: string | undefined; port: number } | { error: string };

/** Reads `--db PATH --port N --help` (also `--flag=value`); anything else is a usage error naming it. */
function parseHostArgs(args: string[]): Parsed {
  let db: string | undefined;
  let port = 5178;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== '--db' && name !== '--port') return { error: `${arg}: unknown option` };
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return { error: `${name}: give a value` };
    if (name === '--db') db = value;
    else {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) return { error: `--port: expected a port number from 0 to 65535, got "${value}"` };
      port = Number(value);
    }
  }
  return { help: false, db, port };
}

const parsed = parseHostArgs(process.argv.slice(2));
if ('error' in parsed) {
  process.stderr.write(`optin-host: ${parsed.error}\n${USAGE}\n`);
  process.exit(1);
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

// Loaded only now, so --help and usage errors never open (or create) a register.
const [{ createBackend }, { resolveDbPath }, { startHost }, { EnvSecrets, MemorySecrets }] = await Promise.all([
  import('../core/backend'),
  import('../core/infra/paths'),
  import('./server'),
  import('../core/infra/secrets'),
]);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dbPath = resolveDbPath(parsed.db);
// Secrets typed into the provider settings here stay in this process's memory (no OS keychain in plain Node);
// unfinished batches carry on in the background, as in the app.
let backend: ReturnType<typeof createBackend>;
try {
  backend = createBackend({ dbPath, autoResume: true, secrets: new MemorySecrets(new EnvSecrets()) });
} catch (err) {
  // A damaged, truncated or newer register is refused with a message naming the file; never a stack trace.
  const code = (err as { code?: string }).code;
  if (code === 'REGISTER_DAMAGED' || code === 'SCHEMA_TOO_NEW') {
    process.stderr.write(`optin-host: ${(err as Error).message}\n`);
    process.exit(1);
  }
  throw err;
}
const host = await startHost({ dispatch: backend.dispatch, staticDir: join(root, 'out', 'web'), port: parsed.port });
console.log(`Optin Desk is running (register: ${dbPath}). Open this address in the browser; it carries this launch's access key:
  ${host.openUrl}
Press Ctrl+C to stop.`);
const stop = (): void => {
  void host.close().then(() => {
    backend.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
