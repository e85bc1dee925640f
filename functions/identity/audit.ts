/**
 * Audit entries: every login, failed login, lockout, registration, SMS code, password reset,
 * reclaim, role change and authorisation, and the first refusal of each abuse limit.
 * Resident ID numbers, USCCs and mobile numbers are masked before an entry is built — wherever they
 * appear, also inside free text — so the audit log never holds them in the clear. Pure.
 */
import { maskPhone, maskResidentId } from '#domain/ids.ts';

export type AuditType =
  | 'login'
  | 'login_failed'
  | 'login_locked'
  /** Password sign-in suspended for an account after failures from many addresses. */
  | 'login_suspended'
  /** Many accounts failing from one address (password spraying). */
  | 'login_spray'
  | 'logout'
  /** An SMS code sent (purpose, phone masked). */
  | 'sms_code'
  /** A limit refused someone for the first time in its window. */
  | 'rate_limited'
  | 'password_reset'
  /** The owner of an identity took back an account someone else had registered with it. */
  | 'account_reclaim'
  | 'register'
  | 'role_change'
  | 'enterprise_register'
  | 'enterprise_authorise'
  | 'acting_for'
  | 'mandate_request'
  | 'mandate_confirm'
  | 'mandate_failed';

export interface AuditEntry {
  id: string;
  at: string;
  type: AuditType;
  /** Who did it (sub), or the username tried for a failed login (masked if it is a phone). */
  actor: string;
  /** Whose account it concerns, if not the actor's own. */
  subject?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

// A resident ID (18) inside text, not part of a longer run of digits; mainland mobiles likewise.
const RESIDENT_ID = /(?<![\dA-Z])\d{17}[\dXx](?![\dA-Z])/g;
const MOBILE = /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g;

/** Masks every resident ID and mobile number inside a string. */
export function maskText(text: string): string {
  return text.replace(RESIDENT_ID, (m) => maskResidentId(m)).replace(MOBILE, (m) => maskPhone(m));
}

/** Deep copy with every string masked. */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}

export function auditEntry(
  input: Omit<AuditEntry, 'id' | 'at'>,
  at: Date,
  id: string = crypto.randomUUID(),
): AuditEntry {
  const entry: AuditEntry = {
    id,
    at: at.toISOString(),
    type: input.type,
    actor: maskText(input.actor),
  };
  if (input.subject) entry.subject = maskText(input.subject);
  if (input.ip) entry.ip = input.ip;
  if (input.details) entry.details = maskDeep(input.details);
  return entry;
}
