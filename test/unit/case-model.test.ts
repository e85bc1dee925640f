import { describe, expect, it } from 'vitest';
import { formatQueryCode, isQueryCode, normaliseQueryCode, QUERY_CODE_ALPHABET } from '#domain/query-code.ts';
import { beijingDate } from '#domain/time.ts';
import {
  chainEvent,
  formatCaseNo,
  GENESIS_HASH,
  newQueryCode,
  parseCaseNo,
  queryCodeMatches,
  verifyChain,
} from '#functions/cases/model.ts';

describe('case numbers', () => {
  it('carry the hall code, the Beijing date and a daily sequence', () => {
    const no = formatCaseNo('341602', '2026-11-26', 42);
    expect(no).toBe('341602-20261126-000042');
    expect(parseCaseNo(no)).toEqual({ hallCode: '341602', date: '20261126', seq: 42 });
    expect(parseCaseNo('341602-2026112-000042')).toBeUndefined();
  });

  it('use the Beijing date, not UTC', () => {
    expect(beijingDate(new Date('2026-11-26T16:30:00Z'))).toBe('2026-11-27');
    expect(beijingDate(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26');
  });
});

describe('query codes', () => {
  it('are 8 characters of Crockford base32, well spread, compared exactly', () => {
    const codes = Array.from({ length: 200 }, newQueryCode);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(codes).size).toBe(200);
    // Every character of the alphabet turns up (200 × 8 draws of 32: missing one is ~1e-22 likely).
    expect(new Set(codes.join('')).size).toBe(QUERY_CODE_ALPHABET.length);
    expect(queryCodeMatches('K7QM3XHP', 'K7QM3XHP')).toBe(true);
    expect(queryCodeMatches('K7QM3XHP', 'K7QM3XHQ')).toBe(false);
    expect(queryCodeMatches('012345', '012345')).toBe(true);
    expect(queryCodeMatches('012345', '12345')).toBe(false);
  });

  it('are read forgivingly: case, spaces, dashes, full-width, O/I/L as digits', () => {
    expect(normaliseQueryCode('k7qm-3xhp')).toBe('K7QM3XHP');
    expect(normaliseQueryCode(' K7QM 3XHP ')).toBe('K7QM3XHP');
    expect(normaliseQueryCode('Ｋ７ＱＭ　３ＸＨＰ')).toBe('K7QM3XHP');
    expect(normaliseQueryCode('O1IL-ABCD')).toBe('0111ABCD');
    expect(isQueryCode(normaliseQueryCode('k7qm 3xhp'))).toBe(true);
    // An older case's six digits still count; U is not in the alphabet; lengths are exact.
    expect(isQueryCode('012345')).toBe(true);
    expect(isQueryCode('K7QM3XHU')).toBe(false);
    expect(isQueryCode('K7QM3XH')).toBe(false);
    expect(isQueryCode('01234')).toBe(false);
    expect(formatQueryCode('K7QM3XHP')).toBe('K7QM 3XHP');
    expect(formatQueryCode('012345')).toBe('012345');
  });
});

describe('the event hash chain', () => {
  const caseNo = '341602-20261126-000001';
  const e1 = chainEvent(caseNo, GENESIS_HASH, 1, {
    type: '申办',
    at: '2026-11-26T01:00:00.000Z',
    actor: '申请人',
  });
  const e2 = chainEvent(caseNo, e1.hash, 2, {
    type: '受理',
    at: '2026-11-26T02:00:00.000Z',
    actor: '公安局受理岗',
    outcome: '受理',
  });

  it('verifies an untouched timeline', () => {
    expect(verifyChain(caseNo, [e1, e2])).toEqual({ ok: true });
  });

  it('catches an edited event, a removed event and a copied timeline', () => {
    expect(verifyChain(caseNo, [e1, { ...e2, outcome: '不予受理' }])).toMatchObject({ ok: false, seq: 2 });
    expect(verifyChain(caseNo, [e2])).toMatchObject({ ok: false });
    expect(verifyChain('341602-20261126-000002', [e1, e2])).toMatchObject({ ok: false, seq: 1 });
  });

  it('does not depend on attribute order', () => {
    const reordered = Object.fromEntries(Object.entries(e2).reverse()) as typeof e2;
    expect(verifyChain(caseNo, [e1, reordered])).toEqual({ ok: true });
  });
});
