/**
 * The cases table of one hall (key schema: infra/resources.ts). Every state change is one
 * transaction: the case put under a version check, its new events, and its task and alert items,
 * so concurrent actions give one winner and nothing is half-written.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseMaterials } from '#domain/materials.ts';
import {
  type CaseState,
  type DeadlineKey,
  type Deadlines,
  type Task,
  type Timer,
  type TimerKey,
  trackOf,
} from '#domain/process.ts';
import type { AlertView } from '#domain/views.ts';
import type { CaseStatus } from '#domain/vocabulary.ts';
import { alertIndexKeys } from '#functions/supervision/keys.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';
import { decodeCursor, encodeCursor } from '#lib/cursor.ts';
import type { CaseEvent } from './model.ts';
import { BusyError, type CaseStore, ConflictError } from './ports.ts';

const table = () => env('CASES_TABLE');

export interface Person {
  sub: string;
  name: string;
  phone?: string;
  /** An enterprise's case: its Unified Social Credit Code and name (filed by a person acting for it). */
  uscc?: string;
  enterprise?: string;
}

export interface CaseRecord extends CaseState {
  caseNo: string;
  hallId: string;
  itemCode: string;
  itemName: string;
  deptName: string;
  legalDays: number;
  caseKind: string;
  /** Always `statusOf(state)`, stored so lists and stream consumers need not derive it. */
  status: CaseStatus;
  applicant: Person;
  /** The agent (代办员) who filed for the applicant, if any. */
  agent?: Person;
  form: Record<string, unknown>;
  /** Its materials: the draft holding the files, the slots as checked at filing, what is owed (容缺). */
  materials?: CaseMaterials;
  version: number;
  eventCount: number;
  lastHash: string;
  queryCode: string;
  deadlines: Deadlines;
  timers: Partial<Record<TimerKey, Timer>>;
  /** Set when a deadline could not be computed (e.g. the calendar does not know next year yet). */
  supervisionError?: string;
}

/** An open task of a case: what a staff queue lists and where the state machine's token waits. */
export interface TaskRecord extends Task {
  caseNo: string;
  token: string;
  since: string;
  itemName: string;
  applicantName: string;
  /**
   * The deadline the task answers to, as it stood when the task began (`taskDeadline` of the case):
   * it orders the post's queue. (Tasks stored before it existed keep their old index key
   * `<since>#<caseNo>`, which sorts among the deadlines by when they began, until answered.)
   */
  deadline?: string;
}

/** An alert as stored: the same shape as the view, with UTC instants. */
export type AlertRecord = AlertView;

const isBusy = (err: unknown) =>
  err instanceof TransactionCanceledException &&
  (err.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
  !(err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

const caseKey = (caseNo: string) => ({ pk: `CASE#${caseNo}`, sk: 'CASE' });
const eventKey = (caseNo: string, seq: number) => ({
  pk: `CASE#${caseNo}`,
  sk: `EVT#${String(seq).padStart(4, '0')}`,
});
const taskKey = (caseNo: string, taskId: string) => ({ pk: `CASE#${caseNo}`, sk: `TASK#${taskId}` });
export const alertKey = (caseNo: string, alertId: string) => ({
  pk: `CASE#${caseNo}`,
  sk: `ALERT#${alertId}`,
});
export const queueKey = (deptCode: string, post: string) => `QUEUE#${deptCode}#${post}`;
const applicantKey = (sub: string) => `APPLICANT#${sub}`;

/** Which deadline a task answers to: its step's, else the deemed-acceptance instant, else the case's. */
export function taskDeadlineKey(
  d: Partial<Deadlines> | undefined,
  task?: Pick<Task, 'stepId'>,
): DeadlineKey | undefined {
  const keys = task && trackOf(task) === 'rectification' ? RECTIFICATION_DEADLINES : CASE_DEADLINES;
  return keys.find((k) => d?.[k]);
}
const CASE_DEADLINES = ['step', 'deemAccept', 'case'] as const;
const RECTIFICATION_DEADLINES = ['visit', 'rectify'] as const;
export const taskDeadline = (
  d: Partial<Deadlines> | undefined,
  task?: Pick<Task, 'stepId'>,
): string | undefined => {
  const key = taskDeadlineKey(d, task);
  return key && d?.[key];
};

/** Sorts after every instant: tasks without a deadline come last in their queue. */
export const NO_DEADLINE = '9999';

/**
 * A task's place in its post's queue (byQueue sort key): the most urgent deadline first, those
 * without one last; then who waits longest, then the case number, for a stable order.
 */
export const queueSortKey = (t: Pick<TaskRecord, 'deadline' | 'since' | 'caseNo'>) =>
  `${t.deadline ?? NO_DEADLINE}#${t.since}#${t.caseNo}`;

const strip = <T>(item: Record<string, unknown>): T => {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    ...rest
  } = item;
  return rest as T;
};

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof TransactionCanceledException &&
    (err.CancellationReasons ?? []).some(
      (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
    )
  );
}

