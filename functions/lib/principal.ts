/**
 * Who is calling, as the JWT authorizer verified it. API Gateway's JWT authorizer hands claims
 * to Lambda as strings (arrays become "[a b]"); the local gateway does the same, so this is the
 * one place that reads them.
 */
import { isRole, type Role } from '#domain/roles.ts';

export interface Principal {
  sub: string;
  name: string;
  roles: Role[];
  /** Staff, supervisors, agents: the hall they belong to ('*' for city-wide supervisors). */
  hall?: string;
  dept?: string;
  posts: string[];
  level?: string;
  /** Mainland mobile number (claim phone_number), for SMS. */
  phone?: string;
  /**
   * The enterprise this person is acting for (claims act_uscc, act_name), set by switching
   * "act as enterprise" in 我的账户; the identity provider only issues it to the legal
   * representative or an authorised person of that enterprise.
   */
  actingFor?: { uscc: string; name: string };
  /** Agents (代办员): their agent point and its village (claims agent_point, village). */
  agentPoint?: string;
  village?: string;
  /**
   * When the token was issued and when its session began (claims `iat`, `auth_time`; epoch
   * seconds), for the revocation check (functions/identity/revocation.ts).
   */
  issuedAt?: number;
  authTime?: number;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** An epoch-seconds claim, as a number or (API Gateway) a string of digits. */
function seconds(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,12}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  // Cognito cannot change `sub`; its pre-token trigger names our account in `account_sub` instead.
  const subClaim = claims.account_sub ?? claims.sub;
  const sub = typeof subClaim === 'string' && subClaim !== '' ? subClaim : undefined;
  if (!sub) return undefined;
  const roles = list(claims.roles).filter(isRole);
  const str = (k: string) =>
    typeof claims[k] === 'string' && claims[k] !== '' ? (claims[k] as string) : undefined;
  return {
    sub,
    name: str('name') ?? '',
    roles,
    hall: str('hall'),
    dept: str('dept'),
    posts: list(claims.posts),
    level: str('level'),
    phone: str('phone_number'),
    actingFor: str('act_uscc') ? { uscc: str('act_uscc') as string, name: str('act_name') ?? '' } : undefined,
    agentPoint: str('agent_point'),
    village: str('village'),
    issuedAt: seconds(claims.iat),
    authTime: seconds(claims.auth_time),
  };
}
