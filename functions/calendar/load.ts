/**
 * Operators load a year's official holiday schedule (国务院办公厅关于部分节假日安排的通知):
 *
 *   PUT /api/calendar/years/{year}  { source, holidays: [date | "A..B"], workdays: [date] }
 *   GET /api/calendar/loads         the latest loads with their reports
 *
 * A load is checked (checkOfficialSchedule: stable codes, Chinese messages), stored with the
 * calendar's next revision, audited, and then the deadlines, yellow instants and timers of every
 * open case it touches are recomputed in every hall by one Step Functions execution
 * (statemachines/calendar-recompute.asl.json): it waits until every function's calendar cache has
 * expired, then pages through each hall's cases in parallel. Why a state machine: a hall's table
 * holds every case it ever had, a scan of it may outlast an API request (30 s) and even one Lambda
 * invocation, and a hall that fails must not stop the others nor be lost; the execution pages,
 * retries and records the outcome whoever waits for it. The request waits for it a while (a
 * few seconds for a few thousand open cases) and answers 200 with the report, else 202 with the
 * load running; GET /api/calendar/loads then shows it. The same schedule submitted again changes
 * nothing (`changed: false`, nothing moves), except that a job that failed is run again.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import {
  type CalendarLoadReply,
  type CalendarLoadView,
  checkOfficialSchedule,
  diffCalendars,
  sameSchedule,
} from '#domain/calendar.ts';
import { now, nowMs } from '#domain/clock.ts';
import { cleanTextProblem } from '#domain/text.ts';
import { beijingIso } from '#domain/time.ts';
import { auditEntry } from '#functions/identity/audit.ts';
import { context, routes } from '#functions/identity/runtime.ts';
import { halls } from '#infra/halls.ts';
import { hallFunctionName } from '#infra/resources.ts';
import { dynamo, env, sfn } from '#lib/aws.ts';
import { CALENDAR_SETTLE_SECONDS, calendarWith } from '#lib/calendar.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { isOperator } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import {
  beginLoad,
  CalendarConflictError,
  getLoad,
  type LoadRecord,
  listLoads,
  readState,
  type StoredYear,
  startAttempt,
} from './store.ts';

/** How long the request waits for the recomputation before it answers 202 (API Gateway stops at 30 s). */
const WAIT_MS = 20_000;
/** A job still "running" after this long has been lost (e.g. its execution was stopped by hand). */
const LOST_AFTER_MS = 3_600_000;

const entry = z
  .string()
  .max(40, '每项不超过 40 个字符')
  .refine((s) => !cleanTextProblem(s), '含有不允许的字符');
const yearBody = z.object({
  source: z
    .string()
    .trim()
    .min(4, '请填写通知名称（如：国务院办公厅关于2027年部分节假日安排的通知）')
    .max(200, '通知名称不超过 200 个字符')
    .refine((s) => !cleanTextProblem(s), '通知名称含有不允许的字符'),
  holidays: z.array(entry).max(100, '放假日期最多 100 项'),
  workdays: z.array(entry).max(100, '调休上班日期最多 100 项').default([]),
});
const loadsQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

function requireOperator(who: Principal | undefined): asserts who is Principal {
  if (!isOperator(who)) throw httpErrors.forbidden('只有运营中心人员可以录入工作日历');
}

const table = () => env('CALENDAR_TABLE');

export function loadView(load: LoadRecord): CalendarLoadView {
  const names = new Map(halls.map((h) => [h.id, h.name]));
  return {
    revision: load.revision,
    year: load.year,
    source: load.source,
    holidays: load.holidays,
    workdays: load.workdays,
    changes: load.changes,
    status: load.status,
    moved: load.moved,
    halls: (load.halls ?? []).map((h) => ({ ...h, name: names.get(h.hallId) ?? h.hallId })),
    by: load.by.name,
    at: beijingIso(load.at)!,
    finishedAt: beijingIso(load.finishedAt),
  };
}

/** Starts attempt `load.attempt + 1` of the job, or makes sure the current one runs. */
async function runJob(load: LoadRecord, fresh: boolean): Promise<LoadRecord> {
  let current = load;
  if (fresh) {
    const attempt = load.attempt + 1;
    const execution = `calendar-${load.revision}-${attempt}`;
    const at = now().toISOString();
    // Recorded before the execution starts, so its outcome is accepted for exactly this attempt.
    if (!(await startAttempt(dynamo, table(), load, { attempt, execution, at })))
      throw httpErrors.conflict('另一位运营人员刚刚重新提交了这份安排，请刷新后查看');
    current = { ...load, status: 'running', attempt, execution, startedAt: at };
  }
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env('RECOMPUTE_STATE_MACHINE_ARN'),
        name: current.execution,
        input: JSON.stringify({
          revision: current.revision,
          attempt: current.attempt,
          settleSeconds: CALENDAR_SETTLE_SECONDS,
          halls: halls.map((h) => ({ hallId: h.id, function: hallFunctionName(h.id, 'recomputeDeadlines') })),
        }),
      }),
    );
  } catch (err) {
    // The same name and input: it is running, or it ran (its outcome is in the record).
    if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
  }
  return current;
}

