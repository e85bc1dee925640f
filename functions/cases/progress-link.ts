/**
 * The short link in every SMS about a case: `<portal>/progress/?no=<caseNo>&t=<token>` opens the
 * progress page without typing the query code. The token is `<expiry, base36 seconds>.<HMAC>`: an
 * HMAC-SHA256 (first 16 bytes, base64url) over the case number and the expiry with a key derived from
 * the deployment's CURSOR_KEY (so no new secret), valid `LINK_DAYS`. It opens only what the progress
 * query shows; a wrong or expired token counts as a wrong query code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { env } from '#lib/aws.ts';

export const LINK_DAYS = 30;
const TOKEN = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/;

let key: Buffer | undefined;
const linkKey = () => {
  key ??= createHmac('sha256', env('CURSOR_KEY')).update('progress-link').digest();
  return key;
};
const mac = (caseNo: string, exp: string) =>
  createHmac('sha256', linkKey()).update(`${caseNo}|${exp}`).digest().subarray(0, 16).toString('base64url');

export function progressToken(caseNo: string, nowMs: number): string {
  const exp = Math.floor(nowMs / 1000 + LINK_DAYS * 86_400).toString(36);
  return `${exp}.${mac(caseNo, exp)}`;
}

/** 'ok', or why not: an edited, foreign or malformed token, or one past its expiry. */
export function checkProgressToken(
  caseNo: string,
  token: string,
  nowMs: number,
): 'ok' | 'invalid' | 'expired' {
  const m = TOKEN.exec(token);
  if (!m) return 'invalid';
  const a = Buffer.from(m[2]);
  const b = Buffer.from(mac(caseNo, m[1]));
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid';
  return Number.parseInt(m[1], 36) * 1000 > nowMs ? 'ok' : 'expired';
}

/** The link itself (PORTAL_URL: the portal's origin in both clouds). */
export const progressLink = (caseNo: string, nowMs: number) =>
  `${env('PORTAL_URL')}/progress/?no=${caseNo}&t=${progressToken(caseNo, nowMs)}`;
