/**
 * SMS encoding per GSM 03.38 / 3GPP TS 23.038 (DOMAIN.md §5): which characters fit GSM-7, what each costs,
 * and how many segments a text takes. National shift tables are deliberately ignored (uneven support).
 */

/** How an SMS is encoded on the wire. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Escape-table characters: ESC + one septet, so two septets each.
const GSM_EXTENSION = '^{}\\[~]|€\f';

const COST = new Map<number, 1 | 2>();
for (const ch of GSM_BASIC) COST.set(ch.codePointAt(0)!, 1);
for (const ch of GSM_EXTENSION) COST.set(ch.codePointAt(0)!, 2);
// Flat table for the common range so the hot loop avoids Map lookups.
const LOW = new Uint8Array(0x400);
for (const [cp, cost] of COST) if (cp < LOW.length) LOW[cp] = cost;

/** Septets a code point takes in GSM-7 (1 or 2), or 0 when it is not in the GSM alphabet. */
export function gsmCost(codePoint: number): 0 | 1 | 2 {
  if (codePoint < LOW.length) return LOW[codePoint] as 0 | 1 | 2;
  return COST.get(codePoint) ?? 0;
}

/** Segment sizes: whole message, and per part once it is split (a 6-octet header on each part). */
export const SEGMENT_SIZES = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

/** Twilio accepts at most this many characters in one message body; longer bodies are refused. */
export const MAX_SMS_CHARACTERS = 1600;
/** Gateways (e.g. Telnyx) refuse messages longer than this many parts. */
export const MAX_SMS_SEGMENTS = 10;

/** A character that keeps a message out of GSM-7, with where it is. */
export interface NonGsmChar {
  char: string;
  /** UTF-16 offset in the text. */
  index: number;
}

/** What an SMS text costs. */
export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Septets (GSM-7, escape characters 2) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Every character that is not in the GSM alphabet, in order. */
  nonGsm: NonGsmChar[];
}

function isClusterTail(cp: number): boolean {
  return (
    (cp >= 0x300 && cp <= 0x36f) || // combining marks
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0x1f3fb && cp <= 0x1f3ff) || // skin tones
    (cp >= 0xe0020 && cp <= 0xe007f) // tag characters (flags of regions)
  );
}

const isRegionalIndicator = (cp: number): boolean => cp >= 0x1f1e6 && cp <= 0x1f1ff;

/**
 * UTF-16 lengths of the text's user-perceived characters, approximated cheaply: a base with its combining
 * marks, variation selectors and skin tones, ZWJ sequences, and regional-indicator pairs stay together,
 * because a carrier never splits one across two parts.
 */
function clusterUnits(text: string): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    let cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (isRegionalIndicator(cp) && i < text.length && isRegionalIndicator(text.codePointAt(i)!)) i += 2;
    while (i < text.length) {
      cp = text.codePointAt(i)!;
      if (isClusterTail(cp)) i += cp > 0xffff ? 2 : 1;
      else if (cp === 0x200d && i + 1 < text.length) {
        i += 1;
        const next = text.codePointAt(i)!;
        i += next > 0xffff ? 2 : 1;
      } else break;
    }
    out.push(i - start);
  }
  return out;
}

function countParts(costs: Iterable<number>, part: number): number {
  let segments = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > part) {
      segments += 1;
      used = c;
    } else used += c;
  }
  return segments;
}

/** Encoding, length and segment count of an SMS text, counted the way carriers split it. */
export function analyzeSms(text: string): SmsAnalysis {
  const nonGsm: NonGsmChar[] = [];
  let septets = 0;
  let characters = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    characters += 1;
    const cost = gsmCost(cp);
    if (cost === 0) nonGsm.push({ char: String.fromCodePoint(cp), index: i });
    septets += cost;
    if (cp > 0xffff) i += 1;
  }
  if (nonGsm.length === 0) {
    const { single, part } = SEGMENT_SIZES['GSM-7'];
    let segments = septets === 0 ? 1 : septets <= single ? 1 : Math.ceil(septets / part);
    // An escape pair is never split: count by accumulation only when that can matter.
    if (septets > single && septets !== characters) segments = countParts(gsmCosts(text), part);
    return { encoding: 'GSM-7', characters, units: septets, segments, nonGsm };
  }
  const units = text.length;
  const { single, part } = SEGMENT_SIZES['UCS-2'];
  let segments = units <= single ? 1 : Math.ceil(units / part);
  if (units > single && units !== characters) segments = countParts(clusterUnits(text), part);
  else if (units > single && /[\u0300-\u036f]|\u200d|\ufe0f/u.test(text)) segments = countParts(clusterUnits(text), part);
  return { encoding: 'UCS-2', characters, units, segments, nonGsm };
}

function* gsmCosts(text: string): Generator<number> {
  for (let i = 0; i < text.length; i++) yield gsmCost(text.charCodeAt(i));
}
