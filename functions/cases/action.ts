/**
 * POST /cases/{caseNo}/actions — staff decisions on an open task, and the applicant's own acts
 * (补交材料, 撤回). The rules are in functions/lifecycle/process.ts; this only works out who acts.
 */
import { z } from 'zod';
import { runAction } from '#functions/lifecycle/engine.ts';
import { type ActionId, type Actor, applicantActions, openTasks } from '#functions/lifecycle/process.ts';
import { env } from '#lib/aws.ts';
import { now } from '#lib/clock.ts';
import { api, httpErrors } from '#lib/http.ts';
import { canActOnTask, caseAccess } from '#lib/policy.ts';
import { isCaseNo } from './model.ts';
import { getCase } from './store.ts';

const ACTIONS = [
  'prereview',
  'accept',
  'refuse',
  'correct',
  'supplement',
  'accept-supplement',
  'pass',
  'special-start',
  'special-result',
  'approve',
  'deny',
  'deliver',
  'withdraw',
] as const satisfies readonly ActionId[];

const text = (max: number) => z.string().max(max);

const body = z.object({
  action: z.enum(ACTIONS, '不认识的操作'),
  /** The version the caller saw; omitted means "the current one". */
  version: z.number().int().positive().optional(),
  /** Which open task (joint steps have one per department); omitted = the caller's only one. */
  taskId: text(80).optional(),
  reason: text(1000).optional(),
  items: z.array(text(200)).max(50).optional(),
  note: text(1000).optional(),
  special: z.object({ type: text(10), expectedDays: z.number().int().min(1).max(365) }).optional(),
  result: text(1000).optional(),
  remedy: text(500).optional(),
  method: text(10).optional(),
});

export const handler = api({ auth: 'user', body }, async ({ body, params, principal }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  // Another person's, department's or hall's case looks exactly like a missing one.
  if (!record || caseAccess(who, record) === 'none') throw httpErrors.notFound('办件不存在');

  let actor: Actor;
  let taskId: string | undefined;
  const ownCase = who.sub === record.applicant.sub;
  if (ownCase && (body.action === 'supplement' || body.action === 'withdraw')) {
    if (!applicantActions(record).includes(body.action)) {
      throw httpErrors.conflict('该办件当前不能进行此操作，请刷新后重试');
    }
    actor = { kind: 'applicant', name: who.name };
  } else {
    const mine = openTasks(record).filter((t) => canActOnTask(who, env('HALL_ID'), t));
    const task = body.taskId ? mine.find((t) => t.id === body.taskId) : mine[0];
    if (!task) throw httpErrors.forbidden('该办件当前环节不在您的岗位上');
    taskId = task.id;
    actor = {
      kind: 'staff',
      name: who.name,
      dept: who.dept,
      deptName: deptNameOf(record, who.dept),
      posts: who.posts,
    };
  }
  const after = await runAction(caseNo, body.action, body, actor, now().toISOString(), {
    taskId,
    expectedVersion: body.version,
  });
  return { body: { caseNo, status: after.status, version: after.version } };
});

/** The acting department's name: the case's own, or the step department's code when it is another. */
function deptNameOf(record: { deptCode: string; deptName: string }, dept?: string) {
  return dept === record.deptCode ? record.deptName : '';
}
