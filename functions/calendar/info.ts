/**
 * GET /api/calendar — the working-day calendar as deadlines are computed with it now: official
 * through which date, which years are provisional (暂定), the revision of the loaded years, which
 * years may be loaded now, and the operators' notice (from 1 November while next year's official schedule is missing). Public:
 * holiday schedules are public information.
 */
import { calendarNotice, loadableYears } from '#domain/calendar.ts';
import { now } from '#domain/clock.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { api } from '#lib/http.ts';

export const handler = api({ auth: 'public' }, async () => {
  const { calendar, revision } = await currentCalendar();
  return {
    body: {
      lastOfficialDate: calendar.lastOfficialDate,
      lastKnownDate: calendar.lastKnownDate,
      provisionalYears: calendar.provisionalYears,
      revision,
      /** The years an operator may load now (PUT /api/calendar/years/{year}). */
      loadableYears: loadableYears(now()),
      notice: calendarNotice(calendar, now()),
    },
  };
});
