/**
 * Accounts as our own data: the account record, the claims a token carries for it, the views of
 * it (masked for everyone but the owner), and the request schemas of registration. Pure.
 */
import { z } from 'zod';
import {
  type IdResult,
  maskName,
  maskPhone,
  maskResidentId,
  maskUscc,
  validateMobile,
  validatePersonName,
  validateResidentId,
  validateUscc,
} from '#domain/ids.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import { passwordProblem } from './password.ts';

// ---------------------------------------------------------------------------------------------
// zod 4 schemas of the national validators (functions/domain/ids.ts): the output is the normalised value; an error carries the Chinese message and,
// in `params.code`, the stable code.

function schemaOf(validate: (v: string) => IdResult, required: string) {
  return z.string({ error: required }).transform((input, ctx) => {
    const r = validate(input);
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', message: r.message, params: { code: r.code }, input });
    return z.NEVER;
  });
}

export const residentIdSchema = schemaOf((v) => validateResidentId(v), '请输入身份证号码');
export const usccSchema = schemaOf((v) => validateUscc(v), '请输入统一社会信用代码');
export const mobileSchema = schemaOf(validateMobile, '请输入手机号码');
export const personNameSchema = schemaOf(validatePersonName, '请输入姓名');

export const POSTS = ['受理', '审查', '决定', '窗口'] as const;
export const LEVELS = ['city', 'county', 'town', 'village'] as const;

export interface Account {
  sub: string;
  username: string;
  passwordHash: string;
  roles: Role[];
  name: string;
  status: 'active' | 'disabled';
  /** Seeded demo account (password published in the README). */
  demo?: boolean;
  // Person
  phone?: string;
  idNumber?: string;
  /** Passed real-name verification against the population registry. */
  verified?: boolean;
  verifiedAt?: string;
  // Staff
  hall?: string;
  dept?: string;
  deptName?: string;
  posts?: string[];
  level?: string;
  // Agent
  agentPoint?: string;
  village?: string;
  /** The enterprise this person has switched to act for (claim act_uscc). */
  actingFor?: { uscc: string; name: string };
  createdAt: string;
  updatedAt?: string;
  /**
   * Sessions (refresh tokens) started before this instant end at their next refresh, and access
   * tokens of such a session (`auth_time`) are refused: set by a password reset or reclaim and by
   * signing out everywhere. Wall-clock ms, as token times are (revocation.ts).
   */
  sessionsValidAfterMs?: number;
  /**
   * Access tokens issued (`iat`) before this instant are refused at the API: set as above, and when
   * the account is disabled or its roles or posts change (revocation.ts). Wall-clock ms.
   */
  tokensValidAfterMs?: number;
}

export interface Enterprise {
  uscc: string;
  name: string;
  legalRepSub: string;
  legalRepName: string;
  createdAt: string;
}

export interface Membership {
  uscc: string;
  enterpriseName: string;
  sub: string;
  personName: string;
  role: 'legal' | 'authorised';
  grantedBy: string;
  grantedAt: string;
}

/**
 * The claims of an access token for `account`: what the JWT authorizer hands the handlers and
 * `principalFromClaims` reads. Empty values are left out (API Gateway passes claims as strings).
 */
export function tokenClaims(account: Account): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: account.sub, name: account.name, roles: account.roles };
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) claims[k] = v;
  };
  put('phone_number', account.phone);
  put('hall', account.hall);
  put('dept', account.dept);
  put('posts', account.posts);
  put('level', account.level);
  put('agent_point', account.agentPoint);
  put('village', account.village);
  if (account.roles.includes('applicant')) put('verified', account.verified ? 'true' : 'false');
  if (account.actingFor) {
    put('act_uscc', account.actingFor.uscc);
    put('act_name', account.actingFor.name);
  }
  return claims;
}

export interface AccountView {
  sub: string;
  username: string;
  name: string;
  roles: Role[];
  status: Account['status'];
  phone?: string;
  idNumber?: string;
  verified?: boolean;
  hall?: string;
  dept?: string;
  deptName?: string;
  posts?: string[];
  level?: string;
  agentPoint?: string;
  village?: string;
  actingFor?: { uscc: string; name: string };
  createdAt: string;
}

