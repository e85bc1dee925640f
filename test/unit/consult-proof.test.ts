/** Phone proofs (functions/identity/phone-proof.ts): what an SMS code buys an anonymous asker. */
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issuePhoneProof, PHONE_PROOF_TTL_MS, verifyPhoneProof } from '#functions/identity/phone-proof.ts';

beforeAll(() => {
  process.env.CURSOR_KEY ??= 'unit-test-cursor-key-0123456789abcdef';
});

describe('phone proofs', () => {
  const now = Date.parse('2026-03-02T02:00:00Z');

  it('stand for their phone until they expire', () => {
    const { proof, expiresAtMs } = issuePhoneProof('13700051001', now);
    expect(expiresAtMs).toBe(now + PHONE_PROOF_TTL_MS);
    expect(verifyPhoneProof(proof, now + 1000)).toBe('13700051001');
    expect(verifyPhoneProof(proof, expiresAtMs)).toBeUndefined();
  });

  it('cannot be edited, invented, cut or passed off as a cursor', () => {
    const { proof } = issuePhoneProof('13700051001', now);
    const [payload, sig] = proof.split('.');
    const other = Buffer.from(JSON.stringify({ p: '13700051002', e: now + 3_600_000 })).toString('base64url');
    expect(verifyPhoneProof(`${other}.${sig}`, now)).toBeUndefined();
    expect(verifyPhoneProof(`${payload}.${sig.slice(0, -1)}A`, now)).toBeUndefined();
    expect(verifyPhoneProof(payload, now)).toBeUndefined();
    expect(verifyPhoneProof('', now)).toBeUndefined();
    expect(verifyPhoneProof(undefined, now)).toBeUndefined();
    expect(verifyPhoneProof(`${'a'.repeat(400)}.${sig}`, now)).toBeUndefined();
    // Signed with the cursor key itself (as a cursor is), not the key derived for proofs.
    const asCursor = createHmac('sha256', process.env.CURSOR_KEY!).update(payload).digest().subarray(0, 16);
    expect(verifyPhoneProof(`${payload}.${asCursor.toString('base64url')}`, now)).toBeUndefined();
  });
});
