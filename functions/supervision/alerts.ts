/**
 * GET /alerts?view=&status=&severity=&dept=&limit=&cursor= — e-supervision alerts of this hall, one
 * page at a time: `view=all` (default) newest first, filtered by status, level and department;
 * `view=overdue` the red alerts and findings past their limit that nobody answered yet, most late
 * first, each with its working days late. Supervisors of the hall (or of the city) see every alert,
 * staff only their department's (`dept` is theirs whatever they ask). Read from index partitions
 * in the page's order (store.ts), never filtered after a read.
 */
import { z } from 'zod';
import { now } from '#domain/clock.ts';
import type { AlertView, OverdueAlertView } from '#domain/views.ts';
import { alertView } from '#functions/cases/views.ts';
import { env } from '#lib/aws.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { badCursor, decodeCursor, encodeCursor } from '#lib/cursor.ts';
import { api, httpErrors } from '#lib/http.ts';
import { alertReader } from './access.ts';
import { ALERT_STATUSES, SEVERITIES } from './keys.ts';
import { listAlertPage, listOverdue } from './store.ts';

const query = z.object({
  view: z.enum(['all', 'overdue'], 'view 应为 all 或 overdue').default('all'),
  status: z.enum(ALERT_STATUSES, '督办状态应为 open、urged、replied 或 resolved').optional(),
  severity: z.enum(SEVERITIES, '预警类别应为 yellow、red 或 finding').optional(),
  dept: z
    .string()
    .regex(/^[\w-]{1,60}$/, '部门编码无效')
    .optional(),
  limit: z.coerce.number().int('每页条数应为 1–100 的整数').min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z`;
/** A page ends at an alert's sort key (keys.ts): an instant, the case number, the alert id. */
const SORT_KEY = new RegExp(`^${ISO}#[\\w-]{1,40}#[\\w.-]{1,120}$`);

/** Working days from the limit to now, to one decimal; undefined if the calendar cannot say. */
async function lateDays(deadline: string | undefined, at: Date): Promise<number | undefined> {
  if (!deadline) return undefined;
  try {
    const { calendar } = await currentCalendar();
    return Math.round(calendar.workingDaysBetween(new Date(deadline), at) * 10) / 10;
  } catch {
    return undefined;
  }
}

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const hallId = env('HALL_ID');
  const reader = alertReader(principal!, hallId);
  if (!reader) throw httpErrors.forbidden('只有监察人员和本厅工作人员可以查看监察预警');
  const dept = reader.kind === 'staff' ? reader.dept : query.dept;
  // A cursor belongs to one listing: this hall, this view and these filters (lib/cursor.ts).
  const listing =
    query.view === 'overdue'
      ? `${hallId}|overdue`
      : `${hallId}|all|${query.status ?? ''}|${query.severity ?? ''}|${dept ?? ''}`;
  const after = decodeCursor(query.cursor, {
    keys: ['listing', 'after'],
    partition: ['listing', listing],
  })?.after;
  if (after !== undefined && !SORT_KEY.test(after)) throw badCursor();

  if (query.view === 'overdue') {
    if (reader.kind === 'staff') throw httpErrors.forbidden('只有监察人员可以查看超期清单');
    const page = await listOverdue(query.limit, after);
    const at = now();
    const alerts: OverdueAlertView[] = await Promise.all(
      page.alerts.map(async (a) => ({ ...alertView(a), lateDays: (await lateDays(a.deadline, at)) ?? 0 })),
    );
    return { body: { alerts, cursor: page.next && encodeCursor({ listing, after: page.next }) } };
  }
  const page = await listAlertPage(
    { status: query.status, severity: query.severity, dept },
    query.limit,
    after,
  );
  const alerts: AlertView[] = page.alerts.map(alertView);
  return { body: { alerts, cursor: page.next && encodeCursor({ listing, after: page.next }) } };
});
