/** POST /cases/{caseNo}/actions — a staff decision on the case's current step. */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { sfn } from '#lib/aws.ts';
import { now } from '#lib/clock.ts';
import { api, HttpError, httpErrors, logger } from '#lib/http.ts';
import { caseAccess } from '#lib/policy.ts';
import { chainEvent, isCaseNo } from './model.ts';
import { checkAction, STEPS } from './steps.ts';
import { ConflictError, getCase, transition } from './store.ts';

const body = z.object({
  action: z.enum(['accept', 'refuse', 'approve', 'deny'], '不认识的操作'),
  /** The version the staff member saw; omitted means "the current one". */
  version: z.number().int().positive().optional(),
  reason: z.string().max(1000).optional(),
});

export const handler = api({ auth: 'user', body }, async ({ body, params, principal }) => {
  const caseNo = params.caseNo ?? '';
  if (!isCaseNo(caseNo)) throw httpErrors.notFound('办件不存在');
  const record = await getCase(caseNo);
  const access = record
    ? caseAccess(principal!, record, record.step ? STEPS[record.step].post : undefined)
    : 'none';
  // Another person's, department's or hall's case looks exactly like a missing one.
  if (!record || access === 'none') throw httpErrors.notFound('办件不存在');
  if (access !== 'act') throw httpErrors.forbidden('该环节不属于您的岗位');
  if (body.version !== undefined && body.version !== record.version) throw httpErrors.conflict();
  const check = checkAction(record.step, body.action, body.reason);
  if (!check.ok) throw new HttpError(check.status, check.code, check.message);
  if (!record.pendingTask || record.pendingTask.step !== record.step) {
    throw new HttpError(409, 'STEP_NOT_READY', '该环节尚未就绪，请稍后重试');
  }
  const { outcome } = check;
  const event = chainEvent(caseNo, record.lastHash, record.eventCount + 1, {
    type: outcome.event,
    at: now().toISOString(),
    actor: `${record.deptName}${STEPS[record.step!].post}岗`,
    actorName: principal!.name,
    outcome: outcome.outcome,
    note: body.reason?.trim() || undefined,
  });
  try {
    await transition(record, { status: outcome.status, step: outcome.next }, event);
  } catch (err) {
    if (err instanceof ConflictError) throw httpErrors.conflict();
    throw err;
  }
  // The transition is recorded; now let the lifecycle move on.
  await sfn.send(
    new SendTaskSuccessCommand({
      taskToken: record.pendingTask.token,
      output: JSON.stringify({ decision: outcome.decision, seq: event.seq }),
    }),
  );
  logger.info('case action', { caseNo, action: body.action, seq: event.seq });
  return { body: { caseNo, status: outcome.status, version: record.version + 1, event } };
});
