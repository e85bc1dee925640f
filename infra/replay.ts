/**
 * `npm run replay`: send again what failed — stream batches a mapping gave up on (its on-failure
 * queue in AWS, the dead letters in the local cloud) and SMS the outbox keeps as failed.
 *
 *   npm run replay                          list what waits (the running local cloud, `npm start`)
 *   npm run replay -- all|streams|sms [--consumer <function>] [--id <dead letter>] [--hall <id>]
 *
 *   npm run replay -- streams --aws --queue-url <…StreamFailuresQueue output>
 *   npm run replay -- sms --aws --table <CasesTableName output>
 *   npm run replay -- list --aws [--queue-url …] [--table …]
 *
 * Locally it asks the running local cloud (PORTAL_URL, else http://127.0.0.1:$PORT, default 3000),
 * signed in as an operator (REPLAY_USER / REPLAY_PASSWORD, default the demo `operator`).
 * In AWS (credentials and region as the SDK reads them) a stream batch is read back from the
 * stream by the sequence numbers its failure record carries — possible only while the stream keeps
 * them (24 h) — and the function in the record is invoked with them as the mapping would; the
 * record leaves the queue once the batch succeeds. SMS are sent through SNS from the table.
 * Exit status: 0 nothing left failing, 1 something still fails, 2 usage or connection.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DeadLetter, toLambdaRecord } from '@online-hall/local-cloud/streams';
import { maskPhone } from '#domain/ids.ts';
import { resendFailed } from '#functions/notify/outbox.ts';
import { dynamoOutbox, snsSender } from '#functions/notify/outbox-store.ts';
import type { DeadLetterList, ReplayRequest, ReplayResult } from './local/dead-letters.ts';

const USAGE = `用法 / usage:
  npm run replay                                   列出待重投的内容 / list what waits (local cloud)
  npm run replay -- all|streams|sms [--consumer 函数名] [--id 编号] [--hall 厅]
  npm run replay -- streams --aws --queue-url <URL>
  npm run replay -- sms --aws --table <CasesTableName>
  npm run replay -- list --aws [--queue-url <URL>] [--table <表名>]`;

class UsageError extends Error {}

type Kind = 'list' | 'all' | 'streams' | 'sms';

function parseArgs(argv: string[]) {
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--aws' || a === '--help') flags.add(a.slice(2));
    else if (a.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} 需要一个值`);
      options[a.slice(2)] = value;
      i++;
    } else positional.push(a);
  }
  const kind = (positional[0] ?? 'list') as Kind;
  if (!['list', 'all', 'streams', 'sms'].includes(kind) || positional.length > 1)
    throw new UsageError(`无法识别：${positional.join(' ')}`);
  for (const name of Object.keys(options))
    if (!['consumer', 'id', 'hall', 'queue-url', 'table'].includes(name))
      throw new UsageError(`未知选项 --${name}`);
  return { kind, options, aws: flags.has('aws'), help: flags.has('help') };
}

// ---------------------------------------------------------------------------------------------
// The local cloud, over its dev routes.

async function local(kind: Kind, options: Record<string, string>): Promise<number> {
  const base = process.env.PORTAL_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new UsageError(`无法连接本地云 ${base}（先运行 npm start）：${(err as Error).message}`);
    }
    const json = await res.json().catch(() => undefined);
    if (!res.ok) throw new UsageError(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  if (kind === 'list') {
    const list = (await call('GET', '/api/dev/dead-letters')) as DeadLetterList;
    printList(list);
    return 0;
  }
  const { accessToken } = await call('POST', '/api/dev/token', {
    username: process.env.REPLAY_USER ?? 'operator',
    password: process.env.REPLAY_PASSWORD ?? 'Demo@2026',
  });
  const request: ReplayRequest = {
    ...(kind === 'all' ? {} : { kind }),
    consumer: options.consumer,
    id: options.id,
    hall: options.hall,
  };
  const result = (await call('POST', '/api/dev/dead-letters/replay', request, accessToken)) as ReplayResult;
  let failing = 0;
  for (const o of result.streams) {
    console.log(
      `流 ${o.consumer} ${o.id}: 投递 ${o.delivered}，仍失败 ${o.remaining}${o.error ? `（${o.error}）` : ''}`,
    );
    failing += o.remaining;
  }
  for (const [hall, s] of Object.entries(result.sms)) {
    if (s.sent + s.failed + s.skipped === 0 && !s.more) continue;
    console.log(
      `短信 ${hall}: 重发成功 ${s.sent}，仍失败 ${s.failed}，跳过 ${s.skipped}${s.more ? '，还有更多' : ''}`,
    );
    failing += s.failed + (s.more ? 1 : 0);
  }
  if (result.streams.length === 0 && Object.values(result.sms).every((s) => s.sent + s.failed === 0))
    console.log('没有需要重投的内容。');
  return failing ? 1 : 0;
}

function printList(list: DeadLetterList) {
  console.log(`流的死信 / stream dead letters: ${list.streams.length}`);
  for (const l of list.streams)
    console.log(`  ${l.id}  ${l.consumer}  ${l.records} 条  ${l.condition}  ${l.error}`);
  console.log(`发送失败的短信 / failed SMS: ${list.sms.length}`);
  for (const s of list.sms)
    console.log(`  ${s.hall}  ${s.caseNo}  ${s.key}  ${s.phone}  ${s.failedAt ?? ''}  ${s.error ?? ''}`);
}

// ---------------------------------------------------------------------------------------------
// AWS: the mapping's on-failure queue, the stream, the function.

type FailureRecord = Omit<DeadLetter, 'id' | 'consumer' | 'table' | 'records' | 'error'>;

/** The records of a failed batch, read back from the stream; undefined once the stream no longer has them. */
async function readBack(
  streams: DynamoDBStreamsClient,
  info: FailureRecord['DDBStreamBatchInfo'],
): Promise<_Record[] | undefined> {
  const end = BigInt(info.endSequenceNumber);
  let iterator: string | undefined;
  try {
    iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: info.streamArn,
          ShardId: info.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: info.startSequenceNumber,
        }),
      )
    ).ShardIterator;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TrimmedDataAccessException' || name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
  const records: _Record[] = [];
  // Empty pages can come before the records on a shard; a few are allowed, then we give up.
  for (let empty = 0; iterator && empty < 10; ) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    iterator = page.NextShardIterator;
    if (!page.Records?.length) {
      empty++;
      continue;
    }
    for (const r of page.Records) {
      if (BigInt(r.dynamodb!.SequenceNumber!) > end) return records;
      records.push(r);
    }
    if (records.length >= info.batchSize) return records;
  }
  return records.length ? records : undefined;
}

