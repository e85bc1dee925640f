/**
 * The working-day calendar behind every time limit (行政许可法: limits are in working days; statutory
 * holidays are excluded and make-up workdays (调休) count). Pure: no AWS, no I/O, no machine time zone —
 * every date is a civil date in Asia/Shanghai (UTC+8 all year, no DST), computed from UTC milliseconds.
 *
 * Sources, in order of precedence for a date D:
 *   1. `localDaysOff` of the override file: D is a day off (a local closure);
 *   2. the year's schedule: a make-up workday is worked, a holiday is off — taken from the override
 *      file's `years[Y]` when present (it REPLACES the package for that year), else from the data of
 *      the `chinese-days` package;
 *   3. otherwise Monday–Friday are worked.
 * A year that neither source knows is refused with CalendarRangeError (CALENDAR_UNKNOWN_YEAR): the
 * package silently treats unknown years as plain weekdays, which would misplace deadlines around the
 * next Spring Festival, so we never guess. (We read the package's data file rather than its functions
 * because those parse dates in the machine's time zone: under TZ=America/New_York its
 * getDayDetail('2026-10-01') answers for 2026-09-30.)
 *
 * Override file (infra/config/calendar-overrides.json), all keys optional:
 *   {
 *     "closingTime": "17:30" | null,      // office closing time; null = deadlines end at 24:00
 *     "lastKnownDate": "2026-12-31",      // refuse dates after this even if a source knows them
 *     "years": {                          // a year's official schedule (State Council notice)
 *       "2027": { "source": "…notice…", "holidays": ["2027-01-01", "2027-02-05..2027-02-13"],
 *                 "workdays": ["2027-02-14"] }   // dates or inclusive ranges "A..B"; weekends inside
 *     },                                   //   a holiday range may be listed or not, either is fine
 *     "localDaysOff": { "2026-07-15": "reason" }
 *   }
 *
 * Counting rules (期间开始之日不计入): the day a period starts does not count. The clock starts at
 * 00:00 of the day after the start instant (Beijing), so acceptance at 23:59 and at 00:01 the next
 * day (both working days) give deadlines one working day apart. "N working days" ends at the END of
 * the N-th working day after the start day: 24:00 (= 00:00 of the next day, +08:00), or the closing
 * time on that day when the operator set one.
 *
 * Partial days: a working day is a span of working time — [00:00, closing time) of that day, or the
 * whole day when no closing time is set; days off have none. "Working days used" is working time
 * measured in those units, so it is fractional (half of a 24-hour working day = 0.5). Paused
 * intervals (补正, 特别程序) are cut out of the measure, to the millisecond; a resumed clock therefore
 * counts the rest of the resume day. With this measure, addWorkingDays, workingDaysBetween,
 * shiftDeadline and yellowInstant agree exactly: workingDaysBetween(s, addWorkingDays(s, n)) === n.
 */
import holidayData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import overridesFile from '#infra/config/calendar-overrides.json' with { type: 'json' };

export interface Interval {
  from: Date;
  to: Date;
}

export interface YearSchedule {
  source?: string;
  holidays?: string[];
  workdays?: string[];
}

export interface CalendarOverrides {
  closingTime?: string | null;
  lastKnownDate?: string;
  years?: Record<string, YearSchedule>;
  localDaysOff?: Record<string, string>;
}

export interface YellowThreshold {
  /** Warn when this many working days are left. */
  days?: number;
  /** Warn when this share of the limit is left (0.2 = 20 %). With both, the earlier warning wins. */
  fraction?: number;
}

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  addWorkingDays(start: Date, n: number): Date;
  workingDaysBetween(from: Date, to: Date, paused?: Interval[]): number;
  shiftDeadline(deadline: Date, paused: Interval, opts?: { start?: Date }): Date;
  deadlineWithPauses(start: Date, n: number, paused: Interval[]): Date;
  yellowInstant(start: Date, deadline: Date, threshold: YellowThreshold, paused?: Interval[]): Date;
  clockStart(start: Date): Date;
  nextWorkingDay(date: string): string;
  addWorkingDaysToDate(date: string, n: number): string;
  /** Last date the calendar can answer for (YYYY-MM-DD); ops should add next year's schedule before it. */
  readonly lastKnownDate: string;
  readonly firstKnownDate: string;
  /** "HH:MM" or null (deadlines at 24:00). */
  readonly closingTime: string | null;
}

