/** This deployment's working-day calendar: the pure calendar bound to infra/config/calendar-overrides.json. */
import { type CalendarOverrides, createCalendar, type WorkingCalendar } from '#domain/calendar.ts';
import overridesFile from '#infra/config/calendar-overrides.json' with { type: 'json' };

export const calendar: WorkingCalendar = createCalendar(overridesFile as CalendarOverrides);
