import { describe, expect, it } from 'vitest';
import { EMPTY_LINK, formatHead, hashMatches, parseHead } from '../../../shared/domain/integrity/head';

const E = 'ab'.repeat(32);
const A = 'cd'.repeat(32);

describe('HEAD text', () => {
  it('prints both chains and reads them back, whole or shortened, in any order', () => {
    const heads = { events: { lastId: 812, lastHash: E }, audit: { lastId: 930, lastHash: A } };
    expect(formatHead(heads)).toBe(`events:812:${E},audit:930:${A}`);
    expect(formatHead(heads, 16)).toBe(`events:812:${E.slice(0, 16)},audit:930:${A.slice(0, 16)}`);
    expect(parseHead(formatHead(heads))).toEqual({ value: heads, issues: [], problems: [] });
    expect(parseHead(`audit:930:${A.slice(0, 12).toUpperCase()}  events:812:${E.slice(0, 20)}`).value).toEqual({
      events: { lastId: 812, lastHash: E.slice(0, 20) },
      audit: { lastId: 930, lastHash: A.slice(0, 12) },
    });
    expect(parseHead(`events:812:${E}`).value).toEqual({ events: heads.events });
    expect(formatHead({ events: EMPTY_LINK, audit: EMPTY_LINK })).toBe(`events:0:${'0'.repeat(64)},audit:0:${'0'.repeat(64)}`);
  });

  it('refuses what is not a head, saying why', () => {
    expect(parseHead('').issues).toEqual(['expected a head such as events:812:<hash>,audit:930:<hash>']);
    expect(parseHead('events:812').issues[0]).toMatch(/is not a chain head/);
    expect(parseHead(`events:812:${E.slice(0, 8)}`).issues).toEqual(['events: give at least 12 and at most 64 hex digits of the hash']);
    expect(parseHead(`events:1:${E},events:2:${E}`).issues).toEqual(['events is given twice']);
    expect(parseHead(`consent:1:${E}`).issues[0]).toMatch(/is not a chain head/);
  });

  it('a shortened hash matches the full one it starts, never a shorter prefix than 12 digits', () => {
    expect(hashMatches(E.slice(0, 16), E)).toBe(true);
    expect(hashMatches(E.slice(0, 16).toUpperCase(), E)).toBe(true);
    expect(hashMatches(A.slice(0, 16), E)).toBe(false);
    expect(hashMatches(E.slice(0, 6), E)).toBe(false);
  });
});
