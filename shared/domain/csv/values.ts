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

// A cell that says in its own words that the person withdrew ("Отписан от рассылки", "Opted out via SMS", "Отказ от
// рассылки", "consent revoked 05.03"): the stem of a withdrawal word starts a word of the cell. A negated stem ("не
// отписан", "has not opted out") or an affirmative word anywhere in the cell ("Yes, can opt out any time") leaves the
// cell unreadable, as before: a consent is never read as a withdrawal, nor a withdrawal as a consent.
const WITHDRAWAL_STEM = String.raw`(отпис|отказ|отозва|отзыв\p{L}* соглас|unsub|revoked|withdr[ae]wn?|opt(ed|s)? ?out(?!\p{L}))`;
const WITHDRAWAL = new RegExp(String.raw`(?<!\p{L})${WITHDRAWAL_STEM}`, 'u');
// A negation one or two words before the stem; a lone "t" is what "hasn't" leaves once punctuation is gone.
const NEGATED_WITHDRAWAL = new RegExp(String.raw`(?<!\p{L})(не|нет|ни|no|not|never|non|t) (\p{L}+ )?${WITHDRAWAL_STEM}`, 'u');
// "Do not contact" in words: there the negation is the withdrawal.
const DO_NOT_CONTACT =
  /(?<!\p{L})(не (беспокоить|звонить|писать|присылать)|(do not|don t|never) (contact|call|text|message|email|disturb)|dnc)(?!\p{L})/u;
const AFFIRMATIVE =
  /(?<!\p{L})(yes|да|subscribed|opted in|opt in|optin|согласен|согласна|подписан|подписана|подписаны|granted|agreed|accepted|confirmed)(?!\p{L})/u;

