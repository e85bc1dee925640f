/**
 * Password sign-in with lockout, shared by the local identity provider's login page and the local
 * `POST /api/dev/token` (and, in AWS, by the Cognito migration trigger; see README.md). Every
 * attempt is audited; ID numbers and phones in the audit are masked by audit.ts.
 */
import { auditEntry } from './audit.ts';
import {
  ACCOUNT_POLICY,
  afterFailure,
  attemptsLeft,
  counterExpiry,
  type FailureCounter,
  failedMessage,
  IP_POLICY,
  type LockPolicy,
  lockedMessage,
  lockRemaining,
} from './lockout.ts';
import type { Account } from './model.ts';
import { DEFAULT_COST, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password.ts';
import type { AccountStore } from './store.ts';

export type LoginResult =
  | { ok: true; account: Account }
  | { ok: false; status: 400 | 401 | 403 | 429; code: string; message: string };

export interface LoginInput {
  login: string;
  password: string;
  ip: string;
  /** Epoch ms (the clock seam's now, or the local dev clock). */
  now: number;
  /** Where the attempt came from, for the audit log. */
  via: 'oidc' | 'dev-token' | 'cognito';
}

async function bump(
  store: AccountStore,
  kind: 'account' | 'ip',
  id: string,
  now: number,
  policy: LockPolicy,
) {
  // Optimistic update: a few retries settle concurrent failures from several Lambda instances.
  for (let i = 0; i < 5; i++) {
    const current = await store.getCounter(kind, id);
    const next = afterFailure(current, now, policy);
    if (await store.saveCounter(kind, id, next, current?.v, counterExpiry(next, policy))) return next;
  }
  return undefined;
}

export async function authenticate(store: AccountStore, input: LoginInput): Promise<LoginResult> {
  const login = input.login.trim();
  if (!login || !input.password || login.length > 64 || input.password.length > 256) {
    return { ok: false, status: 400, code: 'VALIDATION_FAILED', message: '请输入用户名（或手机号码）和密码' };
  }
  const at = new Date(input.now);
  const ipCounter = await store.getCounter('ip', input.ip);
  const ipLock = lockRemaining(ipCounter, input.now);
  if (ipLock > 0) return { ok: false, status: 429, code: 'IP_LOCKED', message: lockedMessage(ipLock, 'ip') };

  const account = await store.findByLogin(login);
  // Unknown logins are counted too (under the login text), so "locked" tells nothing about existence.
  const counterId = account ? account.sub : `?${login.toLowerCase()}`;
  const counter: FailureCounter | undefined = await store.getCounter('account', counterId);
  const lock = lockRemaining(counter, input.now);
  if (lock > 0) {
    await store.audit(
      auditEntry(
        { type: 'login_locked', actor: account?.sub ?? login, ip: input.ip, details: { via: input.via } },
        at,
      ),
    );
    return { ok: false, status: 429, code: 'ACCOUNT_LOCKED', message: lockedMessage(lock) };
  }

  const good = account
    ? await verifyPassword(input.password, account.passwordHash)
    : await verifyAgainstDummy(input.password);
  if (!good || !account) {
    const next = await bump(store, 'account', counterId, input.now, ACCOUNT_POLICY);
    await bump(store, 'ip', input.ip, input.now, IP_POLICY);
    await store.audit(
      auditEntry(
        {
          type: 'login_failed',
          actor: account?.sub ?? login,
          ip: input.ip,
          details: { via: input.via, failures: next?.failures },
        },
        at,
      ),
    );
    const left = attemptsLeft(next, input.now, ACCOUNT_POLICY);
    return left > 0
      ? { ok: false, status: 401, code: 'LOGIN_FAILED', message: failedMessage(left) }
      : { ok: false, status: 429, code: 'ACCOUNT_LOCKED', message: lockedMessage(ACCOUNT_POLICY.lockMs) };
  }
  if (account.status !== 'active') {
    return { ok: false, status: 403, code: 'ACCOUNT_DISABLED', message: '该账户已停用，请联系运营中心' };
  }
  if (counter) await store.clearCounter('account', counterId);
  if (!account.demo && needsRehash(account.passwordHash, DEFAULT_COST)) {
    await store.setPasswordHash(account.sub, await hashPassword(input.password, DEFAULT_COST));
  }
  await store.audit(
    auditEntry({ type: 'login', actor: account.sub, ip: input.ip, details: { via: input.via } }, at),
  );
  return { ok: true, account };
}
