import { runRelayServe } from '../../relay/cli';
import type { Flag, Group } from '../spec';

/** The relay's flags, as `optin relay serve` takes them; each also has its environment variable (see --help). */
const FLAGS: readonly (Flag & { env: string })[] = [
  { name: 'port', value: 'P', summary: 'the port to listen on (0 picks a free one)', env: 'OPTIN_RELAY_PORT' },
  { name: 'data', value: 'DIR', summary: "the folder for the relay's events (created when missing)", env: 'OPTIN_RELAY_DATA' },
  { name: 'host', value: 'H', summary: 'the address to listen on (default 127.0.0.1; put a TLS proxy in front)', env: 'OPTIN_RELAY_HOST' },
  { name: 'keep-days', value: 'N', summary: 'drop events not fetched within N days', env: 'OPTIN_RELAY_KEEP_DAYS' },
  { name: 'pull-token', value: 'T', summary: "the desktop's key for GET /events (16+ characters)", env: 'OPTIN_RELAY_PULL_TOKEN' },
  { name: 'app-secret', value: 'S', summary: 'Meta app secret: checks X-Hub-Signature-256 on POST /whatsapp', env: 'OPTIN_RELAY_APP_SECRET' },
  { name: 'verify-token', value: 'T', summary: "the verify token typed into Meta's webhook settings", env: 'OPTIN_RELAY_VERIFY_TOKEN' },
  { name: 'twilio-token', value: 'T', summary: 'Twilio auth token: checks X-Twilio-Signature on POST /twilio', env: 'OPTIN_RELAY_TWILIO_TOKEN' },
  { name: 'public-url', value: 'URL', summary: 'the relay’s address as Twilio calls it (https://relay.example.com)', env: 'OPTIN_RELAY_PUBLIC_URL' },
];

export const relayGroup: Group = {
  title: 'Relay (a small server for webhooks)',
  commands: [
    {
      words: ['relay', 'serve'],
      summary: 'receive WhatsApp Cloud API and Twilio webhooks for the desktop to fetch (runs until stopped)',
      details: [
        'Each flag can be given in its environment variable instead; secrets are better given there (flags show in the',
        'process list): ' + FLAGS.map((f) => `--${f.name} $${f.env}`).join(', ') + '.',
        'Run it on a small server behind TLS; see the README section on the relay.',
      ],
      flags: FLAGS.map(({ env: _env, ...f }) => f),
      register: 'none',
      run: async (c) => {
        // The relay reads its own flags (and their variables): hand it what was typed, as typed.
        const argv = FLAGS.flatMap((f) => {
          const v = c.flags[f.name];
          return typeof v === 'string' ? [`--${f.name}`, v] : [];
        });
        const code = await runRelayServe(argv, process.env);
        return { ok: true, lines: [], exit: code };
      },
    },
  ],
};
