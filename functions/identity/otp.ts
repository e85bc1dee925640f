/**
 * SMS codes that prove control of a phone: registration (the phone the population registry holds
 * for the ID), reclaiming an identity someone else registered, password reset, SMS sign-in, and an
 * anonymous 在线咨询 (the code buys a phone proof, phone-proof.ts).
 * One live code per purpose and target (`OTP#<purpose>#<target>`), 6 digits, 10 minutes, 5 tries;
 * only a salted hash is stored. Pure: generation, hashing, the stored shape, the SMS texts and the
 * refusals. The atomic parts (claiming a try, consuming the code) are in store.ts.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const PURPOSES = ['register', 'reclaim', 'reset', 'login', 'consult'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface SmsChallenge {
  purpose: Purpose;
  /** The ID number (register, reclaim) or the phone (reset, login) the code is for. */
  target: string;
  /** Where the code went. */
  phone: string;
  /** The account concerned (reclaim, reset, login). */
  sub?: string;
  /** Registration: the name that passed the real-name check with this code's request. */
  name?: string;
  salt: string;
  codeHash: string;
  /** Tries used so far (claimed atomically before a code is compared). */
  attempts: number;
  sentAtMs: number;
  expiresAtMs: number;
}

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('base64url');
}

export function newSalt(): string {
  return randomBytes(12).toString('base64url');
}

/** Constant-time comparison of a typed code with a stored hash. */
export function codeMatches(challenge: Pick<SmsChallenge, 'salt' | 'codeHash'>, code: string): boolean {
  const a = Buffer.from(hashCode(challenge.salt, code));
  const b = Buffer.from(challenge.codeHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SIGNATURE = '【亳州市网上办事大厅】';

/** The SMS text of a code. Never says more than the person needs; never names who asked. */
export function codeMessage(purpose: Purpose, code: string): string {
  const what = {
    register: '您正在注册个人账号（实名认证）',
    reclaim: '您正在找回以您身份证号码注册的账户，完成后原密码失效',
    reset: '您正在重置登录密码',
    login: '您正在使用短信验证码登录',
    consult: '您正在网上办事大厅在线咨询（验证手机号码）',
  }[purpose];
  return `${SIGNATURE}${what}，验证码 ${code}，10 分钟内有效。如非本人操作，请勿将验证码告知他人。`;
}

/** After a reset or reclaim: tells the phone's owner, so a takeover cannot pass unnoticed. */
export function passwordChangedMessage(when: string, reclaimed: boolean): string {
  return `${SIGNATURE}您的账户密码已于 ${when} ${reclaimed ? '通过身份找回' : '通过短信验证'}重新设置，其他设备上的登录将在 10 分钟内失效。如非本人操作，请立即使用“忘记密码”重新设置或到政务服务大厅窗口办理。`;
}

export interface CodeRefusal {
  ok: false;
  status: 410 | 422 | 429;
  code: string;
  message: string;
}

/** A code that is not there: never requested, already used, or replaced by a newer one. */
export const NO_CODE: CodeRefusal = {
  ok: false,
  status: 422,
  code: 'CODE_NOT_FOUND',
  message: '验证码无效或已使用，请重新获取验证码',
};
export const CODE_EXPIRED: CodeRefusal = {
  ok: false,
  status: 410,
  code: 'CODE_EXPIRED',
  message: '验证码已过期，请重新获取',
};
/** Why no try of a code was left (store.ts claimChallengeAttempt / claimMandateAttempt). */
export function noTryLeft(why: 'missing' | 'expired' | 'spent'): CodeRefusal {
  return why === 'missing' ? NO_CODE : why === 'spent' ? CODE_DEAD : CODE_EXPIRED;
}

export const CODE_DEAD: CodeRefusal = {
  ok: false,
  status: 429,
  code: 'TOO_MANY_ATTEMPTS',
  message: '验证码错误次数过多，已失效，请重新获取',
};

export function wrongCode(left: number): CodeRefusal {
  return left > 0
    ? { ok: false, status: 422, code: 'CODE_WRONG', message: `验证码不正确，还可尝试 ${left} 次` }
    : { ok: false, status: 422, code: 'CODE_WRONG', message: '验证码不正确，错误次数已达上限，请重新获取' };
}
