/** DynamoDB Local behind the checking front, and the stream poller (needs Java 17+, as DynamoDB Local does). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, type LocalDynamo, localCredentials, startDynamo } from '../src/dynamodb.ts';
import { AccessPolicy } from '../src/iam.ts';
import { arns } from '../src/names.ts';
import { StreamPoller } from '../src/streams.ts';

const A = arns();
const dir = mkdtempSync(join(tmpdir(), 'local-cloud-dynamo-test-'));
const policy = new AccessPolicy({
  'hall-x-reader': [
    {
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [A.table('cases'), `${A.table('cases')}/index/*`],
    },
  ],
  writer: [{ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [A.table('cases')] }],
});
let dynamo: LocalDynamo;
const clients: DynamoDBClient[] = [];
const client = (accessKeyId: string, endpoint = dynamo.endpoint) => {
  const c = new DynamoDBClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId, secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};
const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'CASE' }, gsi: { S: 'Q' }, m: { M: {} } });

beforeAll(async () => {
  dynamo = await startDynamo({ policy });
  await ensureTables(client(localCredentials.accessKeyId), [
    {
      name: 'cases',
      spec: {
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        indexes: { byQueue: { partitionKey: { name: 'gsi', type: 'S' } } },
        stream: true,
        ttlAttribute: 'expiresAt',
      },
    },
    { name: 'other', spec: { partitionKey: { name: 'pk', type: 'S' } } },
  ]);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DynamoDB Local behind the checking front', () => {
  it("lets the local cloud's own key do anything, and creates tables with their indexes and stream", async () => {
    const admin = client(localCredentials.accessKeyId);
    await admin.send(new PutItemCommand({ TableName: 'other', Item: { pk: { S: '1' } } }));
    const t = await admin.send(new DescribeTableCommand({ TableName: 'cases' }));
    expect(t.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byQueue']);
    expect(t.Table?.StreamSpecification).toMatchObject({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(dynamo.directEndpoint).not.toBe(dynamo.endpoint);
  });

  it('allows what a principal is granted, on the table and its indexes', async () => {
    await client('writer').send(new PutItemCommand({ TableName: 'cases', Item: item('A') }));
    const got = await client('hall-x-reader').send(
      new GetItemCommand({ TableName: 'cases', Key: { pk: { S: 'A' }, sk: { S: 'CASE' } } }),
    );
    expect(got.Item?.pk.S).toBe('A');
    const q = await client('hall-x-reader').send(
      new QueryCommand({
        TableName: 'cases',
        IndexName: 'byQueue',
        KeyConditionExpression: 'gsi = :q',
        ExpressionAttributeValues: { ':q': { S: 'Q' } },
      }),
    );
    expect(q.Count).toBeGreaterThanOrEqual(1);
  });

  it('refuses the rest with AccessDeniedException, and the write does not happen', async () => {
    const denied = await client('hall-x-reader')
      .send(new PutItemCommand({ TableName: 'cases', Item: item('B') }))
      .catch((e) => e);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata.httpStatusCode).toBe(400);
    expect(denied.message).toContain('is not authorized to perform: dynamodb:PutItem on resource: ');
    const other = await client('hall-x-reader')
      .send(new GetItemCommand({ TableName: 'other', Key: { pk: { S: '1' } } }))
      .catch((e) => e);
    expect(other.name).toBe('AccessDeniedException');
    // A transaction needs every item's grant: one item on an ungranted table fails it all.
    const tx = await client('writer')
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'cases', Item: item('C') } },
            { Put: { TableName: 'other', Item: { pk: { S: 'C' } } } },
          ],
        }),
      )
      .catch((e) => e);
    expect(tx.name).toBe('AccessDeniedException');
    const admin = client(localCredentials.accessKeyId);
    for (const pk of ['B', 'C'])
      expect(
        (
          await admin.send(
            new GetItemCommand({ TableName: 'cases', Key: { pk: { S: pk }, sk: { S: 'CASE' } } }),
          )
        ).Item,
      ).toBeUndefined();
  });
});

describe('the stream poller', () => {
  it('hands new and old images to each consumer in order, with empty maps intact, and checkpoints', async () => {
    const admin = client(localCredentials.accessKeyId, dynamo.directEndpoint);
    const streams = new DynamoDBStreamsClient({
      endpoint: dynamo.directEndpoint,
      region: 'cn-north-1',
      credentials: localCredentials,
    });
    const checkpoints = join(dir, 'checkpoints.json');
    const seen: { a: string[]; b: string[] } = { a: [], b: [] };
    let maps = 0;
    const poller = new StreamPoller(admin, streams, { checkpointFile: checkpoints });
    const consumer = (into: string[]) => async (event: { Records: unknown[] }) => {
      type Image = Record<string, { S?: string; M?: Record<string, unknown> }>;
      type StreamRecord = {
        eventName: string;
        eventSourceARN: string;
        dynamodb: { Keys: Image; NewImage?: Image; ApproximateCreationDateTime: unknown };
      };
      for (const r of event.Records as StreamRecord[]) {
        into.push(`${r.eventName}:${r.dynamodb.Keys.pk.S}`);
        if (r.dynamodb.NewImage?.m?.M && Object.keys(r.dynamodb.NewImage.m.M).length === 0) maps++;
        expect(r.eventSourceARN).toMatch(/stream/);
        expect(typeof r.dynamodb.ApproximateCreationDateTime).toBe('number');
      }
    };
    poller.start([
      { id: 'a', table: 'cases', invoke: consumer(seen.a) },
      { id: 'b', table: 'cases', invoke: consumer(seen.b) },
    ]);
    try {
      await admin.send(new PutItemCommand({ TableName: 'cases', Item: item('S1') }));
      await admin.send(new PutItemCommand({ TableName: 'cases', Item: { ...item('S1'), x: { S: '2' } } }));
      const until = Date.now() + 20_000;
      while ((seen.a.length < 3 || seen.b.length < 3) && Date.now() < until) {
        poller.nudge();
        await new Promise((r) => setTimeout(r, 100));
      }
      // Each consumer sees everything from the start (TRIM_HORIZON), in order.
      for (const s of [seen.a, seen.b]) expect(s.slice(-2)).toEqual(['INSERT:S1', 'MODIFY:S1']);
      expect(maps).toBeGreaterThan(0);
    } finally {
      await poller.stop();
      streams.destroy();
    }
    const saved = JSON.parse(readFileSync(checkpoints, 'utf8'));
    expect(
      Object.keys(saved)
        .map((k) => k.split(':')[0])
        .sort(),
    ).toEqual(['a', 'b']);
  });
});
