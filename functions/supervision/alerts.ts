/**
 * GET /alerts — e-supervision alerts of this hall, newest first: every alert for supervisors of the
 * hall (or of the city), the alerts of their own department for staff.
 */
import { z } from 'zod';
import { listAlerts } from '#functions/cases/store.ts';
import { alertView } from '#functions/cases/views.ts';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';

const query = z.object({
  status: z.enum(['open', 'urged', 'replied', 'resolved']).optional(),
  severity: z.enum(['yellow', 'red', 'finding']).optional(),
});

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const who = principal!;
  const supervisor = who.roles.includes('supervisor') && (who.hall === '*' || who.hall === env('HALL_ID'));
  const staff = who.roles.includes('staff') && who.hall === env('HALL_ID') && !!who.dept;
  if (!supervisor && !staff) throw httpErrors.forbidden('只有监察人员和本厅工作人员可以查看监察预警');
  const alerts = (await listAlerts(200))
    .filter((a) => supervisor || a.dept === who.dept)
    .filter((a) => !query.status || a.status === query.status)
    .filter((a) => !query.severity || a.severity === query.severity)
    .map(alertView);
  return { body: { alerts } };
});
