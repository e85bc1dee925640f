/** Operators: GET /api/accounts?role=, PUT /api/accounts/{sub}/roles (audited), GET /api/audit?day=. */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { ROLES } from '#domain/roles.ts';
import { beijingDate } from '#domain/time.ts';
import { catalogueIndex } from '#functions/catalogue/runtime.ts';
import { decodeCursor } from '#lib/cursor.ts';
import { api } from '#lib/http.ts';
import { accountView, roleChange } from './model.ts';
import { context, routes } from './runtime.ts';
import { changeRoles, requireOperator } from './service.ts';

const listQuery = z.object({
  role: z.enum(ROLES).default('applicant'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

const auditQuery = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const handler = routes({
  'GET /api/accounts': api({ auth: 'user', query: listQuery }, async ({ event, principal, query }) => {
    requireOperator(principal);
    const ctx = context(event);
    decodeCursor(query.cursor, {
      keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
      partition: ['gsi1pk', `ROLE#${query.role}`],
    });
    const page = await ctx.store.listAccounts(query.role, query.limit, query.cursor);
    // Operators see accounts masked: they manage roles, not identities.
    return { body: { accounts: page.accounts.map((a) => accountView(a, false)), cursor: page.cursor } };
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
    return { body: { entries: await ctx.store.listAudit(query.day ?? beijingDate(nowMs()), query.limit) } };
  }),
});