export class CalendarRangeError extends Error {
  readonly code = 'CALENDAR_UNKNOWN_YEAR';
  constructor(
    readonly date: string,
    readonly lastKnown: string,
  ) {
    super(
      `工作日历尚未包含 ${date.slice(0, 4)} 年的节假日安排（目前已知至 ${lastKnown}），无法计算 ${date} 前后的办理期限。` +
        '请运营人员按国务院办公厅公布的安排更新工作日历（infra/config/calendar-overrides.json）。',
    );
    this.name = 'CalendarRangeError';
  }
}

export class CalendarConfigError extends Error {
  readonly code = 'CALENDAR_CONFIG';
  constructor(detail: string) {
    super(`工作日历配置有误：${detail}`);
    this.name = 'CalendarConfigError';
  }
}

// ---------------------------------------------------------------------------------------------
// Beijing civil dates as integer day numbers (days since 1970-01-01 in UTC+8).

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;

const dayOfInstant = (ms: number) => Math.floor((ms + OFFSET_MS) / DAY_MS);
const dayStartMs = (day: number) => day * DAY_MS - OFFSET_MS;
const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yearOfDay = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
const weekdayOfDay = (day: number) => new Date(day * DAY_MS).getUTCDay();

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayOfDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(ms).toISOString().slice(0, 10) === date) return ms / DAY_MS;
  }
  throw new TypeError(`not a YYYY-MM-DD date: ${date}`);
}

/** The Beijing civil date of an instant, YYYY-MM-DD. */
export function localDate(instant: Date): string {
  return dateOfDay(dayOfInstant(instant.getTime()));
}

/** "YYYY-MM-DD HH:mm" in Beijing. */
export function localDateTime(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** A deadline for people: an instant at Beijing midnight reads as 24:00 of the day before. */
export function formatDeadline(deadline: Date): string {
  const ms = deadline.getTime();
  if ((ms + OFFSET_MS) % DAY_MS === 0) return `${dateOfDay(dayOfInstant(ms) - 1)} 24:00`;
  return localDateTime(deadline);
}

/** 00:00 Beijing of a civil date, as an instant. */
export function startOfLocalDay(date: string): Date {
  return new Date(dayStartMs(dayOfDate(date)));
}

// ---------------------------------------------------------------------------------------------
// Configuration

const dateString = z.string().refine((s) => {
  try {
    dayOfDate(s);
    return true;
  } catch {
    return false;
  }
}, '日期应为 YYYY-MM-DD');

const overridesSchema = z.object({
  $comment: z.unknown().optional(),
  closingTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '下班时间应为 HH:MM')
    .refine((s) => s !== '00:00', '下班时间不能为 00:00')
    .nullable()
    .optional(),
  lastKnownDate: dateString.optional(),
  years: z
    .record(
      z.string().regex(/^\d{4}$/, '年份应为 4 位数字'),
      z.object({
        source: z.string().optional(),
        holidays: z.array(z.string()).default([]),
        workdays: z.array(z.string()).default([]),
      }),
    )
    .default({}),
  localDaysOff: z.record(dateString, z.string()).default({}),
});

/** "A" or "A..B" (inclusive) → day numbers, each checked to lie in `year`. */
function expandDates(entries: string[], year: number, what: string): number[] {
  const days: number[] = [];
  for (const entry of entries) {
    const [a, b = a, extra] = entry.split('..');
    let first: number;
    let last: number;
    try {
      if (extra !== undefined) throw new TypeError();
      first = dayOfDate(a.trim());
      last = dayOfDate(b.trim());
    } catch {
      throw new CalendarConfigError(`${year} 年的${what}“${entry}”不是 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD`);
    }
    if (last < first) throw new CalendarConfigError(`${year} 年的${what}“${entry}”起止颠倒`);
    for (let d = first; d <= last; d++) {
      if (yearOfDay(d) !== year) throw new CalendarConfigError(`${year} 年的${what}“${entry}”不在该年内`);
      days.push(d);
    }
  }
  return days;
}

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------

