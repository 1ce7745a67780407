import { LintContext } from './context';
import { analyzeSms } from './gsm';
import { applyEdits } from './edits';
import { ALL_RULES } from './rules';
import type { Diagnostic, LintInput, LintLocale, LintProfile, LintResult, LintRule, RuleMeta, Severity } from './types';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function applies(meta: RuleMeta, ctx: LintContext): boolean {
  const { input } = ctx;
  return (
    (!meta.packs || meta.packs.includes(ctx.pack.id)) &&
    (!meta.channels || meta.channels.includes(input.channel)) &&
    (!meta.purposes || meta.purposes.includes(input.purpose)) &&
    (!meta.kinds || meta.kinds.includes(ctx.kind))
  );
}

/** Whether the owner may switch a rule off: warnings and notices yes, errors the law requires never. */
export function isSwitchable(meta: RuleMeta): boolean {
  return meta.severity !== 'error';
}

/**
 * Check one message. Pure: the shop's identity, pack and limits come in `profile`; diagnostics come back in
 * `locale`, sorted by position. A diagnostic of severity `error` blocks sending and cannot be switched off.
 */
export function lintMessage(input: LintInput, profile: LintProfile, locale: LintLocale = 'en', rules: readonly LintRule[] = ALL_RULES): LintResult {
  const ctx = new LintContext(input, profile);
  const disabled = new Set(profile.disabledRules);
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    if (!applies(rule.meta, ctx)) continue;
    rule.check(ctx, (f) => {
      const severity = f.severity ?? rule.meta.severity;
      if (severity !== 'error' && disabled.has(rule.meta.id)) return;
      diagnostics.push({
        rule: rule.meta.id,
        severity,
        target: f.target ?? 'text',
        start: f.start,
        end: f.end,
        message: f.message[locale],
        source: rule.meta.source,
        fix: f.fix ? { label: f.fix.label[locale], edits: f.fix.edits, ...(f.fix.sendAt ? { sendAt: f.fix.sendAt } : {}) } : null,
      });
    });
  }
  diagnostics.sort((a, b) => a.start - b.start || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const sms = ctx.sms;
  const longest = ctx.longest;
  const sample = input.sample;
  let preview: LintResult['preview'] = null;
  if (sample) {
    const text = ctx.render((field) => {
      if (field === 'shop_name') return profile.businessName;
      if (field === 'shop_phone') return profile.shopPhone ?? '';
      return sample[field] ?? '';
    });
    const a = ctx.placeholders.length === 0 ? sms : analyzeSms(text);
    preview = { text, characters: a.characters, segments: a.segments, encoding: a.encoding };
  }
  return {
    ok: !diagnostics.some((d) => d.severity === 'error'),
    encoding: sms.encoding,
    characters: sms.characters,
    units: sms.units,
    segments: sms.segments,
    ucs2Characters: [...new Set(sms.nonGsm.map((c) => c.char))],
    language: ctx.language,
    longest: { characters: longest.characters, segments: longest.segments, encoding: longest.encoding },
    preview,
    diagnostics,
  };
}

export { applyEdits };

/** Descriptions of every rule (for docs and the settings screen). */
export function listRules(): (RuleMeta & { switchable: boolean })[] {
  return ALL_RULES.map((r) => ({ ...r.meta, switchable: isSwitchable(r.meta) }));
}
