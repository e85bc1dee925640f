import { afterEach, describe, expect, it } from 'vitest';
import {
  CalendarConfigError,
  CalendarRangeError,
  calendar,
  createCalendar,
  formatDeadline,
  type Interval,
  localDate,
  localDateTime,
  startOfLocalDay,
} from '#functions/lifecycle/calendar.ts';

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

describe('unknown years are refused, never guessed', () => {
  it('knows 2026 to its last day and not one day more', () => {
    expect(calendar.lastKnownDate).toBe('2026-12-31');
    expect(calendar.isWorkingDay('2026-12-31')).toBe(true);
    expect(() => calendar.isWorkingDay('2027-01-04')).toThrow(CalendarRangeError);
  });

  it('throws CalendarRangeError with the code and a Chinese message', () => {
    try {
      calendar.isWorkingDay('2027-02-08');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarRangeError);
      expect((err as CalendarRangeError).code).toBe('CALENDAR_UNKNOWN_YEAR');
      expect((err as Error).message).toMatch(/2027 年/);
      expect((err as Error).message).toMatch(/2026-12-31/);
    }
  });

  it('refuses a deadline that runs into 2027, but not one that ends at 2026-12-31 24:00', () => {
    expect(calendar.addWorkingDays(bj('2026-12-30 10:00'), 1)).toEqual(endOf('2026-12-31'));
    expect(() => calendar.addWorkingDays(bj('2026-12-30 10:00'), 2)).toThrow(CalendarRangeError);
    expect(() => calendar.addWorkingDays(bj('2026-12-31 10:00'), 1)).toThrow(CalendarRangeError);
    expect(() => calendar.workingDaysBetween(bj('2026-12-28 10:00'), bj('2027-01-02 10:00'))).toThrow(
      CalendarRangeError,
    );
    expect(calendar.workingDaysBetween(bj('2026-12-28 10:00'), endOf('2026-12-31'))).toBe(3);
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
    const cal = createCalendar({ years: { '2028': { holidays: ['2028-01-03'], workdays: [] } } });
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
  ])('refuses the bad configuration %j', (overrides) => {
    expect(() => createCalendar(overrides as never)).toThrow(CalendarConfigError);
  });

  it('loads the shipped override file', () => {
    expect(calendar.closingTime).toBeNull();
  });
});

describe('time zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC', 'Asia/Shanghai'])(
    'gives the same answers under TZ=%s',
    (tz) => {
      process.env.TZ = tz;
      // Prove the switch took effect, so this test can fail if the code used local time.
      const offsets = {
        'America/Los_Angeles': 480,
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
    },
  );
});
