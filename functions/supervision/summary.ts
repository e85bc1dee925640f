/**
 * GET /alerts/summary?dept= — the supervisor dashboard's figures of this hall (or one department):
 * alerts raised today by level, 督办 waiting for a reply (and past their reply deadline), and the
 * length of the overdue list. Supervisors of the hall or of the city only.
 */
import { z } from 'zod';
import { now } from '#domain/clock.ts';
import { BEIJING_OFFSET_MS, beijingDate } from '#domain/time.ts';
import type { AlertSummary } from '#domain/views.ts';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { alertReader } from './access.ts';
import { alertFigures } from './store.ts';

const query = z.object({
  dept: z
    .string()
    .regex(/^[\w-]{1,60}$/, '部门编码无效')
    .optional(),
});

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const hallId = env('HALL_ID');
  if (alertReader(principal!, hallId)?.kind !== 'supervisor')
    throw httpErrors.forbidden('只有监察人员可以查看监察概况');
  const at = now();
  const day = beijingDate(at);
  // Beijing midnight as the UTC instant alerts are stored with.
  const dayStart = new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS).toISOString();
  const figures = await alertFigures(query.dept, dayStart, at.toISOString());
  const body: AlertSummary = { hallId, day, ...figures };
  return { body };
});
