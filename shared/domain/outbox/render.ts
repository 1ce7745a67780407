import { parsePlaceholders } from '../lint/text';
import type { Channel } from '../consent/types';

/** One recipient's message: the text as it goes, and the placeholder values in order (a WhatsApp template's parameters). */
export type Rendered =
  { ok: true; text: string; parameters: string[] } | { ok: false; problem: 'unfilled_placeholder' | 'invalid_parameter'; field: string };

/** WhatsApp refuses template parameter values with newlines, tabs or more than four spaces in a row (WA-PARAM-VALUE). */
const BAD_WHATSAPP_VALUE = /[\n\r\t]| {5,}/;

/**
 * Fill a batch's text for one recipient (DOMAIN §7(b) 14): every placeholder gets the recipient's value or its
 * fallback; a placeholder with neither, or a WhatsApp value WhatsApp would refuse, stops this recipient's message.
 */
export function renderMessage(text: string, values: Readonly<Record<string, string>>, channel: Channel): Rendered {
  const { placeholders } = parsePlaceholders(text);
  let out = '';
  let at = 0;
  const parameters: string[] = [];
  for (const ph of placeholders) {
    const value = (values[ph.name] ?? '').trim();
    const filled = value || (ph.fallback ?? '');
    if (!filled) return { ok: false, problem: 'unfilled_placeholder', field: ph.name };
    if (channel === 'whatsapp' && BAD_WHATSAPP_VALUE.test(filled)) return { ok: false, problem: 'invalid_parameter', field: ph.name };
    parameters.push(filled);
    out += text.slice(at, ph.start) + filled;
    at = ph.end;
  }
  return { ok: true, text: out + text.slice(at), parameters };
}