export async function nextDailySequence(date: string): Promise<number> {
  const out = await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `SEQ#${date}`, sk: 'SEQ' },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return out.Attributes?.n as number;
}

export interface IdempotencyRecord {
  caseNo: string;
  requestHash: string;
}

export async function getIdempotency(sub: string, key: string): Promise<IdempotencyRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: { pk: `IDEM#${sub}#${key}`, sk: 'IDEM' } }),
  );
  return out.Item as IdempotencyRecord | undefined;
}

const caseItem = (record: CaseRecord) => ({
  ...caseKey(record.caseNo),
  ...record,
  gsi1pk: applicantKey(record.applicant.sub),
  gsi1sk: record.filedAt,
  // A rating under appeal (评价申诉) is listed for the hall's supervisors (functions/supervision/appeals.ts).
  ...(record.rating?.appeal && {
    gsi2pk: appealsPartition(record.rating.appeal.status === 'pending' ? 'pending' : 'decided'),
    gsi2sk: `${record.rating.appeal.decision?.at ?? record.rating.appeal.at}#${record.caseNo}`,
  }),
});

/** The byQueue partitions of rating appeals: waiting for a supervisor, or decided (newest first). */
export const appealsPartition = (state: 'pending' | 'decided') => `APPEALS#${state}`;

/** The case, its first event and the idempotency record, all or nothing. */
export async function createCase(
  record: CaseRecord,
  event: CaseEvent,
  idem: { sub: string; key: string; requestHash: string; expiresAt: number },
): Promise<'created' | 'duplicate'> {
  const items: TransactWriteCommandInput['TransactItems'] = [
    { Put: { TableName: table(), Item: caseItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: table(),
        Item: { ...eventKey(record.caseNo, event.seq), caseNo: record.caseNo, ...event },
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { pk: `IDEM#${idem.sub}#${idem.key}`, sk: 'IDEM', ...idem, caseNo: record.caseNo },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  // An agent's filing also shows in the agent's own list.
  if (record.agent) {
    items.push({
      Put: {
        TableName: table(),
        Item: {
          pk: `CASE#${record.caseNo}`,
          sk: 'AGENT',
          caseNo: record.caseNo,
          gsi1pk: applicantKey(record.agent.sub),
          gsi1sk: record.filedAt,
        },
      },
    });
  }
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    return 'created';
  } catch (err) {
    if (
      err instanceof TransactionCanceledException &&
      err.CancellationReasons?.[2]?.Code === 'ConditionalCheckFailed'
    ) {
      return 'duplicate';
    }
    throw err;
  }
}

export async function getCase(caseNo: string): Promise<CaseRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: caseKey(caseNo), ConsistentRead: true }),
  );
  return out.Item ? strip<CaseRecord>(out.Item) : undefined;
}

const caseItems = (caseNo: string, prefix: string) =>
  queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': `CASE#${caseNo}`, ':p': prefix },
    ConsistentRead: true,
  });

