import chineseDays from 'chinese-days';
import holidayData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { afterEach, describe, expect, it } from 'vitest';
import {
  CalendarConfigError,
  CalendarRangeError,
  calendarNotice,
  changedWithin,
  checkOfficialSchedule,
  createCalendar,
  diffCalendars,
  formatDeadline,
  type Interval,
  loadableYears,
  localDate,
  localDateTime,
  provisionalSchedule,
  sameSchedule,
  startOfLocalDay,
} from '#domain/calendar.ts';
import { calendar, calendarWith } from '#lib/calendar.ts';

/** An instant given in Beijing time: bj('2026-09-30 10:00'). */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
/** The instant at which a civil date ends (24:00 Beijing). */
const endOf = (date: string) => new Date(startOfLocalDay(date).getTime() + 86_400_000);
const pause = (from: string, to: string): Interval => ({ from: bj(from), to: bj(to) });

// The State Council General Office notice of 2025-11-04, typed in independently of chinese-days.
const HOLIDAYS_2026 = [
  ['2026-01-01', '2026-01-03'],
  ['2026-02-15', '2026-02-23'],
  ['2026-04-04', '2026-04-06'],
  ['2026-05-01', '2026-05-05'],
  ['2026-06-19', '2026-06-21'],
  ['2026-09-25', '2026-09-27'],
  ['2026-10-01', '2026-10-07'],
];
const MAKEUP_2026 = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

// The provisional schedules, worked out by hand from 《全国年节及纪念日放假办法》 (2024) and the
// lunar/solar-term facts (春节 2027-02-06, 2028-01-26; 端午 2027-06-09, 2028-05-28 (2028 has a leap
// fifth month); 中秋 2027-09-15, 2028-10-03; 清明 2027-04-05, 2028-04-04), with 补假 for weekend days.
const st = (date: string, holiday: string) => ({ date, holiday, kind: 'statutory' as const });
const lieu = (date: string, holiday: string, forDate: string) => ({
  date,
  holiday,
  kind: 'in-lieu' as const,
  for: forDate,
});
const PROVISIONAL_2027 = [
  st('2027-01-01', '元旦'), // Friday
  st('2027-02-05', '春节'), // 除夕, Friday
  st('2027-02-06', '春节'), // Saturday
  st('2027-02-07', '春节'), // Sunday
  st('2027-02-08', '春节'),
  lieu('2027-02-09', '春节', '2027-02-06'),
  lieu('2027-02-10', '春节', '2027-02-07'),
  st('2027-04-05', '清明节'), // Monday
  st('2027-05-01', '劳动节'), // Saturday
  st('2027-05-02', '劳动节'), // Sunday
  lieu('2027-05-03', '劳动节', '2027-05-01'),
  lieu('2027-05-04', '劳动节', '2027-05-02'),
  st('2027-06-09', '端午节'), // Wednesday
  st('2027-09-15', '中秋节'), // Wednesday
  st('2027-10-01', '国庆节'), // Friday
  st('2027-10-02', '国庆节'),
  st('2027-10-03', '国庆节'),
  lieu('2027-10-04', '国庆节', '2027-10-02'),
  lieu('2027-10-05', '国庆节', '2027-10-03'),
];
const PROVISIONAL_2028 = [
  st('2028-01-01', '元旦'), // Saturday
  lieu('2028-01-03', '元旦', '2028-01-01'),
  st('2028-01-25', '春节'), // 除夕, Tuesday
  st('2028-01-26', '春节'),
  st('2028-01-27', '春节'),
  st('2028-01-28', '春节'),
  st('2028-04-04', '清明节'),
  st('2028-05-01', '劳动节'), // Monday
  st('2028-05-02', '劳动节'),
  st('2028-05-28', '端午节'), // Sunday
  lieu('2028-05-29', '端午节', '2028-05-28'),
  st('2028-10-01', '国庆节'), // Sunday
  st('2028-10-02', '国庆节'),
  st('2028-10-03', '中秋节'), // on 国庆's third day: one more day in lieu (as in 2020)
  st('2028-10-03', '国庆节'),
  lieu('2028-10-04', '国庆节', '2028-10-01'),
  lieu('2028-10-05', '国庆节', '2028-10-03'),
];

/** Put TZ back; assigning undefined would set the string "undefined" (read as UTC). */
function restoreTz(original: string | undefined): void {
  if (original === undefined) delete process.env.TZ;
  else process.env.TZ = original;
}

function officialIsWorking2026(date: string): boolean {
  if (MAKEUP_2026.includes(date)) return true;
  if (HOLIDAYS_2026.some(([a, b]) => date >= a && date <= b)) return false;
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

function* datesOf(year: number): Generator<string> {
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe('2026 schedule', () => {
  it('agrees with the State Council notice on every day of 2026', () => {
    const mismatches = [...datesOf(2026)].filter(
      (d) => calendar.isWorkingDay(d) !== officialIsWorking2026(d),
    );
    expect(mismatches).toEqual([]);
  });

  it('has 248 working days in 2026 (261 weekdays − 19 holiday weekdays + 6 make-up days)', () => {
    expect([...datesOf(2026)].filter((d) => calendar.isWorkingDay(d))).toHaveLength(248);
  });

  it('treats the make-up weekends as working days and the holiday weekdays as days off', () => {
    for (const d of MAKEUP_2026) expect(calendar.isWorkingDay(d), d).toBe(true);
    for (const d of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-02-23']) {
      expect(calendar.isWorkingDay(d), d).toBe(false);
    }
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // plain Sunday after the make-up Saturday
  });

  it('knows 2025 too (National Day 2025: 10-01..08 off, make-up 09-28 and 10-11)', () => {
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false);
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true);
    expect(calendar.isWorkingDay('2025-12-31')).toBe(true);
  });

  it('rejects malformed dates', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(TypeError);
    expect(() => calendar.isWorkingDay('2026-1-5')).toThrow(TypeError);
  });
});

