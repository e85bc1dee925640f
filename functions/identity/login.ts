/**
 * Sign-in, shared by the local identity provider's login page and the local `POST /api/dev/token`
 * (and, in AWS, by the Cognito migration trigger; see README.md): with a password under the limits
 * of lockout.ts, or with an SMS code (otp.ts), which is how the owner gets in while a guesser has
 * their password sign-in locked. Every attempt is audited; ID numbers and phones in the audit are
 * masked by audit.ts.
 */

import { validateMobile } from '#domain/ids.ts';
import { logger } from '#lib/logger.ts';
import { auditEntry } from './audit.ts';
import { CODE_MAX_ATTEMPTS } from './limits.ts';
import {
  accountFailures,
  addressFailures,
  afterFailure,
  attemptsLeft,
  counterExpiry,
  type FailureCounter,
  failedMessage,
  lockedMessage,
  lockRemaining,
  PAIR_POLICY,
  pairId,
  SPRAY,
  sprayCounter,
} from './lockout.ts';
import type { Account } from './model.ts';
import { codeMatches, NO_CODE, noTryLeft, wrongCode } from './otp.ts';
import { DEFAULT_COST, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password.ts';
import type { AccountStore } from './store.ts';

export type LoginResult =
  | { ok: true; account: Account }
  | { ok: false; status: 400 | 401 | 403 | 410 | 422 | 429; code: string; message: string };

export interface LoginInput {
  login: string;
  password: string;
  ip: string;
  /** Epoch ms (the clock seam's now, or the local dev clock). */
  now: number;
  /** Where the attempt came from, for the audit log. */
  via: 'oidc' | 'dev-token' | 'cognito';
}

type Reservation =
  | { ok: true; counter: FailureCounter }
  | { ok: false; lockMs: number }
  | { ok: false; busy: true };

/**
 * Reserves one password try for an account from an address: counted as a failure *before* the
 * password is checked (given back on success), written only if the counter did not change since
 * it was read. A burst of parallel guesses therefore gets at most 5 checks: the losers of each
 * write race re-read, and once the fifth try is reserved the counter is locked.
 */
async function reserve(store: AccountStore, id: string, now: number): Promise<Reservation> {
  for (let i = 0; i < 8; i++) {
    const current = await store.getCounter('pair', id);
    const lock = lockRemaining(current, now);
    if (lock > 0) return { ok: false, lockMs: lock };
    const next = afterFailure(current, now, PAIR_POLICY);
    if (await store.saveCounter('pair', id, next, current?.v, counterExpiry(next, PAIR_POLICY)))
      return { ok: true, counter: next };
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (i + 1)));
  }
  return { ok: false, busy: true };
}

