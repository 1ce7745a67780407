import { LintRequest, type Output } from '../../../shared/contract/api';
import { PolicyPackIds } from '../../../shared/domain/policy/policy';
import { lintMessage } from '../../../shared/domain/lint/engine';
import type { MessageKey } from '../../../shared/contract/errors';
import type { SaidParams } from '../../../shared/contract/said';
import { UsageError, readTextFile } from '../args';
import type { Ctx, Group, Outcome } from '../spec';
import { oneOf } from './common';

/** A usage refusal by key, printed like any other (with --json: the same error object). */
const refuse = (key: MessageKey, params?: SaidParams): Outcome => ({ ok: false, error: new UsageError(key, params).toApiError() });

function readText(path: string, flag: string, allowEmpty = false): string | Outcome {
  try {
    return readTextFile(flag, path, { allowEmpty });
  } catch (err) {
    if (err instanceof UsageError) return { ok: false, error: { ...err.toApiError(), code: 'UNREADABLE_FILE' } };
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
async function lint(c: Ctx): Promise<Outcome> {
  const f = c.flags as Record<string, string | undefined>;
  const locale = f.locale ?? 'en';
  if (locale !== 'en' && locale !== 'ru') return refuse('cli.notOneOf', { flag: '--locale', choices: 'en', last: 'ru', value: locale });
  if (f.batch !== undefined) {
    if (f.text !== undefined || f.file !== undefined) return refuse('cli.batchOrText');
    const content = readText(f.batch, '--batch', true);
    if (typeof content !== 'string') return content;
    const profile = await c.call('lint.profile', {});
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
      const r = lintMessage(parsed.data, profile.profile, locale);
      if (!r.ok) exit = 1;
      lines.push(c.json ? JSON.stringify(r) : `line ${i + 1}: ${formatLint(r, parsed.data.text)}`);
    });
    return { ok: true, exit, lines };
  }
  if ((f.text === undefined) === (f.file === undefined)) return refuse('cli.giveLintText');
  if (!f.channel) return refuse('cli.requiredOneOf', { flag: '--channel', first: 'sms', second: 'whatsapp' });
  if (!f.purpose) return refuse('cli.requiredOneOf', { flag: '--purpose', first: 'marketing', second: 'service' });
  if (f.text !== undefined && !f.text.trim()) return refuse('cli.emptyText');
  const text = f.text ?? readText(f.file!, '--file');
  if (typeof text !== 'string') return text;
  const r = await c.call('lint.check', {
    text: f.file !== undefined ? text.replace(/\r?\n$/u, '') : text,
    channel: f.channel,
    purpose: f.purpose,
    locale,
    ...(f.policy !== undefined ? { policy: f.policy } : {}),
    ...(f.kind !== undefined ? { kind: f.kind } : {}),
    ...(f['send-at'] !== undefined ? { sendAt: f['send-at'] } : {}),
    ...(f.language !== undefined ? { language: f.language } : {}),
  });
  return { ok: true, exit: r.ok ? 0 : 1, lines: [c.json ? JSON.stringify(r) : formatLint(r, text)] };
}

export const lintGroup: Group = {
  title: 'Message checks',
  commands: [
    {
      words: ['lint'],
      summary: 'check a message; exit 1 when it has an error (it could not be sent)',
      details: ['lint --batch FILE.jsonl: one JSON message per line ({"text","channel","purpose","policy"?,…}); one result per line.'],
      flags: [
        { name: 'channel', value: 'sms|whatsapp', summary: 'the channel (required without --batch)', field: 'channel' },
        { name: 'purpose', value: 'marketing|service', summary: 'what it is for (required without --batch)', field: 'purpose' },
        { name: 'text', value: 'T', summary: 'the message', field: 'text' },
        { name: 'file', value: 'F', summary: 'a UTF-8 file with the message', field: 'text' },
        { name: 'policy', value: oneOf(PolicyPackIds), summary: "the pack to check against (default: the shop's)", field: 'policy' },
        { name: 'kind', value: 'regular|first_message|doi_request|optout_confirmation', summary: 'what kind of message', field: 'kind' },
        { name: 'send-at', value: 'ISO', summary: 'when it is to go (quiet hours)', field: 'sendAt' },
        { name: 'language', value: 'en|ru', summary: "the message's language (default: detected)", field: 'language' },
        { name: 'locale', value: 'en|ru', summary: 'the language of the results (default en)', field: 'locale' },
        { name: 'batch', value: 'FILE.jsonl', summary: 'check every message of a JSONL file, one result per line' },
      ],
      calls: ['lint.check', 'lint.profile'],
      run: lint,
    },
  ],
};
