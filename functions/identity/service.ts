/**
 * The identity use cases behind the platform API (register a person or an enterprise, authorise a
 * person, act as an enterprise, agent mandates, operator role changes). Handlers are thin wrappers;
 * the rules they apply come from the pure modules (model, registry, password, policy).
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { maskName, maskPhone, maskResidentId } from '#domain/ids.ts';
import { formatTime } from '#domain/time.ts';
import { HttpError, httpErrors } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { isOperator, mayActForPerson } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { type AuditEntry, auditEntry } from './audit.ts';
import {
  CODE_MAX_ATTEMPTS,
  CODE_TTL_MS,
  type LimitKind,
  type LimitRefusal,
  limitRefusal,
  limitsFor,
  RESEND_AFTER_MS,
  resendRefusal,
} from './limits.ts';
import { accountFailures, pairId } from './lockout.ts';
import {
  type Account,
  type AccountView,
  accountView,
  type CodeRequest,
  type Membership,
  type PasswordReset,
  type PersonRegistration,
  type PhoneProofRequest,
  type RoleChange,
  withRoles,
} from './model.ts';
import {
  type CodeRefusal,
  codeMatches,
  codeMessage,
  hashCode,
  newCode,
  newSalt,
  noTryLeft,
  type Purpose,
  passwordChangedMessage,
  type SmsChallenge,
  wrongCode,
} from './otp.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { issuePhoneProof } from './phone-proof.ts';
import { checkEnterprise, checkPerson } from './registry.ts';
import { changeRevokesTokens, validAfter } from './revocation.ts';
import {
  type AccountStore,
  CodeUsedError,
  ConflictError,
  DuplicateError,
  type MandateRecord,
  type MandateRequest,
} from './store.ts';

export interface Context {
  store: AccountStore;
  now: number;
  ip?: string;
}

const DUPLICATE_MESSAGES: Record<DuplicateError['field'], string> = {
  username: '该手机号码已注册，请直接登录',
  phone: '该手机号码已注册，请直接登录',
  idNumber: '该身份证号码已注册账户，请使用注册时的手机号码登录',
  account: '账户已存在',
  enterprise: '该企业已登记，请由法定代表人授权您办理',
  member: '该人员已获授权',
};

function duplicate(err: unknown): never {
  if (err instanceof DuplicateError)
    throw new HttpError(409, 'ALREADY_REGISTERED', DUPLICATE_MESSAGES[err.field]);
  throw err;
}

const refusal = (r: LimitRefusal | CodeRefusal) =>
  new HttpError(
    r.status,
    r.code,
    r.message,
    'retryAfterSeconds' in r ? { retryAfterSeconds: r.retryAfterSeconds } : undefined,
  );

const audit = (ctx: Context, entry: Omit<AuditEntry, 'id' | 'at'>) =>
  ctx.store.audit(auditEntry({ ip: ctx.ip, ...entry }, new Date(ctx.now)));

/**
 * Counts one request against every limit of `kind` for `subject`; throws the 429 of the first one
 * exceeded. The first refusal of a window is audited (not every one: the audit log is not a
 * megaphone for whoever hammers).
 */
async function enforce(ctx: Context, kind: LimitKind, subject: string, actor: string) {
  for (const limit of limitsFor(kind, subject)) {
    const verdict = await ctx.store.hitLimit(limit, ctx.now);
    if (verdict.allowed) continue;
    const first = await ctx.store.hitLimit({ ...limit, key: `noted#${limit.key}`, max: 1 }, ctx.now, false);
    if (first.count === 1) {
      await audit(ctx, { type: 'rate_limited', actor, details: { limit: limit.key, max: limit.max } });
      logger.warn('abuse limit reached', { limit: kind, max: limit.max, windowMs: limit.windowMs });
    }
    throw refusal(limitRefusal(kind, verdict.retryAfterMs));
  }
}

const addressOf = (ctx: Context) => ctx.ip ?? 'unknown';

/**
 * Claims a try of the live code for (purpose, target) and compares it: one try per call, claimed
 * atomically before the comparison, so parallel calls cannot try more than CODE_MAX_ATTEMPTS codes.
 */
