/**
 * DynamoDB Streams → Lambda, as the event source mapping does in AWS: poll each shard of a
 * table's stream, hand batches to the stream handler in order, retry a failed batch a few times,
 * and remember the last sequence number per shard (in `.data/`) so a restart neither loses nor
 * repeats records.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

export interface StreamMapping {
  /** The consumer (its function name): each keeps its own place in the stream. */
  id: string;
  table: string;
  invoke(event: { Records: unknown[] }): Promise<unknown>;
}

const IDLE_MS = 500;
const BUSY_MS = 50;
const MAX_ATTEMPTS = 3;

export class StreamPoller {
  private stopped = false;
  private readonly checkpoints: Record<string, string>;
  private readonly loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly checkpointFile?: string,
  ) {
    this.checkpoints =
      checkpointFile && existsSync(checkpointFile) ? JSON.parse(readFileSync(checkpointFile, 'utf8')) : {};
  }

  start(mappings: StreamMapping[]) {
    for (const m of mappings) this.loops.push(this.run(m));
  }

  /** Poll now instead of waiting for the idle interval (tests use it to shorten waits). */
  nudge() {
    for (const wake of [...this.sleepers]) wake();
  }

  async stop() {
    this.stopped = true;
    this.nudge();
    await Promise.allSettled(this.loops);
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async run(mapping: StreamMapping) {
    const table = await this.dynamo.send(new DescribeTableCommand({ TableName: mapping.table }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${mapping.table} has no stream`);
    const iterators = new Map<string, string | undefined>();
    while (!this.stopped) {
      let busy = false;
      try {
        // Shards close and new ones open over time; look again each round.
        const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of description.StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId!;
          if (!iterators.has(shardId))
            iterators.set(shardId, await this.iterator(streamArn, `${mapping.id}:${shardId}`, shardId));
        }
        for (const [shardId, iterator] of iterators) {
          if (!iterator || this.stopped) continue;
          let page: GetRecordsCommandOutput;
          try {
            page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          } catch (err) {
            // Iterators expire (15 min) and DynamoDB Local trims one taken from an empty shard once
            // records arrive; either way, take a fresh one from the checkpoint next round.
            const name = (err as Error).name;
            if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw err;
            iterators.delete(shardId);
            continue;
          }
          iterators.set(shardId, page.NextShardIterator);
          const records = page.Records ?? [];
          if (records.length === 0) continue;
          busy = true;
          await this.deliver(mapping, streamArn, records);
          this.checkpoint(`${mapping.id}:${shardId}`, records[records.length - 1].dynamodb!.SequenceNumber!);
        }
      } catch (err) {
        if (!this.stopped) console.error(`[streams ${mapping.table}]`, (err as Error).message);
      }
      await this.sleep(busy ? BUSY_MS : IDLE_MS);
    }
  }

  private async iterator(streamArn: string, checkpointKey: string, shardId: string) {
    const after = this.checkpoints[checkpointKey];
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  private async deliver(mapping: StreamMapping, streamArn: string, records: _Record[]) {
    // The shape Lambda receives: creation time in epoch seconds, the stream ARN as event source.
    const event = {
      Records: records.map((r) => ({
        ...r,
        eventSourceARN: streamArn,
        dynamodb: {
          ...r.dynamodb,
          Keys: repairImage(r.dynamodb?.Keys),
          NewImage: repairImage(r.dynamodb?.NewImage),
          OldImage: repairImage(r.dynamodb?.OldImage),
          ApproximateCreationDateTime: toSeconds(r.dynamodb?.ApproximateCreationDateTime),
        },
      })),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await mapping.invoke(JSON.parse(JSON.stringify(event)));
        // ReportBatchItemFailures, as Lambda reads it for streams: the records before the first
        // failed one are done; retry from that one.
        const failures = (result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)
          ?.batchItemFailures;
        if (!failures?.length) return;
        const first = event.Records.findIndex((r) =>
          failures.some((f) => f.itemIdentifier === r.dynamodb.SequenceNumber),
        );
        if (first > 0) event.Records = event.Records.slice(first);
        throw new Error(`${failures.length} record(s) reported as failed`);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          console.error(
            `[streams ${mapping.table}] batch dropped after ${attempt} attempts:`,
            (err as Error).message,
          );
          return;
        }
        await this.sleep(200 * 2 ** attempt);
      }
    }
  }

  private checkpoint(key: string, sequenceNumber: string) {
    this.checkpoints[key] = sequenceNumber;
    if (this.checkpointFile) writeFileSync(this.checkpointFile, JSON.stringify(this.checkpoints));
  }
}

function toSeconds(value: Date | undefined): number | undefined {
  return value ? Math.floor(value.getTime() / 1000) : undefined;
}

type Image = Record<string, unknown> | undefined;

/**
 * The SDK's stream deserializer turns an empty map `{ M: {} }` into `{}`, which Lambda never sees
 * (and `unmarshall` refuses); put the type back.
 */
function repairImage(image: Image): Image {
  if (!image) return image;
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repairValue(v)]));
}

function repairValue(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.M) return { M: repairImage(v.M as Record<string, unknown>) };
  if (Array.isArray(v.L)) return { L: v.L.map(repairValue) };
  return v;
}
