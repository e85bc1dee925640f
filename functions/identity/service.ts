/**
 * The identity use cases behind the platform API (register a person or an enterprise, authorise a
 * person, act as an enterprise, agent mandates, operator role changes). Handlers are thin wrappers;
 * the rules they apply come from the pure modules (model, registry, password, policy).
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { HttpError, httpErrors } from '#lib/http.ts';
import { maskName, maskPhone, maskResidentId } from '#lib/ids.ts';
import { isOperator, mayActForPerson } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { auditEntry } from './audit.ts';
import {
  type Account,
  type AccountView,
  accountView,
  type Membership,
  type PersonRegistration,
  type RoleChange,
  withRoles,
} from './model.ts';
import { hashPassword } from './password.ts';
import { checkEnterprise, checkPerson } from './registry.ts';
import {
  type AccountStore,
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

/** 自然人注册: real-name check first, then the account and its three guards in one transaction. */
export async function registerPerson(ctx: Context, input: PersonRegistration): Promise<AccountView> {
  const verdict = checkPerson(await ctx.store.personRecord(input.idNumber), input);
  if (!verdict.ok) {
    await ctx.store.audit(
      auditEntry(
        {
          type: 'register',
          actor: input.phone,
          ip: ctx.ip,
          details: { result: 'realname_failed', idNumber: input.idNumber },
        },
        new Date(ctx.now),
      ),
    );
    throw new HttpError(422, verdict.code, verdict.message);
  }
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
    await ctx.store.createAccount(account);
  } catch (err) {
    duplicate(err);
  }
  await ctx.store.audit(
    auditEntry(
      { type: 'register', actor: account.sub, ip: ctx.ip, details: { result: 'ok', phone: input.phone } },
      new Date(ctx.now),
    ),
  );
  return accountView(account, true);
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
  const ref = await ctx.store.findByIdNumber(input.idNumber);
  const person = ref && (await ctx.store.getAccount(ref));
  if (!person || person.name !== input.name || !person.phone || !person.verified)
    throw new HttpError(
      422,
      'PERSON_NOT_FOUND',
      '未找到该实名注册用户，请核对姓名和身份证号码，或先协助其注册',
    );
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
  return { id, phone: maskPhone(person.phone), expiresAt: new Date(request.expiresAtMs).toISOString() };
}

export async function confirmMandate(ctx: Context, who: Principal, id: string, code: string) {
  requireAgent(who);
  const request = await ctx.store.getMandateRequest(id);
  // Another agent's request answers like a missing one.
  if (!request || request.agentSub !== who.sub) throw httpErrors.notFound('未找到该授权申请');
  if (request.expiresAtMs <= ctx.now) throw new HttpError(410, 'CODE_EXPIRED', '验证码已过期，请重新发送');
  if (request.attempts >= MANDATE_MAX_ATTEMPTS)
    throw new HttpError(429, 'TOO_MANY_ATTEMPTS', '验证码错误次数过多，请重新发送');
  if (codeHash(id, code) !== request.codeHash) {
    await ctx.store.countMandateAttempt(id, request.attempts, MANDATE_MAX_ATTEMPTS);
    await ctx.store.audit(
      auditEntry(
        { type: 'mandate_failed', actor: who.sub, subject: request.personSub, ip: ctx.ip },
        new Date(ctx.now),
      ),
    );
    const left = MANDATE_MAX_ATTEMPTS - request.attempts - 1;
    throw new HttpError(
      422,
      'CODE_WRONG',
      left > 0 ? `验证码不正确，还可尝试 ${left} 次` : '验证码错误次数过多，请重新发送',
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
  if (!(await ctx.store.confirmMandate(request, mandate)))
    throw httpErrors.conflict('该授权申请已处理，请刷新');
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
          from: { roles: account.roles, hall: account.hall, dept: account.dept, posts: account.posts },
          to: { roles: next.roles, hall: next.hall, dept: next.dept, posts: next.posts },
        },
      },
      new Date(ctx.now),
    ),
  );
  return accountView(next, false);
}