async function checkCode(
  ctx: Context,
  purpose: Purpose,
  target: string,
  code: string,
): Promise<SmsChallenge> {
  const claim = await ctx.store.claimChallengeAttempt(purpose, target, CODE_MAX_ATTEMPTS, ctx.now);
  if (!claim.ok) throw refusal(noTryLeft(claim.why));
  if (!codeMatches(claim.challenge, code))
    throw refusal(wrongCode(CODE_MAX_ATTEMPTS - claim.challenge.attempts));
  return claim.challenge;
}

const ALREADY_REGISTERED_RECLAIM =
  '该身份证号码已注册账户。如是您本人注册，请直接登录或找回密码；如不是您本人注册，请选择“找回账户”，验证码将发送到您在人口信息库登记的手机，验证后原密码失效';

/**
 * `POST /api/accounts/codes`: sends an SMS code that proves control of a phone (otp.ts), under
 * the limits of limits.ts: per address, per ID number (register, reclaim), per phone, and one send
 * a minute per purpose and target. Reset and login answer the same whether or not the phone has an
 * account (no SMS then), so the route does not tell who is registered.
 */
export async function sendCode(ctx: Context, input: CodeRequest, sendSms: SendSms) {
  const ip = addressOf(ctx);
  const idNumber = input.purpose === 'register' || input.purpose === 'reclaim' ? input.idNumber : undefined;
  const target = idNumber ?? ('phone' in input ? input.phone : '');
  const actor = 'phone' in input ? input.phone : target;
  // A code for this purpose and target went out less than a minute ago: say so, count nothing.
  // (The conditional put below is what holds under parallel requests; this spares their budgets.)
  const live = await ctx.store.getChallenge(input.purpose, target);
  if (live && live.sentAtMs > ctx.now - RESEND_AFTER_MS)
    throw refusal(resendRefusal(live.sentAtMs + RESEND_AFTER_MS - ctx.now));
  await enforce(ctx, 'codesPerAddress', ip, actor);
  if (idNumber) await enforce(ctx, 'perIdNumber', idNumber, actor);

  let phone: string | undefined;
  let sub: string | undefined;
  let name: string | undefined;
  switch (input.purpose) {
    case 'register': {
      const verdict = checkPerson(await ctx.store.personRecord(input.idNumber), input);
      if (!verdict.ok) {
        await audit(ctx, {
          type: 'register',
          actor: input.phone,
          details: { result: 'realname_failed', idNumber: input.idNumber },
        });
        throw new HttpError(422, verdict.code, verdict.message);
      }
      if (await ctx.store.findByIdNumber(input.idNumber))
        throw new HttpError(409, 'ALREADY_REGISTERED', ALREADY_REGISTERED_RECLAIM, { reclaim: true });
      if (await ctx.store.findByLogin(input.phone))
        throw new HttpError(
          409,
          'ALREADY_REGISTERED',
          '该手机号码已注册，请直接登录；忘记密码可通过短信验证码重置',
        );
      phone = input.phone;
      name = input.name;
      break;
    }
    case 'reclaim': {
      const record = await ctx.store.personRecord(input.idNumber);
      if (!record || record.name !== input.name) {
        await audit(ctx, {
          type: 'account_reclaim',
          actor: input.idNumber,
          details: { result: 'realname_failed' },
        });
        throw new HttpError(422, 'REALNAME_FAILED', '实名核验未通过：姓名与身份证号码不一致，请核对后重试');
      }
      sub = await ctx.store.findByIdNumber(input.idNumber);
      const account = sub && (await ctx.store.getAccount(sub));
      if (!account) throw new HttpError(404, 'NOT_REGISTERED', '该身份证号码尚未注册账户，请直接注册');
      if (!account.roles.includes('applicant') || account.roles.includes('staff'))
        throw httpErrors.forbidden('该账户不能在线找回，请联系运营中心');
      if (account.status !== 'active') throw httpErrors.forbidden('该账户已停用，请联系运营中心');
      // The registry's phone, not the account's: the account's may be whoever registered it.
      phone = record.phone;
      break;
    }
    case 'consult':
      // Anyone may ask with their own phone; the code only proves they hold it (phone-proof.ts).
      phone = input.phone;
      break;
    case 'reset':
    case 'login': {
      const account = await ctx.store.findByLogin(input.phone);
      if (account?.status === 'active' && account.phone === input.phone) {
        phone = account.phone;
        sub = account.sub;
      }
      break;
    }
  }
  const expiresAtMs = ctx.now + CODE_TTL_MS;
  const answer = {
    purpose: input.purpose,
    phone: maskPhone(phone ?? ('phone' in input ? input.phone : '')),
    expiresAt: new Date(expiresAtMs).toISOString(),
    resendAfterSeconds: RESEND_AFTER_MS / 1000,
  };
  if (!phone) return answer;

  const code = newCode();
  const salt = newSalt();
  const challenge: SmsChallenge = {
    purpose: input.purpose,
    target,
    phone,
    salt,
    codeHash: hashCode(salt, code),
    attempts: 0,
    sentAtMs: ctx.now,
    expiresAtMs,
  };
  if (sub) challenge.sub = sub;
  if (name) challenge.name = name;
  const put = await ctx.store.putChallenge(challenge, RESEND_AFTER_MS);
  if (!put.ok) throw refusal(resendRefusal(put.sentAtMs + RESEND_AFTER_MS - ctx.now));
  try {
    await enforce(ctx, 'smsPerPhone', phone, actor);
    await sendSms(phone, codeMessage(input.purpose, code));
  } catch (err) {
    await ctx.store.deleteChallenge(challenge);
    if (err instanceof HttpError) throw err;
    logger.error('SMS code not sent', err as Error);
    throw new HttpError(503, 'SMS_UNAVAILABLE', '短信发送失败，请稍后再试');
  }
  await audit(ctx, { type: 'sms_code', actor: sub ?? actor, details: { purpose: input.purpose, phone } });
  return answer;
}

