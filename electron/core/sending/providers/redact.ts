import { ProviderQueryError } from './http';
import type { DeliveryUpdate, FetchedInbound, ReconcileOutcome, SendOutcome } from './types';

/** What a secret is replaced with wherever it would be kept, printed, logged or exported. */
export const REDACTED = '[redacted]';

// Base64 pieces shorter than this are left alone: they would match ordinary words by chance.
const MIN_CORE = 8;

const b64 = (bytes: Buffer): string[] => {
  const std = bytes.toString('base64');
  return [std, std.replace(/=+$/, ''), bytes.toString('base64url')];
};

/**
 * The base64 text that a secret always turns into wherever it sits inside a longer base64-encoded text (an echoed
 * request, a header encoded again): at each of the three byte alignments, the whole 3-byte groups made of the
 * secret's bytes alone.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const rest = bytes.subarray(skip);
    const whole = rest.subarray(0, rest.length - (rest.length % 3));
    if (whole.length === 0) continue;
    const std = whole.toString('base64');
    if (std.length >= MIN_CORE) out.push(std, whole.toString('base64url'));
  }
  return out;
}

/** JSON's escaping of a string's content, in the two common styles (`/` kept, or written `\/` as PHP does) and with non-ASCII as \u escapes. */
function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const ascii = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [plain, plain.replace(/\//g, '\\/'), ascii, ascii.replace(/\//g, '\\/')];
}

/** Percent-encodings of a value: URI component, form (space as +) and whole-URI style, with upper- and lower-case hex. */
function percentForms(value: string): string[] {
  const upper = [encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), encodeURI(value)];
  return [...upper, ...upper.map((f) => f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A form as a pattern: percent escapes match in either case (%2F and %2f, and %252F and %252f when encoded twice). */
const pattern = (form: string): string =>
  form
    .split(/(%(?:25)*[0-9A-Fa-f]{2})/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/[A-Fa-f]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`) : escapeRegExp(part)))
    .join('');

/**
 * Removes a provider's secrets from text before it leaves the adapter: the secret itself, URL-encoded (component,
 * form and URI styles, either hex case), JSON-escaped, base64 (standard, unpadded, URL-safe, and at any alignment
 * inside a longer base64 text), the HTTP Basic `user:secret` value, and those forms encoded once more (a request
 * echoed back whole, as text, JSON, base64 or URL-encoded).
 */
export class Redactor {
  private readonly re: RegExp | null;

  /**
   * @param secrets the values to hide (empty and missing ones are ignored)
   * @param basicUsers user names the secrets are sent with as HTTP Basic credentials (Twilio's account or key SID)
   */
  constructor(secrets: readonly (string | undefined | null)[], basicUsers: readonly string[] = []) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      const primary = new Set<string>([secret, ...percentForms(secret), ...jsonForms(secret), ...b64(Buffer.from(secret, 'utf8'))]);
      for (const user of basicUsers) {
        const basic = Buffer.from(`${user}:${secret}`, 'utf8');
        for (const f of b64(basic)) primary.add(f);
      }
      for (const p of [...primary]) {
        forms.add(p);
        for (const f of b64(Buffer.from(p, 'utf8'))) forms.add(f);
        for (const f of base64Cores(p)) forms.add(f);
        for (const f of percentForms(p)) forms.add(f);
        for (const f of jsonForms(p)) forms.add(f);
      }
    }
    const list = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
    this.re = list.length ? new RegExp(list.map(pattern).join('|'), 'g') : null;
  }

  /** The text with every form of every secret replaced by [redacted]. */
  text(value: string): string {
    return this.re ? value.replace(this.re, REDACTED) : value;
  }

  /** `text` for optional values. */
  maybe<T extends string | null | undefined>(value: T): T {
    return (typeof value === 'string' ? this.text(value) : value) as T;
  }

  /** A send outcome with its code, message and provider message id cleared of secrets. */
  outcome(o: SendOutcome): SendOutcome {
    if (o.kind === 'accepted') return { ...o, providerMessageId: this.maybe(o.providerMessageId) };
    return { ...o, code: this.text(o.code), message: this.text(o.message) };
  }

  /** A reconcile answer with the provider message id cleared of secrets. */
  reconcile(o: ReconcileOutcome): ReconcileOutcome {
    return o.kind === 'accepted' ? { ...o, providerMessageId: this.maybe(o.providerMessageId) } : o;
  }

  /** A delivery status with the provider's code cleared of secrets. */
  delivery(u: DeliveryUpdate | null): DeliveryUpdate | null {
    return u && { ...u, code: this.maybe(u.code) };
  }

  /** Fetched customer messages with every text field cleared of secrets. */
  inbound(list: FetchedInbound[]): FetchedInbound[] {
    return list.map((m) => ({ ...m, providerMessageId: this.text(m.providerMessageId), text: this.text(m.text) }));
  }

  /** An error thrown out of an adapter, its code and message cleared of secrets (the stack is dropped with it). */
  error(err: unknown): unknown {
    if (err instanceof ProviderQueryError) return new ProviderQueryError(this.text(err.code), this.text(err.message));
    if (err instanceof Error) return Object.assign(new Error(this.text(err.message)), { name: err.name });
    return err;
  }

  /** Runs an adapter query and clears whatever it throws. */
  async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.error(err);
    }
  }
}