async function awsStreams(queueUrl: string): Promise<number> {
  const sqs = new SQSClient({});
  const streams = new DynamoDBStreamsClient({});
  const lambda = new LambdaClient({});
  let failing = 0;
  let done = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        // Long enough to read back and invoke; a message not deleted comes back after it.
        VisibilityTimeout: 900,
      }),
    );
    if (Messages.length === 0) break;
    for (const m of Messages) {
      const record = JSON.parse(m.Body ?? '{}') as FailureRecord;
      const info = record.DDBStreamBatchInfo;
      const label = `${info?.shardId} ${info?.startSequenceNumber}…${info?.endSequenceNumber}`;
      if (!info || !record.requestContext?.functionArn) {
        console.log(`跳过无法识别的消息 ${m.MessageId}`);
        failing++;
        continue;
      }
      const records = await readBack(streams, info);
      if (!records) {
        // Past the stream's 24 h: the keys are in the record; the changes are gone from the stream.
        console.log(`${label}: 流中已无这些记录（超过 24 小时），消息保留以便人工处理`);
        failing++;
        continue;
      }
      const event = { Records: records.map((r) => toLambdaRecord(r, info.streamArn)) };
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: record.requestContext.functionArn,
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
      const payload = out.Payload?.length ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
      const failures = payload?.batchItemFailures as unknown[] | undefined;
      if (out.FunctionError || failures?.length) {
        console.log(`${label}: 仍失败（${out.FunctionError ?? `${failures!.length} 条记录`}）`);
        failing++;
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      console.log(`${label}: 已重新投递 ${records.length} 条`);
      done++;
    }
  }
  console.log(`流：重新投递 ${done} 批，仍失败 ${failing} 批`);
  return failing ? 1 : 0;
}

async function awsSms(table: string, list: boolean): Promise<number> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const outbox = dynamoOutbox(doc, table);
  if (list) {
    const { records, cursor } = await outbox.listFailed(100);
    console.log(`发送失败的短信 / failed SMS: ${records.length}${cursor ? '+' : ''}`);
    for (const r of records)
      console.log(`  ${r.caseNo}  ${r.key}  ${maskPhone(r.phone)}  ${r.failedAt ?? ''}  ${r.error ?? ''}`);
    return 0;
  }
  const s = await resendFailed(outbox, snsSender(new SNSClient({})), () => new Date().toISOString());
  console.log(`短信：重发成功 ${s.sent}，仍失败 ${s.failed}，跳过 ${s.skipped}${s.more ? '，还有更多' : ''}`);
  return s.failed || s.more ? 1 : 0;
}

async function aws(kind: Kind, options: Record<string, string>): Promise<number> {
  const queueUrl = options['queue-url'];
  const table = options.table;
  if (kind === 'list') {
    if (queueUrl) {
      const attrs = await new SQSClient({}).send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      console.log(`流的死信 / stream dead letters: ${attrs.Attributes?.ApproximateNumberOfMessages ?? '?'}`);
    }
    if (table) await awsSms(table, true);
    if (!queueUrl && !table) throw new UsageError('--aws 需要 --queue-url 或 --table');
    return 0;
  }
  let status = 0;
  if (kind !== 'sms') {
    if (!queueUrl) throw new UsageError('重投流的死信需要 --queue-url（堆栈输出 …StreamFailuresQueue）');
    status = Math.max(status, await awsStreams(queueUrl));
  }
  if (kind !== 'streams') {
    if (!table) throw new UsageError('重发短信需要 --table（堆栈输出 CasesTableName）');
    status = Math.max(status, await awsSms(table, false));
  }
  return status;
}

async function main(): Promise<number> {
  try {
    const { kind, options, aws: inAws, help } = parseArgs(process.argv.slice(2));
    if (help) {
      console.log(USAGE);
      return 0;
    }
    return inAws ? await aws(kind, options) : await local(kind, options);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main();
