import { parseArgs } from 'node:util';
import { DEFAULT_KEEP_DAYS, relayOptionProblems, startRelay, type RelayOptions, type RelayServer } from './server';

export const RELAY_USAGE = `optin relay serve — receive WhatsApp Cloud API and Twilio webhooks for the desktop to fetch

Usage: optin relay serve --port P --data DIR [options]

  --port P            the port to listen on (0 picks a free one)                     $OPTIN_RELAY_PORT
  --data DIR          the folder for the relay's events (created when missing)       $OPTIN_RELAY_DATA
  --host H            the address to listen on (default 127.0.0.1; put a TLS proxy in front)   $OPTIN_RELAY_HOST
  --keep-days N       drop events not fetched within N days (default ${DEFAULT_KEEP_DAYS})                $OPTIN_RELAY_KEEP_DAYS
  --pull-token T      required: the desktop's key for GET /events (16+ characters)   $OPTIN_RELAY_PULL_TOKEN
  --app-secret S      Meta app secret: checks X-Hub-Signature-256 on POST /whatsapp   $OPTIN_RELAY_APP_SECRET
  --verify-token T    the verify token typed into Meta's webhook settings             $OPTIN_RELAY_VERIFY_TOKEN
  --twilio-token T    Twilio auth token: checks X-Twilio-Signature on POST /twilio    $OPTIN_RELAY_TWILIO_TOKEN
  --public-url URL    the relay's address as Twilio calls it (https://relay.example.com) $OPTIN_RELAY_PUBLIC_URL

Secrets are better given in the environment than as flags (flags show in the process list). A flag wins over its
variable. Stop with Ctrl+C or SIGTERM; events already answered 200 are on disk and survive a restart.`;

/** Where the relay command writes, and how a caller (a test, the optin command) stops it. */
export interface RelayCliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Aborting it stops the relay (as SIGINT/SIGTERM do). */
  signal?: AbortSignal | undefined;
  /** Called once the relay listens. */
  onListening?: (relay: RelayServer) => void;
  /** Whether SIGINT/SIGTERM stop it (default true). */
  handleProcessSignals?: boolean;
}

type Env = Record<string, string | undefined>;

/** The relay's options from flags and environment; `problems` names each flag that is wrong, as typed. */
export function parseRelayArgs(argv: string[], env: Env): { options: RelayOptions; problems: string[]; help: boolean } {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv;
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      host: { type: 'string' },
      'keep-days': { type: 'string' },
      'pull-token': { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      'twilio-token': { type: 'string' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const pick = (flag: keyof typeof values, name: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = env[name];
    return e === undefined || e === '' ? undefined : e;
  };
  const problems: string[] = [];
  if (positionals.length) problems.push(`unexpected argument: ${positionals[0]} (see --help)`);
  const whole = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d{1,6}$/.test(text.trim())) {
      problems.push(`--${flag}: ${text} is not a whole number`);
      return undefined;
    }
    return Number(text.trim());
  };
  const portText = pick('port', 'OPTIN_RELAY_PORT');
  if (portText === undefined) problems.push('--port is required (or $OPTIN_RELAY_PORT)');
  const dataDir = pick('data', 'OPTIN_RELAY_DATA');
  if (dataDir === undefined) problems.push('--data is required (or $OPTIN_RELAY_DATA)');
  const options: RelayOptions = {
    dataDir: dataDir ?? '',
    port: whole(portText, 'port') ?? 0,
    host: pick('host', 'OPTIN_RELAY_HOST'),
    keepDays: whole(pick('keep-days', 'OPTIN_RELAY_KEEP_DAYS'), 'keep-days'),
    pullToken: pick('pull-token', 'OPTIN_RELAY_PULL_TOKEN') ?? '',
    appSecret: pick('app-secret', 'OPTIN_RELAY_APP_SECRET'),
    verifyToken: pick('verify-token', 'OPTIN_RELAY_VERIFY_TOKEN'),
    twilioToken: pick('twilio-token', 'OPTIN_RELAY_TWILIO_TOKEN'),
    publicUrl: pick('public-url', 'OPTIN_RELAY_PUBLIC_URL'),
  };
  if (!problems.length) problems.push(...relayOptionProblems(options));
  return { options, problems, help: values.help === true };
}

/**
 * `optin relay serve …` (and `bin/optin-relay.js`): runs the relay until it is stopped. Returns the exit code: 0 after
 * a clean stop, 1 for bad flags or when it cannot start (port taken, data folder not writable).
 */
export async function runRelayServe(argv: string[], env: Env = process.env, io: RelayCliIo = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = io.stderr ?? ((t: string) => process.stderr.write(`${t}\n`));
  let parsed: ReturnType<typeof parseRelayArgs>;
  try {
    parsed = parseRelayArgs(argv, env);
  } catch (e) {
    // node:util names the unknown or malformed flag as typed.
    err(`optin relay: ${e instanceof Error ? e.message : String(e)}\n\n${RELAY_USAGE}`);
    return 1;
  }
  if (parsed.help) {
    out(RELAY_USAGE);
    return 0;
  }
  if (parsed.problems.length) {
    err(`optin relay: ${parsed.problems.join('\n  ')}`);
    return 1;
  }
  const o = parsed.options;
  let relay: RelayServer;
  try {
    relay = await startRelay({ ...o, log: (line) => out(`${new Date().toISOString()} ${line}`) });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${o.port} is already in use`
        : code === 'EACCES' || code === 'EPERM'
          ? `not allowed: ${e instanceof Error ? e.message : String(e)}`
          : e instanceof Error
            ? e.message
            : String(e);
    err(`optin relay: could not start: ${why}`);
    return 1;
  }
  const served = [o.appSecret ? 'WhatsApp (POST /whatsapp)' : null, o.twilioToken ? 'Twilio (POST /twilio)' : null].filter(Boolean).join(', ');
  out(`optin relay listening on ${relay.url} — ${served}; events kept ${o.keepDays ?? DEFAULT_KEEP_DAYS} day(s) in ${o.dataDir}`);
  io.onListening?.(relay);

  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const handleSignals = io.handleProcessSignals !== false;
  if (io.signal?.aborted) stop();
  io.signal?.addEventListener('abort', stop, { once: true });
  if (handleSignals) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  await stopped;
  io.signal?.removeEventListener('abort', stop);
  if (handleSignals) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  await relay.close();
  out('optin relay stopped');
  return 0;
}
