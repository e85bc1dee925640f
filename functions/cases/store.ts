/**
 * The cases table of one hall (key schema: infra/resources.ts). Every state change is one
 * transaction: the case's version check plus its new event, so concurrent actions give one winner.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, env } from '#lib/aws.ts';
import type { CaseEvent, CaseStatus } from './model.ts';
import type { StepId } from './steps.ts';

const table = () => env('CASES_TABLE');

export interface Applicant {
  sub: string;
  name: string;
  phone?: string;
}

export interface CaseRecord {
  caseNo: string;
  hallId: string;
  itemCode: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  applicant: Applicant;
  form: Record<string, unknown>;
  status: CaseStatus;
  step: StepId | null;
  version: number;
  eventCount: number;
  lastHash: string;
  queryCode: string;
  filedAt: string;
  pendingTask?: { step: StepId; token: string; since: string };
}

export class ConflictError extends Error {}

const caseKey = (caseNo: string) => ({ pk: `CASE#${caseNo}`, sk: 'CASE' });
const eventKey = (caseNo: string, seq: number) => ({
  pk: `CASE#${caseNo}`,
  sk: `EVT#${String(seq).padStart(4, '0')}`,
});
export const queueKey = (deptCode: string, post: string) => `QUEUE#${deptCode}#${post}`;

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

/** The case, its first event and the idempotency record, all or nothing. */
export async function createCase(
  record: CaseRecord,
  event: CaseEvent,
  idem: { sub: string; key: string; requestHash: string; expiresAt: number },
): Promise<'created' | 'duplicate'> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: {
                ...caseKey(record.caseNo),
                ...record,
                gsi1pk: `APPLICANT#${record.applicant.sub}`,
                gsi1sk: record.filedAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...eventKey(record.caseNo, event.seq), caseNo: record.caseNo, ...event },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: {
                pk: `IDEM#${idem.sub}#${idem.key}`,
                sk: 'IDEM',
                caseNo: record.caseNo,
                requestHash: idem.requestHash,
                expiresAt: idem.expiresAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return 'created';
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      if (reasons[2]?.Code === 'ConditionalCheckFailed') return 'duplicate';
    }
    throw err;
  }
}

export async function getCase(caseNo: string): Promise<CaseRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: caseKey(caseNo), ConsistentRead: true }),
  );
  return out.Item as CaseRecord | undefined;
}

export async function getEvents(caseNo: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseNo}`, ':evt': 'EVT#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, caseNo: _c, ...event } = item;
      events.push(event as CaseEvent);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return events;
}

/**
 * Moves a case from `expected` (version and step) to its next state and appends the event.
 * Throws ConflictError when someone else moved it first.
 */
export async function transition(
  current: Pick<CaseRecord, 'caseNo' | 'version' | 'step'>,
  next: { status: CaseStatus; step: StepId | null },
  event: CaseEvent,
): Promise<void> {
  const set = ['#status = :status', 'version = :next', 'eventCount = :seq', 'lastHash = :hash'];
  const values: Record<string, unknown> = {
    ':status': next.status,
    ':next': current.version + 1,
    ':seq': event.seq,
    ':hash': event.hash,
    ':version': current.version,
    ':step': current.step,
  };
  if (next.step) {
    set.push('#step = :newStep');
    values[':newStep'] = next.step;
  } else set.push('#step = :null');
  if (!next.step) values[':null'] = null;
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: caseKey(current.caseNo),
              UpdateExpression: `SET ${set.join(', ')} REMOVE pendingTask, gsi2pk, gsi2sk`,
              ConditionExpression: 'version = :version AND #step = :step',
              ExpressionAttributeNames: { '#status': 'status', '#step': 'step' },
              ExpressionAttributeValues: values,
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...eventKey(current.caseNo, event.seq), caseNo: current.caseNo, ...event },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw new ConflictError('case moved');
    throw err;
  }
}

/** The state machine reached a human step: keep its token with the case and put it in the post's queue. */
export async function storeTaskToken(
  caseNo: string,
  step: StepId,
  token: string,
  queue: string,
  since: string,
) {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: caseKey(caseNo),
      UpdateExpression: 'SET pendingTask = :task, gsi2pk = :queue, gsi2sk = :sort',
      ConditionExpression: '#step = :step',
      ExpressionAttributeNames: { '#step': 'step' },
      ExpressionAttributeValues: {
        ':task': { step, token, since },
        ':queue': queue,
        ':sort': `${since}#${caseNo}`,
        ':step': step,
      },
    }),
  );
}

export async function listQueue(queue: string, limit = 50): Promise<CaseRecord[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byQueue',
      KeyConditionExpression: 'gsi2pk = :q',
      ExpressionAttributeValues: { ':q': queue },
      Limit: limit,
    }),
  );
  return (out.Items ?? []) as CaseRecord[];
}