/**
 * `POST /api/accounts/phone-proofs`: a `consult` code, tried under the same rule as every code (one
 * try claimed atomically per call, five per code) and consumed, buys a phone proof for a hall's
 * 在线咨询. One proof per code: parallel calls with the right code get one proof, the rest CODE_NOT_FOUND.
 */
export async function provePhone(ctx: Context, input: PhoneProofRequest) {
  const challenge = await checkCode(ctx, 'consult', input.phone, input.code);
  if (!(await ctx.store.consumeChallenge(challenge))) throw refusal(noTryLeft('missing'));
  const { proof, expiresAtMs } = issuePhoneProof(input.phone, ctx.now);
  return { proof, phone: maskPhone(input.phone), expiresAt: new Date(expiresAtMs).toISOString() };
}

/**
 * 自然人注册: the SMS code sent to the registry's phone for this ID (sendCode, purpose register)
 * proves the person holds it; then the account and its three guards in one transaction that also
 * consumes the code.
 */
export async function registerPerson(ctx: Context, input: PersonRegistration): Promise<AccountView> {
  const challenge = await checkCode(ctx, 'register', input.idNumber, input.code);
  if (challenge.phone !== input.phone || challenge.name !== input.name)
    throw new HttpError(
      422,
      'CODE_MISMATCH',
      '姓名或手机号码与获取验证码时填写的不一致，请核对，或重新获取验证码',
    );
  const at = new Date(ctx.now).toISOString();
  const account: Account = {
    sub: randomUUID(),
    username: input.phone,
    passwordHash: await hashPassword(input.password),
    roles: ['applicant'],
    name: input.name,
    status: 'active',
    phone: input.phone,
    idNumber: input.idNumber,
    verified: true,
    verifiedAt: at,
    createdAt: at,
  };
  try {
    await ctx.store.createAccount(account, challenge);
  } catch (err) {
    if (err instanceof CodeUsedError) throw refusal(noTryLeft('missing'));
    if (err instanceof DuplicateError && err.field === 'idNumber')
      throw new HttpError(409, 'ALREADY_REGISTERED', ALREADY_REGISTERED_RECLAIM, { reclaim: true });
    duplicate(err);
  }
  await audit(ctx, {
    type: 'register',
    actor: account.sub,
    details: { result: 'ok', phone: input.phone, method: 'sms' },
  });
  return accountView(account, true);
}

