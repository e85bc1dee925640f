/**
 * The stream poller at rest and at work, after filing many cases (issue 14): CPU of the local cloud
 * while nobody uses it (Node and DynamoDB Local's JVM, from /proc), what one empty GetRecords costs
 * DynamoDB Local at that stream history, the time from a write to the stream consumer's invocation,
 * and what the streams did with the filings (timer executions started per case, dead letters).
 *
 * Run: npm run bench -- streams     (CASES=1000 IDLE_SECONDS=60 SAMPLES=40 by default)
 * It uses only what every version of the local cloud has, so the same file measures an older tree.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { exampleForm } from '../../functions/domain/forms.ts';
import { startCloud } from '../../infra/local/cloud.ts';
import { median, percentile, printTable } from './stats.ts';

const CASES = Number(process.env.CASES ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 60);
const SAMPLES = Number(process.env.SAMPLES ?? 40);
const HALL = 'qiaocheng';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'hall-bench-streams-'));
const cloud = await startCloud({ dataDir: dir, logLevel: 'ERROR', clockStart: '2026-03-02T09:00:00+08:00' });
const jvm = cloud.childPids[0];
const sdk = {
  region: 'cn-north-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

try {
  const call = async (method: string, path: string, token?: string, body?: unknown, headers = {}) => {
    const res = await fetch(`${cloud.url}${path}`, {
      method,
      headers: {
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };
  const applicant = (
    await call('POST', '/api/dev/token', undefined, { username: 'zhangsan', password: 'Demo@2026' })
  ).body.accessToken;
  // A 受理→决定 item that can be filed with its form alone (no materials to upload first).
  let itemCode = '';
  let form: Record<string, string | boolean> = {};
  let tried = 0;
  for (let offset = 0; !itemCode && offset < 1000; offset += 50) {
    const page = (await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`)).body.items;
    if (!page?.length) break;
    for (const it of page) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id !== 'simple') continue;
      const candidate = exampleForm(guide.applicationForm);
      tried++;
      const res = await call(
        'POST',
        `/api/halls/${HALL}/cases`,
        applicant,
        { itemCode: it.code, form: candidate },
        {
          'idempotency-key': randomUUID(),
        },
      );
      if (res.status === 201) {
        itemCode = it.code;
        form = candidate;
        break;
      }
    }
  }
  if (!itemCode) throw new Error(`none of ${tried} 受理→决定 items could be filed with its form alone`);

  // File the cases, a few at a time.
  const statuses = new Map<number, number>([[201, 1]]); // the filing that chose the item
  let next = 1;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        next++;
        const res = await call(
          'POST',
          `/api/halls/${HALL}/cases`,
          applicant,
          { itemCode, form },
          {
            'idempotency-key': randomUUID(),
          },
        );
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 201 && statuses.get(res.status) === 1)
          console.error(res.status, JSON.stringify(res.body));
      }
    }),
  );
  const filingSeconds = (performance.now() - started) / 1000;
  const invocations = () => [...cloud.lambdas.invocations.values()].reduce((a, b) => a + b, 0);
  // Let the streams catch up: no invocation for 5 s (at most 10 minutes).
  for (let last = -1, quietSince = Date.now(), deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const now = invocations();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 5000) break;
    await sleep(250);
  }

  // Timer executions the supervision stream started, against the cases filed.
  const sfn = new SFNClient({ ...sdk, endpoint: cloud.env.AWS_ENDPOINT_URL_SFN });
  const timerCases = new Set<string>();
  let token: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: `arn:aws-cn:states:cn-north-1:000000000000:stateMachine:hall-${HALL}-timer`,
        nextToken: token,
        maxResults: 1000,
      }),
    );
    for (const e of page.executions ?? []) timerCases.add(e.name!.split('_')[0]);
    token = page.nextToken;
  } while (token);
  sfn.destroy();
  const deadLetters = (cloud as { deadLetters?: { list(): Promise<{ streams: unknown[]; sms: unknown[] }> } })
    .deadLetters;
  const dead = deadLetters ? await deadLetters.list() : undefined;

  // At rest: nobody calls anything for IDLE_SECONDS.
  const before = { node: cpuSeconds('self'), jvm: cpuSeconds(jvm), at: performance.now() };
  await sleep(IDLE_SECONDS * 1000);
  const seconds = (performance.now() - before.at) / 1000;
  const idle = {
    node: (cpuSeconds('self') - before.node) / seconds,
    jvm: (cpuSeconds(jvm) - before.jvm) / seconds,
  };

  // An empty GetRecords at the end of the shard, as a poller makes it, straight to DynamoDB Local.
  const table = `hall-${HALL}-cases`;
  const direct = new DynamoDBClient({ ...sdk, endpoint: cloud.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS });
  const streams = new DynamoDBStreamsClient({
    ...sdk,
    endpoint: cloud.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS,
  });
  const arn = (await direct.send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn!;
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!
    .Shards!;
  let iterator = (
    await streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shards.at(-1)!.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  let streamRecords = 0;
  for (;;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    iterator = page.NextShardIterator;
    streamRecords += page.Records?.length ?? 0;
    if (!page.Records?.length) break;
  }
  const emptyRead: number[] = [];
  const jvmBefore = cpuSeconds(jvm);
  for (let i = 0; i < 10 && iterator; i++) {
    const t = performance.now();
    iterator = (await streams.send(new GetRecordsCommand({ ShardIterator: iterator }))).NextShardIterator;
    emptyRead.push(performance.now() - t);
  }
  const jvmPerRead = ((cpuSeconds(jvm) - jvmBefore) / emptyRead.length) * 1000;
  // And DescribeStream, which a poller that looks for new shards on every round also pays.
  const describe: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    describe.push(performance.now() - t);
  }

  // From a write (through the endpoint the handlers use) to the SMS consumer's invocation.
  const front = new DynamoDBClient({ ...sdk, endpoint: cloud.env.AWS_ENDPOINT_URL_DYNAMODB });
  const consumer = `hall-${HALL}-caseStream`;
  const latency: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(Math.random() * 700); // so a fixed polling period shows as it is
    const count = cloud.lambdas.invocations.get(consumer) ?? 0;
    // From sending the write: the wake-up may come before its answer is back.
    const t = performance.now();
    await front.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: `BENCH#${i}` }, sk: { S: 'PING' } } }),
    );
    while ((cloud.lambdas.invocations.get(consumer) ?? 0) === count && performance.now() - t < 30_000)
      await new Promise((r) => setImmediate(r));
    latency.push(performance.now() - t);
  }
  for (const c of [direct, streams, front]) c.destroy();

  printTable(`filing ${CASES} cases (${CONCURRENCY} at a time, hall ${HALL})`, [
    ['seconds', filingSeconds],
    ['per second', CASES / filingSeconds],
    ['statuses', JSON.stringify(Object.fromEntries(statuses))],
    ['cases whose timers were started', `${timerCases.size} of ${statuses.get(201) ?? 0} filed`],
    [
      'dead letters (stream batches, SMS)',
      dead ? `${dead.streams.length}, ${dead.sms.length}` : 'none kept (this version drops)',
    ],
  ]);
  const pct = (cores: number) => `${(cores * 100).toFixed(1)} % of a core`;
  printTable(`local cloud at rest, ${seconds.toFixed(0)} s`, [
    ['Node (gateway, emulators, workers, poller)', pct(idle.node)],
    ['DynamoDB Local (JVM)', pct(idle.jvm)],
  ]);
  printTable(`an empty GetRecords at the end of the shard (${streamRecords} records in it)`, [
    ['latency median (ms)', median(emptyRead)],
    ['JVM CPU per call, with any poller reads meanwhile (ms)', jvmPerRead],
    ['DescribeStream latency median (ms)', median(describe)],
  ]);
  printTable(`write sent → stream consumer invoked (ms, ${SAMPLES} writes)`, [
    ['median', median(latency)],
    ['p90', percentile(latency, 90)],
    ['max', Math.max(...latency)],
  ]);
} finally {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
}