/** Read a consent cell in English or Russian. */
export function readConsentAnswer(cell: string): ConsentAnswer {
  const v = fold(cell);
  if (v === '' || v === '-' || v === '—') return 'blank';
  const exact = exactAnswer(v);
  if (exact) return exact;
  // The same answer between stops, quotes or brackets ("Unsubscribed.", "Не беспокоить!", "«Да»"); nothing else is
  // trimmed, so "-1" (folded to " 1") is not read as "1".
  const plain = exactAnswer(v.replace(/^[.,;:!?…"'«»“”()[\]]+|[.,;:!?…"'«»“”()[\]]+$/gu, ''));
  if (plain) return plain;
  const words = v.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  if (AFFIRMATIVE.test(words)) return 'unknown';
  if (DO_NOT_CONTACT.test(words) || (WITHDRAWAL.test(words) && !NEGATED_WITHDRAWAL.test(words))) return 'opted_out';
  return 'unknown';
}

function exactAnswer(v: string): ConsentAnswer | null {
  if (YES.has(v)) return 'yes';
  if (OPTED_OUT.has(v)) return 'opted_out';
  if (NO.has(v)) return 'no';
  // Our own export's statuses, so a round trip keeps a waiting double opt-in and an aged-out consent as they were.
  if (v === 'pending' || v === 'ожидает подтверждения') return 'pending';
  if (v === 'expired' || v === 'истекло') return 'expired';
  if (v === 'unproven' || v === 'claimed' || v === 'не подтверждено') return 'claimed';
  return null;
}

/** Read a "do not contact" cell: true means withdraw everything. */
export function readFlag(cell: string): boolean | null {
  const v = fold(cell);
  if (v === '' || NO.has(v) || v === '-' || v === '—') return false;
  // A withdrawal in words ("Отписан от рассылки") is a yes here too.
  const answer = readConsentAnswer(cell);
  if (answer === 'yes' || answer === 'opted_out') return true;
  return null;
}

/** A tag our export must quote so {@link splitTags} reads it back whole: it holds a separator, or starts with `"` or `*`. */
function tagNeedsQuotes(tag: string): boolean {
  return /[,;|]|:::/.test(tag) || tag.startsWith('"') || tag.startsWith('*');
}

/** Write tags in one cell, comma-separated; a tag holding a separator is quoted (`"a, b"`), so {@link splitTags} reads it back whole. */
export function joinTags(tags: readonly string[]): string {
  return tags.map((t) => (tagNeedsQuotes(t) ? `"${t.replace(/"/g, '""')}"` : t)).join(', ');
}

/**
 * Split a cell of tags on commas, semicolons, pipes or Google's ` ::: `; trimmed, deduplicated, ≤ 64 chars each;
 * Google's system labels (`* myContacts`, `* starred`) are left out.
 * A tag in double quotes is taken as written (`""` for a quote), as {@link joinTags} writes one holding a separator.
 */
export function splitTags(cell: string): string[] {
  const out = new Set<string>();
  const add = (tag: string): void => {
    const t = tag.slice(0, 64);
    if (t) out.add(t);
  };
  const SEPARATOR = /\s*(?::::|[,;|])\s*/g;
  let i = 0;
  while (i < cell.length) {
    while (i < cell.length && /\s/.test(cell[i]!)) i++;
    if (i >= cell.length) break;
    if (cell[i] === '"') {
      // A quoted tag: up to the quote that is not doubled, then up to the next separator.
      let j = i + 1;
      let tag = '';
      let closed = false;
      while (j < cell.length) {
        const q = cell.indexOf('"', j);
        if (q === -1) break;
        tag += cell.slice(j, q);
        if (cell[q + 1] === '"') {
          tag += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        closed = true;
        break;
      }
      if (closed) {
        SEPARATOR.lastIndex = j;
        const m = SEPARATOR.exec(cell);
        const end = m ? m.index : cell.length;
        // Only spaces may follow the closing quote; otherwise the quote was text and the tag is read as written.
        if (cell.slice(j, end).trim() === '') {
          add(tag.trim());
          i = m ? m.index + m[0].length : cell.length;
          continue;
        }
      }
    }
    SEPARATOR.lastIndex = i;
    const m = SEPARATOR.exec(cell);
    const end = m ? m.index : cell.length;
    // Google Contacts marks its system groups with a leading asterisk ("* myContacts", "* starred"): those are
    // Google's own labels, not the shop's, so they never become tags (our export quotes a tag that starts with `*`).
    const piece = cell.slice(i, end).trim();
    if (!piece.startsWith('*')) add(piece);
    i = m ? m.index + m[0].length : cell.length;
  }
  return [...out];
}

/** The number-like pieces of a phone cell that may hold several numbers (`:::`, `,`, `;`, `/`, line breaks). */
export function splitPhoneCell(cell: string): string[] {
  const text = cell.trim();
  if (text === '') return [];
  // "n/a", "нет": one non-number, reported as such rather than in pieces; one number needs no split.
  if (!/\d/.test(text) || !/[:;,/\n\r|]/.test(text)) return [text];
  // "0151/12345005", "030 / 1234567": one number, its area code set off by a slash (German writing), not two numbers.
  const areaCode = /^(\+?\d{2,5})\s*\/\s*(\d[\d\s-]{3,})$/.exec(text);
  if (areaCode) return [`${areaCode[1]} ${areaCode[2]}`];
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

/**
 * Spreadsheet formula triggers: a cell starting with one of these runs as a formula in Excel or LibreOffice (a NUL
 * is skipped by some readers, so what follows it counts).
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;
/** What {@link unneutralizeCell} takes a leading `'` off: a formula trigger, or another `'`. */
const AFTER_MARK = /^[=+\-@\t\r\0']/;

/**
 * Make a value safe to open in a spreadsheet by prefixing `'` when it could run as a formula (OWASP CSV injection).
 * A value that already starts with `'` before a trigger (or another `'`) gets one more, so that
 * {@link unneutralizeCell} gives back exactly this value: `'=foo` is written `''=foo` and read back `'=foo`.
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) || (value.length > 1 && value.charCodeAt(0) === 39 && AFTER_MARK.test(value.slice(1))) ? `'${value}` : value;
}

/** Undo {@link neutralizeCell} (and the same `'` that Shopify and Excel write before `+` numbers). */
export function unneutralizeCell(value: string): string {
  return value.length > 1 && value.charCodeAt(0) === 39 && AFTER_MARK.test(value.slice(1)) ? value.slice(1) : value;
}