/**
 * `POST /api/accounts/password-reset`: a new password with an SMS code — `reset` (the code went
 * to the account's phone) or `reclaim` (the code went to the phone the population registry holds
 * for the ID; the account moves to that phone if it had another). Either way the old password
 * stops working, sessions end at their next refresh, locks at this address end, and the phone is
 * told by SMS.
 */
export async function resetPassword(ctx: Context, input: PasswordReset, sendSms: SendSms) {
  const target = input.purpose === 'reset' ? input.phone : input.idNumber;
  const challenge = await checkCode(ctx, input.purpose, target, input.code);
  const account = challenge.sub ? await ctx.store.getAccount(challenge.sub) : undefined;
  if (!account) throw refusal(noTryLeft('missing'));
  if (account.status !== 'active') throw httpErrors.forbidden('该账户已停用，请联系运营中心');
  const problem = passwordProblem(input.password, [
    challenge.phone,
    account.idNumber ?? '',
    account.username,
  ]);
  if (problem)
    throw new HttpError(400, 'VALIDATION_FAILED', '提交的内容有误，请检查后重试', [
      { field: 'password', message: problem },
    ]);
  const at = new Date(ctx.now).toISOString();
  let done: boolean;
  try {
    done = await ctx.store.resetPassword(
      account,
      {
        passwordHash: await hashPassword(input.password),
        phone: challenge.phone,
        // Token times are wall-clock; so is this (see Account.sessionsValidAfterMs).
        sessionsValidAfterMs: validAfter(Date.now()),
        at,
      },
      challenge,
    );
  } catch (err) {
    if (err instanceof DuplicateError)
      throw new HttpError(
        409,
        'PHONE_TAKEN',
        '您在人口信息库登记的手机号码已被另一个账户使用，请携带身份证到政务服务大厅窗口办理',
      );
    throw err;
  }
  if (!done) throw refusal(noTryLeft('missing'));
  // The owner proved the phone: the locks a guesser caused end.
  await Promise.all([
    ctx.store.clearCounter('pair', pairId(account.sub, addressOf(ctx))),
    ctx.store.clearLimit(accountFailures(account.sub)),
  ]);
  const reclaimed = input.purpose === 'reclaim';
  await audit(ctx, {
    type: reclaimed ? 'account_reclaim' : 'password_reset',
    actor: account.sub,
    details: {
      result: 'ok',
      phone: challenge.phone,
      phoneChanged: account.phone !== challenge.phone,
      previousPhone: account.phone,
    },
  });
  await sendSms(challenge.phone, passwordChangedMessage(formatTime(at), reclaimed)).catch((err) =>
    logger.error('password change notice not sent', err as Error),
  );
  return {
    username: account.phone === account.username ? challenge.phone : account.username,
    phone: maskPhone(challenge.phone),
    reclaimed,
  };
}

async function requireAccount(ctx: Context, who: Principal): Promise<Account> {
  const account = await ctx.store.getAccount(who.sub);
  if (account?.status !== 'active') throw httpErrors.forbidden('账户不存在或已停用');
  return account;
}

async function requireVerifiedPerson(ctx: Context, who: Principal): Promise<Account> {
  const account = await requireAccount(ctx, who);
  if (!account.roles.includes('applicant') || !account.verified || !account.idNumber)
    throw httpErrors.forbidden('请先使用实名认证的个人账户登录');
  return account;
}

/**
 * 退出所有设备: every token and session of the caller's account issued until now ends — access
 * tokens at their next request, sessions at their next refresh (revocation.ts).
 */
export async function signOutEverywhere(ctx: Context, who: Principal) {
  await requireAccount(ctx, who);
  const atMs = Date.now();
  await ctx.store.revokeTokens(who.sub, validAfter(atMs), true, new Date(ctx.now).toISOString());
  await audit(ctx, { type: 'logout', actor: who.sub, details: { everywhere: true } });
  return { signedOutAt: new Date(atMs).toISOString() };
}

