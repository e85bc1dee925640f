/**
 * This deployment's working-day calendar: the pure calendar (#domain/calendar.ts) bound to the seed
 * file infra/config/calendar-overrides.json and to the official years operators load, which every
 * function that computes deadlines reads from the platform's calendar table (functions/calendar/
 * store.ts) through a short cache.
 */
import {
  type CalendarOverrides,
  createCalendar,
  type WorkingCalendar,
  type YearSchedule,
} from '#domain/calendar.ts';
import { nowMs } from '#domain/clock.ts';
import { readState } from '#functions/calendar/store.ts';
import overridesFile from '#infra/config/calendar-overrides.json' with { type: 'json' };
import { dynamo } from './aws.ts';

const seed = overridesFile as CalendarOverrides;

/**
 * The calendar of the seed file alone: for pure tests and tools, and for code that runs without the
 * calendar table. Handlers use `currentCalendar()`.
 */
export const calendar: WorkingCalendar = createCalendar(seed);

/** The seed with loaded years on top: a loaded year replaces the file's entry for that year. */
export function calendarWith(years: Record<string, YearSchedule>): WorkingCalendar {
  return createCalendar({ ...seed, years: { ...seed.years, ...years } });
}

/**
 * How long a function keeps the calendar before it looks again. The recomputation of open cases
 * after a load waits a little longer than this (CALENDAR_SETTLE_SECONDS) before it begins, so no
 * function is still computing deadlines with the calendar before the load by then.
 */
export const CALENDAR_CACHE_MS = 5_000;
export const CALENDAR_SETTLE_SECONDS = Math.ceil(CALENDAR_CACHE_MS / 1000) + 5;

export interface CurrentCalendar {
  calendar: WorkingCalendar;
  /** The calendar table's revision it was built from (0: nothing loaded, or no table). */
  revision: number;
}

let cached: (CurrentCalendar & { checkedAt: number }) | undefined;
let loading: Promise<CurrentCalendar> | undefined;

/**
 * The calendar in force: seed plus loaded years, re-read at most every CALENDAR_CACHE_MS (rebuilt
 * only when the revision changed). `fresh` reads the table now (the recomputation does). Outside a
 * Lambda (unit tests of the use cases) there is no table and the seed calendar is used; a Lambda
 * whose spec forgot the calendar table fails loudly rather than compute with the seed alone.
 */
export async function currentCalendar(opts: { fresh?: boolean } = {}): Promise<CurrentCalendar> {
  const table = process.env.CALENDAR_TABLE;
  if (!table && !process.env.AWS_LAMBDA_FUNCTION_NAME) return { calendar, revision: 0 };
  if (!table)
    throw new Error('CALENDAR_TABLE is not set: give this function the calendar table (resources.ts)');
  if (!opts.fresh && cached && nowMs() - cached.checkedAt < CALENDAR_CACHE_MS) return cached;
  if (loading) return loading;
  loading = (async () => {
    try {
      const state = await readState(dynamo, table);
      if (cached?.revision !== state.revision)
        cached = { calendar: calendarWith(state.years), revision: state.revision, checkedAt: nowMs() };
      else cached.checkedAt = nowMs();
      return cached;
    } finally {
      loading = undefined;
    }
  })();
  return loading;
}
