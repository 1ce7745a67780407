import { z } from 'zod';
import { isMessageKey, renderMessage, type MessageKey } from './messages.en';

/**
 * Something the core says outside an error — a recipient's history note, why a row of a file was rejected, what is
 * wrong with a provider — stated as a key of the catalog (messages.en.ts) with its parameters, never as an English
 * sentence the renderer would have to recognise. A parameter may itself be a message (`{ key, params }`): the
 * renderer translates it first, so no English phrase travels inside a parameter. `message` is the whole thing in
 * English (the CLI, logs and the CSV report print it).
 */
export interface SaidRef {
  key: MessageKey;
  params?: SaidParams;
}

/** The parameters of a said thing: plain values (a number, a file name, a provider's own words) or nested messages. */
export type SaidParams = { [name: string]: string | number | SaidRef };

/** A said thing as it crosses the doors: its key and parameters when it has them, and its English text. */
export interface Said {
  key?: MessageKey;
  params?: SaidParams;
  message: string;
}

const SaidRefSchema: z.ZodType<SaidRef> = z.lazy(() =>
  z.object({
    key: z.string().refine(isMessageKey) as unknown as z.ZodType<MessageKey>,
    params: SaidParamsSchema.optional(),
  }),
);
/** The parameters of a said thing in the contract. */
export const SaidParamsSchema: z.ZodType<SaidParams> = z.lazy(() => z.record(z.string(), z.union([z.string(), z.number(), SaidRefSchema])));

/** A said thing's key in the contract (a key from another version is kept; the renderer then shows `message`). */
export const SaidKeySchema = z.string() as unknown as z.ZodType<MessageKey>;

/** The contract's form of a said thing. */
export const SaidSchema: z.ZodType<Said> = z.object({
  key: SaidKeySchema.optional(),
  params: SaidParamsSchema.optional(),
  message: z.string(),
});

/** True for a nested message inside a parameter. */
export function isSaidRef(v: unknown): v is SaidRef {
  return typeof v === 'object' && v !== null && typeof (v as SaidRef).key === 'string';
}

/** The English text of `key` with its parameters, nested messages rendered first. */
export function renderSaid(key: MessageKey, params?: SaidParams): string {
  if (!params) return renderMessage(key);
  const flat: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(params)) flat[name] = isSaidRef(v) ? renderSaid(v.key, v.params) : v;
  return renderMessage(key, flat);
}

/** A said thing by key, with its English text rendered. */
export function said(key: MessageKey, params?: SaidParams): Said {
  if (!isMessageKey(key)) throw new Error(`said: "${key}" is not a key of shared/contract/messages.en.ts`);
  return { key, ...(params && Object.keys(params).length ? { params } : {}), message: renderSaid(key, params) };
}

/** A nested message for a parameter. */
export function ref(key: MessageKey, params?: SaidParams): SaidRef {
  if (!isMessageKey(key)) throw new Error(`ref: "${key}" is not a key of shared/contract/messages.en.ts`);
  return params && Object.keys(params).length ? { key, params } : { key };
}

/**
 * The stored form of a said thing, for a text column (a history note, a reason, a job's error): its key and params as
 * JSON, `{"key":"…","params":{…}}`. Read it back with readSaid.
 */
export function storeSaid(key: MessageKey, params?: SaidParams): string {
  return JSON.stringify(ref(key, params));
}

/** True when a stored text is a said thing by key (storeSaid), not a plain text. */
export function isStoredSaid(text: string): boolean {
  return text.startsWith('{"key":"');
}

/**
 * A stored text as a said thing: a keyed one (storeSaid) with its English rendered; anything else — a text written
 * before keys existed, or a provider's own words — as it is, with no key, and the renderer shows it unchanged.
 */
export function readSaid(text: string): Said {
  if (isStoredSaid(text)) {
    try {
      const r = JSON.parse(text) as SaidRef;
      if (isMessageKey(r.key)) return said(r.key, r.params);
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return { message: text };
}

/** readSaid for a column that may be empty. */
export function readSaidOrNull(text: string | null | undefined): Said | null {
  return text == null || text === '' ? null : readSaid(text);
}
