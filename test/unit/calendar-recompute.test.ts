/**
 * Recomputing a case after an official schedule is loaded (functions/cases/recompute.ts), on the
 * in-memory store with the DynamoDB adapter's conflict semantics: a case moves once, only when
 * the change moves it, never over a staff member's concurrent change.
 */
import { describe, expect, it } from 'vitest';
import { checkOfficialSchedule } from '#domain/calendar.ts';
import { type CaseState, initialState, statusOf } from '#domain/process.ts';
import { supervision } from '#functions/cases/deadlines.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import {
  hasLimits,
  type RecomputeCalendars,
  recomputeCase,
  type StampedCase,
} from '#functions/cases/recompute.ts';
import { calendar, calendarWith } from '#lib/calendar.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';

/** The official 2027 schedule of the tests: 2027-01-04 off (provisionally worked), 01-30 worked. */
const OFFICIAL_2027 = (() => {
  const checked = checkOfficialSchedule(
    {
      year: 2027,
      holidays: [
        '2027-01-01..2027-01-04',
        '2027-02-05..2027-02-11',
        '2027-04-03..2027-04-05',
        '2027-05-01..2027-05-05',
        '2027-06-09',
        '2027-09-15',
        '2027-10-01..2027-10-07',
      ],
      workdays: ['2027-01-30', '2027-02-20', '2027-04-25', '2027-09-26', '2027-10-09'],
    },
    new Date('2026-11-18T02:00:00Z'),
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return calendarWith({ '2027': { source: '测试', ...checked.schedule } });
})();

const cals = (revision = 1): RecomputeCalendars => ({ current: OFFICIAL_2027, revision, before: calendar });

/** Accepted on Wednesday 2026-11-18 at 11:00 Beijing, now in its review step. */
const ACCEPTED = '2026-11-18T03:00:00.000Z';
const NOW = '2026-11-25T02:00:00.000Z';
const plan = [
  { id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] },
  { id: 'review', name: '审查', post: '审查', level: 'county', limitDays: 10, depts: ['d1'] },
  { id: 'decide', name: '决定', post: '决定', level: 'county', limitDays: 5, depts: ['d1'] },
];
const CASE_NO = '341602-20261118-000001';

/** A case as the action at `at` stored it, on the calendar before the load. */
function stored(promisedDays: number, change: Partial<CaseState> = {}, at = ACCEPTED): StampedCase {
  const state: CaseState = {
    ...initialState({ plan, deptCode: 'd1', promisedDays, filedAt: '2026-11-18T01:00:00.000Z' }),
    acceptedAt: ACCEPTED,
    stepIndex: 1,
    stepStartedAt: ACCEPTED,
    ...change,
  };
  return {
    ...state,
    ...supervision(state, at, calendar),
    status: statusOf(state),
    caseNo: CASE_NO,
    hallId: 'qiaocheng',
    itemCode: 'X',
    itemName: '测试事项',
    deptName: '人社局',
    legalDays: 60,
    caseKind: '承诺件',
    applicant: { sub: 'p1', name: '张三' },
    form: {},
    version: 3,
    eventCount: 3,
    lastHash: 'h',
    queryCode: '123456',
  };
}

function storeWith(record: StampedCase) {
  const store = new MemoryCaseStore();
  store.cases.set(record.caseNo, structuredClone(record));
  return store;
}