export async function getEvents(caseNo: string): Promise<CaseEvent[]> {
  return (await caseItems(caseNo, 'EVT#')).map((item) => {
    const { caseNo: _c, ...event } = strip<CaseEvent & { caseNo: string }>(item);
    return event;
  });
}

/**
 * The case and its events in one Query: their sort keys are `CASE` and `EVT#…`, and nothing else
 * of a case sorts between them (AGENT, ALERT# before; SMS#, TASK# after).
 */
export async function getCaseWithEvents(
  caseNo: string,
): Promise<{ record: CaseRecord; events: CaseEvent[] } | undefined> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :case AND :events',
    ExpressionAttributeValues: { ':pk': `CASE#${caseNo}`, ':case': 'CASE', ':events': 'EVT$' },
    ConsistentRead: true,
  });
  if (items[0]?.sk !== 'CASE') return undefined;
  const events = items.slice(1).map((item) => {
    const { caseNo: _c, ...event } = strip<CaseEvent & { caseNo: string }>(item);
    return event;
  });
  return { record: strip<CaseRecord>(items[0]), events };
}

export async function getTasks(caseNo: string): Promise<TaskRecord[]> {
  return (await caseItems(caseNo, 'TASK#')).map((i) => strip<TaskRecord>(i));
}

export async function getAlerts(caseNo: string): Promise<AlertRecord[]> {
  return (await caseItems(caseNo, 'ALERT#')).map((i) => strip<AlertRecord>(i));
}

// Its places in the indexes follow its status, level, department and deadline (supervision/keys.ts).
const alertItem = (a: AlertRecord) => ({
  ...alertKey(a.caseNo, a.alertId),
  ...a,
  ...alertIndexKeys(a),
});

/**
 * One state change: the case replaces `before` (same version) with `after`, the events are appended,
 * answered tasks disappear and new alerts (findings) are stored. Throws ConflictError when someone
 * else changed the case first.
 */
export async function commit(
  before: Pick<CaseRecord, 'caseNo' | 'version'>,
  after: CaseRecord,
  events: CaseEvent[],
  closedTasks: string[],
  alerts: AlertRecord[] = [],
): Promise<void> {
  const items: TransactWriteCommandInput['TransactItems'] = [
    {
      Put: {
        TableName: table(),
        Item: caseItem(after),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': before.version },
      },
    },
    ...events.map((e) => ({
      Put: {
        TableName: table(),
        Item: { ...eventKey(after.caseNo, e.seq), caseNo: after.caseNo, ...e },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    ...closedTasks.map((id) => ({ Delete: { TableName: table(), Key: taskKey(after.caseNo, id) } })),
    ...alerts.map((a) => ({
      Put: { TableName: table(), Item: alertItem(a), ConditionExpression: 'attribute_not_exists(pk)' },
    })),
  ];
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (isBusy(err)) throw new BusyError('transaction conflict');
    if (isConditionFailure(err)) throw new ConflictError('case moved');
    throw err;
  }
}

/**
 * The state machine reached a human task: keep its token, and list it in the post's queue — but
 * only if the case (at the version read) still waits on that task.
 */
export async function storeTask(caseVersion: number, task: TaskRecord): Promise<void> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table(),
              Key: caseKey(task.caseNo),
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': caseVersion },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: {
                ...taskKey(task.caseNo, task.id),
                ...task,
                ...(task.kind === 'staff' && task.dept
                  ? { gsi2pk: queueKey(task.dept, task.post), gsi2sk: queueSortKey(task) }
                  : {}),
              },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) throw new ConflictError('case moved');
    throw err;
  }
}

const INDEX_KEYS = {
  byApplicant: { partition: 'gsi1pk', keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] },
  byQueue: { partition: 'gsi2pk', keys: ['pk', 'sk', 'gsi2pk', 'gsi2sk'] },
} as const;

/** An item's key in an index: what DynamoDB's LastEvaluatedKey would be after it. */
const indexKeyOf = (index: keyof typeof INDEX_KEYS, item: Record<string, unknown>) =>
  Object.fromEntries(INDEX_KEYS[index].keys.map((k) => [k, item[k]]));

