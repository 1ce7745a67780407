/**
 * Written separately from the app's redaction on purpose: the ways a secret can be written down (raw, percent-encoded,
 * form-encoded, JSON-escaped, base64, HTTP Basic `user:secret`), and a search for them in a text that also looks
 * inside base64 runs (at every alignment, two levels deep) and percent-decoded text.
 */

/** The written forms of a secret, by name. */
export function secretForms(secret: string, users: string[] = []): Record<string, string> {
  const forms: Record<string, string> = {
    raw: secret,
    uri: encodeURIComponent(secret),
    uriLower: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    form: new URLSearchParams({ s: secret }).toString().slice(2),
    json: JSON.stringify(secret).slice(1, -1),
    jsonSlash: JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    base64: Buffer.from(secret, 'utf8').toString('base64'),
    base64url: Buffer.from(secret, 'utf8').toString('base64url'),
  };
  for (const user of users) forms[`basic(${user})`] = Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');
  return forms;
}

function decodeBase64Runs(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      const part = run.slice(offset);
      out.push(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
      out.push(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    }
  }
  return out;
}

/** Percent escapes decoded wherever they are well-formed (a masked or cut text may hold broken ones). */
function percentDecoded(text: string): string | null {
  const d = text.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1');
    }
  });
  return d === text ? null : d;
}

/** JSON string escapes undone (\" \\ \/ \uXXXX \n), wherever they are. */
function jsonUnescaped(text: string): string | null {
  const d = text.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_m, hex: string | undefined, c: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c!] ?? c!),
  );
  return d === text ? null : d;
}

/** The names of the secret's forms (or 12-character pieces of it) found in `text`, directly or after decoding (empty when none is). */
export function exposures(text: string, secret: string, users: string[] = []): string[] {
  const forms = Object.entries(secretForms(secret, users));
  const texts = new Set<string>([text]);
  for (let depth = 0; depth < 3; depth++)
    for (const t of [...texts]) {
      for (const d of decodeBase64Runs(t)) texts.add(d);
      const p = percentDecoded(t);
      if (p !== null) texts.add(p);
      const j = jsonUnescaped(t);
      if (j !== null) texts.add(j);
    }
  const found = new Set<string>();
  for (const t of texts) for (const [name, form] of forms) if (form && t.includes(form)) found.add(name);
  // A piece is a leak too (a secret cut by masking or truncation): any 12 characters of it in a row.
  const piece = Math.min(12, secret.length);
  for (const t of texts)
    for (let i = 0; i + piece <= secret.length; i++)
      if (t.includes(secret.slice(i, i + piece))) {
        found.add(`piece ${JSON.stringify(secret.slice(i, i + piece))}`);
        break;
      }
  return [...found];
}