export async function authenticate(store: AccountStore, input: LoginInput): Promise<LoginResult> {
  const login = input.login.trim();
  if (!login || !input.password || login.length > 64 || input.password.length > 256) {
    return { ok: false, status: 400, code: 'VALIDATION_FAILED', message: '请输入用户名（或手机号码）和密码' };
  }
  const at = new Date(input.now);
  const audit = (type: Parameters<typeof auditEntry>[0]['type'], actor: string, details: object) =>
    store.audit(auditEntry({ type, actor, ip: input.ip, details: { via: input.via, ...details } }, at));

  // An address that failed 200 times within the hour: no more password tries from it (SMS still works).
  const address = await store.peekLimit(addressFailures(input.ip), input.now);
  if (!address.allowed)
    return { ok: false, status: 429, code: 'IP_LOCKED', message: lockedMessage(address.retryAfterMs, 'ip') };

  const account = await store.findByLogin(login);
  // Unknown logins are counted too (under the login text), so "locked" tells nothing about existence.
  const accountId = account ? account.sub : `?${login.toLowerCase()}`;
  const actor = account?.sub ?? login;

  // Failures from everywhere: password sign-in is suspended, SMS-code sign-in is not.
  const everywhere = await store.peekLimit(accountFailures(accountId), input.now);
  if (!everywhere.allowed) {
    const noted = await store.hitLimit(
      { key: `noted#suspended#${accountId}`, max: 1, windowMs: everywhere.retryAfterMs },
      input.now,
      false,
    );
    if (noted.count === 1) await audit('login_locked', actor, { scope: 'account' });
    return {
      ok: false,
      status: 429,
      code: 'PASSWORD_SUSPENDED',
      message: lockedMessage(everywhere.retryAfterMs, 'suspended'),
    };
  }

  const pair = pairId(accountId, input.ip);
  const reserved = await reserve(store, pair, input.now);
  if (!reserved.ok) {
    if ('busy' in reserved)
      return { ok: false, status: 429, code: 'LOGIN_BUSY', message: '登录请求过于频繁，请稍后再试' };
    // Audited once per lock, not at every refused try (a burst would flood the log).
    const noted = await store.hitLimit(
      { key: `noted#locked#${pair}`, max: 1, windowMs: reserved.lockMs },
      input.now,
      false,
    );
    if (noted.count === 1) await audit('login_locked', actor, { scope: 'pair' });
    return { ok: false, status: 429, code: 'ACCOUNT_LOCKED', message: lockedMessage(reserved.lockMs) };
  }

  const good = account
    ? await verifyPassword(input.password, account.passwordHash)
    : await verifyAgainstDummy(input.password);
  if (!good || !account) {
    const counter = reserved.counter;
    const [all] = await Promise.all([
      store.hitLimit(accountFailures(accountId), input.now, false),
      store.hitLimit(addressFailures(input.ip), input.now, false),
    ]);
    if (all.count === accountFailures(accountId).max) {
      await audit('login_suspended', actor, { failures: all.count });
      logger.warn('password sign-in suspended for an account', { failures: all.count });
    }
    // A new (account, address) pair failing: one more distinct account from this address.
    if (counter.failures === 1) {
      const spray = await store.hitLimit(sprayCounter(input.ip), input.now, false);
      if (spray.count === SPRAY.max) {
        await audit('login_spray', input.ip, {
          accounts: spray.count,
          windowMinutes: SPRAY.windowMs / 60_000,
        });
        logger.warn('password spray: many accounts failing from one address', {
          ip: input.ip,
          accounts: spray.count,
        });
      }
    }
    await audit('login_failed', actor, { failures: counter.failures });
    const left = attemptsLeft(counter, input.now, PAIR_POLICY);
    return left > 0
      ? { ok: false, status: 401, code: 'LOGIN_FAILED', message: failedMessage(left) }
      : {
          ok: false,
          status: 429,
          code: 'ACCOUNT_LOCKED',
          message: lockedMessage(lockRemaining(counter, input.now)),
        };
  }
  // The reserved try was not a failure.
  await store.clearCounter('pair', pair);
  if (account.status !== 'active') {
    return { ok: false, status: 403, code: 'ACCOUNT_DISABLED', message: '该账户已停用，请联系运营中心' };
  }
  if (!account.demo && needsRehash(account.passwordHash, DEFAULT_COST)) {
    await store.setPasswordHash(account.sub, await hashPassword(input.password, DEFAULT_COST));
  }
  await audit('login', account.sub, { method: 'password' });
  return { ok: true, account };
}

export interface CodeLoginInput {
  phone: string;
  code: string;
  ip: string;
  now: number;
  via: 'oidc' | 'dev-token' | 'cognito';
}

/**
 * SMS-code sign-in: the code sent by `POST /api/accounts/codes {purpose: 'login'}` to the account's
 * phone. Tries are claimed atomically (5 per code); the code is consumed once. Works while password
 * sign-in is locked or suspended (that is what it is for) and ends the lock at this address.
 */
export async function authenticateWithCode(store: AccountStore, input: CodeLoginInput): Promise<LoginResult> {
  const phone = validateMobile(input.phone);
  if (!phone.ok || !/^\d{6}$/.test(input.code.trim()))
    return { ok: false, status: 400, code: 'VALIDATION_FAILED', message: '请输入手机号码和 6 位短信验证码' };
  const at = new Date(input.now);
  const claim = await store.claimChallengeAttempt('login', phone.value, CODE_MAX_ATTEMPTS, input.now);
  if (!claim.ok) return noTryLeft(claim.why);
  const challenge = claim.challenge;
  if (!codeMatches(challenge, input.code.trim())) {
    await store.audit(
      auditEntry(
        {
          type: 'login_failed',
          actor: challenge.sub ?? phone.value,
          ip: input.ip,
          details: { via: input.via, method: 'sms' },
        },
        at,
      ),
    );
    return wrongCode(CODE_MAX_ATTEMPTS - challenge.attempts);
  }
  if (!(await store.consumeChallenge(challenge))) return NO_CODE;
  const account = challenge.sub ? await store.getAccount(challenge.sub) : undefined;
  if (!account || account.phone !== phone.value) return NO_CODE;
  if (account.status !== 'active')
    return { ok: false, status: 403, code: 'ACCOUNT_DISABLED', message: '该账户已停用，请联系运营中心' };
  // The owner proved the phone: a lock a guesser caused at this address ends.
  await store.clearCounter('pair', pairId(account.sub, input.ip));
  await store.audit(
    auditEntry(
      { type: 'login', actor: account.sub, ip: input.ip, details: { via: input.via, method: 'sms' } },
      at,
    ),
  );
  return { ok: true, account };
}
