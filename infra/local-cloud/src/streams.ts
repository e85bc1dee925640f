/**
 * DynamoDB Streams → Lambda, as event source mappings do in AWS.
 *
 * One reader per table: it reads each shard of the table's stream once and hands every record to
 * each consumer (mapping) of that table. Each consumer keeps its own place per shard (checkpointed
 * in `checkpointFile`, so a restart neither loses nor repeats records), its own queue and its own
 * retries, so one failing consumer never holds up another — as separate mappings do in AWS.
 *
 * Reading costs DynamoDB Local dearly once the stream history is long (an empty GetRecords takes
 * hundreds of ms of its single database thread), so the reader does not poll on a short timer: it
 * reads when told that the table was written (`written`, fed by the DynamoDB front, which sees every
 * write of the handlers) and otherwise only every `idleMs` (writes that bypass the front: the local
 * cloud's own clients, TTL deletions). Shards are looked up at start, when a shard ends, and every
 * `rediscoverMs`, not on every read.
 *
 * Failures follow the mapping settings AWS has: a batch whose function fails is retried (from the
 * first record reported in `batchItemFailures`; split in two on a function error with
 * `bisectBatchOnFunctionError`) up to `maximumRetryAttempts` times or until its oldest record is
 * older than `maximumRecordAgeSeconds`; then it goes to the dead letters — AWS's on-failure record
 * plus, locally, the records themselves — kept as one JSON file each under `deadLetterDir`, and
 * the consumer moves on. Nothing is dropped: `replay` delivers dead letters again.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

export interface StreamMapping {
  /** The consumer (its function name): each keeps its own place in the stream. */
  id: string;
  table: string;
  invoke(event: { Records: unknown[] }): Promise<unknown>;
  /** The function's ARN, for the dead-letter record (AWS: requestContext.functionArn). */
  functionArn?: string;
  /** Records per invocation (AWS default 100). */
  batchSize?: number;
  /** Retries of a failing batch before it is dead-lettered; -1 = until it is too old (AWS default). */
  maximumRetryAttempts?: number;
  /** Split a batch in two when the function fails (not for reported item failures). */
  bisectBatchOnFunctionError?: boolean;
  /** Dead-letter a batch whose oldest record is older than this; -1 = no limit (AWS default). */
  maximumRecordAgeSeconds?: number;
}

export interface StreamPollerOptions {
  /** Each consumer's place per shard; omitted → in memory. */
  checkpointFile?: string;
  /** Dead letters, one JSON file each; omitted → in memory. */
  deadLetterDir?: string;
  /** How often a table nobody told us about is read anyway. Default 60 s. */
  idleMs?: number;
  /** Least time between two reads of one table, so a burst of writes costs one read. Default 100 ms. */
  readGapMs?: number;
  /** First retry delay of a failing batch, doubling up to a minute. Default 500 ms. */
  retryDelayMs?: number;
  /** How often shards are looked up besides start and a shard's end. Default 10 min. */
  rediscoverMs?: number;
  /** A table's reader waits while a consumer has this many records queued. Default 2,000. */
  maxQueued?: number;
}

/** A stream record as Lambda delivers it (plain JSON). */
export interface LambdaStreamRecord {
  eventID?: string;
  eventName?: string;
  eventSourceARN: string;
  dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * A batch that kept failing: AWS's on-failure record of a stream mapping (what its SQS destination
 * receives), plus what only the local cloud keeps — the records themselves and the last error.
 */
export interface DeadLetter {
  id: string;
  consumer: string;
  table: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
    batchSize: number;
    streamArn: string;
  };
  records: LambdaStreamRecord[];
  error: string;
}

export interface ReplayOutcome {
  id: string;
  consumer: string;
  /** Records delivered without failure (the dead letter is gone when all were). */
  delivered: number;
  /** Records still dead-lettered (the failed one and those after it). */
  remaining: number;
  error?: string;
}

const DEFAULTS = {
  idleMs: 60_000,
  readGapMs: 100,
  retryDelayMs: 500,
  rediscoverMs: 600_000,
  maxQueued: 2_000,
};

interface ShardState {
  id: string;
  parent?: string;
  iterator?: string;
  /** Last sequence number read by the table's reader. */
  position?: string;
  ended: boolean;
}

interface Consumer {
  mapping: StreamMapping;
  stream: TableStream;
  queue: { shardId: string; record: LambdaStreamRecord }[];
  /** Per shard: the last sequence number queued (so a re-read never queues a record twice). */
  queuedUpTo: Map<string, string>;
  draining?: Promise<void>;
}

