/**
 * The supervisor's alert reads at volume (issues #11 §4, #14): alerts are written straight into a
 * cases table on DynamoDB Local with the index keys the handlers give them (functions/supervision/
 * keys.ts), and at 1k, 10k and 100k alerts the reads of /supervise/ are timed through the very store
 * functions the handlers call (functions/supervision/store.ts): the first page unfiltered (12
 * partitions merged), filtered by level and status, by department, the overdue list, the dashboard's
 * figures. Target: flat — each reads its partitions' first page, never the history.
 *
 * The history grows, the live set does not: a hall's open and urged alerts are those of the last two
 * weeks (LIVE, default 300); older ones were replied to or closed by themselves, as they are in use.
 *
 * Run: npm run bench -- alerts   (ALERTS=100000 LIVE=300 READS=30)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTables, localCredentials, startDynamo } from '@online-hall/local-cloud/dynamodb';
import { hallResources } from '../../infra/resources.ts';
import { median, percentile, printTable } from './stats.ts';

const ALERTS = Number(process.env.ALERTS ?? 100_000);
const LIVE = Number(process.env.LIVE ?? 300);
const READS = Number(process.env.READS ?? 30);
const MILESTONES = [1_000, 10_000, 100_000].filter((m) => m <= ALERTS);
const TABLE = 'bench-cases';
const DEPTS = Array.from({ length: 30 }, (_, i) => `341699-d${String(i).padStart(2, '0')}`);
const NOW = Date.UTC(2026, 11, 1, 2);
const DAY = 86_400_000;

let seed = 20261201;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

const dynamo = await startDynamo({});
// The store reads its table and endpoint from the environment, as a Lambda does.
Object.assign(process.env, {
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.directEndpoint,
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  CASES_TABLE: TABLE,
});
const { alertIndexKeys } = await import('../../functions/supervision/keys.ts');
const { alertFigures, listAlertPage, listOverdue } = await import('../../functions/supervision/store.ts');

const client = new DynamoDBClient({
  endpoint: dynamo.directEndpoint,
  region: 'cn-north-1',
  credentials: localCredentials,
});
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** Alert n: the first LIVE are of the last two weeks (open, urged, some answered), the rest history. */
function alertOf(n: number) {
  const live = n < LIVE;
  const raised = NOW - (live ? random() * 14 : 14 + random() * 350) * DAY;
  const severity = pick(['yellow', 'yellow', 'red', 'red', 'finding'] as const);
  const status = live
    ? pick(['open', 'open', 'urged', 'replied', 'resolved'] as const)
    : pick(['replied', 'resolved'] as const);
  const caseNo = `341699-${new Date(raised).toISOString().slice(0, 10).replace(/-/g, '')}-${String(n).padStart(6, '0')}`;
  const a = {
    alertId: `step.s${n % 3}.${severity}`,
    caseNo,
    itemName: '基准测试事项',
    severity,
    scope: 'step',
    dept: pick(DEPTS),
    post: '决定',
    deadline:
      severity === 'yellow'
        ? undefined
        : new Date(raised - random() * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    note: '当前环节已超过环节办理时限',
    raisedAt: new Date(raised).toISOString(),
    status,
    ...(status === 'urged'
      ? {
          urge: {
            by: '监察员',
            note: '请说明',
            at: new Date(raised).toISOString(),
            replyBy: new Date(raised + 2 * DAY).toISOString(),
          },
        }
      : {}),
  } as const;
  return { pk: `CASE#${caseNo}`, sk: `ALERT#${a.alertId}`, ...a, ...alertIndexKeys(a) };
}

async function write(from: number, to: number) {
  const items = Array.from({ length: to - from }, (_, i) => alertOf(from + i));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let request = batches[next++].map((Item) => ({ PutRequest: { Item } }));
        while (request.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: request } }));
          request = (out.UnprocessedItems?.[TABLE] ?? []) as typeof request;
        }
      }
    }),
  );
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms;
}

try {
  await ensureTables(client, [{ name: TABLE, spec: hallResources.tables.cases }]);
  const dayStart = new Date(NOW - 8 * 3_600_000).toISOString();
  const reads: [string, () => Promise<unknown>][] = [
    ['first page, no filter (12 partitions)', () => listAlertPage({}, 20)],
    ['red + open', () => listAlertPage({ severity: 'red', status: 'open' }, 20)],
    ['one department', () => listAlertPage({ dept: DEPTS[3] }, 20)],
    ['overdue list', () => listOverdue(10)],
    ['dashboard figures', () => alertFigures(undefined, dayStart, new Date(NOW).toISOString())],
  ];
  const rows: [string, number | string][] = [];
  let written = 0;
  for (const m of MILESTONES) {
    const t = performance.now();
    await write(written, m);
    written = m;
    console.log(`${m} alerts written (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    for (const [name, fn] of reads) {
      const ms = await time(fn);
      rows.push([
        `${m} alerts · ${name} · median / p90 ms`,
        `${median(ms).toFixed(1)} / ${percentile(ms, 90).toFixed(1)}`,
      ]);
    }
  }
  const overdue = (await listOverdue(100)).alerts.length;
  printTable(
    `Alert reads (live set ${LIVE}, ${overdue}${overdue === 100 ? '+' : ''} overdue; READS=${READS})`,
    rows,
  );
} finally {
  await dynamo.stop();
}