interface IndexPage {
  items: Record<string, unknown>[];
  /** There are items after these (read one more than asked to know it). */
  more: boolean;
}

/**
 * One page of an index partition (the two indexes: byApplicant on gsi1, byQueue on gsi2), after
 * `cursor` (a cursor of this very partition: anything else is 400 BAD_CURSOR, see #lib/cursor.ts).
 */
async function queryPage(
  index: keyof typeof INDEX_KEYS,
  partition: string,
  opts: { limit: number; newestFirst?: boolean; cursor?: string },
): Promise<IndexPage> {
  const { partition: attribute, keys } = INDEX_KEYS[index];
  const start = decodeCursor(opts.cursor, { keys, partition: [attribute, partition] });
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: index,
      KeyConditionExpression: `${attribute} = :p`,
      ExpressionAttributeValues: { ':p': partition },
      ScanIndexForward: !opts.newestFirst,
      Limit: opts.limit + 1,
      ExclusiveStartKey: start,
    }),
  );
  const items = out.Items ?? [];
  // Fewer than asked and a LastEvaluatedKey happens only at DynamoDB's 1 MB page: more may follow.
  return {
    items: items.slice(0, opts.limit),
    more: items.length > opts.limit || !!out.LastEvaluatedKey,
  };
}

/** A task as a queue lists it, with its place and the cursor that resumes right after it. */
export interface QueueEntry {
  task: TaskRecord;
  sortKey: string;
  after: string;
}

/**
 * One page of a post's queue, most urgent first (the index is ordered by deadline); `more` says
 * whether tasks follow the last one. `cursor` is an `after` of this queue.
 */
export async function listQueue(
  queue: string,
  opts: { limit: number; cursor?: string },
): Promise<{ entries: QueueEntry[]; more: boolean }> {
  const page = await queryPage('byQueue', queue, opts);
  return {
    entries: page.items.map((item) => ({
      task: strip<TaskRecord>(item),
      sortKey: item.gsi2sk as string,
      after: encodeCursor(indexKeyOf('byQueue', item))!,
    })),
    more: page.more,
  };
}

export async function getCases(caseNos: string[]): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  const unique = [...new Set(caseNos)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map(caseKey);
    while (keys.length) {
      const page = await dynamo.send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
      out.push(...(page.Responses?.[table()] ?? []).map((item) => strip<CaseRecord>(item)));
      keys = (page.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return out;
}

/**
 * One page of a person's cases (as applicant or as agent), newest first: their numbers, and the
 * cursor of the next page when there is one.
 */
export async function listMine(
  sub: string,
  opts: { limit: number; cursor?: string },
): Promise<{ caseNos: string[]; cursor?: string }> {
  const page = await queryPage('byApplicant', applicantKey(sub), { ...opts, newestFirst: true });
  const last = page.items.at(-1);
  return {
    caseNos: page.items.map((i) => i.caseNo as string),
    cursor: page.more && last ? encodeCursor(indexKeyOf('byApplicant', last)) : undefined,
  };
}

/** Store an alert once (its id makes it idempotent); false if it already existed. */
export async function putAlert(alert: AlertRecord): Promise<boolean> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: alertItem(alert),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

export async function getAlert(caseNo: string, alertId: string): Promise<AlertRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: alertKey(caseNo, alertId), ConsistentRead: true }),
  );
  return out.Item ? strip<AlertRecord>(out.Item) : undefined;
}

/** Urge or reply on an alert, conditional on the status it was read in. */
export async function updateAlert(alert: AlertRecord, expectedStatus: AlertRecord['status']): Promise<void> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: alertItem(alert),
              ConditionExpression: '#s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': expectedStatus },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) throw new ConflictError('alert moved');
    throw err;
  }
}

/** The CaseStore port on this hall's DynamoDB table. */
export const caseStore: CaseStore = {
  getCase,
  getTasks,
  commit,
  nextDailySequence,
  createCase,
  getIdempotency,
};