interface TableStream {
  table: string;
  streamArn?: string;
  shards: Map<string, ShardState>;
  consumers: Consumer[];
  /** Written since the last read began (or never read): read again soon. */
  dirty: boolean;
  lastRead: number;
  discovered: number;
  needDiscovery: boolean;
  wake?: () => void;
  loop?: Promise<void>;
}

class Stopped extends Error {}

const bigSeq = (s: string) => BigInt(s);
const after = (a: string, b: string | undefined) => b === undefined || bigSeq(a) > bigSeq(b);

export class StreamPoller {
  private stopped = false;
  private readonly opts: typeof DEFAULTS & StreamPollerOptions;
  private readonly checkpoints: Record<string, string>;
  private readonly tables = new Map<string, TableStream>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly pauses = new Set<() => void>();

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    options: StreamPollerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const file = this.opts.checkpointFile;
    this.checkpoints = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const dir = this.opts.deadLetterDir;
    if (dir && existsSync(dir)) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const letter = JSON.parse(readFileSync(join(dir, name), 'utf8')) as DeadLetter;
        this.dead.set(letter.id, letter);
      }
    }
  }

  start(mappings: StreamMapping[]) {
    for (const mapping of mappings) {
      let stream = this.tables.get(mapping.table);
      if (!stream) {
        stream = {
          table: mapping.table,
          shards: new Map(),
          consumers: [],
          dirty: true,
          lastRead: 0,
          discovered: 0,
          needDiscovery: true,
        };
        this.tables.set(mapping.table, stream);
      }
      const consumer: Consumer = { mapping, stream, queue: [], queuedUpTo: new Map() };
      stream.consumers.push(consumer);
      this.consumers.set(mapping.id, consumer);
    }
    for (const stream of this.tables.values()) stream.loop ??= this.run(stream);
  }

  /** These tables were written (`*`: some table): their readers read now. */
  written(tables: string[]) {
    for (const name of tables) {
      if (name === '*') for (const s of this.tables.values()) this.wake(s);
      else {
        const stream = this.tables.get(name);
        if (stream) this.wake(stream);
      }
    }
  }

  /** Read every table now rather than at the next idle read. */
  nudge() {
    for (const s of this.tables.values()) this.wake(s);
  }

  /** The dead letters, oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.dead.values()].sort(
      (a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id),
    );
  }

  /**
   * Deliver dead letters to their consumer again, once each, as the stream delivered them. A letter
   * whose records all succeed is removed; on a reported item failure the records before it are done
   * and the rest stay; on a function error it stays whole.
   */
  async replay(filter: { consumer?: string; id?: string } = {}): Promise<ReplayOutcome[]> {
    const outcomes: ReplayOutcome[] = [];
    for (const letter of this.deadLetters()) {
      if (filter.consumer && letter.consumer !== filter.consumer) continue;
      if (filter.id && letter.id !== filter.id) continue;
      const consumer = this.consumers.get(letter.consumer);
      const total = letter.records.length;
      if (!consumer) {
        outcomes.push({
          id: letter.id,
          consumer: letter.consumer,
          delivered: 0,
          remaining: total,
          error: 'no such consumer',
        });
        continue;
      }
      let outcome: Invocation;
      try {
        outcome = await this.invoke(consumer, letter.records);
      } catch (err) {
        outcome = { ok: false, error: (err as Error).message, functionError: true, from: 0 };
      }
      if (outcome.ok) {
        this.removeDeadLetter(letter.id);
        outcomes.push({ id: letter.id, consumer: letter.consumer, delivered: total, remaining: 0 });
        continue;
      }
      if (outcome.from > 0) {
        const rest = letter.records.slice(outcome.from);
        this.saveDeadLetter({
          ...letter,
          records: rest,
          error: outcome.error,
          DDBStreamBatchInfo: batchInfo(
            letter.DDBStreamBatchInfo.shardId,
            letter.DDBStreamBatchInfo.streamArn,
            rest,
          ),
        });
      }
      outcomes.push({
        id: letter.id,
        consumer: letter.consumer,
        delivered: outcome.from,
        remaining: total - outcome.from,
        error: outcome.error,
      });
    }
    return outcomes;
  }

  async stop() {
    this.stopped = true;
    for (const s of this.tables.values()) s.wake?.();
    for (const wake of [...this.pauses]) wake();
    await Promise.allSettled([...this.tables.values()].map((s) => s.loop));
    await Promise.allSettled([...this.consumers.values()].map((c) => c.draining));
  }

  // -------------------------------------------------------------------------------------------
  // Reading: one loop per table.

  private wake(stream: TableStream) {
    stream.dirty = true;
    stream.wake?.();
  }

  /** Sleep until woken (a write, a nudge, a drained queue, stop) or `ms` passed. */
  private idle(stream: TableStream, ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stream.wake = undefined;
        resolve();
      }
      stream.wake = done;
    });
  }

  /** Sleep `ms` unless stopping (retry back-off, the gap between reads). */
  private pause(ms: number) {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pauses.add(done);
    });
  }

  private backlogged(stream: TableStream) {
    return stream.consumers.some((c) => c.queue.length >= this.opts.maxQueued);
  }

  private async run(stream: TableStream) {
    let failures = 0;
    while (!this.stopped) {
      if (stream.dirty && !this.backlogged(stream)) {
        const gap = stream.lastRead + this.opts.readGapMs - Date.now();
        if (gap > 0) await this.pause(gap);
        if (this.stopped) break;
        // Cleared before reading: a write while we read marks it again, and we read once more.
        stream.dirty = false;
        stream.lastRead = Date.now();
        try {
          if (await this.read(stream)) stream.dirty = true;
          failures = 0;
        } catch (err) {
          failures++;
          if (!this.stopped) console.error(`[streams ${stream.table}]`, (err as Error).message);
          // Try again soon, then less often (a missing table, DynamoDB Local busy).
          await this.pause(Math.min(60_000, this.opts.retryDelayMs * 2 ** failures));
          stream.dirty = true;
        }
        continue;
      }
      await this.idle(stream, this.opts.idleMs);
      // Woken by a write, or the idle interval passed: read (writes may bypass the front).
      stream.dirty = true;
    }
  }

  /** One pass over the table's shards; true when a shard had more than one page. */
  private async read(stream: TableStream): Promise<boolean> {
    if (!stream.streamArn) {
      const table = await this.dynamo.send(new DescribeTableCommand({ TableName: stream.table }));
      stream.streamArn = table.Table?.LatestStreamArn;
      if (!stream.streamArn) throw new Error(`table ${stream.table} has no stream`);
    }
    const open = () => [...stream.shards.values()].filter((s) => !s.ended);
    if (
      stream.needDiscovery ||
      open().length === 0 ||
      Date.now() - stream.discovered > this.opts.rediscoverMs
    )
      await this.discover(stream);
    let more = false;
    for (const shard of open()) {
      // A child shard waits until its parent is read to the end (records of a key stay in order).
      const parent = shard.parent ? stream.shards.get(shard.parent) : undefined;
      if (parent && !parent.ended) continue;
      if (this.stopped) break;
      // A full queue: read the rest once the consumer has caught up (it wakes us).
      if (this.backlogged(stream)) return true;
      if (await this.readShard(stream, shard)) more = true;
    }
    return more;
  }

  private async discover(stream: TableStream) {
    let start: string | undefined;
    const found: Shard[] = [];
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: stream.streamArn, ExclusiveStartShardId: start }),
      );
      found.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const s of found) {
      if (!s.ShardId || stream.shards.has(s.ShardId)) continue;
      stream.shards.set(s.ShardId, { id: s.ShardId, parent: s.ParentShardId, ended: false });
    }
    stream.discovered = Date.now();
    stream.needDiscovery = false;
  }

  private async readShard(stream: TableStream, shard: ShardState): Promise<boolean> {
    shard.iterator ??= await this.iterator(stream, shard);
    if (!shard.iterator) return false;
    let page: GetRecordsCommandOutput;
    try {
      page = await this.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
    } catch (err) {
      // Iterators expire (15 min), and DynamoDB Local trims one taken from an empty shard once
      // records arrive; take a fresh one from where this reader is and read again.
      const name = (err as Error).name;
      if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw err;
      shard.iterator = undefined;
      stream.dirty = true;
      return false;
    }
    shard.iterator = page.NextShardIterator;
    const records = page.Records ?? [];
    for (const r of records) {
      const record = toLambdaRecord(r, stream.streamArn!);
      const seq = record.dynamodb.SequenceNumber;
      shard.position = seq;
      for (const c of stream.consumers) {
        if (!after(seq, this.checkpoints[checkpointKey(c, shard.id)])) continue;
        if (!after(seq, c.queuedUpTo.get(shard.id))) continue;
        c.queue.push({ shardId: shard.id, record });
        c.queuedUpTo.set(shard.id, seq);
      }
    }
    if (!shard.iterator) {
      // The shard is closed and read to the end: its children (if any) come next.
      shard.ended = true;
      stream.needDiscovery = true;
    }
    for (const c of stream.consumers) this.drain(c);
    // A full page may have more behind it; an ended shard has children to read.
    return records.length >= 1000 || shard.ended;
  }

  /** Where this table's reader starts in a shard: after its own position, else the consumers' oldest place. */
  private async iterator(stream: TableStream, shard: ShardState) {
    let from = shard.position;
    if (from === undefined) {
      const places = stream.consumers.map((c) => this.checkpoints[checkpointKey(c, shard.id)]);
      if (places.every((p) => p !== undefined))
        from = places.reduce((a, b) => (bigSeq(a!) < bigSeq(b!) ? a : b));
    }
    const get = (position: string | undefined) =>
      this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: stream.streamArn,
          ShardId: shard.id,
          ...(position
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
    try {
      return (await get(from)).ShardIterator;
    } catch (err) {
      if ((err as Error).name !== 'TrimmedDataAccessException' || !from) throw err;
      // The place is older than the stream keeps (24 h): what came between is gone from DynamoDB.
      console.error(
        `[streams ${stream.table}] ${shard.id}: records after ${from} were trimmed; reading from the oldest kept`,
      );
      return (await get(undefined)).ShardIterator;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Delivering: one queue per consumer, batches in order, retries, dead letters.

  private drain(c: Consumer) {
    if (c.draining || c.queue.length === 0 || this.stopped) return;
    c.draining = (async () => {
      try {
        while (c.queue.length && !this.stopped) {
          const shardId = c.queue[0].shardId;
          const size = c.mapping.batchSize ?? 100;
          let n = 0;
          while (n < c.queue.length && n < size && c.queue[n].shardId === shardId) n++;
          const batch = c.queue.slice(0, n).map((e) => e.record);
          await this.deliver(c, shardId, batch);
          c.queue.splice(0, n);
          // The reader waits while a queue is full; tell it there is room again.
          if (c.queue.length < this.opts.maxQueued / 2 && c.stream.dirty) c.stream.wake?.();
        }
      } catch (err) {
        if (!(err instanceof Stopped)) console.error(`[streams ${c.mapping.id}]`, (err as Error).message);
      } finally {
        c.draining = undefined;
      }
      if (!this.stopped) this.drain(c);
    })();
  }

  /** Deliver one batch until it succeeds or is dead-lettered; throws Stopped when stopping midway. */
  private async deliver(c: Consumer, shardId: string, batch: LambdaStreamRecord[]): Promise<void> {
    const m = c.mapping;
    const maxRetries = m.maximumRetryAttempts ?? -1;
    const maxAge = m.maximumRecordAgeSeconds ?? -1;
    let records = batch;
    let retries = 0;
    let invocations = 0;
    let lastError = '';
    let functionError: string | undefined;
    for (;;) {
      if (this.stopped) throw new Stopped();
      const oldest = records[0].dynamodb.ApproximateCreationDateTime;
      if (maxAge >= 0 && oldest !== undefined && Date.now() / 1000 - oldest > maxAge) {
        this.deadLetter(
          c,
          shardId,
          records,
          'RecordAgeExceeded',
          invocations,
          lastError || 'record too old',
          functionError,
        );
        return;
      }
      invocations++;
      let outcome: Invocation;
      try {
        outcome = await this.invoke(c, records);
      } catch (err) {
        if (this.stopped) throw new Stopped();
        outcome = { ok: false, error: (err as Error).message, functionError: true, from: 0 };
      }
      if (outcome.ok) {
        this.checkpoint(c, shardId, records[records.length - 1].dynamodb.SequenceNumber);
        return;
      }
      lastError = outcome.error;
      functionError = outcome.functionError ? 'Unhandled' : undefined;
      if (outcome.from > 0) {
        // The records before the first failed one are done.
        this.checkpoint(c, shardId, records[outcome.from - 1].dynamodb.SequenceNumber);
        records = records.slice(outcome.from);
      } else if (outcome.functionError && m.bisectBatchOnFunctionError && records.length > 1) {
        // Halves are delivered in order, each with its own retries, so one bad record ends up alone.
        const half = Math.ceil(records.length / 2);
        await this.deliver(c, shardId, records.slice(0, half));
        await this.deliver(c, shardId, records.slice(half));
        return;
      }
      retries++;
      if (maxRetries >= 0 && retries > maxRetries) {
        this.deadLetter(c, shardId, records, 'RetryAttemptsExhausted', invocations, lastError, functionError);
        return;
      }
      await this.pause(Math.min(60_000, this.opts.retryDelayMs * 2 ** (retries - 1)));
    }
  }

  /** One invocation with ReportBatchItemFailures, read as Lambda reads it for streams. */
  private async invoke(c: Consumer, records: LambdaStreamRecord[]): Promise<Invocation> {
    // Each invocation gets its own copy, as each Lambda invocation deserializes its own event.
    const result = await c.mapping.invoke({ Records: structuredClone(records) });
    const failures = (result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null | undefined)
      ?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { ok: true };
    const ids = new Set(failures.map((f) => f?.itemIdentifier));
    const first = records.findIndex((r) => ids.has(r.dynamodb.SequenceNumber));
    // An identifier that names no record of the batch fails the whole batch, as in Lambda.
    const from =
      first >= 0 &&
      failures.every((f) => records.some((r) => r.dynamodb.SequenceNumber === f?.itemIdentifier))
        ? first
        : 0;
    return {
      ok: false,
      from,
      functionError: false,
      error: `${failures.length} record(s) reported as failed`,
    };
  }

  private deadLetter(
    c: Consumer,
    shardId: string,
    records: LambdaStreamRecord[],
    condition: FailureCondition,
    invocations: number,
    error: string,
    functionError: string | undefined,
  ) {
    const stream = c.stream;
    const timestamp = new Date().toISOString();
    const letter: DeadLetter = {
      id: `${timestamp.replace(/[:.]/g, '')}-${c.mapping.id}-${records[0].dynamodb.SequenceNumber}`,
      consumer: c.mapping.id,
      table: stream.table,
      requestContext: {
        requestId: randomUUID(),
        functionArn: c.mapping.functionArn ?? c.mapping.id,
        condition,
        approximateInvokeCount: invocations,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(functionError ? { functionError } : {}),
      },
      version: '1.0',
      timestamp,
      DDBStreamBatchInfo: batchInfo(shardId, stream.streamArn!, records),
      records,
      error,
    };
    // Kept before the consumer moves past the records: a crash in between repeats, never loses.
    this.saveDeadLetter(letter);
    console.error(
      `[streams ${c.mapping.id}] ${records.length} record(s) dead-lettered (${condition} after ${invocations} invocation(s)): ${error}`,
    );
    this.checkpoint(c, shardId, records[records.length - 1].dynamodb.SequenceNumber);
  }

  private saveDeadLetter(letter: DeadLetter) {
    this.dead.set(letter.id, letter);
    const dir = this.opts.deadLetterDir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeAtomically(join(dir, `${letter.id}.json`), JSON.stringify(letter, null, 1));
  }

  private removeDeadLetter(id: string) {
    this.dead.delete(id);
    if (this.opts.deadLetterDir) rmSync(join(this.opts.deadLetterDir, `${id}.json`), { force: true });
  }

  private checkpoint(c: Consumer, shardId: string, sequenceNumber: string) {
    const key = checkpointKey(c, shardId);
    if (!after(sequenceNumber, this.checkpoints[key])) return;
    this.checkpoints[key] = sequenceNumber;
    if (this.opts.checkpointFile) writeAtomically(this.opts.checkpointFile, JSON.stringify(this.checkpoints));
  }
}

type Invocation = { ok: true } | { ok: false; from: number; functionError: boolean; error: string };

const checkpointKey = (c: Consumer, shardId: string) => `${c.mapping.id}:${shardId}`;

function writeAtomically(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function batchInfo(
  shardId: string,
  streamArn: string,
  records: LambdaStreamRecord[],
): DeadLetter['DDBStreamBatchInfo'] {
  const at = (r: LambdaStreamRecord) => {
    const s = r.dynamodb.ApproximateCreationDateTime;
    return s === undefined ? undefined : new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  };
  return {
    shardId,
    startSequenceNumber: records[0].dynamodb.SequenceNumber,
    endSequenceNumber: records[records.length - 1].dynamodb.SequenceNumber,
    approximateArrivalOfFirstRecord: at(records[0]),
    approximateArrivalOfLastRecord: at(records[records.length - 1]),
    batchSize: records.length,
    streamArn,
  };
}

/**
 * A record read with the SDK, in the shape Lambda delivers: plain JSON, creation time in epoch
 * seconds, the stream ARN as event source.
 */
export function toLambdaRecord(r: _Record, streamArn: string): LambdaStreamRecord {
  return JSON.parse(
    JSON.stringify({
      ...r,
      eventSourceARN: streamArn,
      dynamodb: {
        ...r.dynamodb,
        Keys: repairImage(r.dynamodb?.Keys),
        NewImage: repairImage(r.dynamodb?.NewImage),
        OldImage: repairImage(r.dynamodb?.OldImage),
        ApproximateCreationDateTime: toSeconds(r.dynamodb?.ApproximateCreationDateTime),
      },
    }),
  );
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
