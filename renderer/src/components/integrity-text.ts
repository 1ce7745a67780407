import type { TFunction } from 'i18next';
import type { AuditProblem } from '../../../shared/contract/api';
import { translateSaid } from '../i18n/errors';
import { formatPhone } from './format';

/** `events:812:ab12…` (a chain head part, as the register sends it) → chain, id and hash; null for anything else. */
function headPart(text: string | null): { chain: 'events' | 'audit'; id: number; hash: string } | null {
  const m = /^(events|audit):(\d+):([0-9a-f]+)$/.exec(text ?? '');
  return m ? { chain: m[1] as 'events' | 'audit', id: Number(m[2]), hash: m[3]!.slice(0, 12) } : null;
}

/** What went wrong, in the person's language, from the problem's fields (never from the register's English text). */
export function problemText(t: TFunction, p: AuditProblem): string {
  const phone = p.phone ? formatPhone(p.phone) : '—';
  const base = { id: p.id, eventId: p.eventId, contactId: p.contactId, phone, expected: p.expected, actual: p.actual };
  switch (p.kind) {
    case 'hash_mismatch':
    case 'chain_broken':
      return p.table === 'audit_log' ? t(`integrity.problem.${p.kind}_audit`, base) : t(`integrity.problem.${p.kind}`, base);
    case 'missing':
      if (p.table === 'audit_log') return t('integrity.problem.missing_audit', base);
      return p.contactId === null ? t('integrity.problem.missing_gap', base) : t('integrity.problem.missing', base);
    case 'projection_mismatch':
      return t('integrity.problem.projection_mismatch', {
        ...base,
        expected: t(`status.${p.expected ?? 'none'}`, { defaultValue: p.expected ?? '' }),
        actual: t(`status.${p.actual ?? 'none'}`, { defaultValue: p.actual ?? '' }),
      });
    case 'phone_changed':
      return t('integrity.problem.phone_changed', {
        ...base,
        expected: p.expected ? formatPhone(p.expected) : '—',
        actual: p.actual ? formatPhone(p.actual) : '—',
      });
    case 'register_shorter':
    case 'history_rewritten': {
      const seen = headPart(p.expected);
      const now = headPart(p.actual);
      const link = (h: typeof seen) => (h ? t(`integrity.chain.${h.chain}`, { id: h.id }) : '—');
      return t(`integrity.problem.${p.kind}`, { seen: link(seen), hash: seen?.hash ?? '', now: link(now), nowHash: now?.hash ?? '' });
    }
    case 'listed_mismatch': {
      // `<field>=<value>`: a status, an instant, `never` or `none` (register/integrity.ts).
      const listed = (text: string | null): string => {
        const m = /^(\w+)=(.*)$/.exec(text ?? '');
        if (!m) return text ?? '—';
        const field = m[1]!;
        const value = m[2]!;
        const shown =
          field === 'sms' || field === 'whatsapp'
            ? t(`status.${value}`, { defaultValue: value })
            : value === 'none' || value === 'never'
              ? t(`integrity.listed.${value}`)
              : value.slice(0, 10);
        return `${t(`integrity.listed.${field}`, { defaultValue: field })}: ${shown}`;
      };
      return t('integrity.problem.listed_mismatch', { ...base, expected: listed(p.expected), actual: listed(p.actual) });
    }
    case 'link_changed': {
      const contact = (text: string | null): string => (text === null ? t('integrity.listed.notLinked') : text.replace(/^contact (\d+)$/, '#$1'));
      return t('integrity.problem.link_changed', { ...base, expected: contact(p.expected), actual: contact(p.actual) });
    }
    case 'form_altered':
      return t('integrity.problem.form_altered', { ...base, expected: (p.expected ?? '').split(' ')[0] });
    case 'settings_changed':
      // A loosening of the pack names no audit row (id null); a change since the last one recorded names that row.
      return t(p.id === null ? 'integrity.problem.settings_loosened' : 'integrity.problem.settings_changed', base);
    case 'witness_unreadable':
      // Why, by key (not JSON, not a witness file, its heads malformed, a read error); a check from before keys: its English.
      return t('integrity.problem.witness_unreadable', { ...base, reason: p.said ? translateSaid(t, p.said) : (p.actual ?? '') });
    default:
      return t(`integrity.problem.${p.kind}`, base);
  }
}

/** What to do about a problem. */
export function problemAdvice(t: TFunction, p: AuditProblem): string {
  switch (p.kind) {
    case 'projection_mismatch':
    case 'listed_mismatch':
      return t('integrity.advice.rebuild');
    case 'register_shorter':
    case 'history_rewritten':
      return t('integrity.advice.witness');
    case 'witness_unreadable':
      return t('integrity.advice.rewrite');
    case 'witness_missing':
      return t('integrity.advice.moved');
    case 'journal_unreadable':
      return t('integrity.advice.journal');
    case 'settings_changed':
      return t('integrity.advice.settings');
    case 'schema_added':
    case 'schema_altered':
    case 'form_altered':
      return t('integrity.advice.restoreFile');
    default:
      return t('integrity.advice.restore');
  }
}