export async function myAccount(ctx: Context, who: Principal) {
  const account = await requireAccount(ctx, who);
  const [enterprises, mandates] = await Promise.all([
    ctx.store.membershipsOf(who.sub),
    account.roles.includes('agent') ? ctx.store.mandatesOf(who.sub) : Promise.resolve([]),
  ]);
  return {
    account: accountView(account, true),
    enterprises: enterprises.map((m) => ({ uscc: m.uscc, name: m.enterpriseName, role: m.role })),
    mandates: mandates
      .filter((m) => mayActForPerson({ ...who, roles: account.roles }, m.personSub, m, ctx.now))
      .map(mandateView),
  };
}

const mandateView = (m: MandateRecord) => ({
  personSub: m.personSub,
  personName: maskName(m.personName),
  validUntil: new Date(m.validUntil).toISOString(),
  materialRef: m.materialRef,
});

/** 法人登记: only the legal representative (per the legal-person registry) registers it. */
export async function registerEnterprise(
  ctx: Context,
  who: Principal,
  input: { uscc: string; name: string },
) {
  const person = await requireVerifiedPerson(ctx, who);
  const verdict = checkEnterprise(await ctx.store.legalPersonRecord(input.uscc), input, person);
  if (!verdict.ok)
    throw new HttpError(
      verdict.code === 'NOT_LEGAL_REPRESENTATIVE' ? 403 : 422,
      verdict.code,
      verdict.message,
    );
  const at = new Date(ctx.now).toISOString();
  try {
    await ctx.store.createEnterprise(
      {
        uscc: input.uscc,
        name: input.name,
        legalRepSub: person.sub,
        legalRepName: person.name,
        createdAt: at,
      },
      {
        uscc: input.uscc,
        enterpriseName: input.name,
        sub: person.sub,
        personName: person.name,
        role: 'legal',
        grantedBy: person.sub,
        grantedAt: at,
      },
    );
  } catch (err) {
    duplicate(err);
  }
  await ctx.store.audit(
    auditEntry(
      { type: 'enterprise_register', actor: person.sub, ip: ctx.ip, details: { uscc: input.uscc } },
      new Date(ctx.now),
    ),
  );
  return { uscc: input.uscc, name: input.name, role: 'legal' as const };
}

/** The legal representative authorises another registered, verified person (by ID number + name). */
export async function authoriseMember(
  ctx: Context,
  who: Principal,
  uscc: string,
  input: { idNumber: string; name: string },
) {
  const own = await ctx.store.membership(uscc, who.sub);
  // Not a member: the same answer as for an enterprise that does not exist.
  if (!own) throw httpErrors.notFound('未找到该企业');
  if (own.role !== 'legal') throw httpErrors.forbidden('只有法定代表人可以授权他人办理企业事项');
  const ref = await ctx.store.findByIdNumber(input.idNumber);
  const person = ref && (await ctx.store.getAccount(ref));
  if (!person || person.name !== input.name || !person.verified)
    throw new HttpError(
      422,
      'PERSON_NOT_FOUND',
      '未找到该实名注册用户，请确认对方已注册并核对姓名和身份证号码',
    );
  const at = new Date(ctx.now).toISOString();
  const member: Membership = {
    uscc,
    enterpriseName: own.enterpriseName,
    sub: person.sub,
    personName: person.name,
    role: 'authorised',
    grantedBy: who.sub,
    grantedAt: at,
  };
  try {
    await ctx.store.addMember(member);
  } catch (err) {
    duplicate(err);
  }
  await ctx.store.audit(
    auditEntry(
      {
        type: 'enterprise_authorise',
        actor: who.sub,
        subject: person.sub,
        ip: ctx.ip,
        details: { uscc, idNumber: input.idNumber },
      },
      new Date(ctx.now),
    ),
  );
  return {
    uscc,
    personName: maskName(person.name),
    idNumber: maskResidentId(person.idNumber ?? ''),
    role: member.role,
  };
}

/**
 * "Act as enterprise": records the choice on the account; the next access token (the portal
 * refreshes at once) carries act_uscc/act_name. `null` switches back to the person.
 */
