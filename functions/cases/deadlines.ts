/**
 * This deployment's deadlines: the pure rules (functions/domain/process.ts `supervise`) bound to
 * the supervision thresholds of infra/config, on the working-day calendar in force
 * (`currentCalendar()` of #lib/calendar.ts; the recomputation after a load passes others).
 */

import { CalendarRangeError, type WorkingCalendar } from '#domain/calendar.ts';
import { type CaseState, type SupervisionConfig, supervise } from '#domain/process.ts';
import supervisionConfig from '#infra/config/supervision.json' with { type: 'json' };
import { logger } from '#lib/logger.ts';

export const config: SupervisionConfig = supervisionConfig;

/** Deadlines and timers of a state on `cal`, or the reason they could not be computed. */
export function supervision(state: CaseState, now: string, cal: WorkingCalendar) {
  try {
    return { ...supervise(state, now, cal, config), supervisionError: undefined };
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    // The case goes on; the missing calendar year is an operator's to-do, flagged on the case.
    logger.error('deadline unknown', { error: err.message });
    return { deadlines: { pausedDays: 0 }, timers: {}, supervisionError: err.message };
  }
}
