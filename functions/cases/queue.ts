/**
 * GET /tasks?post= — a staff member's queue: open tasks of their department and post, the most
 * urgent deadline first, each marked yellow (预警) or red (超期) against the clock.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import type { DeadlineKey } from '#domain/process.ts';
import { beijingIso } from '#domain/time.ts';
import type { QueueTask } from '#domain/views.ts';
import { STATUS_NAMES } from '#domain/vocabulary.ts';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { canSeeQueue } from '#lib/policy.ts';
import { type CaseRecord, getCases, listQueue, queueKey } from './store.ts';
import { currentStepName } from './views.ts';

const query = z.object({ post: z.string().max(8).optional() });

/** The mark of a case now: red past a deadline, yellow past a warning instant. */
export function markOf(c: CaseRecord, at: number): 'red' | 'yellow' | undefined {
  const past = (iso?: string) => !!iso && Date.parse(iso) <= at;
  if (past(c.deadlines?.step) || past(c.deadlines?.case)) return 'red';
  if (past(c.timers?.['step-yellow']?.fireAt) || past(c.timers?.['case-yellow']?.fireAt)) return 'yellow';
  return undefined;
}

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const who = principal!;
  const posts = query.post ? [query.post] : who.posts;
  if (
    !who.dept ||
    posts.length === 0 ||
    !posts.every((p) => canSeeQueue(who, env('HALL_ID'), who.dept!, p))
  ) {
    throw httpErrors.forbidden('只有本部门相应岗位的工作人员可以查看待办');
  }
  const tasks = (await Promise.all(posts.map((post) => listQueue(queueKey(who.dept!, post))))).flat();
  const cases = new Map((await getCases(tasks.map((t) => t.caseNo))).map((c) => [c.caseNo, c]));
  const at = nowMs();
  const rows: QueueTask[] = tasks
    .filter((t) => cases.has(t.caseNo))
    .map((t) => {
      const c = cases.get(t.caseNo)!;
      const key = (['step', 'deemAccept', 'case'] as const).find((k) => c.deadlines?.[k]);
      const deadline = key && c.deadlines[key];
      const provisional = (k?: DeadlineKey) => (k && c.deadlines?.provisional?.includes(k)) || undefined;
      return {
        caseNo: t.caseNo,
        taskId: t.id,
        task: t.name,
        itemName: t.itemName,
        applicantName: t.applicantName,
        status: c.status,
        statusName: STATUS_NAMES[c.status],
        currentStep: currentStepName(c),
        version: c.version,
        waitingSince: beijingIso(t.since),
        deadline: beijingIso(deadline),
        caseDeadline: beijingIso(c.deadlines?.case),
        deadlineProvisional: provisional(key),
        caseDeadlineProvisional: provisional('case'),
        mark: markOf(c, at),
        sortKey: deadline ?? '9999',
      };
    })
    .sort((a, b) => a.sortKey.localeCompare(b.sortKey) || a.caseNo.localeCompare(b.caseNo))
    .map(({ sortKey: _s, ...row }) => row);
  return { body: { tasks: rows } };
});