describe('addWorkingDays (the start day does not count)', () => {
  it.each([
    // National Day 2026 (10-01..07 off, 10-10 Saturday worked), Mid-Autumn 09-25..27, 09-20 Sunday worked
    ['2026-09-29 10:00', 1, '2026-09-30'],
    ['2026-09-30 10:00', 1, '2026-10-08'],
    ['2026-09-30 10:00', 2, '2026-10-09'],
    ['2026-09-30 10:00', 3, '2026-10-10'],
    ['2026-09-30 10:00', 4, '2026-10-12'],
    ['2026-10-03 09:00', 1, '2026-10-08'],
    ['2026-10-07 23:59', 1, '2026-10-08'],
    ['2026-10-08 00:00', 1, '2026-10-09'],
    ['2026-10-09 16:00', 1, '2026-10-10'],
    ['2026-10-10 16:00', 1, '2026-10-12'],
    ['2026-09-24 10:00', 1, '2026-09-28'],
    ['2026-09-18 10:00', 1, '2026-09-20'],
    ['2026-09-15 10:00', 20, '2026-10-19'],
    // Spring Festival 2026 (02-15..23 off, 02-14 and 02-28 Saturdays worked)
    ['2026-02-09 09:00', 5, '2026-02-14'],
    ['2026-02-12 09:00', 5, '2026-02-26'],
    ['2026-02-13 09:00', 1, '2026-02-14'],
    ['2026-02-13 09:00', 2, '2026-02-24'],
    ['2026-02-20 09:00', 1, '2026-02-24'],
    ['2026-02-27 09:00', 1, '2026-02-28'],
    ['2026-02-27 09:00', 2, '2026-03-02'],
    // Month and year ends, 2025 → 2026 crossing (01-01..03 off, 01-04 Sunday worked)
    ['2026-03-31 10:00', 1, '2026-04-01'],
    ['2026-04-03 10:00', 1, '2026-04-07'],
    ['2026-04-30 10:00', 1, '2026-05-06'],
    ['2026-05-08 10:00', 1, '2026-05-09'],
    ['2025-12-30 10:00', 2, '2026-01-04'],
    ['2025-12-31 10:00', 1, '2026-01-04'],
    ['2025-12-31 10:00', 2, '2026-01-05'],
    ['2026-12-30 10:00', 1, '2026-12-31'],
    // Art. 42: 20 working days from a plain acceptance
    ['2026-03-02 10:00', 20, '2026-03-30'],
  ])('accepted %s + %i working days → ends %s 24:00', (start, n, lastDay) => {
    expect(calendar.addWorkingDays(bj(start), n)).toEqual(endOf(lastDay));
  });

  it('a 24:00 deadline is 00:00 of the next day at +08:00 and reads as "24:00"', () => {
    const deadline = calendar.addWorkingDays(bj('2026-02-27 09:00'), 1);
    expect(deadline.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(formatDeadline(deadline)).toBe('2026-02-28 24:00');
    expect(localDate(deadline)).toBe('2026-03-01');
  });

  it('acceptance at 23:59 and at 00:01 Beijing time are one day apart', () => {
    expect(calendar.addWorkingDays(bj('2026-03-02 23:59'), 1)).toEqual(endOf('2026-03-03'));
    expect(calendar.addWorkingDays(bj('2026-03-03 00:01'), 1)).toEqual(endOf('2026-03-04'));
    // 00:01 Beijing is still the previous day in UTC: the UTC date must not be used.
    expect(bj('2026-03-03 00:01').toISOString().slice(0, 10)).toBe('2026-03-02');
    // Right before National Day: 23:59 on 09-30 vs 00:01 on 10-01 (a holiday) land on the same deadline.
    expect(calendar.addWorkingDays(bj('2026-09-30 23:59'), 1)).toEqual(endOf('2026-10-08'));
    expect(calendar.addWorkingDays(bj('2026-10-01 00:01'), 1)).toEqual(endOf('2026-10-08'));
  });

  it('n = 0 (即办件) ends the same working day, or the next working day when filed on a day off', () => {
    expect(calendar.addWorkingDays(bj('2026-03-02 10:00'), 0)).toEqual(endOf('2026-03-02'));
    expect(calendar.addWorkingDays(bj('2026-10-03 10:00'), 0)).toEqual(endOf('2026-10-08'));
  });

  it('refuses fractional or negative counts', () => {
    expect(() => calendar.addWorkingDays(bj('2026-03-02 10:00'), 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(bj('2026-03-02 10:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(new Date(Number.NaN), 1)).toThrow(TypeError);
  });

  it('date-only helpers follow the same rules', () => {
    expect(calendar.nextWorkingDay('2026-09-30')).toBe('2026-10-08');
    expect(calendar.addWorkingDaysToDate('2026-09-30', 3)).toBe('2026-10-10');
    expect(calendar.addWorkingDaysToDate('2026-09-30', 0)).toBe('2026-09-30');
  });
});

describe('without a provisional horizon, unknown years are refused, never guessed', () => {
  // The strict calendar (provisionalHorizon: 0) behaves as the calendar did before provisional years.
  const strict = createCalendar({ provisionalHorizon: 0 });

  it('knows 2026 to its last day and not one day more', () => {
    expect(strict.lastKnownDate).toBe('2026-12-31');
    expect(strict.isWorkingDay('2026-12-31')).toBe(true);
    expect(() => strict.isWorkingDay('2027-01-04')).toThrow(CalendarRangeError);
  });

  it('throws CalendarRangeError with the code and a Chinese message', () => {
    try {
      strict.isWorkingDay('2027-02-08');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarRangeError);
      expect((err as CalendarRangeError).code).toBe('CALENDAR_UNKNOWN_YEAR');
      expect((err as Error).message).toMatch(/2027 年/);
      expect((err as Error).message).toMatch(/2026-12-31/);
    }
  });

  it('refuses a deadline that runs into 2027, but not one that ends at 2026-12-31 24:00', () => {
    expect(strict.addWorkingDays(bj('2026-12-30 10:00'), 1)).toEqual(endOf('2026-12-31'));
    expect(() => strict.addWorkingDays(bj('2026-12-30 10:00'), 2)).toThrow(CalendarRangeError);
    expect(() => strict.addWorkingDays(bj('2026-12-31 10:00'), 1)).toThrow(CalendarRangeError);
    expect(() => strict.workingDaysBetween(bj('2026-12-28 10:00'), bj('2027-01-02 10:00'))).toThrow(
      CalendarRangeError,
    );
    expect(strict.workingDaysBetween(bj('2026-12-28 10:00'), endOf('2026-12-31'))).toBe(3);
  });

  it('refuses years before the first known one', () => {
    expect(calendar.firstKnownDate).toBe('2004-01-01');
    expect(() => calendar.isWorkingDay('2003-12-31')).toThrow(CalendarRangeError);
  });
});

describe('working days used (workingDaysBetween)', () => {
  const start = bj('2026-03-02 10:00'); // Monday

  it('is 0 until the clock starts at 00:00 the next day', () => {
    expect(calendar.clockStart(start)).toEqual(bj('2026-03-03 00:00'));
    expect(calendar.workingDaysBetween(start, bj('2026-03-02 23:59'))).toBe(0);
    expect(calendar.workingDaysBetween(start, bj('2026-03-03 00:00'))).toBe(0);
    expect(calendar.workingDaysBetween(start, bj('2026-03-01 00:00'))).toBe(0);
  });

  it('counts partial days as fractions of a working day', () => {
    expect(calendar.workingDaysBetween(start, bj('2026-03-03 12:00'))).toBe(0.5);
    expect(calendar.workingDaysBetween(start, bj('2026-03-03 18:00'))).toBe(0.75);
    expect(calendar.workingDaysBetween(start, bj('2026-03-07 12:00'))).toBe(4); // Saturday adds nothing
    expect(calendar.workingDaysBetween(start, bj('2026-03-09 06:00'))).toBe(4.25);
  });

  it('counts across National Day without the holidays', () => {
    const s = bj('2026-09-29 15:00');
    expect(calendar.workingDaysBetween(s, endOf('2026-10-10'))).toBe(4); // 09-30, 10-08, 10-09, 10-10
  });

  it('agrees with addWorkingDays for every n and start in 2026', () => {
    for (const startDate of [
      '2026-01-30',
      '2026-02-13',
      '2026-04-30',
      '2026-09-18',
      '2026-09-30',
      '2026-12-01',
    ]) {
      for (let n = 0; n <= 20; n++) {
        const s = bj(`${startDate} 11:11`);
        expect(calendar.workingDaysBetween(s, calendar.addWorkingDays(s, n)), `${startDate}+${n}`).toBe(n);
      }
    }
  });

  it('excludes paused intervals, merging overlaps', () => {
    const stop = pause('2026-03-04 00:00', '2026-03-06 00:00'); // Wed and Thu
    expect(calendar.workingDaysBetween(start, bj('2026-03-06 00:00'), [stop])).toBe(1);
    expect(calendar.workingDaysBetween(start, bj('2026-03-07 00:00'), [stop])).toBe(2);
    const overlapping = [stop, pause('2026-03-05 00:00', '2026-03-07 00:00')];
    expect(calendar.workingDaysBetween(start, bj('2026-03-10 00:00'), overlapping)).toBe(2); // Tue + Mon
    // A pause on the acceptance day, before the clock starts, changes nothing.
    expect(
      calendar.workingDaysBetween(start, bj('2026-03-04 00:00'), [
        pause('2026-03-02 11:00', '2026-03-02 20:00'),
      ]),
    ).toBe(1);
    // A pause still open at `to`: only the part before `to` is cut.
    expect(
      calendar.workingDaysBetween(start, bj('2026-03-04 12:00'), [
        pause('2026-03-04 06:00', '2026-03-20 00:00'),
      ]),
    ).toBe(1.25);
  });
});

describe('clock stops (shiftDeadline, deadlineWithPauses)', () => {
  const start = bj('2026-03-02 10:00');
  const deadline = calendar.addWorkingDays(start, 5); // end of Mon 03-09

  it('adds the paused working time back after the deadline', () => {
    expect(deadline).toEqual(endOf('2026-03-09'));
    const stop = pause('2026-03-04 00:00', '2026-03-06 00:00');
    expect(calendar.shiftDeadline(deadline, stop)).toEqual(endOf('2026-03-11'));
    expect(calendar.deadlineWithPauses(start, 5, [stop])).toEqual(endOf('2026-03-11'));
  });

  it('counts only the working time inside a pause that spans a weekend', () => {
    const stop = pause('2026-03-06 12:00', '2026-03-09 12:00'); // ½ Fri + ½ Mon
    expect(calendar.shiftDeadline(deadline, stop)).toEqual(endOf('2026-03-10'));
  });

  it('moves a deadline across a holiday when the pause pushes it there', () => {
    const s = bj('2026-09-21 10:00');
    const d = calendar.addWorkingDays(s, 5); // 22, 23, 24, 28, 29
    expect(d).toEqual(endOf('2026-09-29'));
    const stop = pause('2026-09-23 00:00', '2026-09-24 12:00'); // 1.5 days
    expect(calendar.shiftDeadline(d, stop)).toEqual(bj('2026-10-08 12:00')); // 30th, then ½ of 10-08
    expect(calendar.deadlineWithPauses(s, 5, [stop])).toEqual(bj('2026-10-08 12:00'));
  });

  it('with `start`, ignores the part of a pause before the clock started', () => {
    const stop = pause('2026-03-02 15:00', '2026-03-04 00:00'); // acceptance day afternoon + Tue
    expect(calendar.shiftDeadline(deadline, stop, { start })).toEqual(endOf('2026-03-10'));
    expect(calendar.deadlineWithPauses(start, 5, [stop])).toEqual(endOf('2026-03-10'));
    // Without `start` the acceptance-day hours (15:00–24:00 = 0.375 day) would also be added.
    expect(calendar.shiftDeadline(deadline, stop)).toEqual(bj('2026-03-11 09:00'));
  });

  it('does not move a deadline already passed when the pause began', () => {
    expect(calendar.shiftDeadline(deadline, pause('2026-03-10 09:00', '2026-03-12 09:00'))).toEqual(deadline);
    expect(calendar.deadlineWithPauses(start, 5, [pause('2026-03-10 09:00', '2026-03-12 09:00')])).toEqual(
      deadline,
    );
  });

  it('sequential shifts equal the from-scratch deadline, and the used days at it equal n (random cases)', () => {
    let seed = 20260101;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const base = bj('2026-01-05 00:00').getTime();
    const HOUR = 3_600_000;
    for (let i = 0; i < 300; i++) {
      const s = new Date(base + rand(300 * 24) * HOUR + rand(60) * 60_000);
      const n = 1 + rand(25);
      let d = calendar.addWorkingDays(s, n);
      const pauses: Interval[] = [];
      let cursor = calendar.clockStart(s).getTime();
      for (let k = rand(4); k > 0; k--) {
        const from = cursor + rand(5 * 24) * HOUR;
        if (from >= d.getTime()) break;
        const to = from + (1 + rand(10 * 24)) * HOUR;
        pauses.push({ from: new Date(from), to: new Date(to) });
        d = calendar.shiftDeadline(d, pauses.at(-1)!);
        cursor = to;
      }
      expect(calendar.deadlineWithPauses(s, n, pauses), `case ${i}`).toEqual(d);
      expect(calendar.workingDaysBetween(s, d, pauses), `case ${i}`).toBeCloseTo(n, 9);
    }
  });
});

describe('yellow warning instant', () => {
  const start = bj('2026-03-02 10:00');
  const deadline = calendar.addWorkingDays(start, 5); // end of 03-09

  it('fires when the given working days are left', () => {
    expect(calendar.yellowInstant(start, deadline, { days: 1 })).toEqual(endOf('2026-03-06'));
    expect(calendar.yellowInstant(start, deadline, { days: 2 })).toEqual(endOf('2026-03-05'));
  });

  it('fires when the given share of the limit is left', () => {
    expect(calendar.yellowInstant(start, deadline, { fraction: 0.2 })).toEqual(endOf('2026-03-06'));
    expect(calendar.yellowInstant(start, deadline, { fraction: 0.5 })).toEqual(bj('2026-03-05 12:00'));
  });

  it('takes the earlier of the two when both are set', () => {
    expect(calendar.yellowInstant(start, deadline, { days: 1, fraction: 0.5 })).toEqual(
      bj('2026-03-05 12:00'),
    );
  });

  it('fires at once when the threshold is the whole limit', () => {
    expect(calendar.yellowInstant(start, deadline, { days: 5 })).toEqual(start);
    expect(calendar.yellowInstant(start, deadline, { fraction: 1 })).toEqual(start);
  });

  it('skips holidays: 1 day before a deadline just after National Day is the end of 09-30', () => {
    const s = bj('2026-09-28 10:00');
    const d = calendar.addWorkingDays(s, 3); // 29, 30, 10-08
    expect(calendar.yellowInstant(s, d, { days: 1 })).toEqual(endOf('2026-09-30'));
  });

  it('measures the share on the limit itself, not on the paused time', () => {
    const stop = pause('2026-03-04 00:00', '2026-03-06 00:00');
    const d = calendar.deadlineWithPauses(start, 5, [stop]); // end of 03-11
    const y = calendar.yellowInstant(start, d, { fraction: 0.2 }, [stop]);
    expect(y).toEqual(endOf('2026-03-10'));
    expect(calendar.workingDaysBetween(start, y, [stop])).toBe(4);
  });

  it('rejects a threshold without days or fraction, or out of range', () => {
    expect(() => calendar.yellowInstant(start, deadline, {})).toThrow(TypeError);
    expect(() => calendar.yellowInstant(start, deadline, { fraction: 1.5 })).toThrow(RangeError);
    expect(() => calendar.yellowInstant(start, deadline, { days: -1 })).toThrow(RangeError);
  });
});

describe('office closing time', () => {
  const cal = createCalendar({ closingTime: '17:30' });
  const start = bj('2026-03-02 10:00');

  it('ends deadlines at the closing time of the last working day', () => {
    expect(cal.closingTime).toBe('17:30');
    expect(cal.addWorkingDays(start, 1)).toEqual(bj('2026-03-03 17:30'));
    expect(cal.addWorkingDays(bj('2026-09-30 10:00'), 1)).toEqual(bj('2026-10-08 17:30'));
    expect(formatDeadline(cal.addWorkingDays(start, 1))).toBe('2026-03-03 17:30');
  });

  it('counts a working day as 00:00–closing, nothing after closing', () => {
    expect(cal.workingDaysBetween(start, bj('2026-03-03 08:45'))).toBe(0.5);
    expect(cal.workingDaysBetween(start, bj('2026-03-03 17:30'))).toBe(1);
    expect(cal.workingDaysBetween(start, bj('2026-03-03 23:00'))).toBe(1);
  });

  it('n = 0 ends at closing today, or tomorrow when filed after closing', () => {
    expect(cal.addWorkingDays(bj('2026-03-02 10:00'), 0)).toEqual(bj('2026-03-02 17:30'));
    expect(cal.addWorkingDays(bj('2026-03-02 18:00'), 0)).toEqual(bj('2026-03-03 17:30'));
  });

  it('adds back paused working time in the same units', () => {
    const d = cal.addWorkingDays(start, 5); // 03-09 17:30
    expect(cal.shiftDeadline(d, pause('2026-03-04 00:00', '2026-03-05 00:00'))).toEqual(
      bj('2026-03-10 17:30'),
    );
    // Paused only after closing: no working time stopped, nothing added.
    expect(cal.shiftDeadline(d, pause('2026-03-04 18:00', '2026-03-04 23:00'))).toEqual(d);
    expect(cal.workingDaysBetween(start, d)).toBe(5);
  });
});

describe('overrides', () => {
  it('adds a new year from a published schedule (dates and ranges)', () => {
    const cal = createCalendar({
      provisionalHorizon: 0,
      years: {
        '2027': {
          source: 'test',
          holidays: ['2027-01-01', '2027-02-05..2027-02-12'],
          workdays: ['2027-02-14'],
        },
      },
    });
    expect(cal.lastKnownDate).toBe('2027-12-31');
    expect(cal.isWorkingDay('2027-01-01')).toBe(false);
    expect(cal.isWorkingDay('2027-02-08')).toBe(false);
    expect(cal.isWorkingDay('2027-02-14')).toBe(true); // a Sunday worked
    expect(cal.addWorkingDays(bj('2026-12-31 10:00'), 1)).toEqual(endOf('2027-01-04'));
    expect(() => cal.isWorkingDay('2028-01-03')).toThrow(CalendarRangeError);
  });

  it('replaces the package for a year it lists (the State Council list wins)', () => {
    const cal = createCalendar({ years: { '2026': { holidays: [], workdays: [] } } });
    expect(cal.isWorkingDay('2026-10-01')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false);
  });

  it('applies local days off over everything', () => {
    const cal = createCalendar({ localDaysOff: { '2026-03-04': '本地停止办公', '2026-10-10': '本地' } });
    expect(cal.isWorkingDay('2026-03-04')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(false);
    expect(cal.addWorkingDays(bj('2026-03-02 10:00'), 2)).toEqual(endOf('2026-03-05'));
  });

  it('caps the known range with lastKnownDate', () => {
    const cal = createCalendar({ lastKnownDate: '2026-06-30' });
    expect(cal.lastKnownDate).toBe('2026-06-30');
    expect(() => cal.isWorkingDay('2026-07-01')).toThrow(CalendarRangeError);
  });

  it('ends the known range at a gap year', () => {
    const cal = createCalendar({
      provisionalHorizon: 0,
      years: { '2028': { holidays: ['2028-01-03'], workdays: [] } },
    });
    expect(cal.lastKnownDate).toBe('2026-12-31');
    expect(() => cal.isWorkingDay('2028-01-04')).toThrow(CalendarRangeError);
  });

  it.each([
    [{ closingTime: '25:00' }],
    [{ closingTime: '00:00' }],
    [{ lastKnownDate: '2026-02-30' }],
    [{ years: { '2027': { holidays: ['2026-12-31'] } } }],
    [{ years: { '2027': { holidays: ['2027-02-10..2027-02-01'] } } }],
    [{ years: { '2027': { holidays: ['2027-2-1'] } } }],
    [{ years: { '2027': { holidays: ['2027-02-14'], workdays: ['2027-02-14'] } } }],
    [{ localDaysOff: { tomorrow: 'x' } }],
    [{ provisionalHorizon: -1 }],
    [{ provisionalHorizon: 1.5 }],
    [{ provisionalHorizon: 6 }],
  ])('refuses the bad configuration %j', (overrides) => {
    expect(() => createCalendar(overrides as never)).toThrow(CalendarConfigError);
  });

  it('loads the shipped override file', () => {
    expect(calendar.closingTime).toBeNull();
  });
});

describe('time zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => restoreTz(original));

  it.each(['America/Los_Angeles', 'America/New_York', 'Pacific/Kiritimati', 'UTC', 'Asia/Shanghai'])(
    'gives the same answers under TZ=%s',
    (tz) => {
      process.env.TZ = tz;
      // Prove the switch took effect, so this test can fail if the code used local time.
      const offsets = {
        'America/Los_Angeles': 480,
        'America/New_York': 300,
        'Pacific/Kiritimati': -840,
        UTC: 0,
        'Asia/Shanghai': -480,
      };
      expect(new Date(2026, 0, 15).getTimezoneOffset()).toBe(offsets[tz as keyof typeof offsets]);
      const cal = createCalendar();
      expect(cal.addWorkingDays(bj('2026-09-30 23:59'), 1).toISOString()).toBe('2026-10-08T16:00:00.000Z');
      expect(cal.addWorkingDays(bj('2026-03-03 00:01'), 1).toISOString()).toBe('2026-03-04T16:00:00.000Z');
      expect(cal.isWorkingDay('2026-10-10')).toBe(true);
      expect(localDate(bj('2026-10-01 00:30'))).toBe('2026-10-01');
      expect(localDateTime(bj('2026-10-01 00:30'))).toBe('2026-10-01 00:30');
      expect(cal.workingDaysBetween(bj('2026-03-02 10:00'), bj('2026-03-03 12:00'))).toBe(0.5);
      expect(startOfLocalDay('2026-10-01').toISOString()).toBe('2026-09-30T16:00:00.000Z');
      // Provisional years: lunar dates and 清明 computed afresh under this TZ.
      expect(provisionalSchedule(2027)).toEqual(PROVISIONAL_2027);
      expect(provisionalSchedule(2028)).toEqual(PROVISIONAL_2028);
      expect(cal.isWorkingDay('2027-02-04')).toBe(true);
      expect(cal.isWorkingDay('2027-02-05')).toBe(false); // 除夕
      expect(cal.isWorkingDay('2027-04-05')).toBe(false); // 清明
      expect(cal.addWorkingDays(bj('2026-12-31 23:59'), 1).toISOString()).toBe('2027-01-04T16:00:00.000Z');
      expect(cal.isProvisional(endOf('2026-12-31'))).toBe(false);
      expect(cal.isProvisional(bj('2027-01-01 00:01'))).toBe(true);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Provisional years

const official = holidayData as { holidays: Record<string, string>; workdays: Record<string, string> };
const isWeekendDate = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
/** The official answer of the State Council schedule (package data) for a date of 2004–2026. */
const officiallyOff = (date: string) =>
  date in official.holidays || (isWeekendDate(date) && !(date in official.workdays));
/** The package's data cut to the years up to `lastYear`, as if later notices were not published yet. */
const packageUpTo = (lastYear: number) => {
  const cut = (map: Record<string, string>) =>
    Object.fromEntries(Object.entries(map).filter(([d]) => Number(d.slice(0, 4)) <= lastYear));
  return { holidays: cut(official.holidays), workdays: cut(official.workdays) };
};

describe('provisional schedule (《全国年节及纪念日放假办法》, 2024 revision)', () => {
  it('rests on lunar dates the package gets right (known facts for 2027 and 2028)', () => {
    const lunar = (date: string) => {
      const l = chineseDays.getLunarDate(date);
      return `${l.isLeap ? '闰' : ''}${l.lunarMon}/${l.lunarDay}`;
    };
    expect(lunar('2027-02-06')).toBe('1/1');
    expect(lunar('2027-02-05')).toBe('12/29'); // 除夕 is the day before 1/1, here the 29th (a short month)
    expect(lunar('2028-01-26')).toBe('1/1');
    expect(lunar('2027-06-09')).toBe('5/5');
    expect(lunar('2027-09-15')).toBe('8/15');
    expect(lunar('2028-05-28')).toBe('5/5');
    expect(lunar('2028-06-27')).toBe('闰5/5'); // not 端午
    expect(lunar('2028-10-03')).toBe('8/15');
  });

  it('lists the 2027 days off exactly: 13 statutory days, 6 of them on weekends, 6 days in lieu', () => {
    expect(provisionalSchedule(2027)).toEqual(PROVISIONAL_2027);
  });

  it('lists the 2028 days off exactly (元旦 and 端午 on a Sunday/Saturday, 中秋 on 国庆)', () => {
    expect(provisionalSchedule(2028)).toEqual(PROVISIONAL_2028);
  });

  it('puts a day in lieu after the whole holiday when it falls at the start of a weekend block', () => {
    // 2030: 除夕 Sat 02-02, 1/1 Sun 02-03, 1/2 Mon, 1/3 Tue ⇒ lieu days Wed 02-06 and Thu 02-07.
    const spring = provisionalSchedule(2030).filter((d) => d.holiday === '春节');
    expect(spring.map((d) => `${d.date}${d.kind === 'in-lieu' ? '*' : ''}`)).toEqual([
      '2030-02-02',
      '2030-02-03',
      '2030-02-04',
      '2030-02-05',
      '2030-02-06*',
      '2030-02-07*',
    ]);
  });

  it('always gives 13 weekdays off, never a workday, and 清明 on 4 or 5 April (2001–2099)', () => {
    for (let year = 2001; year <= 2099; year++) {
      const days = provisionalSchedule(year);
      const weekdaysOff = new Set(days.filter((d) => !isWeekendDate(d.date)).map((d) => d.date));
      expect(weekdaysOff.size, String(year)).toBe(13);
      expect(
        days.every((d) => d.date.startsWith(String(year))),
        String(year),
      ).toBe(true);
      expect(['04-04', '04-05'], String(year)).toContain(
        days.find((d) => d.holiday === '清明节')!.date.slice(5),
      );
    }
  });

  it('computes 清明 as the package does where the package is right (its function under TZ=UTC)', () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      for (let year = 2001; year <= 2099; year++) {
        const qingming = provisionalSchedule(year).find((d) => d.holiday === '清明节')!.date;
        expect(qingming, String(year)).toBe(chineseDays.getSolarTermDate(year, 4, 'pure_brightness'));
      }
    } finally {
      restoreTz(original);
    }
  });

  it('names only days the State Council also gave off, 2008–2026 (holidays common to both laws)', () => {
    for (let year = 2008; year <= 2026; year++) {
      const days = provisionalSchedule(year).filter((d) => d.kind === 'statutory');
      const eve = days.find((d) => d.holiday === '春节')!.date; // 除夕: by law only since 2025
      const common = days.filter((d) => d.date !== eve && d.date !== `${year}-05-02`);
      expect(common.filter((d) => !officiallyOff(d.date)).map((d) => d.date)).toEqual([]);
    }
  });

  it('matches the official 2025 and 2026 schedules in every statutory day and in the working-day count', () => {
    for (const year of [2025, 2026]) {
      const cal = createCalendar({}, packageUpTo(year - 1));
      expect(cal.provisionalYears).toContain(year);
      for (const d of provisionalSchedule(year).filter((x) => x.kind === 'statutory'))
        expect(officiallyOff(d.date), d.date).toBe(true);
      const provisional = [...datesOf(year)].filter((d) => cal.isWorkingDay(d)).length;
      const actual = [...datesOf(year)].filter((d) => calendar.isWorkingDay(d)).length;
      expect([provisional, actual]).toEqual([248, 248]);
    }
  });

  it('refuses years it cannot compute', () => {
    expect(() => provisionalSchedule(2000)).toThrow(RangeError);
    expect(() => provisionalSchedule(2100)).toThrow(RangeError);
    expect(() => provisionalSchedule(2027.5)).toThrow(RangeError);
  });
});

describe('provisional years in the calendar', () => {
  it('follows the last official year (2026) with two provisional years', () => {
    expect(calendar.lastOfficialDate).toBe('2026-12-31');
    expect(calendar.provisionalFrom).toBe('2027-01-01');
    expect(calendar.provisionalYears).toEqual([2027, 2028]);
    expect(calendar.lastKnownDate).toBe('2028-12-31');
    expect(calendar.firstKnownDate).toBe('2004-01-01');
  });

  it('is off in 2027 exactly on weekends and the provisional days off, with no make-up workdays', () => {
    const off = new Set(PROVISIONAL_2027.map((d) => d.date));
    const mismatches = [...datesOf(2027)].filter(
      (d) => calendar.isWorkingDay(d) !== !(off.has(d) || isWeekendDate(d)),
    );
    expect(mismatches).toEqual([]);
    expect([...datesOf(2027)].filter((d) => calendar.isWorkingDay(d))).toHaveLength(248);
    expect([...datesOf(2028)].filter((d) => calendar.isWorkingDay(d))).toHaveLength(247);
  });

  it.each([
    // Across the 2026/2027 year end: 12-31 Thu worked, 2027-01-01 Fri off, then the weekend.
    ['2026-12-30 10:00', 1, '2026-12-31'],
    ['2026-12-30 10:00', 2, '2027-01-04'],
    ['2026-12-31 10:00', 1, '2027-01-04'],
    ['2026-12-31 23:59', 1, '2027-01-04'],
    ['2027-01-01 09:00', 1, '2027-01-04'],
    ['2026-12-15 10:00', 20, '2027-01-13'],
    ['2026-12-01 10:00', 20, '2026-12-29'],
    ['2026-12-07 10:00', 20, '2027-01-05'],
    // Spring Festival 2027: 02-05..10 off (除夕 Fri, 补假 Tue and Wed), 02-11 Thu worked
    ['2027-01-29 10:00', 5, '2027-02-11'],
    ['2027-02-03 10:00', 3, '2027-02-12'],
    ['2027-02-04 10:00', 1, '2027-02-11'],
    // 清明 Mon 04-05; 劳动节 on the weekend, 补假 05-03 and 05-04; 端午 Wed 06-09; 国庆 + 补假 10-01..05
    ['2027-04-02 10:00', 1, '2027-04-06'],
    ['2027-04-30 10:00', 1, '2027-05-05'],
    ['2027-06-08 10:00', 1, '2027-06-10'],
    ['2027-09-14 10:00', 1, '2027-09-16'],
    ['2027-09-30 10:00', 1, '2027-10-06'],
    ['2027-12-30 10:00', 2, '2028-01-04'], // 2028-01-01 Sat ⇒ 补假 Mon 01-03
  ])('accepted %s + %i working days → ends %s 24:00 (provisional)', (start, n, lastDay) => {
    expect(calendar.addWorkingDays(bj(start), n)).toEqual(endOf(lastDay));
  });

  it('keeps the counting rules in provisional years (used days agree with deadlines)', () => {
    for (const startDate of ['2026-12-10', '2026-12-31', '2027-02-01', '2027-04-28', '2027-09-27']) {
      for (let n = 0; n <= 20; n++) {
        const s = bj(`${startDate} 11:11`);
        expect(calendar.workingDaysBetween(s, calendar.addWorkingDays(s, n)), `${startDate}+${n}`).toBe(n);
      }
    }
    const s = bj('2026-12-28 10:00');
    // 12-29 and 12-30 used; stopped over 12-31 and 01-04 (working) and 01-01..03 (not); one day left.
    const stop = pause('2026-12-31 00:00', '2027-01-05 00:00');
    expect(calendar.deadlineWithPauses(s, 3, [stop])).toEqual(endOf('2027-01-05'));
    expect(calendar.shiftDeadline(calendar.addWorkingDays(s, 3), stop)).toEqual(endOf('2027-01-05'));
  });

  it('says which answers are provisional (isProvisional, dependsOnProvisional)', () => {
    expect(calendar.isProvisional('2026-12-31')).toBe(false);
    expect(calendar.isProvisional('2027-01-01')).toBe(true);
    expect(calendar.isProvisional('2028-12-31')).toBe(true);
    expect(calendar.isProvisional('2026-10-01')).toBe(false);
    // A deadline at 2026-12-31 24:00 is the end of 2026, not a 2027 instant.
    const endOf2026 = calendar.addWorkingDays(bj('2026-12-30 10:00'), 1);
    expect(calendar.isProvisional(endOf2026)).toBe(false);
    expect(calendar.isProvisional(new Date(endOf2026.getTime() + 1))).toBe(true);
    expect(calendar.isProvisional(calendar.addWorkingDays(bj('2026-12-30 10:00'), 2))).toBe(true);
    expect(calendar.dependsOnProvisional(bj('2026-12-01 10:00'), endOf2026)).toBe(false);
    expect(calendar.dependsOnProvisional(bj('2026-12-01 10:00'), endOf('2027-01-04'))).toBe(true);
    expect(calendar.dependsOnProvisional('2026-03-01', '2026-12-31')).toBe(false);
    expect(calendar.dependsOnProvisional('2027-03-01', '2026-12-31')).toBe(false); // empty span
    expect(() => calendar.isProvisional('2029-01-01')).toThrow(CalendarRangeError);
    expect(() => calendar.isProvisional('2003-12-31')).toThrow(CalendarRangeError);
    expect(() => calendar.isProvisional('2027-02-30')).toThrow(TypeError);
    expect(() => calendar.isProvisional(new Date(Number.NaN))).toThrow(TypeError);
  });

  it('refuses dates beyond the horizon (2029 when 2026 is the last official year)', () => {
    expect(calendar.addWorkingDays(bj('2028-12-28 10:00'), 1)).toEqual(endOf('2028-12-29'));
    expect(() => calendar.addWorkingDays(bj('2028-12-29 10:00'), 1)).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2029-01-02')).toThrow(/2029 年.*2028-12-31/);
    expect(createCalendar({ provisionalHorizon: 1 }).lastKnownDate).toBe('2027-12-31');
    expect(createCalendar({ provisionalHorizon: 5 }).lastKnownDate).toBe('2031-12-31');
  });

  it('lets an official schedule in `years` replace the provisional one for its year', () => {
    const cal = createCalendar({
      years: {
        '2027': {
          source: 'test',
          holidays: ['2027-01-01', '2027-02-05..2027-02-13'],
          workdays: ['2027-02-20'],
        },
      },
    });
    expect(cal.lastOfficialDate).toBe('2027-12-31');
    expect(cal.provisionalFrom).toBe('2028-01-01');
    expect(cal.provisionalYears).toEqual([2028, 2029]);
    expect(cal.lastKnownDate).toBe('2029-12-31');
    expect(cal.isProvisional('2027-06-09')).toBe(false);
    expect(cal.isWorkingDay('2027-02-11')).toBe(false); // official
    expect(cal.isWorkingDay('2027-02-20')).toBe(true); // official make-up Saturday
    expect(cal.isWorkingDay('2027-05-03')).toBe(true); // provisional 补假 gone with the provisional year
    expect(cal.isWorkingDay('2027-06-09')).toBe(true); // not in this (test) schedule
    expect(cal.isWorkingDay('2028-01-26')).toBe(false); // 2028 still provisional
    expect(cal.isProvisional('2028-01-26')).toBe(true);
  });

  it('continues through an official year after a gap, the horizon counting from it', () => {
    const cal = createCalendar({ years: { '2028': { holidays: ['2028-01-03'], workdays: [] } } });
    expect(cal.provisionalYears).toEqual([2027, 2029, 2030]);
    expect(cal.lastOfficialDate).toBe('2026-12-31');
    expect(cal.lastKnownDate).toBe('2030-12-31');
    expect(cal.isProvisional('2027-05-01')).toBe(true);
    expect(cal.isProvisional('2028-05-01')).toBe(false);
    expect(cal.isWorkingDay('2028-05-01')).toBe(true); // the official (test) 2028 has no 劳动节
    expect(cal.dependsOnProvisional('2026-12-01', '2028-03-01')).toBe(true);
    expect(cal.dependsOnProvisional('2028-01-01', '2028-12-31')).toBe(false);
  });

  it('honours lastKnownDate inside and before the provisional years', () => {
    const mid = createCalendar({ lastKnownDate: '2027-06-30' });
    expect([mid.lastKnownDate, mid.lastOfficialDate, mid.provisionalFrom]).toEqual([
      '2027-06-30',
      '2026-12-31',
      '2027-01-01',
    ]);
    expect(mid.provisionalYears).toEqual([2027]);
    expect(() => mid.isWorkingDay('2027-07-01')).toThrow(CalendarRangeError);
    const early = createCalendar({ lastKnownDate: '2026-06-30' });
    expect([early.lastKnownDate, early.lastOfficialDate, early.provisionalFrom]).toEqual([
      '2026-06-30',
      '2026-06-30',
      undefined,
    ]);
    expect(early.provisionalYears).toEqual([]);
    expect('provisionalFrom' in early).toBe(false);
  });

  it('with provisionalHorizon: 0 nothing is provisional', () => {
    const strict = createCalendar({ provisionalHorizon: 0 });
    expect(strict.provisionalFrom).toBeUndefined();
    expect(strict.provisionalYears).toEqual([]);
    expect(strict.lastOfficialDate).toBe(strict.lastKnownDate);
    expect(strict.isProvisional('2026-12-31')).toBe(false);
    expect(strict.dependsOnProvisional('2026-01-01', '2026-12-31')).toBe(false);
  });
});

describe('diffCalendars: which dates change when the official schedule arrives', () => {
  it('lists exactly the 调休 differences between provisional and official 2026', () => {
    // As it would have looked in October 2025: 2026 provisional. Then the notice of 2025-11-04.
    const provisional2026 = createCalendar({}, packageUpTo(2025));
    expect(provisional2026.isProvisional('2026-01-01')).toBe(true);
    const changes = diffCalendars(provisional2026, calendar, '2025-12-01', '2026-12-31');
    expect(changes).toEqual([
      { date: '2026-01-02', before: true, after: false },
      { date: '2026-01-04', before: false, after: true },
      { date: '2026-02-14', before: false, after: true },
      { date: '2026-02-20', before: true, after: false },
      { date: '2026-02-23', before: true, after: false },
      { date: '2026-02-28', before: false, after: true },
      { date: '2026-05-05', before: true, after: false },
      { date: '2026-05-09', before: false, after: true },
      { date: '2026-09-20', before: false, after: true },
      { date: '2026-10-06', before: true, after: false },
      { date: '2026-10-07', before: true, after: false },
      { date: '2026-10-10', before: false, after: true },
    ]);
    // Which open cases move: a deadline only moves if a change lies within its span.
    const march = bj('2026-03-02 10:00');
    expect(changedWithin(changes, march, provisional2026.addWorkingDays(march, 20))).toBe(false);
    expect(calendar.addWorkingDays(march, 20)).toEqual(provisional2026.addWorkingDays(march, 20));
    const late = bj('2026-09-28 10:00');
    expect(changedWithin(changes, late, provisional2026.addWorkingDays(late, 5))).toBe(true);
    expect(provisional2026.addWorkingDays(late, 5)).toEqual(endOf('2026-10-08'));
    expect(calendar.addWorkingDays(late, 5)).toEqual(endOf('2026-10-10'));
    // "May move": here the swaps inside the span cancel out (09-20 worked, 10-06/07 off, 10-10 worked).
    const sept = bj('2026-09-15 10:00');
    expect(changedWithin(changes, sept, provisional2026.addWorkingDays(sept, 20))).toBe(true);
    expect(provisional2026.addWorkingDays(sept, 20)).toEqual(calendar.addWorkingDays(sept, 20));
    // A deadline ending at 24:00 right before a change is not affected by it.
    expect(changedWithin(changes, bj('2026-01-05 10:00'), endOf('2026-02-13'))).toBe(false);
    expect(changedWithin(changes, bj('2026-01-05 10:00'), endOf('2026-02-14'))).toBe(true);
  });

  it('reports dates one calendar refuses as null', () => {
    const strict = createCalendar({ provisionalHorizon: 0 });
    expect(diffCalendars(strict, calendar, '2026-12-30', '2027-01-05')).toEqual([
      { date: '2027-01-01', before: null, after: false },
      { date: '2027-01-02', before: null, after: false },
      { date: '2027-01-03', before: null, after: false },
      { date: '2027-01-04', before: null, after: true },
      { date: '2027-01-05', before: null, after: true },
    ]);
    expect(diffCalendars(calendar, calendar, '2026-01-01', '2028-12-31')).toEqual([]);
  });

  it('refuses malformed or runaway ranges', () => {
    expect(() => diffCalendars(calendar, calendar, '2026-1-1', '2026-12-31')).toThrow(TypeError);
    expect(() => diffCalendars(calendar, calendar, '2004-01-01', '2028-12-31')).toThrow(RangeError);
    expect(diffCalendars(calendar, calendar, '2026-12-31', '2026-01-01')).toEqual([]);
  });
});

describe('calendarNotice (for operators)', () => {
  it('says nothing before 1 November when the next year is provisional', () => {
    expect(calendarNotice(calendar, bj('2026-06-01 10:00'))).toBeUndefined();
    expect(calendarNotice(calendar, bj('2026-10-31 23:59'))).toBeUndefined();
  });

  it('warns from 1 November (Beijing) that next year is provisional', () => {
    const at = bj('2026-11-01 00:00');
    expect(at.toISOString().slice(0, 10)).toBe('2026-10-31'); // still October in UTC
    const notice = calendarNotice(calendar, at);
    expect(notice).toMatchObject({ level: 'warning', code: 'CALENDAR_NEXT_YEAR_PROVISIONAL', year: 2027 });
    expect(notice!.message).toMatch(/2027 年/);
    expect(notice!.message).toMatch(/推算/);
    expect(calendarNotice(calendar, bj('2026-11-29 10:00'))?.code).toBe('CALENDAR_NEXT_YEAR_PROVISIONAL');
    expect(calendarNotice(calendar, bj('2026-12-31 23:59'))?.code).toBe('CALENDAR_NEXT_YEAR_PROVISIONAL');
  });

  it('is an error all year when the current year itself is provisional', () => {
    expect(calendarNotice(calendar, bj('2027-01-01 00:00'))).toMatchObject({
      level: 'error',
      code: 'CALENDAR_YEAR_PROVISIONAL',
      year: 2027,
    });
    expect(calendarNotice(calendar, bj('2027-06-01 10:00'))?.level).toBe('error');
    expect(calendarNotice(calendar, bj('2028-11-15 10:00'))?.code).toBe('CALENDAR_YEAR_PROVISIONAL');
  });

  it('warns that next year is unknown, and errs when today is, on a strict calendar', () => {
    const strict = createCalendar({ provisionalHorizon: 0 });
    expect(calendarNotice(strict, bj('2026-10-15 10:00'))).toBeUndefined();
    expect(calendarNotice(strict, bj('2026-11-15 10:00'))).toMatchObject({
      level: 'warning',
      code: 'CALENDAR_NEXT_YEAR_UNKNOWN',
      year: 2027,
    });
    expect(calendarNotice(strict, bj('2027-01-04 10:00'))).toMatchObject({
      level: 'error',
      code: 'CALENDAR_YEAR_UNKNOWN',
      year: 2027,
    });
    expect(calendarNotice(calendar, bj('2029-01-02 10:00'))?.code).toBe('CALENDAR_YEAR_UNKNOWN');
  });

  it('is quiet once next year’s official schedule is loaded', () => {
    const cal = createCalendar({ years: { '2027': { holidays: ['2027-01-01'], workdays: [] } } });
    expect(calendarNotice(cal, bj('2026-12-01 10:00'))).toBeUndefined();
    expect(calendarNotice(cal, bj('2027-10-31 10:00'))).toBeUndefined();
    expect(calendarNotice(cal, bj('2027-11-01 10:00'))?.code).toBe('CALENDAR_NEXT_YEAR_PROVISIONAL');
  });
});

describe('checkOfficialSchedule: what operators load', () => {
  const NOV_2026 = bj('2026-11-18 10:00');
  const OFFICIAL_2027 = {
    year: 2027,
    holidays: [
      '2027-01-01..2027-01-04',
      '2027-02-05～2027-02-11',
      '2027-04-03 至 2027-04-05',
      '2027-05-01..2027-05-05',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01..2027-10-07',
    ],
    workdays: ['2027-01-30', '2027-02-20', '2027-04-25', '2027-09-26', '2027-10-09'],
  };
  const codes = (input: Partial<typeof OFFICIAL_2027>, today = NOV_2026) => {
    const r = checkOfficialSchedule({ ...OFFICIAL_2027, ...input }, today);
    return r.ok ? [] : r.problems.map((p) => p.code);
  };
  const yearOf = (data: Record<string, string>, year: number) =>
    Object.keys(data).filter((d) => d.startsWith(`${year}-`));

  it('accepts the published schedules of 2025 and 2026 as they are', () => {
    for (const year of [2025, 2026]) {
      const r = checkOfficialSchedule(
        { year, holidays: yearOf(holidayData.holidays, year), workdays: yearOf(holidayData.workdays, year) },
        bj('2026-06-01 10:00'),
      );
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });

  it('expands ranges (.., ～, 至) into sorted dates, and the calendar then treats the year as official', () => {
    const r = checkOfficialSchedule(OFFICIAL_2027, NOV_2026);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.schedule.holidays).toHaveLength(4 + 7 + 3 + 5 + 1 + 1 + 7);
    expect(r.schedule.holidays.slice(0, 5)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
      '2027-02-05',
    ]);
    expect(sameSchedule(r.schedule, { ...r.schedule })).toBe(true);
    expect(sameSchedule(r.schedule, { ...r.schedule, workdays: r.schedule.workdays.slice(1) })).toBe(false);
    const cal = calendarWith({ '2027': { source: '通知', ...r.schedule } });
    expect(cal.lastOfficialDate).toBe('2027-12-31');
    expect(cal.provisionalYears).toEqual([2028, 2029]);
    expect(cal.isWorkingDay('2027-01-04')).toBe(false);
    expect(cal.isWorkingDay('2027-01-30')).toBe(true);
    expect(diffCalendars(calendar, cal, '2027-01-01', '2027-01-31')).toEqual([
      { date: '2027-01-04', before: true, after: false },
      { date: '2027-01-30', before: false, after: true },
    ]);
  });

  it('takes last, this and next year only (Beijing date), and not before the 2024 revision', () => {
    expect(loadableYears(NOV_2026)).toEqual([2025, 2026, 2027]);
    expect(loadableYears(bj('2027-01-01 00:00'))).toEqual([2026, 2027, 2028]);
    expect(loadableYears(bj('2025-03-01 10:00'))).toEqual([2025, 2026]);
    expect(codes({ year: 2028 })).toEqual(['CALENDAR_YEAR_OUT_OF_RANGE']);
    expect(codes({ year: 2027.5 })).toEqual(['CALENDAR_YEAR_OUT_OF_RANGE']);
  });

  it('refuses malformed, reversed, foreign and repeated dates, each with its entry', () => {
    const r = checkOfficialSchedule(
      {
        ...OFFICIAL_2027,
        holidays: [
          ...OFFICIAL_2027.holidays,
          '2027-13-01',
          '2027-02-03..2027-02-01',
          '2026-12-31',
          '2027-10-03',
        ],
      },
      NOV_2026,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.field])).toEqual([
      ['CALENDAR_DATE_INVALID', 'holidays[7]'],
      ['CALENDAR_DATE_INVALID', 'holidays[8]'],
      ['CALENDAR_DATE_OUTSIDE_YEAR', 'holidays[9]'],
      ['CALENDAR_DATE_DUPLICATE', 'holidays[10]'],
    ]);
    expect(r.problems[3].message).toBe('放假日期第 11 项“2027-10-03”已在第 7 项中列出，同一日期只能列一次');
  });

  it('refuses a day both off and worked, and a weekday as a 调休 working day', () => {
    expect(codes({ workdays: [...OFFICIAL_2027.workdays, '2027-01-02'] })).toEqual(['CALENDAR_DAY_BOTH']);
    const r = checkOfficialSchedule({ ...OFFICIAL_2027, workdays: ['2027-03-03'] }, NOV_2026);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([
      '调休上班日期 2027-03-03 是星期三，本来就是工作日；调休上班日应为星期六或星期日',
    ]);
  });

  it('refuses implausible schedules: nothing off, a statutory day missing, too many days off or worked', () => {
    expect(codes({ holidays: [], workdays: [] })).toEqual(['CALENDAR_COUNT_IMPLAUSIBLE']);
    const noNationalDay = OFFICIAL_2027.holidays.filter((h) => !h.startsWith('2027-10'));
    const r = checkOfficialSchedule({ ...OFFICIAL_2027, holidays: noNationalDay }, NOV_2026);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([
      '2027-10-01（国庆节）是《全国年节及纪念日放假办法》规定的法定节假日，未列为放假日期',
      '2027-10-02（国庆节）是《全国年节及纪念日放假办法》规定的法定节假日，未列为放假日期',
      '2027-10-03（国庆节）是《全国年节及纪念日放假办法》规定的法定节假日，未列为放假日期',
    ]);
    // Three weeks off in summer: the year would have 15 working days fewer than the law's.
    const summer = codes({ holidays: [...OFFICIAL_2027.holidays, '2027-07-05..2027-07-23'] });
    expect(summer).toEqual(['CALENDAR_COUNT_IMPLAUSIBLE']);
    // No 调休 at all: two working days more than the law's, still within the tolerance; three is not.
    expect(codes({ workdays: OFFICIAL_2027.workdays.slice(0, 3) })).toEqual([]);
    expect(
      codes({ holidays: OFFICIAL_2027.holidays.map((h) => h.replace('2027-02-11', '2027-02-12')) }),
    ).toEqual([]);
    expect(codes({ holidays: [...OFFICIAL_2027.holidays, '2027-08-02..2027-08-06'] })).toEqual([
      'CALENDAR_COUNT_IMPLAUSIBLE',
    ]);
    expect(codes({ holidays: ['2027-01-01..2027-03-01'] })).toEqual(['CALENDAR_COUNT_IMPLAUSIBLE']);
  });
});
