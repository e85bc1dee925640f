/**
 * The progress query's guessing rules (functions/cases/guessing.ts) and the proof of work they ask
 * for (#domain/proof.ts): the SHA-256 written out for the portal agrees with node:crypto, a found
 * proof holds and a wrong one does not, and the cost grows with the failures but stays bounded.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findProof, proofHolds, sha256Hex } from '#domain/proof.ts';
import {
  addressLimits,
  addressRefusal,
  caseFailures,
  challengeAt,
  GUESSING,
  liveChallenges,
  PROOF,
  proofBits,
} from '#functions/cases/guessing.ts';

describe('SHA-256 for the proof of work', () => {
  it('agrees with node:crypto on block edges and multi-byte text', () => {
    for (const text of [
      '',
      'abc',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'a'.repeat(119),
      '办件'.repeat(50),
    ])
      expect(sha256Hex(text), `length ${text.length}`).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('proof of work', () => {
  const input = { caseNo: '341602-20260302-000001', code: 'K7QM3XHP', challenge: '2963000' };

  it('a found nonce holds for its case, code and challenge only', () => {
    let nonce: string | undefined;
    for (let from = 0; !nonce; from += 10_000) nonce = findProof(input, 12, from, 10_000);
    expect(proofHolds(input, nonce, 12)).toBe(true);
    const leading = (p: typeof input) =>
      createHash('sha256').update(`${p.caseNo}|${p.code}|${p.challenge}|${nonce}`).digest();
    // The server's check is SHA-256 itself: the first 12 bits are zero.
    const digest = leading(input);
    expect(digest[0]).toBe(0);
    expect(digest[1] >> 4).toBe(0);
    // Another code (the next guess) or another window needs its own work.
    const other = [
      { ...input, code: 'K7QM3XHQ' },
      { ...input, challenge: '2963001' },
    ];
    // (Deterministic: for this input and nonce neither holds; by chance each would with 1/4096.)
    for (const p of other) expect(proofHolds(p, nonce, 12)).toBe(false);
  });

  it('costs nothing within the free budget, then doubles with the failures, up to a bound', () => {
    const { free } = GUESSING.perCase;
    expect(proofBits(0)).toBe(0);
    expect(proofBits(free - 1)).toBe(0);
    expect(proofBits(free)).toBe(GUESSING.proof.firstBits);
    expect(proofBits(2 * free)).toBe(GUESSING.proof.firstBits + GUESSING.proof.bitsPerDoubling);
    expect(proofBits(1_000_000)).toBe(GUESSING.proof.maxBits);
  });

  it('challenges name a time window; the current and the previous one are accepted', () => {
    const w = GUESSING.proof.windowMs;
    const now = 1_780_000_000_000;
    expect(liveChallenges(now)).toContain(challengeAt(now));
    expect(liveChallenges(now + w)).toContain(challengeAt(now));
    expect(liveChallenges(now + 2 * w)).not.toContain(challengeAt(now));
    expect(PROOF.test(`${challengeAt(now)}.1a2b`)).toBe(true);
    expect(PROOF.test('x.1a2b')).toBe(false);
  });
});

describe('guessing limits', () => {
  it('count failures per address (two windows) and per case number', () => {
    expect(addressLimits('10.0.0.1').map((l) => [l.key, l.max])).toEqual([
      ['progress-ip#10.0.0.1', 20],
      ['progress-ip#10.0.0.1#1', 100],
    ]);
    expect(caseFailures('341602-20260302-000001')).toMatchObject({ max: GUESSING.perCase.free });
  });

  it('refuse an address in Chinese, saying how long to wait', () => {
    expect(addressRefusal(9 * 60_000 + 1)).toMatchObject({
      status: 429,
      code: 'PROGRESS_RATE_LIMITED',
      retryAfterSeconds: 541,
    });
    expect(addressRefusal(9 * 60_000).message).toMatch(/请 9 分钟后再试/);
    expect(addressRefusal(5 * 3600_000).message).toMatch(/请 5 小时后再试/);
  });
});
