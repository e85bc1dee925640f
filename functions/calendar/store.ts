/**
 * The platform's calendar table (`CALENDAR_TABLE`): the official years operators loaded, and one
 * record per load with what its recomputation did.
 *
 *   CALENDAR / CURRENT    { revision, years: { <yyyy>: StoredYear } }   what every hall's functions read
 *   LOAD / <revision:6>   LoadRecord                                   one load, its job and its report
 *
 * A load writes both in one transaction, conditional on the revision it read, so two operators
 * loading at once give one winner. infra/config/calendar-overrides.json stays the seed: a stored
 * year replaces the file's entry for that year (functions/lib/calendar.ts).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OfficialSchedule, WorkingDayChange } from '#domain/calendar.ts';

/** A loaded year as stored: its days (expanded) and where they come from. */
export interface StoredYear {
  /** The notice's title (国务院办公厅关于…的通知). */
  source: string;
  holidays: string[];
  workdays: string[];
  /** The load that put it there. */
  revision: number;
  loadedAt: string;
}

export interface CalendarState {
  /** 0 before the first load. */
  revision: number;
  years: Record<string, StoredYear>;
}

/** What the recomputation did in one hall (functions/cases/recompute.ts). */
export interface HallOutcome {
  hallId: string;
  /** Cases with deadlines or timers that were looked at. */
  checked: number;
  /** Cases whose deadlines, yellow instants or timers were rewritten. */
  moved: number;
  /** Cases already recomputed for this revision (a retried job). */
  skipped: number;
  /** Cases that kept changing under us and were left to their next action. */
  conflicts: number;
  /** Set when the hall's job failed (after retries): a new submission of the same schedule resumes it. */
  error?: string;
}

export type LoadStatus = 'running' | 'done' | 'failed';

export interface LoadRecord extends OfficialSchedule {
  revision: number;
  source: string;
  /** The official years before this load: what the job compares clock-stopped cases with. */
  base: Record<string, StoredYear>;
  /** The dates of the year whose working-day status this load changed (vs. before). */
  changes: WorkingDayChange[];
  by: { sub: string; name: string };
  at: string;
  status: LoadStatus;
  /** 1, 2, …: a failed job is started again by submitting the same schedule. */
  attempt: number;
  /** The Step Functions execution of the current attempt, once started. */
  execution?: string;
  startedAt?: string;
  halls?: HallOutcome[];
  /** Cases moved in all halls. */
  moved?: number;
  finishedAt?: string;
  error?: string;
}

export class CalendarConflictError extends Error {}

const CURRENT = { pk: 'CALENDAR', sk: 'CURRENT' };
const loadKey = (revision: number) => ({ pk: 'LOAD', sk: String(revision).padStart(6, '0') });

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _p, sk: _s, ...rest } = item;
  return rest as T;
};

export async function readState(doc: DynamoDBDocumentClient, table: string): Promise<CalendarState> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: CURRENT, ConsistentRead: true }));
  return out.Item ? strip<CalendarState>(out.Item) : { revision: 0, years: {} };
}

/** The new state and its load record, all or nothing; CalendarConflictError if `before` is stale. */
export async function beginLoad(
  doc: DynamoDBDocumentClient,
  table: string,
  before: CalendarState,
  after: CalendarState,
  load: LoadRecord,
): Promise<void> {
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...CURRENT, ...after },
              ...(before.revision === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'revision = :r',
                    ExpressionAttributeValues: { ':r': before.revision },
                  }),
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...loadKey(load.revision), ...load },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw new CalendarConflictError('calendar moved');
    throw err;
  }
}

export async function getLoad(
  doc: DynamoDBDocumentClient,
  table: string,
  revision: number,
): Promise<LoadRecord | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: loadKey(revision), ConsistentRead: true }),
  );
  return out.Item ? strip<LoadRecord>(out.Item) : undefined;
}

/** The newest loads first. */
export async function listLoads(
  doc: DynamoDBDocumentClient,
  table: string,
  limit: number,
): Promise<LoadRecord[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': 'LOAD' },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => strip<LoadRecord>(i));
}

const isConditionFailure = (err: unknown) =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Attempt `attempt` of a load's job begins (or its execution is recorded): only from the attempt
 * before it, so two submissions cannot both start one. False when someone else did.
 */
export async function startAttempt(
  doc: DynamoDBDocumentClient,
  table: string,
  load: Pick<LoadRecord, 'revision' | 'attempt'>,
  next: { attempt: number; execution: string; at: string },
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: loadKey(load.revision),
        UpdateExpression:
          'SET #s = :running, attempt = :next, execution = :e, startedAt = :t REMOVE halls, moved, finishedAt, #err',
        ConditionExpression: 'attempt = :a',
        ExpressionAttributeNames: { '#s': 'status', '#err': 'error' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':next': next.attempt,
          ':e': next.execution,
          ':t': next.at,
          ':a': load.attempt,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The job's outcome, once per attempt: undefined when this attempt was already finished (a retry). */
export async function finishLoad(
  doc: DynamoDBDocumentClient,
  table: string,
  revision: number,
  attempt: number,
  outcome: Pick<LoadRecord, 'status' | 'halls' | 'moved' | 'finishedAt' | 'error'>,
): Promise<LoadRecord | undefined> {
  const values: Record<string, unknown> = {
    ':s': outcome.status,
    ':h': outcome.halls ?? [],
    ':m': outcome.moved ?? 0,
    ':f': outcome.finishedAt,
    ':a': attempt,
    ':running': 'running',
  };
  if (outcome.error) values[':err'] = outcome.error;
  try {
    const out = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: loadKey(revision),
        UpdateExpression: `SET #s = :s, halls = :h, moved = :m, finishedAt = :f${outcome.error ? ', #err = :err' : ''}`,
        ConditionExpression: '#s = :running AND attempt = :a',
        ExpressionAttributeNames: { '#s': 'status', ...(outcome.error ? { '#err': 'error' } : {}) },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? strip<LoadRecord>(out.Attributes) : undefined;
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}
