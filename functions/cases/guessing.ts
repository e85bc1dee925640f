/**
 * How the public progress query resists guessing without ever locking out the rightful owner.
 * Pure: the numbers, the proof-of-work schedule and the Chinese refusals (progress.ts applies them).
 *
 * - Only wrong codes count (a wrong code and an unknown case number are the same failure); a query
 *   with the right code writes nothing.
 * - **Per address** (sliding windows): 20 failures in 10 minutes, 100 in a day; past that the
 *   address is refused (429) whatever it sends, so its guesses stop being answered. Other
 *   addresses are not affected: the owner elsewhere never sees this limit.
 * - **Per case number** (all addresses, one hour): a budget of 10 failures; past it every query of
 *   that number — right or wrong, from anywhere — must carry a proof of work (#domain/proof.ts)
 *   that doubles in cost as the failures double, up to about a quarter of a second of a phone's
 *   time. Guessing one case slows down for everyone; the owner's browser does the work and gets
 *   the answer. Nobody is refused for someone else's guesses.
 */
import type { SlidingLimit } from '#lib/limiter.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const GUESSING = {
  perAddress: [
    { max: 20, windowMs: 10 * MINUTE },
    { max: 100, windowMs: DAY },
  ],
  perCase: { free: 10, windowMs: HOUR },
  proof: {
    /** Bits at the first failure past the free budget, and per doubling of the failures after it. */
    firstBits: 10,
    bitsPerDoubling: 2,
    maxBits: 18,
    /** A challenge names a time window of this length; the current and the previous are accepted. */
    windowMs: 10 * MINUTE,
  },
} as const;

export const addressLimits = (ip: string): SlidingLimit[] =>
  GUESSING.perAddress.map((l, i) => ({ key: `progress-ip#${ip}${i ? `#${i}` : ''}`, ...l }));

/** The per-case failure count (its `max` is the free budget; the verdict is not a refusal). */
export const caseFailures = (caseNo: string): SlidingLimit => ({
  key: `progress-case#${caseNo}`,
  max: GUESSING.perCase.free,
  windowMs: GUESSING.perCase.windowMs,
});

/** Leading zero bits a query's proof must have after `failures` wrong codes for its number. */
export function proofBits(failures: number): number {
  const { free } = GUESSING.perCase;
  const { firstBits, bitsPerDoubling, maxBits } = GUESSING.proof;
  if (failures < free) return 0;
  return Math.min(maxBits, firstBits + bitsPerDoubling * Math.floor(Math.log2(failures / free)));
}

/** The challenge of the time window `now` is in (the client gets it with the 428). */
export const challengeAt = (now: number) => String(Math.floor(now / GUESSING.proof.windowMs));

/** Challenges still accepted at `now`: this window's and the previous one's. */
export function liveChallenges(now: number): string[] {
  const current = Math.floor(now / GUESSING.proof.windowMs);
  return [String(current), String(current - 1)];
}

/** `proof` as the query carries it: `<challenge>.<nonce>`. */
export const PROOF = /^(\d{1,15})\.([0-9a-z]{1,16})$/;

export function addressRefusal(retryAfterMs: number) {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / MINUTE));
  const wait = minutes < 120 ? `${minutes} 分钟` : `${Math.ceil(minutes / 60)} 小时`;
  return {
    status: 429,
    code: 'PROGRESS_RATE_LIMITED',
    message: `当前网络查询失败次数过多，请 ${wait}后再试；也可点击受理短信中的链接查询，或到政务服务大厅窗口查询`,
    retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
  } as const;
}

export const PROOF_REQUIRED_MESSAGE =
  '该办件近期查询失败次数较多，为保护办件信息，需要先完成安全验证（网页会自动完成，请稍候）';
