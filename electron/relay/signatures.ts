import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Equality of two secrets-derived strings in time that does not depend on where they differ, nor on the length of the
 * one that was guessed (both sides are hashed to 32 bytes first).
 */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Meta's `X-Hub-Signature-256` value for a raw body: `sha256=` and the hex HMAC-SHA256 with the app secret. */
export function metaSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Whether `header` is Meta's signature of exactly these bytes (DOMAIN §9.2). A missing or malformed header is false. */
export function verifyMetaSignature(header: string | undefined, rawBody: Buffer, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

/**
 * Twilio's `X-Twilio-Signature` for a POST: base64 HMAC-SHA1, with the auth token, of the full URL Twilio requested
 * followed by every form parameter as name then value, names sorted (a repeated name: its values sorted).
 */
export function twilioSignature(url: string, params: Iterable<[string, string]>, authToken: string): string {
  const byName = new Map<string, string[]>();
  for (const [k, v] of params) byName.set(k, [...(byName.get(k) ?? []), v]);
  let data = url;
  for (const name of [...byName.keys()].sort()) for (const value of byName.get(name)!.sort()) data += name + value;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URLs Twilio may have signed for `url`: the URL itself, and the same with the default port written out or left
 * out (Twilio signs the URL as it was configured, and a proxy in front may add or drop `:443`).
 */
export function twilioUrlVariants(url: string): string[] {
  const m = /^(https?:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const defaultPort = scheme.toLowerCase() === 'https://' ? '443' : '80';
  const port = /:(\d+)$/.exec(authority)?.[1];
  if (port === undefined) return [url, `${scheme}${authority}:${defaultPort}${rest}`];
  if (port === defaultPort) return [url, `${scheme}${authority.slice(0, -(port.length + 1))}${rest}`];
  return [url];
}

/** Whether `header` is Twilio's signature of these parameters posted to one of the URL's forms (see twilioUrlVariants). */
export function verifyTwilioSignature(header: string | undefined, url: string, params: [string, string][], authToken: string): boolean {
  if (typeof header !== 'string' || !header.trim()) return false;
  let ok = false;
  // Every variant is computed and compared, so the time taken does not tell which one matched.
  for (const candidate of twilioUrlVariants(url)) if (secretEquals(header.trim(), twilioSignature(candidate, params, authToken))) ok = true;
  return ok;
}
