/**
 * The working-day calendar behind every time limit (行政许可法: limits are in working days; statutory
 * holidays are excluded and make-up workdays (调休) count). Pure: no AWS, no I/O, no machine time zone —
 * every date is a civil date in Asia/Shanghai (UTC+8 all year, no DST), computed from UTC milliseconds.
 *
 * Sources, in order of precedence for a date D:
 *   1. `localDaysOff` of the override file: D is a day off (a local closure);
 *   2. the year's schedule: a make-up workday is worked, a holiday is off — taken from the override
 *      file's `years[Y]` when present (it REPLACES the package for that year), else from the data of
 *      the `chinese-days` package (both are OFFICIAL: the State Council General Office's notice), else,
 *      for a year shortly after the official ones, from the PROVISIONAL schedule (below);
 *   3. otherwise Monday–Friday are worked.
 * The package silently treats unknown years as plain weekdays, which would misplace deadlines around
 * the next Spring Festival, so we never use that. (We read the package's data file rather than its
 * day functions because those parse dates in the machine's time zone: under TZ=America/New_York its
 * getDayDetail('2026-10-01') answers for 2026-09-30.)
 *
 * Provisional years ("never guess silently, but never go blind"). The notice for year Y+1 comes out in
 * November of Y, yet from December cases already have limits that end in January. So a year without
 * an official schedule, at most `provisionalHorizon` years (default 2) after the last official year
 * before it, is computed from the law itself, 《全国年节及纪念日放假办法》 (2024 revision, in force
 * since 2025-01-01), Art. 2 — the holidays of all citizens:
 *   元旦 1 day (1 Jan); 春节 4 days (除夕, the last day of the lunar year, and lunar 1/1 to 1/3);
 *   清明节 1 day (the day of the 清明 solar term, 4 or 5 April); 劳动节 2 days (1–2 May);
 *   端午节 1 day (lunar 5/5); 中秋节 1 day (lunar 8/15); 国庆节 3 days (1–3 Oct);
 * plus weekends. Art. 6 of the same law: a holiday of all citizens that falls on a Saturday or Sunday
 * is made up on a working day (补假). We APPLY it: each statutory day on a weekend (or on another
 * statutory day, as 中秋 and 国庆 in 2020) gives the first following Monday–Friday that is not a
 * statutory day or already given. Reason: every official schedule grants exactly these days — it only
 * moves days around with 调休 (a weekend worked for a weekday off), which keeps the count — so with
 * 补假 a provisional year has the same number of working days as the official one will (2025 and 2026:
 * 248 both ways; tested), and a deadline a few weeks long usually lands within a few days of the
 * official answer (2026: at most 2 working days apart). 调休 make-up workdays (Art. 7 lets the State
 * Council arrange them) are NEVER invented: they exist only in the official notice.
 * Lunar dates come from the package's getLunarDate, which is safe when given a plain 'YYYY-MM-DD'
 * string (it parses it as UTC and measures days from a fixed UTC instant; tested under other TZs);
 * its solar-term function is NOT (it formats in local time: 清明 2027 reads 2027-04-04 under
 * TZ=America/New_York), so 清明 uses the 21st-century formula ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋ in integers
 * (Y = year mod 100), checked against the package for 2001–2099. Callers learn that an answer rests
 * on provisional data with `isProvisional` / `dependsOnProvisional`; operators get `calendarNotice`;
 * when the official schedule is loaded, `diffCalendars` tells which dates changed (which deadlines move).
 * A year beyond the horizon is refused with CalendarRangeError (CALENDAR_UNKNOWN_YEAR), as is any
 * year before the first known one; `provisionalHorizon: 0` restores the strict calendar.
 *
 * Overrides: the file infra/config/calendar-overrides.json is the seed; the official years operators
 * load (checkOfficialSchedule, below; the operator page and PUT /api/calendar/years/{year}) are kept in
 * the platform's calendar table and replace the file's `years` entry of the same year
 * (functions/lib/calendar.ts). All keys optional:
 *   {
 *     "closingTime": "17:30" | null,      // office closing time; null = deadlines end at 24:00
 *     "lastKnownDate": "2026-12-31",      // refuse dates after this even if a source knows them
 *     "provisionalHorizon": 2,            // years after the last official one computed provisionally (0–5)
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
import chineseDays from 'chinese-days';
import holidayData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';

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
  /** Years after the last official one computed provisionally (0 = none; default 2). */
  provisionalHorizon?: number;
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
  /**
   * Last date the calendar answers for (YYYY-MM-DD), provisional years included; later dates throw
   * CalendarRangeError. Ops should add next year's official schedule long before it.
   */
  readonly lastKnownDate: string;
  readonly firstKnownDate: string;
  /**
   * Last date of the unbroken official run: every date from firstKnownDate to it comes from a State
   * Council schedule (package or override). Equals lastKnownDate when nothing is provisional.
   */
  readonly lastOfficialDate: string;
  /** First provisionally computed date (YYYY-MM-DD, a 1 January); absent when nothing is provisional. */
  readonly provisionalFrom?: string;
  /** The provisionally computed years the calendar answers for, ascending (empty when none). */
  readonly provisionalYears: readonly number[];
  /**
   * Whether the working-day status of this date comes from a provisional schedule. A Date is read
   * like a deadline: an instant at exactly 00:00 Beijing is 24:00 of the day before (so a deadline
   * of 2026-12-31 24:00 is not provisional). Throws CalendarRangeError outside the known range.
   */
  isProvisional(date: Date | string): boolean;
  /**
   * Whether anything counted from `from` (its own day) to `to` (read like a deadline, as in
   * isProvisional) rests on a provisional day: true ⇒ the result may move when the official
   * schedule is loaded. Empty span (to before from) ⇒ false.
   */
  dependsOnProvisional(from: Date | string, to: Date | string): boolean;
  /** "HH:MM" or null (deadlines at 24:00). */
  readonly closingTime: string | null;
}

