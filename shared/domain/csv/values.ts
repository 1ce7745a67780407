/** What a cell of a consent column says. */
/** `claimed`: the file itself says the consent is unproven; it stays a claim whatever date or source the row has. */
export type ConsentAnswer = 'yes' | 'claimed' | 'opted_out' | 'pending' | 'expired' | 'no' | 'blank' | 'unknown';

function fold(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s_-]+/g, ' ');
}

const YES = new Set([
  'yes',
  'y',
  'true',
  't',
  '1',
  'x',
  '+',
  '✓',
  '✔',
  'on',
  'subscribed',
  'opted in',
  'opt in',
  'optin',
  'granted',
  'given',
  'agreed',
  'accepted',
  'confirmed',
  'single opt in',
  'double opt in',
  'да',
  'д',
  'есть',
  'согласен',
  'согласна',
  'согласие',
  'согласие получено',
  'подписан',
  'подписана',
  'подписаны',
  'подписка',
  'включено',
]);

// Words that record a withdrawal: these are honoured as revocations, never as mere absence of consent.
const OPTED_OUT = new Set([
  'unsubscribed',
  'opted out',
  'opt out',
  'optout',
  'revoked',
  'withdrawn',
  'stop',
  'stopped',
  'do not contact',
  'dnc',
  'отписан',
  'отписана',
  'отписались',
  'отписался',
  'отписалась',
  'отписка',
  'отказ',
  'отказался',
  'отказалась',
  'отозвано',
  'согласие отозвано',
  'стоп',
  'не беспокоить',
]);

// Absence of consent says nothing about a withdrawal: "no" in "Accepts SMS marketing" is not an opt-out.
const NO = new Set([
  'no',
  'n',
  'false',
  'f',
  '0',
  'off',
  'нет',
  'н',
  'не',
  'not subscribed',
  'never subscribed',
  'non subscribed',
  'none',
  'unknown',
  'не подписан',
  'не подписана',
  'нет согласия',
]);

/** Read a consent cell in English or Russian. */
export function readConsentAnswer(cell: string): ConsentAnswer {
  const v = fold(cell);
  if (v === '' || v === '-' || v === '—') return 'blank';
  if (YES.has(v)) return 'yes';
  if (OPTED_OUT.has(v)) return 'opted_out';
  if (NO.has(v)) return 'no';
  // Our own export's statuses, so a round trip keeps a waiting double opt-in and an aged-out consent as they were.
  if (v === 'pending' || v === 'ожидает подтверждения') return 'pending';
  if (v === 'expired' || v === 'истекло') return 'expired';
  if (v === 'unproven' || v === 'claimed' || v === 'не подтверждено') return 'claimed';
  return 'unknown';
}

/** Read a "do not contact" cell: true means withdraw everything. */
export function readFlag(cell: string): boolean | null {
  const v = fold(cell);
  if (v === '' || NO.has(v) || v === '-' || v === '—') return false;
  if (YES.has(v) || OPTED_OUT.has(v)) return true;
  return null;
}

/** Split a cell of tags on commas, semicolons, pipes or Google's ` ::: `; trimmed, deduplicated, ≤ 64 chars each. */
export function splitTags(cell: string): string[] {
  const out = new Set<string>();
  for (const part of cell.split(/\s*(?::::|[,;|])\s*/)) {
    // Google Contacts marks its system groups with a leading asterisk ("* myContacts").
    const tag = part
      .replace(/^\*\s*/, '')
      .trim()
      .slice(0, 64);
    if (tag) out.add(tag);
  }
  return [...out];
}

/** The number-like pieces of a phone cell that may hold several numbers (`:::`, `,`, `;`, `/`, line breaks). */
export function splitPhoneCell(cell: string): string[] {
  const text = cell.trim();
  if (text === '') return [];
  // "n/a", "нет": one non-number, reported as such rather than in pieces; one number needs no split.
  if (!/\d/.test(text) || !/[:;,/\n\r|]/.test(text)) return [text];
  return text
    .split(/\s*(?::::|[;,/\n\r]|\s\|\s)\s*/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Separate an extension typed after a number ("… ext. 12", "… доб. 34", "… x12", "… #12"), which SMS
 * and WhatsApp cannot reach; returns the number part and the extension digits.
 */
export function stripExtension(text: string): { number: string; extension: string | null } {
  // Most cells are only digits and punctuation: no extension to look for.
  if (!/[^\d\s()+.-]/.test(text)) return { number: text, extension: null };
  const m = /^(.*?\d[\d\s().-]*?)\s*(?:,|;)?\s*(?:ext\.?|extension|x|#|доб\.?|добавочный|вн\.?)\s*:?\s*(\d{1,7})\s*$/iu.exec(text);
  if (m && m[1] && m[2]) return { number: m[1].trim(), extension: m[2] };
  return { number: text, extension: null };
}

/** Spreadsheet formula triggers: a cell starting with one of these runs as a formula in Excel or LibreOffice. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Make a value safe to open in a spreadsheet by prefixing `'` when it could run as a formula (OWASP CSV injection). */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undo {@link neutralizeCell} (and the same `'` that Shopify and Excel write before `+` numbers). */
export function unneutralizeCell(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
