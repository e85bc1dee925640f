/**
 * Runs the lifecycle rules (process.ts) against the cases table and the state machine: one action =
 * read the case, apply the rule, recompute deadlines and timers, commit everything in one
 * transaction, then hand the answered task tokens back to Step Functions.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { chainEvent } from '#functions/cases/model.ts';
import {
  type AlertRecord,
  BusyError,
  type CaseRecord,
  ConflictError,
  commit,
  getCase,
  getTasks,
} from '#functions/cases/store.ts';
import supervisionConfig from '#infra/config/supervision.json' with { type: 'json' };
import { sfn } from '#lib/aws.ts';
import { HttpError, httpErrors, logger } from '#lib/http.ts';
import { CalendarRangeError, calendar } from './calendar.ts';
import {
  type ActionId,
  type ActionInput,
  type Actor,
  applyAction,
  type CaseState,
  type SupervisionConfig,
  supervise,
} from './process.ts';

export const config: SupervisionConfig = supervisionConfig;

/** Deadlines and timers of a state, or the reason they could not be computed. */
export function supervision(state: CaseState, now: string) {
  try {
    return { ...supervise(state, now, calendar, config), supervisionError: undefined };
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    // The case goes on; the missing calendar year is an operator's to-do, flagged on the case.
    logger.error('deadline unknown', { error: err.message });
    return { deadlines: { pausedDays: 0 }, timers: {}, supervisionError: err.message };
  }
}

export interface RunOptions {
  taskId?: string;
  /** The version the caller saw; a different current version is a conflict. */
  expectedVersion?: number;
}

/**
 * Apply one action; throws HttpError for refusals and conflicts. A transaction that merely collided
 * with another one at the same instant (e.g. the machine storing a task token) is tried again.
 */
export async function runAction(...args: Parameters<typeof runActionOnce>): Promise<CaseRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runActionOnce(...args);
    } catch (err) {
      if (!(err instanceof BusyError) || attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function runActionOnce(
  caseNo: string,
  action: ActionId,
  input: ActionInput,
  actor: Actor,
  at: string,
  opts: RunOptions = {},
): Promise<CaseRecord> {
  const before = await getCase(caseNo);
  if (!before) throw httpErrors.notFound('办件不存在');
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== before.version)
    throw httpErrors.conflict();
  const stored = await getTasks(caseNo);
  if (opts.taskId && !stored.some((t) => t.id === opts.taskId)) {
    // Gone because someone just acted on it, or not stored yet because the machine is on its way.
    const now = await getCase(caseNo);
    if (now && now.version !== before.version) throw httpErrors.conflict();
    throw new HttpError(409, 'STEP_NOT_READY', '该环节尚未就绪，请稍后刷新重试');
  }
  const result = applyAction(before, action, input, actor, at, opts.taskId);
  if (!result.ok) throw new HttpError(result.status, result.code, result.message);

  let { lastHash } = before;
  const events = result.events.map((draft, i) => {
    const event = chainEvent(caseNo, lastHash, before.eventCount + i + 1, { ...draft, at });
    lastHash = event.hash;
    return event;
  });
  const after: CaseRecord = {
    ...before,
    ...result.state,
    ...supervision(result.state, at),
    version: before.version + 1,
    eventCount: before.eventCount + events.length,
    lastHash,
  };
  const alerts: AlertRecord[] = result.findings.map((f, i) => ({
    alertId: `finding.${before.version + 1}.${i}`,
    caseNo,
    itemName: before.itemName,
    severity: 'finding',
    scope: 'process',
    dept: actor.dept ?? before.deptCode,
    post: '受理',
    note: f.note,
    raisedAt: at,
    status: 'open',
  }));
  const answered = result.answered
    .map((a) => ({ ...a, task: stored.find((t) => t.id === a.taskId) }))
    .filter((a) => a.task);
  try {
    await commit(
      before,
      after,
      events,
      answered.map((a) => a.taskId),
      alerts,
    );
  } catch (err) {
    if (err instanceof ConflictError) throw httpErrors.conflict();
    throw err;
  }
  // Recorded; now let the lifecycle move on. A token the machine no longer waits for is harmless.
  for (const a of answered) await answerTask(a.task!.token, a.output);
  logger.info('case action', { caseNo, action, version: after.version });
  return after;
}

export async function answerTask(token: string, output: unknown): Promise<void> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'TaskTimedOut' && name !== 'TaskDoesNotExist' && name !== 'InvalidToken') throw err;
    logger.warn('task token no longer awaited', { name });
  }
}
