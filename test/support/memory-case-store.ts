/**
 * The CaseStore port in memory, with the same promises as the DynamoDB adapter: a commit replaces
 * the case only at the version it was read in (else ConflictError), and writes the case, its
 * events, the closed tasks and new alerts all or nothing. For unit tests of the use cases.
 */
import type { CaseEvent } from '#functions/cases/model.ts';
import { type CaseStore, ConflictError } from '#functions/cases/ports.ts';
import type { AlertRecord, CaseRecord, IdempotencyRecord, TaskRecord } from '#functions/cases/store.ts';

export class MemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, CaseRecord>();
  readonly events = new Map<string, CaseEvent[]>();
  readonly tasks = new Map<string, TaskRecord[]>();
  readonly alerts = new Map<string, AlertRecord[]>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly sequences = new Map<string, number>();

  async getCase(caseNo: string) {
    const c = this.cases.get(caseNo);
    return c && structuredClone(c);
  }

  async getTasks(caseNo: string) {
    return structuredClone(this.tasks.get(caseNo) ?? []);
  }

  /** What the state machine does when it reaches a human task. */
  addTask(task: TaskRecord) {
    this.tasks.set(task.caseNo, [...(this.tasks.get(task.caseNo) ?? []), task]);
  }

  async commit(
    before: Pick<CaseRecord, 'caseNo' | 'version'>,
    after: CaseRecord,
    events: CaseEvent[],
    closedTasks: string[],
    alerts: AlertRecord[] = [],
  ) {
    const current = this.cases.get(before.caseNo);
    const known = this.events.get(before.caseNo) ?? [];
    if (current?.version !== before.version || events.some((e) => known.some((k) => k.seq === e.seq))) {
      throw new ConflictError('case moved');
    }
    this.cases.set(after.caseNo, structuredClone(after));
    this.events.set(after.caseNo, [...known, ...structuredClone(events)]);
    this.tasks.set(
      after.caseNo,
      (this.tasks.get(after.caseNo) ?? []).filter((t) => !closedTasks.includes(t.id)),
    );
    this.alerts.set(after.caseNo, [...(this.alerts.get(after.caseNo) ?? []), ...structuredClone(alerts)]);
  }

  async nextDailySequence(date: string) {
    const n = (this.sequences.get(date) ?? 0) + 1;
    this.sequences.set(date, n);
    return n;
  }

  async createCase(
    record: CaseRecord,
    event: CaseEvent,
    idem: { sub: string; key: string; requestHash: string; expiresAt: number },
  ): Promise<'created' | 'duplicate'> {
    const idemKey = `${idem.sub}#${idem.key}`;
    if (this.idempotency.has(idemKey)) return 'duplicate';
    if (this.cases.has(record.caseNo)) throw new ConflictError('case number taken');
    this.cases.set(record.caseNo, structuredClone(record));
    this.events.set(record.caseNo, [structuredClone(event)]);
    this.idempotency.set(idemKey, { caseNo: record.caseNo, requestHash: idem.requestHash });
    return 'created';
  }

  async getIdempotency(sub: string, key: string) {
    return this.idempotency.get(`${sub}#${key}`);
  }
}
