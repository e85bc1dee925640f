/**
 * The stream poller against DynamoDB Local (needs Java 17+): one reader per table for all its
 * consumers, woken by writes through the front, each consumer with its own place and retries,
 * batches that keep failing dead-lettered with their records, and replayed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, type LocalDynamo, localCredentials, startDynamo } from '../src/dynamodb.ts';
import { waitFor } from '../src/ports.ts';
import { type LambdaStreamRecord, type StreamMapping, StreamPoller } from '../src/streams.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-cloud-streams-test-'));
let dynamo: LocalDynamo;
let direct: DynamoDBClient;
let front: DynamoDBClient;
/** Stream calls by operation, as DynamoDB Local sees them. */
const calls = new Map<string, number>();
let streams: DynamoDBStreamsClient;
const pollers: StreamPoller[] = [];
const unsubscribe: (() => void)[] = [];

const table = (name: string) => ({
  name,
  spec: { partitionKey: { name: 'pk', type: 'S' as const }, stream: true },
});

beforeAll(async () => {
  dynamo = await startDynamo({});
  const sdk = { region: 'cn-north-1', credentials: localCredentials };
  direct = new DynamoDBClient({ ...sdk, endpoint: dynamo.directEndpoint });
  front = new DynamoDBClient({ ...sdk, endpoint: dynamo.endpoint });
  streams = new DynamoDBStreamsClient({ ...sdk, endpoint: dynamo.directEndpoint });
  streams.middlewareStack.add(
    (next, context) => (args) => {
      calls.set(context.commandName!, (calls.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  await ensureTables(direct, ['one', 'two', 'dead', 'bisect', 'replay', 'restart'].map(table));
});

afterEach(async () => {
  for (const p of pollers.splice(0)) await p.stop();
  for (const u of unsubscribe.splice(0)) u();
});

afterAll(async () => {
  for (const c of [direct, front, streams]) c.destroy();
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const put = (client: DynamoDBClient, tableName: string, pk: string) =>
  client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk } } }));

const keyOf = (r: unknown) => (r as LambdaStreamRecord).dynamodb.Keys as { pk: { S: string } };

/** A poller woken by the front's writes, as the local cloud wires it; idle reads only after an hour. */
function poller(mappings: StreamMapping[], opts: ConstructorParameters<typeof StreamPoller>[2] = {}) {
  const p = new StreamPoller(direct, streams, { idleMs: 3_600_000, retryDelayMs: 1, ...opts });
  unsubscribe.push(dynamo.onWrite((tables) => p.written(tables)));
  p.start(mappings);
  pollers.push(p);
  return p;
}

const until = (check: () => boolean, what: string) => waitFor(async () => check(), what, 30_000);

describe('the stream poller', () => {
  it('reads each table once for all its consumers, woken by writes through the front', async () => {
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    const consumer = (id: string, tableName: string): StreamMapping => ({
      id,
      table: tableName,
      invoke: async (event) => {
        for (const r of event.Records) seen[id].push(keyOf(r).pk.S);
      },
    });
    poller([consumer('a', 'one'), consumer('b', 'one'), consumer('c', 'two')]);
    // Nothing is idle-polled for an hour: each delivery below comes from a write's wake-up.
    for (let i = 1; i <= 5; i++) {
      await put(front, 'one', `x${i}`);
      await until(() => seen.a.length === i && seen.b.length === i, `record ${i} on one`);
    }
    // A transaction wakes every table it wrote (filings and case actions are transactions).
    await front.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'one', Item: { pk: { S: 'x6' } } } },
          { Put: { TableName: 'two', Item: { pk: { S: 'y1' } } } },
        ],
      }),
    );
    await until(
      () => seen.a.length === 6 && seen.b.length === 6 && seen.c.length === 1,
      'the transaction on one and two',
    );
    expect(seen.a).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    expect(seen.b).toEqual(seen.a);
    expect(seen.c).toEqual(['y1']);
    // One reader per table, not per consumer: 6 writes took at most a couple of reads each, and the
    // shards were looked up once per table (not on every read).
    expect(calls.get('GetRecordsCommand') ?? 0).toBeLessThanOrEqual(6 * 3 + 2);
    expect(calls.get('DescribeStreamCommand') ?? 0).toBeLessThanOrEqual(2 * 2);
  });

  it('dead-letters a batch that keeps failing, with its records, and the consumer moves on', async () => {
    const deadDir = join(dir, 'dead');
    const attempts: Record<string, number> = {};
    const good: string[] = [];
    const other: string[] = [];
    const p = poller(
      [
        {
          id: 'sms',
          table: 'dead',
          functionArn: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:sms',
          maximumRetryAttempts: 2,
          invoke: async (event) => {
            const failed = event.Records.find((r) => keyOf(r).pk.S === 'poison') as LambdaStreamRecord;
            for (const r of event.Records) {
              const pk = keyOf(r).pk.S;
              attempts[pk] = (attempts[pk] ?? 0) + 1;
              if (pk === 'poison') break;
              good.push(pk);
            }
            return failed ? { batchItemFailures: [{ itemIdentifier: failed.dynamodb.SequenceNumber }] } : {};
          },
        },
        {
          id: 'timers',
          table: 'dead',
          invoke: async (event) => {
            for (const r of event.Records) other.push(keyOf(r).pk.S);
          },
        },
      ],
      { deadLetterDir: deadDir },
    );
    await put(front, 'dead', 'before');
    await put(front, 'dead', 'poison');
    await until(() => p.deadLetters().length === 1, 'a dead letter');
    await put(front, 'dead', 'after');
    await until(() => good.includes('after') && other.length === 3, 'the records after the dead letter');
    // 1 invocation + 2 retries, then dead-lettered: AWS's on-failure record plus the records.
    expect(attempts.poison).toBe(3);
    expect(other).toEqual(['before', 'poison', 'after']);
    const [letter] = p.deadLetters();
    expect(letter).toMatchObject({
      consumer: 'sms',
      table: 'dead',
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        functionArn: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:sms',
      },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: expect.stringContaining('table/dead/stream') },
    });
    expect(letter.records.map((r) => keyOf(r).pk.S)).toEqual(['poison']);
    expect(letter.DDBStreamBatchInfo.startSequenceNumber).toBe(letter.records[0].dynamodb.SequenceNumber);
    // Kept on disk, so a restart still has it.
    const files = readdirSync(deadDir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(deadDir, files[0]), 'utf8')).records).toHaveLength(1);
    await p.stop();
    const again = new StreamPoller(direct, streams, { deadLetterDir: deadDir });
    expect(again.deadLetters().map((l) => l.id)).toEqual([letter.id]);
  });

  it('splits a failing batch until the bad record is alone, and only it is dead-lettered', async () => {
    // Written straight to DynamoDB Local (no wake-up), so one read finds them all: one batch.
    for (const pk of ['r1', 'r2', 'bad', 'r4', 'r5']) await put(direct, 'bisect', pk);
    const done: string[] = [];
    const p = poller([
      {
        id: 'bisect',
        table: 'bisect',
        maximumRetryAttempts: 1,
        bisectBatchOnFunctionError: true,
        invoke: async (event) => {
          const keys = event.Records.map((r) => keyOf(r).pk.S);
          if (keys.includes('bad')) throw new Error('boom');
          done.push(...keys);
        },
      },
    ]);
    await until(() => p.deadLetters().length === 1 && done.length === 4, 'the split batch');
    expect(done).toEqual(['r1', 'r2', 'r4', 'r5']);
    const [letter] = p.deadLetters();
    expect(letter.records.map((r) => keyOf(r).pk.S)).toEqual(['bad']);
    expect(letter.responseContext.functionError).toBe('Unhandled');
    expect(letter.error).toBe('boom');
  });

  it('replays dead letters to their consumer as the stream delivered them, once', async () => {
    let broken = true;
    const events: { Records: unknown[] }[] = [];
    const p = poller([
      {
        id: 'replay',
        table: 'replay',
        maximumRetryAttempts: 0,
        invoke: async (event) => {
          events.push(event);
          if (broken) throw new Error('SMS gateway down');
        },
      },
    ]);
    await put(front, 'replay', 'r1');
    await until(() => p.deadLetters().length === 1, 'a dead letter');
    const delivered = events[0].Records;
    expect(await p.replay({ consumer: 'someone-else' })).toEqual([]);
    // Still failing: it stays, whole.
    expect(await p.replay()).toMatchObject([
      { consumer: 'replay', delivered: 0, remaining: 1, error: 'SMS gateway down' },
    ]);
    expect(p.deadLetters()).toHaveLength(1);
    broken = false;
    const [outcome] = await p.replay();
    expect(outcome).toMatchObject({ consumer: 'replay', delivered: 1, remaining: 0 });
    expect(outcome.error).toBeUndefined();
    expect(events.at(-1)!.Records).toEqual(delivered);
    expect(p.deadLetters()).toEqual([]);
    expect(await p.replay()).toEqual([]);
  });

  it('keeps each consumer’s place across a restart: nothing lost, nothing repeated', async () => {
    const checkpointFile = join(dir, 'checkpoints.json');
    const seen: string[] = [];
    const mapping: StreamMapping = {
      id: 'restart',
      table: 'restart',
      invoke: async (event) => {
        for (const r of event.Records) seen.push(keyOf(r).pk.S);
      },
    };
    const first = poller([mapping], { checkpointFile });
    await put(front, 'restart', 'k1');
    await until(() => seen.length === 1, 'k1');
    await first.stop();
    // Written while no poller runs; the next one starts from the checkpoint.
    await put(direct, 'restart', 'k2');
    poller([mapping], { checkpointFile });
    await until(() => seen.length >= 2, 'k2');
    expect(seen).toEqual(['k1', 'k2']);
  });
});
