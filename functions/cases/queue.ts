/** GET /tasks?post= — the staff member's queue: cases waiting for their post, oldest first. */
import { z } from 'zod';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { canSeeQueue } from '#lib/policy.ts';
import { STATUS_NAMES } from './model.ts';
import { listQueue, queueKey } from './store.ts';

const query = z.object({ post: z.string().max(8).optional() });

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
  const lists = await Promise.all(posts.map((post) => listQueue(queueKey(who.dept!, post))));
  const tasks = lists
    .flat()
    .map((c) => ({
      caseNo: c.caseNo,
      itemName: c.itemName,
      applicantName: c.applicant.name,
      status: c.status,
      statusName: STATUS_NAMES[c.status],
      step: c.step,
      version: c.version,
      waitingSince: c.pendingTask?.since,
      filedAt: c.filedAt,
    }))
    .sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
  return { body: { tasks } };
});
