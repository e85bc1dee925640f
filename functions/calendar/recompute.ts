/**
 * Hall task of the calendar job (statemachines/calendar-recompute.asl.json, started by the platform
 * after a load): one stretch of this hall's cases. Scans the cases table from `cursor` for case
 * records with limits, recomputes each (functions/cases/recompute.ts), and answers with the cursor
 * and the running totals; the machine calls again until `done`. Each call stops after a time budget
 * well inside the function's timeout, so a hall of any size is paged through.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '#domain/clock.ts';
import {
  hasLimits,
  type RecomputeOutcome,
  recomputeCase,
  type StampedCase,
} from '#functions/cases/recompute.ts';
import { caseStore } from '#functions/cases/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { calendarWith, currentCalendar } from '#lib/calendar.ts';
import { logger } from '#lib/logger.ts';
import { getLoad } from './store.ts';

export interface Totals {
  checked: number;
  moved: number;
  unchanged: number;
  skipped: number;
  conflicts: number;
}

export interface PageInput {
  revision: number;
  hallId: string;
  /** This function's name, as the machine calls it (passed through). */
  function: string;
  /** Where the previous call stopped (the scan's LastEvaluatedKey, as JSON). */
  cursor?: string;
  totals?: Totals;
}

export type PageOutput = PageInput & { totals: Totals; done: boolean };

/** Work per call; the function's timeout is well above it (infra/resources.ts). */
const BUDGET_MS = 20_000;

const OUTCOME_TOTAL: Record<RecomputeOutcome, keyof Totals> = {
  moved: 'moved',
  unchanged: 'unchanged',
  skipped: 'skipped',
  conflict: 'conflicts',
};

export async function handler(input: PageInput): Promise<PageOutput> {
  if (input.hallId !== env('HALL_ID')) throw new Error(`hall ${env('HALL_ID')} asked for ${input.hallId}`);
  const load = await getLoad(dynamo, env('CALENDAR_TABLE'), input.revision);
  if (!load) throw new Error(`calendar load ${input.revision} not found`);
  // The table itself, not this instance's cache: the job must see the load it is running for.
  const { calendar: current, revision } = await currentCalendar({ fresh: true });
  if (revision < input.revision) throw new Error(`calendar at ${revision}, job for ${input.revision}`);
  const cals = { current, revision, before: calendarWith(load.base) };

  const totals: Totals = { checked: 0, moved: 0, unchanged: 0, skipped: 0, conflicts: 0, ...input.totals };
  let cursor = input.cursor ? (JSON.parse(input.cursor) as Record<string, unknown>) : undefined;
  const until = Date.now() + BUDGET_MS;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: env('CASES_TABLE'),
        FilterExpression: 'sk = :case',
        ExpressionAttributeValues: { ':case': 'CASE' },
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, ...record } = item;
      const stored = record as StampedCase;
      if (!hasLimits(stored)) continue;
      totals.checked++;
      const outcome = await recomputeCase(caseStore, stored, cals, now().toISOString());
      totals[OUTCOME_TOTAL[outcome]]++;
      if (outcome === 'moved' || outcome === 'conflict')
        logger.info('deadlines recomputed', { caseNo: stored.caseNo, outcome, revision });
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor && Date.now() < until);
  return {
    revision: input.revision,
    hallId: input.hallId,
    function: input.function,
    ...(cursor ? { cursor: JSON.stringify(cursor) } : {}),
    totals,
    done: !cursor,
  };
}