export function createCalendar(
  overrides: CalendarOverrides = {},
  packageData: PackageData = holidayData,
): WorkingCalendar {
  const parsed = overridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CalendarConfigError(`${issue.path.join('.') || '(根)'}：${issue.message}`);
  }
  const config = parsed.data;

  const holidays = new Set<number>();
  const workdays = new Set<number>();
  const knownYears = new Set<number>();

  // Package years first, skipping the years the operator replaces.
  for (const [map, target] of [
    [packageData.holidays, holidays],
    [packageData.workdays, workdays],
  ] as const) {
    for (const date of Object.keys(map)) {
      const day = dayOfDate(date);
      const year = yearOfDay(day);
      if (config.years[String(year)]) continue;
      knownYears.add(year);
      target.add(day);
    }
  }
  for (const [yearKey, schedule] of Object.entries(config.years)) {
    const year = Number(yearKey);
    knownYears.add(year);
    const off = expandDates(schedule.holidays, year, '节假日');
    const on = expandDates(schedule.workdays, year, '调休上班日');
    for (const d of on) {
      if (off.includes(d)) throw new CalendarConfigError(`${dateOfDay(d)} 同时被列为节假日和调休上班日`);
      workdays.add(d);
    }
    for (const d of off) holidays.add(d);
  }
  const localOff = new Set(Object.keys(config.localDaysOff).map(dayOfDate));

  if (knownYears.size === 0) throw new CalendarConfigError('没有任何年份的节假日安排');
  const years = [...knownYears].sort((a, b) => a - b);
  const firstKnownDay = dayOfDate(`${years[0]}-01-01`);
  // The known range is contiguous from the first year: a gap year ends it (2028 without 2027 is useless).
  let lastYear = years[0];
  while (knownYears.has(lastYear + 1)) lastYear++;
  let lastKnownDay = dayOfDate(`${lastYear}-12-31`);
  if (config.lastKnownDate) lastKnownDay = Math.min(lastKnownDay, dayOfDate(config.lastKnownDate));
  const lastKnownDate = dateOfDay(lastKnownDay);

  const closingTime = config.closingTime ?? null;
  // Length of a working day's span, [00:00, close): also the size of one working-day unit.
  const spanMs = closingTime
    ? (Number(closingTime.slice(0, 2)) * 60 + Number(closingTime.slice(3, 5))) * 60_000
    : DAY_MS;

  function assertKnown(day: number): void {
    if (day < firstKnownDay || day > lastKnownDay)
      throw new CalendarRangeError(dateOfDay(day), lastKnownDate);
  }

  function isWorking(day: number): boolean {
    assertKnown(day);
    if (localOff.has(day)) return false;
    if (workdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const wd = weekdayOfDay(day);
    return wd !== 0 && wd !== 6;
  }

  /** Merge pauses into sorted, disjoint [from, to) millisecond intervals. */
  function mergePauses(paused: Interval[] = []): [number, number][] {
    const list = paused
      .map((p) => [p.from.getTime(), p.to.getTime()] as [number, number])
      .filter(([a, b]) => {
        if (Number.isNaN(a) || Number.isNaN(b)) throw new TypeError('pause with an invalid date');
        return b > a;
      })
      .sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [a, b] of list) {
      const last = out.at(-1);
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return out;
  }

  /** Working time (ms) in [fromMs, toMs) minus the (merged) pauses. */
  function workingMs(fromMs: number, toMs: number, pauses: [number, number][] = []): number {
    if (!(toMs > fromMs)) return 0;
    let total = 0;
    const lastDay = dayOfInstant(toMs - 1);
    for (let day = dayOfInstant(fromMs); day <= lastDay; day++) {
      if (!isWorking(day)) continue;
      const s = Math.max(dayStartMs(day), fromMs);
      const e = Math.min(dayStartMs(day) + spanMs, toMs);
      if (e <= s) continue;
      total += e - s;
      for (const [pa, pb] of pauses) {
        const os = Math.max(s, pa);
        const oe = Math.min(e, pb);
        if (oe > os) total -= oe - os;
      }
    }
    return total;
  }

  /**
   * The instant at which `amountMs` of working time (not paused) has elapsed after `fromMs`.
   * Ends exactly at a span's end when the amount runs out there (a deadline is the end of a day,
   * not the start of the next working day).
   */
  function advance(fromMs: number, amountMs: number, pauses: [number, number][] = []): number {
    if (amountMs <= 0) return fromMs;
    let left = amountMs;
    for (let day = dayOfInstant(fromMs); ; day++) {
      if (!isWorking(day)) continue; // throws past the last known day, which also bounds the loop
      let s = Math.max(dayStartMs(day), fromMs);
      const e = dayStartMs(day) + spanMs;
      // Walk the span's free pieces between pauses.
      for (const [pa, pb] of pauses) {
        if (pb <= s || pa >= e) continue;
        if (pa > s) {
          const piece = pa - s;
          if (left <= piece) return s + left;
          left -= piece;
        }
        s = Math.max(s, pb);
        if (s >= e) break;
      }
      if (s < e) {
        const piece = e - s;
        if (left <= piece) return s + left;
        left -= piece;
      }
    }
  }

  const clockStartMs = (start: Date) => dayStartMs(dayOfInstant(checkDate(start)) + 1);

  function checkDate(d: Date): number {
    const ms = d instanceof Date ? d.getTime() : Number.NaN;
    if (Number.isNaN(ms)) throw new TypeError('invalid Date');
    return ms;
  }

  function checkCount(n: number): void {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`working-day count must be a whole number ≥ 0: ${n}`);
  }

  /**
   * The deadline of "n working days from `start`": the end of the n-th working day after the start
   * day. n = 0 (即办件) gives the end of the start day if it is a working day and not past its
   * closing time, else the end of the next working day.
   */
  function addWorkingDays(start: Date, n: number): Date {
    checkCount(n);
    const startMs = checkDate(start);
    let day = dayOfInstant(startMs);
    if (n === 0) {
      if (isWorking(day) && startMs < dayStartMs(day) + spanMs) return new Date(dayStartMs(day) + spanMs);
      do day++;
      while (!isWorking(day));
      return new Date(dayStartMs(day) + spanMs);
    }
    for (let counted = 0; counted < n; ) if (isWorking(++day)) counted++;
    return new Date(dayStartMs(day) + spanMs);
  }

  return {
    lastKnownDate,
    firstKnownDate: dateOfDay(firstKnownDay),
    closingTime,

    isWorkingDay: (date) => isWorking(dayOfDate(date)),

    clockStart: (start) => new Date(clockStartMs(start)),

    addWorkingDays,

    /**
     * Working days used between `from` (the start instant; its own day does not count) and `to`,
     * excluding paused intervals, fractional (see the header). 0 when `to` is before the clock starts.
     */
    workingDaysBetween(from, to, paused) {
      return workingMs(clockStartMs(from), checkDate(to), mergePauses(paused)) / spanMs;
    },

    /**
     * The deadline after one clock stop: the working time inside the pause is added after the old
     * deadline. Pass `start` so a pause that began before the clock started (on the acceptance day)
     * only adds back the part after it. A pause that begins at or after the deadline moves nothing:
     * the limit was already used up. For several pauses prefer deadlineWithPauses.
     */
    shiftDeadline(deadline, paused, opts = {}) {
      const deadlineMs = checkDate(deadline);
      let fromMs = checkDate(paused.from);
      const toMs = checkDate(paused.to);
      if (opts.start) fromMs = Math.max(fromMs, clockStartMs(opts.start));
      if (fromMs >= deadlineMs || toMs <= fromMs) return new Date(deadlineMs);
      return new Date(advance(deadlineMs, workingMs(fromMs, toMs)));
    },

    /** The deadline of n working days from `start` with the clock stopped during `paused`, from scratch. */
    deadlineWithPauses(start, n, paused) {
      checkCount(n);
      if (n === 0) return addWorkingDays(start, 0);
      return new Date(advance(clockStartMs(start), n * spanMs, mergePauses(paused)));
    },

    /**
     * When the yellow warning fires: the instant the remaining working time (deadline minus used,
     * pauses excluded) first drops to the threshold. If the threshold is the whole limit or more, it
     * fires at `start`.
     */
    yellowInstant(start, deadline, threshold, paused) {
      const { days, fraction } = threshold;
      if (days === undefined && fraction === undefined)
        throw new TypeError('yellow threshold needs days or fraction');
      if (
        (days !== undefined && !(days >= 0)) ||
        (fraction !== undefined && !(fraction >= 0 && fraction <= 1))
      ) {
        throw new RangeError('yellow threshold must be days ≥ 0 or a fraction in [0, 1]');
      }
      const pauses = mergePauses(paused);
      const csMs = clockStartMs(start);
      const limitMs = workingMs(csMs, checkDate(deadline), pauses);
      const warnLeftMs = Math.max(
        days === undefined ? 0 : Math.round(days * spanMs),
        fraction === undefined ? 0 : Math.round(fraction * limitMs),
      );
      if (warnLeftMs >= limitMs) return new Date(checkDate(start));
      return new Date(advance(csMs, limitMs - warnLeftMs, pauses));
    },

    nextWorkingDay(date) {
      let day = dayOfDate(date);
      do day++;
      while (!isWorking(day));
      return dateOfDay(day);
    },

    /** The civil date of the n-th working day after `date` (n ≥ 1), or `date` itself for n = 0. */
    addWorkingDaysToDate(date, n) {
      checkCount(n);
      let day = dayOfDate(date);
      for (let counted = 0; counted < n; ) if (isWorking(++day)) counted++;
      return dateOfDay(day);
    },
  };
}

/** The calendar of this deployment: the package's schedule plus infra/config/calendar-overrides.json. */
export const calendar: WorkingCalendar = createCalendar(overridesFile as CalendarOverrides);
