/**
 * Password sign-in limits: pure rules. The counters live in DynamoDB (store.ts), so they hold
 * across Lambda instances and across the local provider and the dev token route.
 *
 * A lock must stop a guesser without locking out the rightful owner, so nothing locks an account
 * everywhere, and nothing locks an address for everyone behind it:
 *
 * - **Account × address** (PAIR_POLICY): 5 failures within 15 minutes lock that account *from that
 *   address*; each further lock within 24 hours lasts twice as long (15, 30, 60, 120 min at most).
 *   The owner elsewhere is not affected; at the same address they sign in with an SMS code or
 *   reset the password by SMS, which also ends the lock. A try is reserved (counted as a failure)
 *   *before* the password is checked and given back on success, so a burst of parallel guesses
 *   gets 5 checks, not one per request.
 * - **Account, all addresses** (ACCOUNT_FAILURES): 20 failures within an hour (a guesser spread
 *   over many addresses) suspend *password* sign-in for the account; SMS-code sign-in still works.
 * - **Address** (ADDRESS_FAILURES): 200 failures within an hour suspend password sign-in from
 *   that address; SMS-code sign-in still works. A village office does not fail 200 times an hour.
 * - **Spray** (SPRAY): 10 different accounts failing from one address within 15 minutes is
 *   audited (`login_spray`) and logged once per window.
 */
import type { SlidingLimit } from '#lib/limiter.ts';

export interface LockPolicy {
  maxFailures: number;
  windowMs: number;
  /** The first lock; each further one within `levelMemoryMs` doubles, up to `maxLockMs`. */
  lockMs: number;
  maxLockMs: number;
  levelMemoryMs: number;
}

const MINUTE = 60_000;

export const PAIR_POLICY: LockPolicy = {
  maxFailures: 5,
  windowMs: 15 * MINUTE,
  lockMs: 15 * MINUTE,
  maxLockMs: 120 * MINUTE,
  levelMemoryMs: 24 * 60 * MINUTE,
};

export const ACCOUNT_FAILURES = { max: 20, windowMs: 60 * MINUTE };
export const ADDRESS_FAILURES = { max: 200, windowMs: 60 * MINUTE };
export const SPRAY = { max: 10, windowMs: 15 * MINUTE };

export const accountFailures = (accountId: string): SlidingLimit => ({
  key: `pwfail-account#${accountId}`,
  ...ACCOUNT_FAILURES,
});
export const addressFailures = (ip: string): SlidingLimit => ({
  key: `pwfail-ip#${ip}`,
  ...ADDRESS_FAILURES,
});
export const sprayCounter = (ip: string): SlidingLimit => ({ key: `spray#${ip}`, ...SPRAY });
/** The id of an account × address counter. */
export const pairId = (accountId: string, ip: string) => `${accountId}@${ip}`;

export interface FailureCounter {
  failures: number;
  /** When the first failure of the current window happened (ms). */
  windowStart: number;
  /** Set once the limit is reached (ms). */
  lockedUntil?: number;
  /** How many locks happened recently (backoff). */
  level?: number;
  lastLockAt?: number;
}

/** Milliseconds left of a lock, or 0 when not locked. */
export function lockRemaining(counter: FailureCounter | undefined, now: number): number {
  return counter?.lockedUntil && counter.lockedUntil > now ? counter.lockedUntil - now : 0;
}

const lockExpired = (c: FailureCounter, now: number) => c.lockedUntil !== undefined && c.lockedUntil <= now;

/** How long the lock at `level` (0 = first) lasts. */
export function lockDuration(level: number, policy: LockPolicy): number {
  return Math.min(policy.lockMs * 2 ** Math.max(0, level), policy.maxLockMs);
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
  const remembered = counter?.lastLockAt !== undefined && now - counter.lastLockAt < policy.levelMemoryMs;
  const level = remembered ? (counter?.level ?? 0) : 0;
  const next: FailureCounter = { failures, windowStart };
  if (remembered) {
    next.level = level;
    next.lastLockAt = counter?.lastLockAt;
  }
  if (failures >= policy.maxFailures) {
    next.lockedUntil = now + lockDuration(level, policy);
    next.level = level + 1;
    next.lastLockAt = now;
  }
  return next;
}

/** Failures left before the lock, for the "还可尝试 N 次" hint. */
export function attemptsLeft(counter: FailureCounter | undefined, now: number, policy: LockPolicy): number {
  if (!counter || now - counter.windowStart >= policy.windowMs || lockExpired(counter, now))
    return policy.maxFailures;
  return Math.max(0, policy.maxFailures - counter.failures);
}

/** When the counter record may be deleted (DynamoDB TTL, seconds): the backoff level is kept a day. */
export function counterExpiry(counter: FailureCounter, policy: LockPolicy): number {
  const end = Math.max(
    counter.windowStart + policy.windowMs,
    counter.lockedUntil ?? 0,
    counter.lastLockAt !== undefined ? counter.lastLockAt + policy.levelMemoryMs : 0,
  );
  return Math.ceil(end / 1000);
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export function lockedMessage(remainingMs: number, kind: 'account' | 'ip' | 'suspended' = 'account'): string {
  switch (kind) {
    case 'account':
      return `密码错误次数过多，账户在当前网络已临时锁定，请 ${minutes(remainingMs)} 分钟后再试，或使用短信验证码登录、找回密码`;
    case 'suspended':
      return `该账户近期密码错误次数过多，为保护账户安全，密码登录已暂停约 ${minutes(remainingMs)} 分钟，请使用短信验证码登录或找回密码`;
    case 'ip':
      return `当前网络登录失败次数过多，密码登录已暂停约 ${minutes(remainingMs)} 分钟，请使用短信验证码登录`;
  }
}

export function failedMessage(left: number, lockMs = PAIR_POLICY.lockMs): string {
  return left > 0 ? `用户名或密码不正确，还可尝试 ${left} 次` : lockedMessage(lockMs);
}
