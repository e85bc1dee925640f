/**
 * The use case "recompute a case's deadlines after the calendar changed" (an operator loaded a
 * year's official holiday schedule, functions/calendar/load.ts): its deadlines, yellow instants and
 * timers on the calendar in force (the one way to compute them: deadlines.ts `supervision`),
 * written only when the change moves them, at the version read — a case a staff member changed
 * meanwhile is read again and recomputed, never overwritten — and stamped with the calendar's
 * revision, so a job that runs again does not count it twice. The timers then follow by themselves:
 * the cases stream starts one timer execution per new instant, and a timer whose instant the case
 * no longer holds does nothing (functions/lifecycle/timer-fired.ts). Works on the CaseStore port.
 */
import type { WorkingCalendar } from '#domain/calendar.ts';
import { supervision } from './deadlines.ts';
import { BusyError, type CaseStore, ConflictError } from './ports.ts';
import type { CaseRecord } from './store.ts';

/** A case as stored, with the calendar revision it was last recomputed on (absent: never). */
export type StampedCase = CaseRecord & { calendarRevision?: number };

export interface RecomputeCalendars {
  /** The calendar in force, and its revision in the calendar table. */
  current: WorkingCalendar;
  revision: number;
  /** The calendar before the load: what a case whose clock stands still is compared on. */
  before: WorkingCalendar;
}

export type RecomputeOutcome = 'moved' | 'unchanged' | 'skipped' | 'conflict';

type Supervised = Pick<CaseRecord, 'deadlines' | 'timers' | 'supervisionError'>;

/** Deadlines, timers and error in one form with sorted keys, for comparison. */
function canonical({ deadlines, timers, supervisionError }: Supervised): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [k, sorted(v)]),
      );
    return value;
  };
  return JSON.stringify(
    sorted({ deadlines, timers, supervisionError, provisional: [...(deadlines.provisional ?? [])].sort() }),
  );
}

/** Whether a calendar could move anything of the case: a deadline, a timer, or one it could not compute. */
export function hasLimits(c: Supervised): boolean {
  const { pausedDays: _p, provisional: _v, ...deadlines } = c.deadlines ?? { pausedDays: 0 };
  return (
    !!c.supervisionError || Object.values(deadlines).some(Boolean) || Object.keys(c.timers ?? {}).length > 0
  );
}

/**
 * The case's deadlines and timers on the calendar in force, and whether the load moves them. With
 * the clock running the answer is the same at any instant, so it is compared with what is stored.
 * With the clock stopped (补正, 特别程序) deadlines are counted up to `now`, so they are compared with
 * the same computation on the calendar before the load (time passing is not a move), and a
 * 暂定 mark or a calendar error that no longer holds is a move too.
 */
export function recomputed(
  record: CaseRecord,
  cals: RecomputeCalendars,
  now: string,
): { next: Supervised; moves: boolean } {
  const next = supervision(record, now, cals.current);
  if (!record.pauses.some((p) => !p.to)) return { next, moves: canonical(next) !== canonical(record) };
  const marks = (s: Supervised) =>
    JSON.stringify([[...(s.deadlines.provisional ?? [])].sort(), s.supervisionError ?? null]);
  const moves =
    canonical(next) !== canonical(supervision(record, now, cals.before)) || marks(next) !== marks(record);
  return { next, moves };
}

/** Attempts before a case that keeps changing under us is left to its next action. */
const ATTEMPTS = 3;

/**
 * Recompute one case (`read`, e.g. from a scan) and write it if the load moves it. A case
 * already stamped with this revision (or a later one) is skipped.
 */
export async function recomputeCase(
  store: Pick<CaseStore, 'getCase' | 'commit'>,
  read: StampedCase,
  cals: RecomputeCalendars,
  now: string,
): Promise<RecomputeOutcome> {
  let record: StampedCase | undefined = read;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!record) return 'unchanged';
    if ((record.calendarRevision ?? 0) >= cals.revision) return 'skipped';
    const { next, moves } = recomputed(record, cals, now);
    if (!moves) return 'unchanged';
    const after: StampedCase = {
      ...record,
      ...next,
      version: record.version + 1,
      calendarRevision: cals.revision,
    };
    try {
      await store.commit(record, after, [], []);
      return 'moved';
    } catch (err) {
      if (!(err instanceof ConflictError || err instanceof BusyError)) throw err;
      // Someone acted on the case since it was read: read it again (their action already used the
      // calendar in force, so it usually no longer moves).
      record = await store.getCase(read.caseNo);
    }
  }
  return 'conflict';
}