export async function setActingFor(ctx: Context, who: Principal, uscc: string | null) {
  const at = new Date(ctx.now).toISOString();
  if (uscc === null) {
    await ctx.store.setActingFor(who.sub, null, at);
  } else {
    const member = await ctx.store.membership(uscc, who.sub);
    if (!member) throw httpErrors.notFound('未找到该企业，或您未获该企业授权');
    await ctx.store.setActingFor(who.sub, { uscc, name: member.enterpriseName }, at);
  }
  await ctx.store.audit(
    auditEntry({ type: 'acting_for', actor: who.sub, ip: ctx.ip, details: { uscc } }, new Date(ctx.now)),
  );
  return { actingFor: uscc, refreshToken: true };
}

// ---------------------------------------------------------------------------------------------
// Agent mandates

export const MANDATE_CODE_TTL_MS = 10 * 60_000;
export const MANDATE_MAX_ATTEMPTS = 5;
/** How long an agent may act for a person after the person's confirmation. */
export const MANDATE_VALIDITY_MS = 72 * 3600_000;

const codeHash = (id: string, code: string) =>
  createHash('sha256').update(`${id}:${code}`).digest('base64url');

export type SendSms = (phone: string, message: string) => Promise<void>;

function requireAgent(who: Principal) {
  if (!who.roles.includes('agent')) throw httpErrors.forbidden('只有代办员可以代人办理');
}

export async function requestMandate(
  ctx: Context,
  who: Principal,
  input: { idNumber: string; name: string; materialRef: string },
  sendSms: SendSms,
) {
  requireAgent(who);
  // Every request counts for the agent, also one naming nobody (probing who is registered).
  await enforce(ctx, 'mandatesPerAgent', who.sub, who.sub);
  const ref = await ctx.store.findByIdNumber(input.idNumber);
  const person = ref && (await ctx.store.getAccount(ref));
  if (!person || person.name !== input.name || !person.phone || !person.verified)
    throw new HttpError(
      422,
      'PERSON_NOT_FOUND',
      '未找到该实名注册用户，请核对姓名和身份证号码，或先协助其注册',
    );
  // Whoever asks, one person gets at most so many of these SMS.
  await enforce(ctx, 'mandatesPerPerson', person.sub, who.sub);
  await enforce(ctx, 'smsPerPhone', person.phone, who.sub);
  const id = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const request: MandateRequest = {
    id,
    agentSub: who.sub,
    agentName: who.name,
    personSub: person.sub,
    personName: person.name,
    materialRef: input.materialRef,
    codeHash: codeHash(id, code),
    attempts: 0,
    expiresAtMs: ctx.now + MANDATE_CODE_TTL_MS,
    createdAt: new Date(ctx.now).toISOString(),
  };
  await ctx.store.putMandateRequest(request);
  await sendSms(
    person.phone,
    `【亳州市网上办事大厅】代办员${who.name}${who.agentPoint ? `（${who.agentPoint}）` : ''}申请代您办理政务服务事项，验证码 ${code}，10 分钟内有效。同意请将验证码告知代办员；如非本人意愿，请勿告知他人。`,
  );
  await ctx.store.audit(
    auditEntry(
      {
        type: 'mandate_request',
        actor: who.sub,
        subject: person.sub,
        ip: ctx.ip,
        details: { materialRef: input.materialRef },
      },
      new Date(ctx.now),
    ),
  );
  return {
    id,
    phone: maskPhone(person.phone),
    expiresAt: new Date(request.expiresAtMs).toISOString(),
    resendAfterSeconds: RESEND_AFTER_MS / 1000,
  };
}

