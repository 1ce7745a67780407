import { pathToFileURL } from 'node:url';
import { commonOptions, hex, parseArgs, runMain, serve, type FakeOptions, type FakeServer, type ReceivedRequest, type Reply } from './common';

/** Settings of a fake Cloud API. */
export interface FakeWhatsappOptions extends FakeOptions {
  phoneNumberId?: string | undefined;
  accessToken?: string | undefined;
}

/** A running fake WhatsApp Cloud API. */
export interface FakeWhatsapp extends FakeServer {
  phoneNumberId: string;
  accessToken: string;
  /** Message ids handed out, with the request that got them. */
  accepted: { id: string; to: string; body: Record<string, unknown> }[];
}

/** The phone number id and token a fake Cloud API uses unless told otherwise. */
export const FAKE_WHATSAPP = { phoneNumberId: '106540352242922', accessToken: 'fake-graph-access-token' } as const;

const graphError = (status: number, code: number, message: string, details?: string): Reply => ({
  status,
  body: {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details !== undefined ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: `A${hex(22)}`,
    },
  },
});

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** What is wrong with a send body, per the Cloud API's message reference; null when it is fine. */
function problem(b: unknown): string | null {
  if (!isObj(b)) return 'the body is not a JSON object';
  if (b.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (b.recipient_type !== undefined && b.recipient_type !== 'individual') return 'recipient_type must be "individual"';
  if (typeof b.to !== 'string' || !/^\+?\d{7,15}$/.test(b.to)) return 'to must be the recipient number';
  if (b.type === 'text') {
    if (!isObj(b.text) || typeof b.text.body !== 'string' || !b.text.body) return 'text.body is required';
    if (b.template !== undefined) return 'template is not allowed with type text';
    return null;
  }
  if (b.type !== 'template') return 'type must be template or text';
  const t = b.template;
  if (!isObj(t) || typeof t.name !== 'string' || !t.name) return 'template.name is required';
  if (!isObj(t.language) || typeof t.language.code !== 'string' || !t.language.code) return 'template.language.code is required';
  if (t.language.policy !== undefined && t.language.policy !== 'deterministic') return 'template.language.policy must be deterministic';
  if (t.components !== undefined) {
    if (!Array.isArray(t.components) || !t.components.length) return 'template.components must be a non-empty array';
    for (const c of t.components) {
      if (!isObj(c) || typeof c.type !== 'string') return 'each component needs a type';
      if (!Array.isArray(c.parameters) || !c.parameters.length) return 'each component needs parameters';
      for (const p of c.parameters) {
        if (!isObj(p) || typeof p.type !== 'string') return 'each parameter needs a type';
        if (p.type === 'text' && (typeof p.text !== 'string' || !p.text)) return 'a text parameter needs text';
      }
    }
  }
  return null;
}

/** Starts a fake WhatsApp Cloud API (POST /{version}/{phone-number-id}/messages). */
export async function startFakeWhatsapp(opts: FakeWhatsappOptions = {}): Promise<FakeWhatsapp> {
  const phoneNumberId = opts.phoneNumberId ?? FAKE_WHATSAPP.phoneNumberId;
  const accessToken = opts.accessToken ?? FAKE_WHATSAPP.accessToken;
  const accepted: FakeWhatsapp['accepted'] = [];
  const route = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/;

  const fake = await serve(
    {
      check(req: ReceivedRequest) {
        const m = route.exec(req.path);
        if (!m || req.method !== 'POST') return { route: 'unknown', refuse: { ...graphError(400, 100, 'Unknown path components'), reason: 'path' } };
        if (req.headers.authorization !== `Bearer ${accessToken}`)
          return { route: 'send', refuse: { ...graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token'), reason: 'auth' } };
        if (m[2] !== phoneNumberId)
          return {
            route: 'send',
            refuse: {
              ...graphError(
                400,
                100,
                `Unsupported post request. Object with ID '${m[2]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
              ),
              reason: 'phone-number-id',
            },
          };
        if (req.contentType !== 'application/json' || req.json === undefined)
          return { route: 'send', refuse: { ...graphError(400, 100, 'Invalid parameter', 'The request body must be JSON'), reason: 'content-type' } };
        const bad = problem(req.json);
        if (bad) return { route: 'send', refuse: { ...graphError(400, 100, '(#100) Invalid parameter', bad), reason: bad } };
        return { route: 'send' };
      },
      answer(req, a) {
        const body = req.json as Record<string, unknown> & { to: string };
        if (typeof a === 'object' && 'refuse' in a) {
          const code = Number(a.refuse);
          const status = a.httpStatus ?? (code === 190 ? 401 : 400);
          return graphError(status, code, `(#${code}) Fake refusal`, `Message to ${body.to} failed with code ${code}`);
        }
        const id = `wamid.${Buffer.from(hex(40)).toString('base64')}`;
        accepted.push({ id, to: body.to, body });
        const wa = body.to.replace(/^\+/, '');
        return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: wa }], messages: [{ id }] } };
      },
      reset() {
        accepted.length = 0;
      },
    },
    opts,
  );
  return Object.assign(fake, { phoneNumberId, accessToken, accepted });
}

/**
 * Starts a fake Cloud API from a command line: `--phone-number-id --access-token --port --host --latency-ms --answers`
 * (or FAKE_WHATSAPP_PHONE_NUMBER_ID, FAKE_WHATSAPP_ACCESS_TOKEN, FAKE_PORT…); prints its URL as JSON.
 */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<FakeWhatsapp> {
  const args = parseArgs(argv);
  const fake = await startFakeWhatsapp({
    ...commonOptions(args, env),
    phoneNumberId: args['phone-number-id'] ?? env.FAKE_WHATSAPP_PHONE_NUMBER_ID,
    accessToken: args['access-token'] ?? env.FAKE_WHATSAPP_ACCESS_TOKEN,
  });
  await runMain('whatsapp-cloud', fake, { phoneNumberId: fake.phoneNumberId, accessToken: fake.accessToken }, args);
  return fake;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
