/**
 * POST /cases/{caseNo}/actions — staff decisions on an open task, and the applicant's own acts
 * (补交材料, 撤回). The body is the catalogue's union (functions/domain/actions.ts); the rules are in
 * functions/domain/process.ts; this only works out who acts, on which task.
 */
import { actionBodySchema, actionSpec } from '#domain/actions.ts';
import { now } from '#domain/clock.ts';
import { type Actor, openTasks } from '#domain/process.ts';
import { refusals } from '#domain/refusal.ts';
import { requireResubmitted } from '#functions/materials/correction.ts';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { actsForDepartment, canActOnTask, caseAccess, supervisesHall } from '#lib/policy.ts';
import { runAction } from './act.ts';
import { stepFunctionsLifecycle } from './lifecycle.ts';
import { isCaseNo } from './model.ts';
import { caseStore, getCase } from './store.ts';

export const handler = api({ auth: 'user', body: actionBodySchema }, async ({ body, params, principal }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  // Another person's, department's or hall's case looks exactly like a missing one.
  if (!record || caseAccess(who, record) === 'none') throw httpErrors.notFound('办件不存在');

  let actor: Actor;
  let taskId: string | undefined;
  const spec = actionSpec(body.action);
  if (spec.by === 'applicant') {
    if (who.sub !== record.applicant.sub) throw httpErrors.forbidden(spec.notYours);
    // 补交 submits the files the 补交告知 named: each must have been uploaded again.
    if (body.action === 'supplement') await requireResubmitted(record);
    actor = { kind: 'applicant', name: who.name };
  } else if (spec.by === 'department') {
    // 评价申诉: the department as a whole, not a task of a post.
    if (!actsForDepartment(who, env('HALL_ID'), record.deptCode)) throw httpErrors.forbidden(spec.notYours);
    actor = { kind: 'department', name: who.name, dept: who.dept, deptName: record.deptName };
  } else if (spec.by === 'supervisor') {
    if (!supervisesHall(who, env('HALL_ID'))) throw httpErrors.forbidden(spec.notYours);
    actor = { kind: 'supervisor', name: who.name };
  } else {
    const mine = openTasks(record).filter((t) => canActOnTask(who, env('HALL_ID'), t));
    const task = body.taskId ? mine.find((t) => t.id === body.taskId) : mine[0];
    if (!task) {
      // Staff of this hall who saw an older version lost a race to a colleague: "already handled",
      // not "not your post".
      const staffHere = who.roles.includes('staff') && who.hall === env('HALL_ID');
      if (staffHere && body.version !== undefined && body.version !== record.version)
        throw refusals.conflict();
      throw httpErrors.forbidden('该办件当前环节不在您的岗位上');
    }
    taskId = task.id;
    actor = {
      kind: 'staff',
      name: who.name,
      dept: who.dept,
      deptName: who.dept === record.deptCode ? record.deptName : '',
      posts: who.posts,
    };
  }
  const after = await runAction(
    { store: caseStore, lifecycle: stepFunctionsLifecycle },
    {
      caseNo,
      action: body.action,
      input: body,
      actor,
      at: now().toISOString(),
      taskId,
      expectedVersion: body.version,
    },
  );
  return { body: { caseNo, status: after.status, version: after.version } };
});