const sameHash = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function confirmMandate(ctx: Context, who: Principal, id: string, code: string) {
  requireAgent(who);
  const request = await ctx.store.getMandateRequest(id);
  // Another agent's request answers like a missing one.
  if (!request || request.agentSub !== who.sub) throw httpErrors.notFound('未找到该授权申请');
  // One try claimed atomically before the comparison: however many arrive at once, five are compared.
  const claim = await ctx.store.claimMandateAttempt(id, MANDATE_MAX_ATTEMPTS, ctx.now);
  if (!claim.ok) {
    if (claim.why === 'missing') throw httpErrors.notFound('未找到该授权申请');
    if (claim.why === 'expired') throw new HttpError(410, 'CODE_EXPIRED', '验证码已过期，请重新发送');
    throw new HttpError(429, 'TOO_MANY_ATTEMPTS', '验证码错误次数过多，已失效，请重新发送');
  }
  if (!sameHash(codeHash(id, code), request.codeHash)) {
    await ctx.store.audit(
      auditEntry(
        { type: 'mandate_failed', actor: who.sub, subject: request.personSub, ip: ctx.ip },
        new Date(ctx.now),
      ),
    );
    const left = MANDATE_MAX_ATTEMPTS - claim.request.attempts;
    throw new HttpError(
      422,
      'CODE_WRONG',
      left > 0 ? `验证码不正确，还可尝试 ${left} 次` : '验证码不正确，错误次数已达上限，请重新发送',
    );
  }
  const mandate: MandateRecord = {
    agentSub: who.sub,
    personSub: request.personSub,
    personName: request.personName,
    materialRef: request.materialRef,
    validUntil: ctx.now + MANDATE_VALIDITY_MS,
    confirmedAt: new Date(ctx.now).toISOString(),
    requestId: id,
  };
  // The request is consumed with the write: the same code cannot confirm twice.
  if (!(await ctx.store.confirmMandate(request, mandate))) throw httpErrors.notFound('未找到该授权申请');
  await ctx.store.audit(
    auditEntry(
      {
        type: 'mandate_confirm',
        actor: who.sub,
        subject: request.personSub,
        ip: ctx.ip,
        details: { materialRef: request.materialRef },
      },
      new Date(ctx.now),
    ),
  );
  return mandateView(mandate);
}

export async function listMandates(ctx: Context, who: Principal) {
  requireAgent(who);
  const all = await ctx.store.mandatesOf(who.sub);
  return all.filter((m) => mayActForPerson(who, m.personSub, m, ctx.now)).map(mandateView);
}

// ---------------------------------------------------------------------------------------------
// Operators

export function requireOperator(who: Principal | undefined) {
  if (!isOperator(who)) throw httpErrors.forbidden('只有运营中心人员可以管理账户');
}

export async function changeRoles(
  ctx: Context,
  who: Principal,
  sub: string,
  change: RoleChange,
  deptOf: (code: string) => Promise<{ name: string; hallId: string } | undefined>,
) {
  requireOperator(who);
  const account = await ctx.store.getAccount(sub);
  if (!account) throw httpErrors.notFound('未找到该账户');
  if (sub === who.sub && !change.roles.includes('operator'))
    throw httpErrors.forbidden('不能取消自己的运营人员角色，请由其他运营人员操作');
  if (change.dept) {
    const dept = await deptOf(change.dept);
    if (!dept || dept.hallId !== change.hall)
      throw new HttpError(422, 'DEPT_UNKNOWN', '该厅没有这个部门，请从事项目录的部门中选择');
    change = { ...change, deptName: dept.name };
  }
  const next = withRoles(account, change, new Date(ctx.now).toISOString());
  // A role change also ends acting for an enterprise (the person may no longer be a plain applicant).
  if (!next.roles.includes('applicant')) next.actingFor = undefined;
  // Tokens issued before carry the old roles (or belong to a disabled account): refused from now
  // on; the portal refreshes and gets the new claims. Wall-clock, as token times are.
  if (changeRevokesTokens(account, next)) next.tokensValidAfterMs = validAfter(Date.now());
  try {
    // The staff directory (post memberships) changes in the same transaction as the profile.
    await ctx.store.putAccount(next, account);
  } catch (err) {
    if (err instanceof ConflictError) throw httpErrors.conflict('该账户刚被他人修改，请刷新后重试');
    throw err;
  }
  await ctx.store.audit(
    auditEntry(
      {
        type: 'role_change',
        actor: who.sub,
        subject: sub,
        ip: ctx.ip,
        details: {
          // With the status, so a disabling or enabling reads as such in the log.
          from: {
            roles: account.roles,
            hall: account.hall,
            dept: account.dept,
            posts: account.posts,
            status: account.status,
          },
          to: { roles: next.roles, hall: next.hall, dept: next.dept, posts: next.posts, status: next.status },
        },
      },
      new Date(ctx.now),
    ),
  );
  return accountView(next, false);
}