/** The load once its job is no longer running, or as it stands after WAIT_MS. */
async function settled(revision: number): Promise<LoadRecord> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const load = await getLoad(dynamo, table(), revision);
    if (!load) throw new Error(`load ${revision} vanished`);
    if (load.status !== 'running' || Date.now() >= until) return load;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const lost = (load: LoadRecord) =>
  load.status === 'running' && nowMs() - Date.parse(load.startedAt ?? load.at) > LOST_AFTER_MS;

function answer(changed: boolean, ran: boolean, load: LoadRecord) {
  const body: CalendarLoadReply = { changed, moved: ran ? (load.moved ?? 0) : 0, load: loadView(load) };
  return { status: load.status === 'running' ? 202 : 200, body };
}

export const handler = routes({
  'PUT /api/calendar/years/{year}': api(
    { auth: 'user', body: yearBody },
    async ({ event, principal, params, body }) => {
      requireOperator(principal);
      if (!/^\d{4}$/.test(params.year ?? ''))
        throw new HttpError(400, 'VALIDATION_FAILED', '年份应为 4 位数字', [
          { field: 'year', message: '年份应为 4 位数字' },
        ]);
      const year = Number(params.year);
      const check = checkOfficialSchedule({ year, ...body }, now());
      if (!check.ok) {
        const [first] = check.problems;
        const more = check.problems.length > 1 ? `（共 ${check.problems.length} 处问题）` : '';
        throw new HttpError(422, first.code, `${first.message}${more}`, check.problems);
      }
      const { schedule } = check;
      const ctx = context(event);
      const audit = (type: 'calendar_load', details: Record<string, unknown>) =>
        ctx.store.audit(auditEntry({ type, actor: principal.sub, ip: ctx.ip, details }, new Date(ctx.now)));

      const state = await readState(dynamo, table());
      const stored = state.years[String(year)];
      if (stored && sameSchedule(stored, schedule)) {
        // This very schedule is in force: nothing moves. A job of it that failed (or got lost) runs again.
        let load = await getLoad(dynamo, table(), stored.revision);
        if (!load) throw new Error(`load ${stored.revision} missing`);
        const rerun =
          load.status === 'failed' || lost(load) || (load.status === 'running' && !load.execution);
        await audit('calendar_load', { year, revision: load.revision, unchanged: true, rerun });
        if (rerun || load.status === 'running') {
          load = await runJob(load, rerun);
          load = await settled(load.revision);
        }
        return answer(false, rerun, load);
      }

      const [latest] = await listLoads(dynamo, table(), 1);
      if (latest?.status === 'running' && !lost(latest))
        throw new HttpError(
          409,
          'CALENDAR_LOAD_RUNNING',
          `${latest.year} 年节假日安排的期限重算尚未完成，请稍后再录入`,
        );
      const revision = state.revision + 1;
      const at = now().toISOString();
      const year$: StoredYear = {
        source: body.source,
        holidays: schedule.holidays,
        workdays: schedule.workdays,
        revision,
        loadedAt: at,
      };
      const after = { revision, years: { ...state.years, [String(year)]: year$ } };
      const changes = diffCalendars(
        calendarWith(state.years),
        calendarWith(after.years),
        `${year}-01-01`,
        `${year}-12-31`,
      );
      const load: LoadRecord = {
        revision,
        ...schedule,
        source: body.source,
        base: state.years,
        changes,
        by: { sub: principal.sub, name: principal.name },
        at,
        status: 'running',
        attempt: 0,
      };
      try {
        await beginLoad(dynamo, table(), state, after, load);
      } catch (err) {
        if (err instanceof CalendarConflictError)
          throw httpErrors.conflict('另一位运营人员刚刚更新了工作日历，请刷新后重新提交');
        throw err;
      }
      await audit('calendar_load', {
        year,
        revision,
        source: body.source,
        holidays: schedule.holidays.length,
        workdays: schedule.workdays.length,
        changedDates: changes.map((c) => c.date),
      });
      logger.info('calendar loaded', { year, revision, changed: changes.length });
      await runJob(load, true);
      return answer(true, true, await settled(revision));
    },
  ),
  'GET /api/calendar/loads': api({ auth: 'user', query: loadsQuery }, async ({ principal, query }) => {
    requireOperator(principal);
    const loads = await listLoads(dynamo, table(), query.limit);
    return { body: { loads: loads.map(loadView) } };
  }),
});