/** An account as `owner` (unmasked) or anyone else (name, phone, ID number masked) sees it. */
export function accountView(account: Account, owner: boolean): AccountView {
  const phoneLike = /^1[3-9]\d{9}$/.test(account.username);
  return {
    sub: account.sub,
    username: owner || !phoneLike ? account.username : maskPhone(account.username),
    name: owner || !account.roles.includes('applicant') ? account.name : maskName(account.name),
    roles: account.roles,
    status: account.status,
    phone: account.phone && (owner ? account.phone : maskPhone(account.phone)),
    idNumber: account.idNumber && (owner ? account.idNumber : maskResidentId(account.idNumber)),
    verified: account.verified,
    hall: account.hall,
    dept: account.dept,
    deptName: account.deptName,
    posts: account.posts,
    level: account.level,
    agentPoint: account.agentPoint,
    village: account.village,
    actingFor: account.actingFor && {
      uscc: owner ? account.actingFor.uscc : maskUscc(account.actingFor.uscc),
      name: account.actingFor.name,
    },
    createdAt: account.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Request schemas

const password = z.string({ error: '请输入密码' }).max(256, '密码不能超过 64 位');
const smsCode = z
  .string({ error: '请输入短信验证码' })
  .trim()
  .regex(/^\d{6}$/, '请输入 6 位短信验证码');

/**
 * 自然人注册: the phone number is the username (phone first). `code` is the SMS code sent to that
 * phone by `POST /api/accounts/codes {purpose: 'register'}` — the account exists only once the
 * phone the population registry holds for the ID has answered.
 */
export const personRegistration = z
  .object({
    name: personNameSchema,
    idNumber: residentIdSchema,
    phone: mobileSchema,
    password,
    code: smsCode,
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.password, [v.phone, v.idNumber]);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type PersonRegistration = z.infer<typeof personRegistration>;

const purposeError = { error: '请说明验证码用途（register、reclaim、reset、login 或 consult）' };

/**
 * `POST /api/accounts/codes`: an SMS code to prove control of a phone.
 * - register: name + ID + phone must match the population registry; the code goes to that phone.
 * - reclaim: name + ID of an identity already registered (perhaps by someone else); the code goes
 *   to the phone the registry holds for it, whatever phone the account has.
 * - reset, login: the phone of an account; the code goes to it.
 */
export const codeRequest = z.discriminatedUnion(
  'purpose',
  [
    z
      .object({
        purpose: z.literal('register'),
        name: personNameSchema,
        idNumber: residentIdSchema,
        phone: mobileSchema,
      })
      .strict(),
    z.object({ purpose: z.literal('reclaim'), name: personNameSchema, idNumber: residentIdSchema }).strict(),
    z.object({ purpose: z.literal('reset'), phone: mobileSchema }).strict(),
    z.object({ purpose: z.literal('login'), phone: mobileSchema }).strict(),
    z.object({ purpose: z.literal('consult'), phone: mobileSchema }).strict(),
  ],
  purposeError,
);
export type CodeRequest = z.infer<typeof codeRequest>;

/** `POST /api/accounts/phone-proofs`: the code of a `consult` request, for a phone proof (phone-proof.ts). */
export const phoneProofRequest = z.object({ phone: mobileSchema, code: smsCode }).strict();
export type PhoneProofRequest = z.infer<typeof phoneProofRequest>;

/** `POST /api/accounts/password-reset`: a new password with the code of a reset or a reclaim. */
export const passwordReset = z
  .discriminatedUnion(
    'purpose',
    [
      z.object({ purpose: z.literal('reset'), phone: mobileSchema, code: smsCode, password }).strict(),
      z
        .object({ purpose: z.literal('reclaim'), idNumber: residentIdSchema, code: smsCode, password })
        .strict(),
    ],
    { error: '请说明是重置密码（reset）还是找回账户（reclaim）' },
  )
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.password, [v.purpose === 'reset' ? v.phone : v.idNumber]);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type PasswordReset = z.infer<typeof passwordReset>;

export const enterpriseRegistration = z
  .object({ uscc: usccSchema, name: z.string({ error: '请输入企业名称' }).trim().min(2).max(100) })
  .strict();

export const memberGrant = z.object({ idNumber: residentIdSchema, name: personNameSchema }).strict();

export const actingForChange = z.object({ uscc: usccSchema.nullable() }).strict();

export const mandateRequest = z
  .object({
    idNumber: residentIdSchema,
    name: personNameSchema,
    /** Reference of the uploaded authorisation (授权委托书) in the materials store, or its paper number. */
    materialRef: z
      .string({ error: '请上传或填写授权委托书编号' })
      .trim()
      .min(4, '请上传或填写授权委托书编号')
      .max(200)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '授权材料编号不能包含控制字符'),
  })
  .strict();

export const mandateConfirm = z
  .object({ code: z.string().regex(/^\d{6}$/, '请输入 6 位短信验证码') })
  .strict();

export const roleChange = z
  .object({
    roles: z.array(z.enum(ROLES)).min(1, '至少保留一个角色').max(ROLES.length),
    hall: z.string().max(40).optional(),
    dept: z.string().max(60).optional(),
    deptName: z.string().max(100).optional(),
    posts: z.array(z.enum(POSTS)).max(POSTS.length).optional(),
    level: z.enum(LEVELS).optional(),
    agentPoint: z.string().max(100).optional(),
    village: z.string().max(100).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.roles.includes('staff') && (!v.hall || !v.dept || !v.posts?.length))
      ctx.addIssue({ code: 'custom', path: ['dept'], message: '工作人员须指定所属厅、部门和岗位' });
    if (v.roles.includes('supervisor') && !v.hall)
      ctx.addIssue({ code: 'custom', path: ['hall'], message: '监察人员须指定监察范围（厅或全市 *）' });
    if (v.roles.includes('agent') && !v.agentPoint)
      ctx.addIssue({ code: 'custom', path: ['agentPoint'], message: '代办员须指定所属代办点' });
  });
export type RoleChange = z.infer<typeof roleChange>;

/** Applies a role change to an account: fields of roles it no longer holds are cleared. */
export function withRoles(account: Account, change: RoleChange, at: string): Account {
  const staff = change.roles.includes('staff');
  const supervisor = change.roles.includes('supervisor');
  const agent = change.roles.includes('agent');
  return {
    ...account,
    roles: [...new Set(change.roles)],
    hall: staff || supervisor || agent ? change.hall : undefined,
    dept: staff ? change.dept : undefined,
    deptName: staff ? change.deptName : undefined,
    posts: staff ? change.posts : undefined,
    level: staff ? change.level : undefined,
    agentPoint: agent ? change.agentPoint : undefined,
    village: agent ? change.village : undefined,
    status: change.status ?? account.status,
    updatedAt: at,
  };
}
