/**
 * The use case "act on a case": read the case, apply the rule (functions/domain/process.ts),
 * recompute deadlines and timers, commit everything in one transaction, then hand the answered
 * task tokens back to the lifecycle. Works on the ports (ports.ts), so it runs against DynamoDB and
 * Step Functions in a Lambda and against the in-memory store in a unit test.
 */
import { type ActionId, type ActionInput, type Actor, applyAction, statusOf } from '#domain/process.ts';
import { Refusal, refusals } from '#domain/refusal.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { logger } from '#lib/logger.ts';
import { supervision } from './deadlines.ts';
import { chainEvent } from './model.ts';
import { BusyError, type CaseStore, ConflictError, type Lifecycle } from './ports.ts';
import type { AlertRecord, CaseRecord } from './store.ts';

export interface ActDeps {
  store: CaseStore;
  lifecycle: Lifecycle;
}

export interface ActRequest {
  caseNo: string;
  action: ActionId;
  input: ActionInput;
  actor: Actor;
  at: string;
  taskId?: string;
  /** The version the caller saw; a different current version is a conflict. */
  expectedVersion?: number;
}

/**
 * Apply one action; throws a Refusal (domain code) for refusals and conflicts. A transaction that
 * merely collided with another one at the same instant (e.g. the machine storing a task token) is
 * tried again.
 */
export async function runAction(deps: ActDeps, req: ActRequest): Promise<CaseRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runActionOnce(deps, req);
    } catch (err) {
      if (!(err instanceof BusyError) || attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function runActionOnce({ store, lifecycle }: ActDeps, req: ActRequest): Promise<CaseRecord> {
  const { caseNo, action, actor, at, taskId } = req;
  const before = await store.getCase(caseNo);
  if (!before) throw refusals.notFound();
  if (req.expectedVersion !== undefined && req.expectedVersion !== before.version) throw refusals.conflict();
  const stored = await store.getTasks(caseNo);
  if (taskId && !stored.some((t) => t.id === taskId)) {
    // Gone because someone just acted on it, or not stored yet because the machine is on its way.
    const now = await store.getCase(caseNo);
    if (now && now.version !== before.version) throw refusals.conflict();
    throw refusals.notReady();
  }
  const result = applyAction(before, action, req.input, actor, at, taskId);
  if (!result.ok) throw new Refusal(result);

  let { lastHash } = before;
  const events = result.events.map((draft, i) => {
    const event = chainEvent(caseNo, lastHash, before.eventCount + i + 1, { ...draft, at });
    lastHash = event.hash;
    return event;
  });
  const after: CaseRecord = {
    ...before,
    ...result.state,
    ...supervision(result.state, at, (await currentCalendar()).calendar),
    status: statusOf(result.state),
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
  const answered = result.answered.flatMap((a) => {
    const task = stored.find((t) => t.id === a.taskId);
    return task ? [{ ...a, token: task.token }] : [];
  });
  try {
    await store.commit(
      before,
      after,
      events,
      answered.map((a) => a.taskId),
      alerts,
    );
  } catch (err) {
    if (err instanceof ConflictError) throw refusals.conflict();
    throw err;
  }
  // Recorded; now let the lifecycle move on.
  for (const a of answered) await lifecycle.answer(a.token, a.output);
  if (result.opens) await lifecycle.start(caseNo, result.opens);
  logger.info('case action', { caseNo, action, version: after.version });
  return after;
}
