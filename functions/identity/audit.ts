/**
 * Audit entries: every login, failed login, lockout, registration, SMS code, password reset,
 * reclaim, role change and authorisation, and the first refusal of each abuse limit.
 * Resident ID numbers, USCCs and mobile numbers are masked before an entry is built — wherever they
 * appear, also inside free text — so the audit log never holds them in the clear. Pure.
 *
 * A flood cannot hide an entry: security-relevant entries (role changes and disabling, imports,
 * resets, reclaims, lockouts, grants of authority) are kept apart from the activity anyone can
 * cause (sign-ins, failed registrations, SMS codes), each class of a day spread over AUDIT_SHARDS
 * partitions by the entry's id, so no partition runs hot; operators list either class or both,
 * filtered by type, actor, subject and time, page by page (store.ts merges the shards).
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
  /** Roles or status (disabling) of an account changed by an operator. */
  | 'role_change'
  /** A catalogue import by an operator. */
  | 'catalogue_import'
  /** The catalogue put back to its previous version by an operator. */
  | 'catalogue_rollback'
  /** A year's official holiday schedule loaded by an operator (functions/calendar/load.ts). */
  | 'calendar_load'
  /** What the recomputation of open cases after a calendar load moved, per hall. */
  | 'calendar_recompute'
  | 'enterprise_register'
  | 'enterprise_authorise'
  | 'acting_for'
  | 'mandate_request'
  | 'mandate_confirm'
  | 'mandate_failed';

/** Every type once (the compiler checks that none is missing), for validating a filter. */
const TYPES: Record<AuditType, true> = {
  login: true,
  login_failed: true,
  login_locked: true,
  login_suspended: true,
  login_spray: true,
  logout: true,
  sms_code: true,
  rate_limited: true,
  password_reset: true,
  account_reclaim: true,
  register: true,
  role_change: true,
  catalogue_import: true,
  catalogue_rollback: true,
  calendar_load: true,
  calendar_recompute: true,
  enterprise_register: true,
  enterprise_authorise: true,
  acting_for: true,
  mandate_request: true,
  mandate_confirm: true,
  mandate_failed: true,
};
export const AUDIT_TYPES = Object.keys(TYPES) as [AuditType, ...AuditType[]];

export type AuditClass = 'security' | 'activity';
export const AUDIT_CLASSES = ['security', 'activity'] as const satisfies readonly AuditClass[];

const SECURITY_TYPES: ReadonlySet<AuditType> = new Set<AuditType>([
  'role_change',
  'catalogue_import',
  'catalogue_rollback',
  'calendar_load',
  'calendar_recompute',
  'password_reset',
  'account_reclaim',
  'login_locked',
  'login_suspended',
  'login_spray',
  'rate_limited',
  'enterprise_authorise',
  'mandate_confirm',
]);

/**
 * Which class an entry belongs to. A failed real-name check changed nothing and anyone can cause
 * any number of them (a reclaim naming someone else's ID): activity, whatever its type.
 */
export function auditClass(entry: Pick<AuditEntry, 'type' | 'details'>): AuditClass {
  if (entry.details?.result === 'realname_failed') return 'activity';
  return SECURITY_TYPES.has(entry.type) ? 'security' : 'activity';
}

/** Partitions per class and day; an entry's shard is a hash of its (random) id. */
export const AUDIT_SHARDS = 4;

export function auditShard(id: string): number {
  // FNV-1a: cheap, and even enough over random UUIDs.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % AUDIT_SHARDS;
}

/** What an operator asks of the audit log (GET /api/audit). Instants are ISO 8601 UTC. */
export interface AuditQuery {
  classes: readonly AuditClass[];
  type?: AuditType;
  actor?: string;
  subject?: string;
  from: string;
  to: string;
  limit: number;
  /** Continue after this entry (its sort key `<at>#<id>`, from the previous page's cursor). */
  after?: string;
}

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

/** The longest time range one listing may span. */
export const AUDIT_MAX_DAYS = 31;

export interface AuditFilter {
  class?: AuditClass | 'all';
  type?: AuditType;
  actor?: string;
  subject?: string;
  /** A Beijing day (`2026-03-02`), or both ends as days or instants with their offset. */
  day?: string;
  from?: string;
  to?: string;
  limit: number;
}

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The query an operator's filter stands for, or why it cannot be answered. Without a time range:
 * today (Beijing); a day alone means the whole day. Without a class: the security class, or
 * both classes when a type, actor or subject is asked for.
 */
export function auditQueryOf(
  f: AuditFilter,
  today: string,
): { ok: true; query: Omit<AuditQuery, 'after'> } | { ok: false; message: string } {
  const start = (v: string) => (DAY_ONLY.test(v) ? `${v}T00:00:00.000+08:00` : v);
  const end = (v: string) => (DAY_ONLY.test(v) ? `${v}T23:59:59.999+08:00` : v);
  const from = Date.parse(start(f.from ?? f.day ?? today));
  const to = Date.parse(end(f.to ?? f.day ?? (f.from ? '9999-12-31' : today)));
  const toMs = Math.min(to, Date.parse(`${today}T23:59:59.999+08:00`));
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { ok: false, message: '时间格式不正确' };
  if (from > toMs) return { ok: false, message: '开始时间晚于结束时间' };
  if (toMs - from > AUDIT_MAX_DAYS * 86_400_000)
    return { ok: false, message: `一次最多查询 ${AUDIT_MAX_DAYS} 天的审计记录，请缩小时间范围` };
  const filtered = f.type !== undefined || f.actor !== undefined || f.subject !== undefined;
  const wanted = f.class ?? (filtered ? 'all' : 'security');
  return {
    ok: true,
    query: {
      classes: wanted === 'all' ? AUDIT_CLASSES : [wanted],
      type: f.type,
      actor: f.actor,
      subject: f.subject,
      from: new Date(from).toISOString(),
      to: new Date(toMs).toISOString(),
      limit: f.limit,
    },
  };
}
