/**
 * Operators: GET /api/accounts?role=&q=&limit=&cursor=, PUT /api/accounts/{sub}/roles (audited),
 * GET /api/audit?class=&type=&actor=&subject=&day=|from=&to=&limit=&cursor= (audit.ts).
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { ROLES } from '#domain/roles.ts';
import { beijingDate } from '#domain/time.ts';
import { catalogueIndex } from '#functions/catalogue/runtime.ts';
import { badCursor, decodeCursor, encodeCursor } from '#lib/cursor.ts';
import { api, HttpError } from '#lib/http.ts';
import { AUDIT_TYPES, auditQueryOf } from './audit.ts';
import { accountView, roleChange } from './model.ts';
import { context, routes } from './runtime.ts';
import { changeRoles, requireOperator } from './service.ts';

const listQuery = z.object({
  role: z.enum(ROLES).default('applicant'),
  /** A username or mobile (that account, whatever its role), else part of a name or username. */
  q: z.string().trim().min(1).max(40, '查找内容不能超过 40 个字').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const auditQuery = z.object({
  class: z.enum(['security', 'activity', 'all']).optional(),
  type: z.enum(AUDIT_TYPES).optional(),
  actor: z.string().min(1).max(128).optional(),
  subject: z.string().min(1).max(128).optional(),
  day: z.string().regex(DAY, '日期格式应为 YYYY-MM-DD').optional(),
  from: z.string().regex(INSTANT, '时间格式应为 2026-03-02 或 2026-03-02T09:00:00+08:00').optional(),
  to: z.string().regex(INSTANT, '时间格式应为 2026-03-02 或 2026-03-02T18:00:00+08:00').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
/** An audit cursor stands for the sort key of the entry (or point) a page ended at. */
const AUDIT_CURSOR = { keys: ['pk', 'sk'], partition: ['pk', 'AUDIT'] } as const satisfies Parameters<
  typeof decodeCursor
>[1];
const AUDIT_SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[\w~-]{1,64}$/;

export const handler = routes({
  'GET /api/accounts': api({ auth: 'user', query: listQuery }, async ({ event, principal, query }) => {
    requireOperator(principal);
    const ctx = context(event);
    const start = decodeCursor(query.cursor, {
      keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
      partition: ['gsi1pk', `ROLE#${query.role}`],
    });
    // An exact username or phone number finds that one account (the sign-in lookup), first page only.
    const exact = query.q && !start ? await ctx.store.findByLogin(query.q) : undefined;
    const page = await ctx.store.listAccounts(query.role, { limit: query.limit, start, contains: query.q });
    const accounts = exact ? [exact, ...page.accounts.filter((a) => a.sub !== exact.sub)] : page.accounts;
    // Operators see accounts masked: they manage roles, not identities.
    return {
      body: { accounts: accounts.map((a) => accountView(a, false)), cursor: encodeCursor(page.next) },
    };
  }),
  'PUT /api/accounts/{sub}/roles': api(
    { auth: 'user', body: roleChange },
    async ({ event, principal, params, body }) => {
      requireOperator(principal);
      const account = await changeRoles(context(event), principal!, params.sub ?? '', body, async (code) => {
        const d = (await catalogueIndex()).departments.get(code);
        return d && { name: d.name, hallId: d.hallId };
      });
      return { body: { account } };
    },
  ),
  'GET /api/audit': api({ auth: 'user', query: auditQuery }, async ({ event, principal, query }) => {
    requireOperator(principal);
    const ctx = context(event);
    const asked = auditQueryOf(query, beijingDate(nowMs()));
    if (!asked.ok) throw new HttpError(400, 'BAD_RANGE', asked.message);
    const after = decodeCursor(query.cursor, AUDIT_CURSOR)?.sk;
    if (after !== undefined && !AUDIT_SORT_KEY.test(after)) throw badCursor();
    const page = await ctx.store.listAudit({ ...asked.query, after });
    return {
      body: { entries: page.entries, cursor: page.next && encodeCursor({ pk: 'AUDIT', sk: page.next }) },
    };
  }),
});
