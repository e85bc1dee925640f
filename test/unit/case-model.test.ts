import { describe, expect, it } from 'vitest';
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
  it('are six digits and compared exactly', () => {
    for (let i = 0; i < 50; i++) expect(newQueryCode()).toMatch(/^\d{6}$/);
    expect(queryCodeMatches('012345', '012345')).toBe(true);
    expect(queryCodeMatches('012345', '012346')).toBe(false);
    expect(queryCodeMatches('012345', '12345')).toBe(false);
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
