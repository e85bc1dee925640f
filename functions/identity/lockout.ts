/**
 * Login rate limiting: pure rules over a failure counter, stored per account and per client IP
 * (functions/identity/store.ts keeps the counters in DynamoDB so they hold across Lambda instances
 * and across the local provider and the dev token route).
 *
 * - Account: 5 failed passwords within 15 minutes lock the account for 15 minutes.
 * - IP: 30 failures within 15 minutes lock that address for 15 minutes. Generous on purpose:
 *   agent points and village offices put many people behind one address.
 * A success clears the account's counter (not the IP's: one good password among many guesses
 * must not reset a guesser's budget).
 */

export interface LockPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const ACCOUNT_POLICY: LockPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const IP_POLICY: LockPolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface FailureCounter {
  failures: number;
  /** When the first failure of the current window happened (ms). */
  windowStart: number;
  /** Set once the limit is reached (ms). */
  lockedUntil?: number;
}

/** Milliseconds left of a lock, or 0 when not locked. */
export function lockRemaining(counter: FailureCounter | undefined, now: number): number {
  return counter?.lockedUntil && counter.lockedUntil > now ? counter.lockedUntil - now : 0;
}

/** The counter after one more failure at `now`. */
export function afterFailure(
  counter: FailureCounter | undefined,
  now: number,
  policy: LockPolicy,
): FailureCounter {
  const fresh = !counter || now - counter.windowStart >= policy.windowMs || lockExpired(counter, now);
  const failures = fresh ? 1 : counter.failures + 1;
  const windowStart = fresh ? now : counter.windowStart;
  return failures >= policy.maxFailures
    ? { failures, windowStart, lockedUntil: now + policy.lockMs }
    : { failures, windowStart };
}

const lockExpired = (c: FailureCounter, now: number) => c.lockedUntil !== undefined && c.lockedUntil <= now;

/** Failures left before the lock, for the "还可尝试 N 次" hint. */
export function attemptsLeft(counter: FailureCounter | undefined, now: number, policy: LockPolicy): number {
  if (!counter || now - counter.windowStart >= policy.windowMs || lockExpired(counter, now))
    return policy.maxFailures;
  return Math.max(0, policy.maxFailures - counter.failures);
}

/** When the counter record may be deleted (DynamoDB TTL, seconds). */
export function counterExpiry(counter: FailureCounter, policy: LockPolicy): number {
  const end = Math.max(counter.windowStart + policy.windowMs, counter.lockedUntil ?? 0);
  return Math.ceil(end / 1000);
}

export function lockedMessage(remainingMs: number, kind: 'account' | 'ip' = 'account'): string {
  const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
  return kind === 'account'
    ? `密码错误次数过多，账户已临时锁定，请 ${minutes} 分钟后再试，或使用“忘记密码”找回`
    : `该网络登录失败次数过多，请 ${minutes} 分钟后再试`;
}

export function failedMessage(left: number): string {
  return left > 0 ? `用户名或密码不正确，还可尝试 ${left} 次` : lockedMessage(ACCOUNT_POLICY.lockMs);
}
