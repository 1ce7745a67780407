import type { Backend } from '../core/backend';
import { LintRequest, type Output } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import { lintMessage } from '../../shared/domain/lint/engine';
import { UsageError, readTextFile } from './args';

/** The flags `optin lint` reads. */
export interface LintFlags {
  channel?: string | undefined;
  purpose?: string | undefined;
  policy?: string | undefined;
  text?: string | undefined;
  file?: string | undefined;
  batch?: string | undefined;
  kind?: string | undefined;
  'send-at'?: string | undefined;
  language?: string | undefined;
  locale?: string | undefined;
  json?: boolean | undefined;
}

type Outcome = { ok: true; exit: number; lines: string[] } | { ok: false; error: ApiError };

const refuse = (message: string): Outcome => ({ ok: false, error: { code: 'VALIDATION_FAILED', message } });

function readText(path: string, flag: string, allowEmpty = false): string | Outcome {
  try {
    return readTextFile(flag, path, { allowEmpty });
  } catch (err) {
    if (err instanceof UsageError) return { ok: false, error: { code: 'UNREADABLE_FILE', message: err.message } };
    throw err;
  }
}

/** Plain-text rendering of one lint result. */
export function formatLint(r: Output<'lint.check'>, text: string): string {
  const lines = [
    `${r.ok ? 'ok' : 'blocked'} · ${r.encoding} · ${r.characters} characters · ${r.segments} segment${r.segments === 1 ? '' : 's'}` +
      (r.longest.segments !== r.segments || r.longest.encoding !== r.encoding
        ? ` (longest recipient: ${r.longest.encoding}, ${r.longest.segments} segments)`
        : ''),
  ];
  for (const d of r.diagnostics) {
    const where =
      d.target === 'text' ? (d.end > d.start ? `${d.start}-${d.end} ${JSON.stringify(text.slice(d.start, d.end))}` : `at ${d.start}`) : d.target;
    lines.push(`${d.severity.padEnd(8)}${d.rule.padEnd(28)}${where}`, `        ${d.message}`);
    if (d.fix) lines.push(`        fix: ${d.fix.label}`);
  }
  return lines.join('\n');
}

/** `optin lint`: one message from --text/--file, or a JSONL library with --batch (one result per line, same order). */
export async function lintCommand(backend: Backend, f: LintFlags): Promise<Outcome> {
  const locale = f.locale ?? 'en';
  if (locale !== 'en' && locale !== 'ru') return refuse(`--locale: expected en or ru, got "${locale}"`);
  if (f.batch !== undefined) {
    if (f.text !== undefined || f.file !== undefined) return refuse('--batch: give either --batch or --text/--file, not both');
    const content = readText(f.batch, '--batch', true);
    if (typeof content !== 'string') return content;
    const profile = await backend.dispatch('lint.profile', {});
    if (!profile.ok) return { ok: false, error: profile.error };
    const lines: string[] = [];
    let exit = 0;
    content.split(/\r?\n/u).forEach((line, i) => {
      if (!line.trim()) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        exit = 1;
        lines.push(JSON.stringify({ ok: false, line: i + 1, error: { code: 'VALIDATION_FAILED', message: `line ${i + 1}: not valid JSON` } }));
        return;
      }
      const parsed = LintRequest.safeParse(raw);
      if (!parsed.success) {
        exit = 1;
        const issue = parsed.error.issues[0];
        const message = `line ${i + 1}: ${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`;
        lines.push(JSON.stringify({ ok: false, line: i + 1, error: { code: 'VALIDATION_FAILED', message } }));
        return;
      }
      const r = lintMessage(parsed.data, profile.value.profile, locale);
      if (!r.ok) exit = 1;
      lines.push(f.json ? JSON.stringify(r) : `line ${i + 1}: ${formatLint(r, parsed.data.text)}`);
    });
    return { ok: true, exit, lines };
  }
  if ((f.text === undefined) === (f.file === undefined)) return refuse('give the message with --text T or --file F (one of them)');
  if (!f.channel) return refuse('--channel: required (sms or whatsapp)');
  if (!f.purpose) return refuse('--purpose: required (marketing or service)');
  if (f.text !== undefined && !f.text.trim()) return refuse('--text: the message is empty');
  const text = f.text ?? readText(f.file!, '--file');
  if (typeof text !== 'string') return text;
  const r = await backend.dispatch('lint.check', {
    text: f.file !== undefined ? text.replace(/\r?\n$/u, '') : text,
    channel: f.channel,
    purpose: f.purpose,
    locale,
    ...(f.policy !== undefined ? { policy: f.policy } : {}),
    ...(f.kind !== undefined ? { kind: f.kind } : {}),
    ...(f['send-at'] !== undefined ? { sendAt: f['send-at'] } : {}),
    ...(f.language !== undefined ? { language: f.language } : {}),
  });
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, exit: r.value.ok ? 0 : 1, lines: [f.json ? JSON.stringify(r.value) : formatLint(r.value, text)] };
}
