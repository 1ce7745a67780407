import { GENESIS_HASH } from '../consent/canonical';

/** The two hash chains of the register: consent events and the audit log. */
export const Chains = ['events', 'audit'] as const;
/** One of the register's hash chains. */
export type Chain = (typeof Chains)[number];

/** The newest link of a chain: its id and hash (id 0 and the genesis hash for an empty chain). */
export interface ChainLink {
  lastId: number;
  lastHash: string;
}

/** The newest links of both chains. */
export type RegisterHeads = Record<Chain, ChainLink>;

/** The head of an empty chain. */
export const EMPTY_LINK: ChainLink = { lastId: 0, lastHash: GENESIS_HASH };

/** The shortest hash prefix `--expect` accepts: 12 hex digits (48 bits) still name one history. */
export const MIN_HASH_PREFIX = 12;

/**
 * The HEAD text of the register, as `optin audit verify` prints it and `--expect` takes it back:
 * `events:<lastId>:<hash>,audit:<lastId>:<hash>`. `hashLength` shortens each hash to a prefix (reports print
 * 16 hex digits so the line fits a page); the full text carries the whole 64.
 */
export function formatHead(heads: RegisterHeads, hashLength = 64): string {
  return Chains.map((c) => formatLink(c, heads[c], hashLength)).join(',');
}

/** One chain's part of a HEAD: `events:812:ab12…`. */
export function formatLink(chain: Chain, link: ChainLink, hashLength = 64): string {
  return `${chain}:${link.lastId}:${link.lastHash.slice(0, Math.max(MIN_HASH_PREFIX, hashLength))}`;
}

/** A HEAD as given back: either chain may be left out; hashes may be prefixes. */
export type ExpectedHeads = Partial<Record<Chain, ChainLink>>;

/** A problem with a typed head: a message key (shared/contract/messages.en.ts), its parameters, and the English. */
export interface HeadProblem {
  key: 'audit.headMissing' | 'audit.notAHead' | 'audit.headTwice' | 'audit.hashLength';
  params: Record<string, string | number>;
  english: string;
}

/**
 * Parse a HEAD (`events:812:<hash>,audit:930:<hash>`, parts in any order, separated by commas or spaces, each
 * chain at most once; a hash may be shortened to at least {@link MIN_HASH_PREFIX} hex digits).
 */
export function parseHead(text: string): { value: ExpectedHeads | null; issues: string[]; problems: HeadProblem[] } {
  const problems: HeadProblem[] = [];
  const issue = (key: HeadProblem['key'], params: HeadProblem['params'], english: string) => problems.push({ key, params, english });
  const value: ExpectedHeads = {};
  const parts = text
    .trim()
    .split(/[\s,]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) issue('audit.headMissing', {}, 'expected a head such as events:812:<hash>,audit:930:<hash>');
  for (const part of parts) {
    const m = /^(events|audit):(\d{1,15}):([0-9a-fA-F]+)$/.exec(part);
    if (!m) {
      issue(
        'audit.notAHead',
        { part: part.slice(0, 80) },
        `"${part.slice(0, 80)}" is not a chain head: expected events:<id>:<hash> or audit:<id>:<hash>`,
      );
      continue;
    }
    const chain = m[1] as Chain;
    const hash = (m[3] ?? '').toLowerCase();
    if (value[chain]) issue('audit.headTwice', { chain }, `${chain} is given twice`);
    else if (hash.length < MIN_HASH_PREFIX || hash.length > 64)
      issue('audit.hashLength', { chain, min: MIN_HASH_PREFIX }, `${chain}: give at least ${MIN_HASH_PREFIX} and at most 64 hex digits of the hash`);
    else value[chain] = { lastId: Number(m[2]), lastHash: hash };
  }
  const issues = problems.map((p) => p.english);
  return issues.length ? { value: null, issues, problems } : { value, issues, problems };
}

/** True when `hash` is `expected` or starts with it (a shortened hash from a report). */
export function hashMatches(expected: string, hash: string): boolean {
  return expected.length >= MIN_HASH_PREFIX && hash.toLowerCase().startsWith(expected.toLowerCase());
}
