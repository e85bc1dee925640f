/**
 * What the case use cases (act.ts, filing.ts) need from the world, as interfaces: the cases table
 * and the lifecycle state machine. store.ts and lifecycle.ts are the AWS adapters; the unit tests
 * use an in-memory store (test/support/memory-case-store.ts) with the same conflict semantics, so a
 * use case is tested in milliseconds without a cloud.
 */

import type { Track } from '#domain/process.ts';
import type { CaseEvent } from './model.ts';
import type { AlertRecord, CaseRecord, IdempotencyRecord, TaskRecord } from './store.ts';

/** Someone else changed the case first (version check failed): the caller lost the race. */
export class ConflictError extends Error {}

/** Another transaction touched the same items at the same instant: nothing was decided, try again. */
export class BusyError extends Error {}

export interface CaseStore {
  getCase(caseNo: string): Promise<CaseRecord | undefined>;
  getTasks(caseNo: string): Promise<TaskRecord[]>;
  /**
   * One state change, all or nothing: `after` replaces the case at `before.version`, events are
   * appended, answered tasks disappear, new alerts are stored. ConflictError / BusyError otherwise.
   */
  commit(
    before: Pick<CaseRecord, 'caseNo' | 'version'>,
    after: CaseRecord,
    events: CaseEvent[],
    closedTasks: string[],
    alerts?: AlertRecord[],
  ): Promise<void>;
  /** Next number of the day's case sequence. */
  nextDailySequence(date: string): Promise<number>;
  /** The case, its first event and the idempotency record, all or nothing. */
  createCase(
    record: CaseRecord,
    event: CaseEvent,
    idem: { sub: string; key: string; requestHash: string; expiresAt: number },
  ): Promise<'created' | 'duplicate'>;
  getIdempotency(sub: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface Lifecycle {
  /**
   * Start the lifecycle execution of one track of the case (its own steps at filing; a 差评's
   * rectification later); starting the same one twice is harmless.
   */
  start(caseNo: string, track?: Track): Promise<void>;
  /** Answer a human task's token; a token the machine no longer waits for is harmless. */
  answer(token: string, output: unknown): Promise<void>;
}