describe('recomputing a case after the official schedule is loaded', () => {
  it('moves a running case whose limit spans a changed day, its timers with it, once', async () => {
    const before = stored(32);
    expect(before.deadlines.case).toBe('2027-01-04T16:00:00Z');
    expect(before.deadlines.provisional).toContain('case');
    const store = storeWith(before);

    expect(await recomputeCase(store, before, cals(), NOW)).toBe('moved');
    const after = (await store.getCase(CASE_NO)) as StampedCase;
    expect(after.deadlines.case).toBe('2027-01-05T16:00:00Z');
    expect(after.deadlines.provisional ?? []).not.toContain('case');
    expect(after.timers['case-red']).toEqual({ fireAt: '2027-01-05T16:00:00Z' });
    // Yellow comes when 20 % of the working time is left, on 2026-12-24: before any changed day.
    expect(after.timers['case-yellow']).toEqual(before.timers['case-yellow']);
    // The step's limit ends in November: untouched.
    expect(after.deadlines.step).toBe(before.deadlines.step);
    expect(after).toMatchObject({ version: 4, calendarRevision: 1 });

    // The job again (a retry): stamped, skipped; a later revision with the same days: nothing to move.
    expect(await recomputeCase(store, after, cals(), NOW)).toBe('skipped');
    expect(await recomputeCase(store, after, cals(2), NOW)).toBe('unchanged');
    expect((await store.getCase(CASE_NO))!.version).toBe(4);
  });

  it('leaves a case alone whose limits end before any changed day', async () => {
    const before = stored(5);
    const store = storeWith(before);
    expect(await recomputeCase(store, before, cals(), NOW)).toBe('unchanged');
    expect(await store.getCase(CASE_NO)).toEqual(before);
  });

  it('reads a case again that staff changed meanwhile, and keeps their change', async () => {
    const before = stored(32);
    const store = storeWith(before);
    // A staff action lands between our read and our write: it already used the official calendar.
    const staff = {
      ...stored(32, { corrections: 1 }),
      ...supervision(before, NOW, OFFICIAL_2027),
      version: 4,
    };
    let first = true;
    const racing = {
      getCase: (caseNo: string) => store.getCase(caseNo),
      async commit(...args: Parameters<MemoryCaseStore['commit']>) {
        if (first) {
          first = false;
          store.cases.set(CASE_NO, structuredClone(staff));
        }
        return store.commit(...args);
      },
    };
    expect(await recomputeCase(racing, before, cals(), NOW)).toBe('unchanged');
    expect(await store.getCase(CASE_NO)).toEqual(staff);
  });

  it('gives up on a case that keeps changing, leaving it to its next action', async () => {
    const before = stored(32);
    const store = storeWith(before);
    const busy = {
      getCase: (caseNo: string) => store.getCase(caseNo),
      commit: async () => {
        throw new ConflictError('case moved');
      },
    };
    expect(await recomputeCase(busy, before, cals(), NOW)).toBe('conflict');
    expect(await store.getCase(CASE_NO)).toEqual(before);
  });

  it('with the clock stopped (补正), counts a real move, not time passing', async () => {
    const pause = { from: '2026-11-20T02:00:00.000Z', reason: '补正' as const };
    // Stored when the clock stopped; a week later the same deadlines counted to "now" differ anyway.
    const short = stored(5, { phase: 'correction', pauses: [pause] }, pause.from);
    expect(supervision(short, NOW, calendar).deadlines).not.toEqual(short.deadlines);
    expect(await recomputeCase(storeWith(short), short, cals(), NOW)).toBe('unchanged');

    const long = stored(32, { phase: 'correction', pauses: [pause] }, pause.from);
    const store = storeWith(long);
    expect(await recomputeCase(store, long, cals(), NOW)).toBe('moved');
    const after = (await store.getCase(CASE_NO))!;
    expect(after.deadlines).toEqual(supervision(long, NOW, OFFICIAL_2027).deadlines);
    expect(after.deadlines.provisional ?? []).not.toContain('case');
  });

  it('looks only at cases with limits', () => {
    expect(hasLimits(stored(32))).toBe(true);
    const closed = stored(32, { phase: 'closed' });
    expect(closed.deadlines).toEqual({ pausedDays: 0 });
    expect(hasLimits(closed)).toBe(false);
    expect(hasLimits({ ...closed, supervisionError: '工作日历尚未包含 2029 年' })).toBe(true);
  });
});
