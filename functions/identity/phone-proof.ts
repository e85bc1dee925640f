/**
 * A phone proof: what a person without an account gets for an SMS code (purpose `consult`) sent to
 * their phone — a short-lived signed statement "whoever holds this controls 138…", so a hall (whose
 * functions may not write the platform's accounts table, where the codes live) can let them ask and
 * follow their own questions (在线咨询, functions/consult). base64url of `{ p, e }` (phone, expiry in
 * epoch ms), then 16 bytes of HMAC-SHA256 with a key derived from the deployment's CURSOR_KEY for this
 * one purpose (so a cursor can never pass for a proof, nor the reverse).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { env } from '#lib/aws.ts';

/** A proof lasts two hours: long enough to ask, come back for the answer the same day, and rate it. */
export const PHONE_PROOF_TTL_MS = 2 * 3_600_000;
const SIGNATURE_CHARS = 22;

const key = () => createHmac('sha256', env('CURSOR_KEY')).update('phone-proof/v1').digest();
const sign = (payload: string) =>
  createHmac('sha256', key()).update(payload).digest().subarray(0, 16).toString('base64url');

export function issuePhoneProof(phone: string, nowMs: number): { proof: string; expiresAtMs: number } {
  const expiresAtMs = nowMs + PHONE_PROOF_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ p: phone, e: expiresAtMs })).toString('base64url');
  return { proof: `${payload}.${sign(payload)}`, expiresAtMs };
}

/** The phone a proof stands for, if its signature is good and it has not expired. */
export function verifyPhoneProof(proof: string | undefined, nowMs: number): string | undefined {
  if (!proof || proof.length > 300) return undefined;
  const dot = proof.lastIndexOf('.');
  if (dot < 1) return undefined;
  const payload = proof.slice(0, dot);
  const given = Buffer.from(proof.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(payload), 'base64url');
  if (proof.length - dot - 1 !== SIGNATURE_CHARS || given.length !== expected.length) return undefined;
  if (!timingSafeEqual(given, expected)) return undefined;
  try {
    const { p, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof p === 'string' && /^1\d{10}$/.test(p) && typeof e === 'number' && e > nowMs ? p : undefined;
  } catch {
    return undefined;
  }
}