/** Where operators load a year's official schedule (the portal's operator page). */
export const CALENDAR_PAGE = '运营管理 › 工作日历，/operate/calendar/';

export class CalendarRangeError extends Error {
  readonly code = 'CALENDAR_UNKNOWN_YEAR';
  constructor(
    readonly date: string,
    readonly lastKnown: string,
  ) {
    super(
      `工作日历尚未包含 ${date.slice(0, 4)} 年的节假日安排（目前已知至 ${lastKnown}），无法计算 ${date} 前后的办理期限。` +
        `请运营人员按国务院办公厅公布的安排录入工作日历（${CALENDAR_PAGE}）。`,
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
const isWeekend = (day: number) => {
  const wd = weekdayOfDay(day);
  return wd === 0 || wd === 6;
};

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
  provisionalHorizon: z.number().int('推算年数应为整数').min(0).max(5, '推算年数最多 5 年').default(2),
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
// Provisional schedule: the statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision).

/** Years provisionalSchedule can compute: the package's lunar table and the 清明 formula's century. */
export const PROVISIONAL_YEARS_SUPPORTED = { first: 2001, last: 2099 } as const;

export interface ProvisionalDayOff {
  date: string;
  /** The festival: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节 or 国庆节. */
  holiday: string;
  /** statutory: a day the law names; in-lieu: 补假 for a statutory day on a weekend or on another one. */
  kind: 'statutory' | 'in-lieu';
  /** For an in-lieu day: the statutory date it makes up for. */
  for?: string;
}

/** The one non-leap date with lunar month/day `m`/`d` between two day numbers (inclusive). */
function lunarDateIn(first: number, last: number, m: number, d: number): number {
  const hits: number[] = [];
  for (let day = first; day <= last; day++) {
    // A plain 'YYYY-MM-DD' string: parsed as UTC by the package, so the machine's TZ plays no part.
    const l = chineseDays.getLunarDate(dateOfDay(day));
    if (!l.isLeap && l.lunarMon === m && l.lunarDay === d) hits.push(day);
  }
  if (hits.length !== 1)
    throw new Error(
      `lunar ${m}/${d} between ${dateOfDay(first)} and ${dateOfDay(last)}: ${hits.length} dates`,
    );
  return hits[0];
}

/** The day of the 清明 solar term (21st century): ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋ April, in integers. */
function qingmingDay(year: number): number {
  const y = year % 100;
  return Date.UTC(year, 3, Math.floor((y * 2422 + 48_100) / 10_000) - Math.floor(y / 4)) / DAY_MS;
}

/**
 * The provisional days off of a year, by date: the statutory holidays of all citizens and, for
 * each of them that falls on a Saturday, a Sunday or another statutory day, one 补假 on the first
 * following Monday–Friday that is neither a statutory day nor already given. Never any 调休 workday.
 */
export function provisionalSchedule(year: number): ProvisionalDayOff[] {
  const { first, last } = PROVISIONAL_YEARS_SUPPORTED;
  if (!Number.isInteger(year) || year < first || year > last)
    throw new RangeError(`provisional schedules are computed for ${first}–${last} only: ${year}`);
  const utcDay = (month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
  // Windows wide enough for every year of the century, each holding exactly one such lunar date.
  const newYear = lunarDateIn(utcDay(1, 15), utcDay(2, 28), 1, 1);
  const statutory: [number, string][] = [
    [utcDay(1, 1), '元旦'],
    [newYear - 1, '春节'], // 除夕: the day before lunar 1/1 (the last lunar month has 29 or 30 days)
    [newYear, '春节'],
    [newYear + 1, '春节'],
    [newYear + 2, '春节'],
    [qingmingDay(year), '清明节'],
    [utcDay(5, 1), '劳动节'],
    [utcDay(5, 2), '劳动节'],
    [lunarDateIn(utcDay(5, 20), utcDay(7, 5), 5, 5), '端午节'],
    [lunarDateIn(utcDay(9, 1), utcDay(10, 15), 8, 15), '中秋节'],
    [utcDay(10, 1), '国庆节'],
    [utcDay(10, 2), '国庆节'],
    [utcDay(10, 3), '国庆节'],
  ];
  statutory.sort((a, b) => a[0] - b[0]);
  const statutoryDays = new Set(statutory.map(([day]) => day));
  const given = new Set<number>();
  const out: ProvisionalDayOff[] = [];
  for (const [day, holiday] of statutory) {
    out.push({ date: dateOfDay(day), holiday, kind: 'statutory' });
    if (!isWeekend(day) && !given.has(day)) {
      given.add(day);
      continue;
    }
    let lieu = day + 1;
    while (isWeekend(lieu) || statutoryDays.has(lieu) || given.has(lieu)) lieu++;
    given.add(lieu);
    out.push({ date: dateOfDay(lieu), holiday, kind: 'in-lieu', for: dateOfDay(day) });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
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
  /** Years with an official schedule (package or override). */
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
  // The known range is contiguous from the first year. An official year continues it; a year without
  // one continues it provisionally when it is at most `provisionalHorizon` years after the last official
  // year before it (and computable); anything else ends it (with no horizon, a gap year ends it:
  // 2028 without 2027 is useless).
  let lastOfficialYear = years[0];
  while (knownYears.has(lastOfficialYear + 1)) lastOfficialYear++;
  let lastYear = lastOfficialYear;
  const provisionalYearSet = new Set<number>();
  for (let y = lastYear + 1, officialBefore = lastYear; ; y++) {
    if (knownYears.has(y)) officialBefore = y;
    else if (y - officialBefore <= config.provisionalHorizon && y <= PROVISIONAL_YEARS_SUPPORTED.last) {
      provisionalYearSet.add(y);
      for (const { date } of provisionalSchedule(y)) holidays.add(dayOfDate(date));
    } else break;
    lastYear = y;
  }
  let lastKnownDay = dayOfDate(`${lastYear}-12-31`);
  if (config.lastKnownDate) lastKnownDay = Math.min(lastKnownDay, dayOfDate(config.lastKnownDate));
  const lastKnownDate = dateOfDay(lastKnownDay);
  const lastOfficialDay = Math.min(dayOfDate(`${lastOfficialYear}-12-31`), lastKnownDay);
  // Only the provisional years the (possibly capped) range reaches.
  const provisionalYears = [...provisionalYearSet]
    .filter((y) => dayOfDate(`${y}-01-01`) <= lastKnownDay)
    .sort((a, b) => a - b);
  const isProvisionalDay = (day: number) => provisionalYearSet.has(yearOfDay(day));

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
    return !isWeekend(day);
  }

  /** The day of a date, or of an instant read as the end of a span (exactly 00:00 ⇒ the day before). */
  function dayAsEnd(date: Date | string): number {
    if (typeof date === 'string') return dayOfDate(date);
    return dayOfInstant(checkDate(date) - 1);
  }

  function dayAsStart(date: Date | string): number {
    if (typeof date === 'string') return dayOfDate(date);
    return dayOfInstant(checkDate(date));
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
    lastOfficialDate: dateOfDay(lastOfficialDay),
    ...(provisionalYears.length ? { provisionalFrom: `${provisionalYears[0]}-01-01` } : {}),
    provisionalYears,
    closingTime,

    isProvisional(date) {
      const day = dayAsEnd(date);
      assertKnown(day);
      return isProvisionalDay(day);
    },

    dependsOnProvisional(from, to) {
      const first = dayAsStart(from);
      const last = dayAsEnd(to);
      if (last < first) return false;
      assertKnown(first);
      assertKnown(last);
      return provisionalYears.some(
        (y) => dayOfDate(`${y}-01-01`) <= last && dayOfDate(`${y}-12-31`) >= first,
      );
    },

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

// ---------------------------------------------------------------------------------------------
// For operators and for the day the official schedule is loaded. Pure.

export interface CalendarNotice {
  /** error: today itself is provisional or unknown; warning: next year is, and it is November or December. */
  level: 'warning' | 'error';
  code:
    | 'CALENDAR_YEAR_UNKNOWN'
    | 'CALENDAR_YEAR_PROVISIONAL'
    | 'CALENDAR_NEXT_YEAR_UNKNOWN'
    | 'CALENDAR_NEXT_YEAR_PROVISIONAL';
  /** The year concerned. */
  year: number;
  /** For people (operators, supervisors), in Chinese. */
  message: string;
}

/**
 * What operators must be told about the calendar on `today` (Beijing date), or undefined when all is
 * well: an error when today's year has no official schedule (provisional, or not known at all), a
 * warning from 1 November when next year has none (its notice is usually published in November).
 */
export function calendarNotice(
  cal: Pick<WorkingCalendar, 'firstKnownDate' | 'lastKnownDate' | 'isProvisional'>,
  today: Date,
): CalendarNotice | undefined {
  const date = localDate(today);
  const year = Number(date.slice(0, 4));
  const known = (d: string) => d >= cal.firstKnownDate && d <= cal.lastKnownDate;
  if (!known(date))
    return {
      level: 'error',
      code: 'CALENDAR_YEAR_UNKNOWN',
      year,
      message:
        `工作日历不包含今天（${date}；可计算范围 ${cal.firstKnownDate} 至 ${cal.lastKnownDate}），` +
        `办理期限和时限预警均无法计算。请立即按国务院办公厅公布的 ${year} 年节假日安排更新工作日历（${CALENDAR_PAGE}）。`,
    };
  if (cal.isProvisional(date))
    return {
      level: 'error',
      code: 'CALENDAR_YEAR_PROVISIONAL',
      year,
      message:
        `工作日历尚未录入国务院办公厅公布的 ${year} 年节假日安排，本年度的办理期限暂按《全国年节及纪念日放假办法》` +
        `规定的法定节假日推算（含补假，不含调休上班日），可能与正式安排不符。请尽快录入正式安排（${CALENDAR_PAGE}）。`,
    };
  if (date < `${year}-11-01`) return undefined;
  const next = `${year + 1}-01-01`;
  if (!known(next))
    return {
      level: 'warning',
      code: 'CALENDAR_NEXT_YEAR_UNKNOWN',
      year: year + 1,
      message:
        `工作日历尚无 ${year + 1} 年的节假日安排（可计算至 ${cal.lastKnownDate}），期限跨入 ${year + 1} 年的办件将无法计算期限。` +
        `国务院办公厅通知发布后，请及时录入（${CALENDAR_PAGE}）。`,
    };
  if (cal.isProvisional(next))
    return {
      level: 'warning',
      code: 'CALENDAR_NEXT_YEAR_PROVISIONAL',
      year: year + 1,
      message:
        `工作日历尚未录入 ${year + 1} 年的正式节假日安排，跨入 ${year + 1} 年的办理期限暂按法定节假日推算（含补假，不含调休上班日），` +
        `正式安排公布后部分期限可能变动。国务院办公厅通知发布后，请及时录入（${CALENDAR_PAGE}）。`,
    };
  return undefined;
}

/** One date whose working-day status differs between two calendars; null = that calendar refuses it. */
export interface WorkingDayChange {
  date: string;
  before: boolean | null;
  after: boolean | null;
}

/** The longest range diffCalendars compares (ten years): a guard against a runaway loop. */
const MAX_DIFF_DAYS = 3_660;

/**
 * The dates from `from` to `to` (inclusive, YYYY-MM-DD) whose working-day status differs between
 * `before` and `after` (e.g. the calendar with provisional 2027 and the one with the official 2027
 * schedule), ascending. A date one calendar refuses (CalendarRangeError) counts as null. Only the
 * status is compared: a change of closing time moves every deadline and is not listed here.
 */
export function diffCalendars(
  before: Pick<WorkingCalendar, 'isWorkingDay'>,
  after: Pick<WorkingCalendar, 'isWorkingDay'>,
  from: string,
  to: string,
): WorkingDayChange[] {
  const first = dayOfDate(from);
  const last = dayOfDate(to);
  if (last - first >= MAX_DIFF_DAYS) throw new RangeError(`range too long (over ${MAX_DIFF_DAYS} days)`);
  const status = (cal: Pick<WorkingCalendar, 'isWorkingDay'>, date: string) => {
    try {
      return cal.isWorkingDay(date);
    } catch (err) {
      if (err instanceof CalendarRangeError) return null;
      throw err;
    }
  };
  const changes: WorkingDayChange[] = [];
  for (let day = first; day <= last; day++) {
    const date = dateOfDay(day);
    const b = status(before, date);
    const a = status(after, date);
    if (a !== b) changes.push({ date, before: b, after: a });
  }
  return changes;
}

/**
 * Whether a period counted from `start` (an instant; its own day included, to be safe) to `deadline`
 * (read as an end: exactly 00:00 Beijing is 24:00 of the day before) contains a changed date — i.e.
 * whether that deadline (and its warning) may move under the new calendar. A change after the
 * deadline cannot move it: the count reached its end before.
 */
export function changedWithin(changes: readonly WorkingDayChange[], start: Date, deadline: Date): boolean {
  const first = localDate(start);
  const last = localDate(new Date(deadline.getTime() - 1));
  return changes.some((c) => c.date >= first && c.date <= last);
}

// ---------------------------------------------------------------------------------------------
// A year's official schedule as operators load it (the operator page, PUT /api/calendar/years/{y}).
// Pure: the server checks with it, and the page shows the same messages.

/** The first year of the statutory days checked here (《全国年节及纪念日放假办法》, 2024 revision). */
const LAW_FROM_YEAR = 2025;

export type ScheduleProblemCode =
  | 'CALENDAR_YEAR_OUT_OF_RANGE'
  | 'CALENDAR_DATE_INVALID'
  | 'CALENDAR_DATE_OUTSIDE_YEAR'
  | 'CALENDAR_DATE_DUPLICATE'
  | 'CALENDAR_DAY_BOTH'
  | 'CALENDAR_WORKDAY_NOT_WEEKEND'
  | 'CALENDAR_STATUTORY_DAY_MISSING'
  | 'CALENDAR_COUNT_IMPLAUSIBLE';

export interface ScheduleProblem {
  code: ScheduleProblemCode;
  /** `year`, or the list and entry: `holidays[2]`, `workdays[0]` (or the list alone). */
  field: string;
  message: string;
}

/** A year's official schedule as stored: each date once (ranges expanded), ascending. */
export interface OfficialSchedule {
  year: number;
  holidays: string[];
  workdays: string[];
}

export const SCHEDULE_LIMITS = {
  /** Entries (dates or ranges) per list. */
  entries: 60,
  /** Longest range, in days (春节 with its weekends is 9). */
  rangeDays: 31,
  /** Dates off one year may list, weekends inside ranges included (2026 lists 33). */
  holidayDates: 60,
  /** 调休 working days (2026 has 6). */
  workdays: 12,
  /**
   * How far the year's count of working days may be from the provisional schedule's: every
   * official schedule grants exactly the statutory days (2025 and 2026: equal), so more is a typo.
   */
  workingDaysDelta: 2,
} as const;

const MAX_PROBLEMS = 20;

/**
 * The years whose official schedule may be loaded on `today` (Beijing): last year (a late
 * correction), this year and next year (its notice comes out in November) — not before the 2024
 * revision of the law, whose statutory days the check relies on.
 */
export function loadableYears(today: Date): number[] {
  const thisYear = Number(localDate(today).slice(0, 4));
  const years: number[] = [];
  for (let y = Math.max(LAW_FROM_YEAR, thisYear - 1); y <= thisYear + 1; y++)
    if (y <= PROVISIONAL_YEARS_SUPPORTED.last) years.push(y);
  return years;
}
const WEEKDAY_NAMES = '日一二三四五六';

/**
 * Checks a year's official schedule before it is loaded, and expands it: the year is last, this or
 * next year (Beijing, `today`; and not before the 2024 revision of the law); every entry is a date or
 * a range `A..B` (also `A~B`, `A至B`) inside that year; no date twice; no date both off and worked; a
 * 调休 working day is a Saturday or Sunday; every statutory day of the law is off; and the year's
 * working days are within SCHEDULE_LIMITS.workingDaysDelta of the provisional schedule's.
 */
export function checkOfficialSchedule(
  input: { year: number; holidays: readonly string[]; workdays: readonly string[] },
  today: Date,
): { ok: true; schedule: OfficialSchedule } | { ok: false; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  const fail = () => ({ ok: false as const, problems: problems.slice(0, MAX_PROBLEMS) });
  const { year } = input;
  const years = loadableYears(today);
  const [first, last] = [years[0], years.at(-1)];
  if (!Number.isInteger(year) || !years.includes(year)) {
    problems.push({
      code: 'CALENDAR_YEAR_OUT_OF_RANGE',
      field: 'year',
      message: `只能录入 ${first} 至 ${last} 年的节假日安排，${year} 年不在此范围内`,
    });
    return fail();
  }
  for (const [field, what] of [
    ['holidays', '放假日期'],
    ['workdays', '调休上班日期'],
  ] as const) {
    if (input[field].length > SCHEDULE_LIMITS.entries)
      problems.push({
        code: 'CALENDAR_COUNT_IMPLAUSIBLE',
        field,
        message: `${what}最多 ${SCHEDULE_LIMITS.entries} 项，现有 ${input[field].length} 项`,
      });
  }
  if (problems.length) return fail();

  /** One list: day number → index of the entry that named it. */
  const expand = (field: 'holidays' | 'workdays', what: string) => {
    const days = new Map<number, number>();
    entries: for (const [i, raw] of input[field].entries()) {
      const entry = raw.trim();
      const say = (code: ScheduleProblemCode, text: string) =>
        problems.push({ code, field: `${field}[${i}]`, message: `${what}第 ${i + 1} 项“${entry}”${text}` });
      const parts = entry.split(/\s*(?:\.\.|~|～|至)\s*/);
      let from: number;
      let to: number;
      try {
        if (parts.length > 2) throw new TypeError(entry);
        from = dayOfDate(parts[0]);
        to = dayOfDate(parts[1] ?? parts[0]);
      } catch {
        say('CALENDAR_DATE_INVALID', '不是日期（YYYY-MM-DD）或日期范围（YYYY-MM-DD..YYYY-MM-DD）');
        continue;
      }
      if (to < from) say('CALENDAR_DATE_INVALID', '起止日期颠倒');
      else if (to - from >= SCHEDULE_LIMITS.rangeDays)
        say('CALENDAR_COUNT_IMPLAUSIBLE', `跨度超过 ${SCHEDULE_LIMITS.rangeDays} 天`);
      else if (yearOfDay(from) !== year || yearOfDay(to) !== year)
        say('CALENDAR_DATE_OUTSIDE_YEAR', `不在 ${year} 年内`);
      else
        for (let d = from; d <= to; d++) {
          const earlier = days.get(d);
          if (earlier !== undefined) {
            const which = from === to ? '' : `中的 ${dateOfDay(d)} `;
            say('CALENDAR_DATE_DUPLICATE', `${which}已在第 ${earlier + 1} 项中列出，同一日期只能列一次`);
            continue entries;
          }
          days.set(d, i);
        }
    }
    return days;
  };
  const off = expand('holidays', '放假日期');
  const on = expand('workdays', '调休上班日期');
  for (const [d, i] of on) {
    const field = `workdays[${i}]`;
    if (off.has(d))
      problems.push({
        code: 'CALENDAR_DAY_BOTH',
        field,
        message: `${dateOfDay(d)} 同时列为放假日期和调休上班日期`,
      });
    else if (!isWeekend(d))
      problems.push({
        code: 'CALENDAR_WORKDAY_NOT_WEEKEND',
        field,
        message: `调休上班日期 ${dateOfDay(d)} 是星期${WEEKDAY_NAMES[weekdayOfDay(d)]}，本来就是工作日；调休上班日应为星期六或星期日`,
      });
  }
  if (input.holidays.length === 0)
    problems.push({ code: 'CALENDAR_COUNT_IMPLAUSIBLE', field: 'holidays', message: '没有列出任何放假日期' });
  if (off.size > SCHEDULE_LIMITS.holidayDates)
    problems.push({
      code: 'CALENDAR_COUNT_IMPLAUSIBLE',
      field: 'holidays',
      message: `放假日期共 ${off.size} 天，超过 ${SCHEDULE_LIMITS.holidayDates} 天，请核对`,
    });
  if (on.size > SCHEDULE_LIMITS.workdays)
    problems.push({
      code: 'CALENDAR_COUNT_IMPLAUSIBLE',
      field: 'workdays',
      message: `调休上班日期共 ${on.size} 天，超过 ${SCHEDULE_LIMITS.workdays} 天，请核对`,
    });
  if (problems.length) return fail();

  // Plausible as a whole: the law's days are all off, and the count of working days is the law's.
  const provisional = provisionalSchedule(year);
  for (const p of provisional)
    if (p.kind === 'statutory' && !off.has(dayOfDate(p.date)))
      problems.push({
        code: 'CALENDAR_STATUTORY_DAY_MISSING',
        field: 'holidays',
        message: `${p.date}（${p.holiday}）是《全国年节及纪念日放假办法》规定的法定节假日，未列为放假日期`,
      });
  if (problems.length) return fail();
  const provisionalOff = new Set(provisional.map((p) => dayOfDate(p.date)));
  let official = 0;
  let expected = 0;
  for (let d = dayOfDate(`${year}-01-01`); d <= dayOfDate(`${year}-12-31`); d++) {
    if (on.has(d) || (!off.has(d) && !isWeekend(d))) official++;
    if (!provisionalOff.has(d) && !isWeekend(d)) expected++;
  }
  if (Math.abs(official - expected) > SCHEDULE_LIMITS.workingDaysDelta) {
    problems.push({
      code: 'CALENDAR_COUNT_IMPLAUSIBLE',
      field: 'holidays',
      message:
        `按此安排 ${year} 年共有 ${official} 个工作日，而按法定节假日（含补假）应为 ${expected} 个，` +
        `相差 ${Math.abs(official - expected)} 天，请核对放假日期和调休上班日期`,
    });
    return fail();
  }
  const sorted = (days: Map<number, number>) => [...days.keys()].sort((a, b) => a - b).map(dateOfDay);
  return { ok: true, schedule: { year, holidays: sorted(off), workdays: sorted(on) } };
}

/** Whether two expanded schedules name the same days (the notice's title aside). */
export function sameSchedule(
  a: Pick<OfficialSchedule, 'holidays' | 'workdays'>,
  b: Pick<OfficialSchedule, 'holidays' | 'workdays'>,
): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((d, i) => d === y[i]);
  return same(a.holidays, b.holidays) && same(a.workdays, b.workdays);
}

/** A calendar load as the API answers it (PUT /api/calendar/years/{year}, GET /api/calendar/loads). */
export interface CalendarLoadView {
  revision: number;
  year: number;
  /** The notice's title. */
  source: string;
  holidays: string[];
  workdays: string[];
  /** The dates of the year whose working-day status this load changed. */
  changes: WorkingDayChange[];
  /** running: the open cases are being recomputed; failed: some hall did not finish (submit again). */
  status: 'running' | 'done' | 'failed';
  /** Cases whose deadlines, yellow instants or timers moved, in all halls (once done). */
  moved?: number;
  halls: {
    hallId: string;
    name: string;
    checked: number;
    moved: number;
    skipped: number;
    conflicts: number;
    error?: string;
  }[];
  /** The operator's name. */
  by: string;
  at: string;
  finishedAt?: string;
}

export interface CalendarLoadReply {
  /** false: this very schedule was already loaded, nothing changes. */
  changed: boolean;
  /** Cases this submission moved (0 when unchanged). */
  moved: number;
  load: CalendarLoadView;
}
