/**
 * GET /api/calendar — the working-day calendar as deadlines are computed with it: official through
 * which date, which years are provisional (暂定), and the operators' notice (from 1 November while
 * next year's official schedule is missing). Public: holiday schedules are public information.
 */
import { calendarNotice } from '#domain/calendar.ts';
import { now } from '#domain/clock.ts';
import { calendar } from '#lib/calendar.ts';
import { api } from '#lib/http.ts';

export const handler = api({ auth: 'public' }, async () => ({
  body: {
    lastOfficialDate: calendar.lastOfficialDate,
    lastKnownDate: calendar.lastKnownDate,
    provisionalYears: calendar.provisionalYears,
    notice: calendarNotice(calendar, now()),
  },
}));
