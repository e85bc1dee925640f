/**
 * Statistics counters at volume (issue #11 §3): synthetic cases' stream changes (filed → accepted →
 * 办结 → 领取 → a rating for some, a 差评 rectified and re-rated for a few) are counted by the same
 * code the stream consumer runs (functions/stats/stream.ts countStreamChange: the pure counting and
 * the real transactions) into a stats table on DynamoDB Local; at 1k, 10k and 100k cases it reads a
 * month's published report (functions/stats/report.ts: indicators, rankings, trend, gauges) and
 * prints its latency (target: flat — it reads month rows, never cases) and the writes per case.
 *
 * DynamoDB Local runs transactions one at a time (tens a second on this machine), so only the first
 * EXACT cases (default 1,000) go through the transactions one by one; the rest up to 10k and 100k
 * are counted by the same pure code (countChange → countingItems, the very write items of those
 * transactions) and written summed per row (one ADD per row, markers and 公示 rows in batches): the
 * table ends up holding what the one-by-one path would have written, so the report reads the same rows
 * (the summed cases' version markers and 公示 rows, in partitions the report never reads, only with
 * FILL_ALL=1: they are most of the writes).
 *
 * Run: npm run bench -- counters   (CASES=100000 EXACT=1000 CONCURRENCY=16 READS=30 FILL_ALL=0)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables, localCredentials, startDynamo } from '@online-hall/local-cloud/dynamodb';
import { calendar } from '../../functions/lib/calendar.ts';
import type { StatsCatalogue } from '../../functions/stats/catalogue.ts';
import { type CaseImage, countChange } from '../../functions/stats/counting.ts';
import { monthReport } from '../../functions/stats/report.ts';
import { countingItems } from '../../functions/stats/store.ts';
import { type CountingDeps, countStreamChange } from '../../functions/stats/stream.ts';
import { hallResources } from '../../infra/resources.ts';
import { median, percentile, printTable } from './stats.ts';

const CASES = Number(process.env.CASES ?? 100_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const EXACT = Number(process.env.EXACT ?? 1000);
/** Also write the summed cases' version markers and 公示 rows (partitions the report never reads). */
const FILL_ALL = process.env.FILL_ALL === '1';
const READS = Number(process.env.READS ?? 30);
const MILESTONES = [1_000, 10_000, 100_000].filter((m) => m <= CASES);
const DEPTS = 30;
const ITEMS_PER_DEPT = 10;
const HALL = 'bench';
const TABLE = 'bench-stats';

// A deterministic generator, so two runs load the same cases.
let seed = 20261129;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

const depts = Array.from({ length: DEPTS }, (_, i) => `3416xx-d${String(i).padStart(2, '0')}`);
const catalogue: StatsCatalogue = {
  version: 'bench',
  depts: new Map(depts.map((code, i) => [code, { code, name: `部门${i + 1}`, hallId: HALL }])),
  items: new Map(
    depts.flatMap((dept) =>
      Array.from({ length: ITEMS_PER_DEPT }, (_, j) => {
        const code = `${dept}-I${j}`;
        return [
          code,
          { code, name: `事项${j}`, deptCode: dept, hallId: HALL, onlineDepth: 2 + (j % 3), visits: j % 2 },
        ];
      }),
    ),
  ),
};
const itemCodes = [...catalogue.items.keys()];

/** The CASE item's successive versions of one synthetic case (what the stream's images carry). */
function lifecycle(n: number): CaseImage[] {
  const itemCode = pick(itemCodes);
  const item = catalogue.items.get(itemCode)!;
  // Filed over twelve months, business hours in Beijing.
  const day = Math.floor(random() * 360);
  const filed = new Date(Date.UTC(2026, 0, 5) + day * 86_400_000 + Math.floor(random() * 8) * 3_600_000);
  const at = (days: number) => new Date(filed.getTime() + days * 86_400_000).toISOString();
  const base: CaseImage = {
    caseNo: `341699-${String(n).padStart(9, '0')}`,
    version: 1,
    itemCode,
    itemName: item.name,
    deptCode: item.deptCode,
    deptName: 'x',
    status: 'submitted',
    filedAt: filed.toISOString(),
    promisedDays: 10,
    pauses: [],
    applicant: { name: '张三' },
    ...(random() < 0.2 ? { agent: { sub: 'agent' } } : {}),
  };
  const versions: CaseImage[] = [base];
  const next = (change: Partial<CaseImage>) => {
    const prev = versions.at(-1)!;
    versions.push({ ...prev, ...change, version: prev.version + 1 });
  };
  if (random() < 0.05) {
    next({ status: 'refused', result: { outcome: 'refused', at: at(1) } });
    return versions;
  }
  next({ status: 'accepted', acceptedAt: at(1), deadlines: { case: at(15) } });
  if (random() < 0.1) next({ status: 'correcting', pauses: [{ from: at(2), reason: '补正' }] });
  const doneAt = at(random() < 0.9 ? 6 : 20);
  next({ status: 'approved', result: { outcome: 'approved', at: doneAt } });
  next({ status: 'delivered' });
  if (random() < 0.3) {
    const level = random() < 0.1 ? 1 : pick([3, 4, 5, 5, 5]);
    next({ rating: { level, tags: level <= 2 ? ['超过法定办理时间'] : [], at: at(8) } });
    if (level <= 2) {
      next({ rectification: { openedAt: at(8) } });
      next({ rectification: { openedAt: at(8), visit: { at: at(9) } } });
      next({ rectification: { openedAt: at(8), visit: { at: at(9) }, fix: { at: at(12), note: '已整改' } } });
    }
  }
  return versions;
}

interface SummedRow {
  key: Record<string, string>;
  counters: Map<string, number>;
  labels: Record<string, unknown>;
}

// In memory: the machine is shared and DynamoDB Local on disk writes ~100 items a second here.
const dynamo = await startDynamo({});
const client = new DynamoDBClient({
  endpoint: dynamo.directEndpoint,
  region: 'cn-north-1',
  credentials: localCredentials,
});
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

try {
  await ensureTables(client, [{ name: TABLE, spec: hallResources.tables.stats }]);
  const deps: CountingDeps = {
    doc,
    table: () => TABLE,
    calendar: async () => calendar,
    item: async (code) => catalogue.items.get(code),
    nowSeconds: () => Math.floor(Date.now() / 1000),
  };
  let loaded = 0;
  let changes = 0;
  let transactions = 0;
  let items = 0;
  const rows: [string, number | string][] = [];

  /** Count cases up to `to` one by one, CONCURRENCY cases in flight, each case's versions in order (a shard). */
  async function loadExact(to: number) {
    let nextCase = loaded;
    const worker = async () => {
      for (;;) {
        const n = nextCase++;
        if (n >= to) return;
        let before: CaseImage | undefined;
        for (const after of lifecycle(n)) {
          const out = await countStreamChange(deps, {
            eventName: before ? 'MODIFY' : 'INSERT',
            newImage: { ...after, sk: 'CASE' } as never,
            oldImage: before ? ({ ...before, sk: 'CASE' } as never) : undefined,
          });
          changes++;
          if (out.items) transactions++;
          items += out.items;
          before = after;
        }
        loaded++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  /** The same write items for cases up to `to`, summed per row and written in bulk. */
  async function loadSummed(to: number) {
    const adds = new Map<string, SummedRow>();
    const puts = new Map<string, Record<string, unknown>>();
    for (let n = loaded; n < to; n++) {
      let before: CaseImage | undefined;
      for (const after of lifecycle(n)) {
        const c = countChange(before, after, {
          cal: calendar,
          item: before ? undefined : catalogue.items.get(after.itemCode),
        });
        const written = countingItems(TABLE, c, {
          versioned: true,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
        changes++;
        if (written.length) transactions++;
        items += written.length;
        for (const w of written) {
          if (w.Put) {
            if (!FILL_ALL) continue;
            const item = w.Put.Item as Record<string, unknown>;
            const k = `${item.pk}|${item.sk}`;
            const old = puts.get(k);
            if (!old || Number(old.v ?? 0) < Number(item.v ?? 0)) puts.set(k, item);
          } else if (w.Update) {
            const key = w.Update.Key as Record<string, string>;
            const k = `${key.pk}|${key.sk}`;
            const row: SummedRow = adds.get(k) ?? { key, counters: new Map(), labels: {} };
            const names = w.Update.ExpressionAttributeNames ?? {};
            const values: Record<string, unknown> = w.Update.ExpressionAttributeValues ?? {};
            for (const [alias, name] of Object.entries(names)) {
              const value = values[`:${alias.slice(1)}`];
              if (alias.startsWith('#c'))
                row.counters.set(name, (row.counters.get(name) ?? 0) + Number(value));
              else row.labels[name] = value;
            }
            adds.set(k, row);
          }
        }
        before = after;
      }
      loaded++;
    }
    const updates = [...adds.values()];
    const writeUpdates = async () => {
      for (let row = updates.pop(); row; row = updates.pop()) {
        const names: Record<string, string> = {};
        const values: Record<string, unknown> = {};
        const add: string[] = [];
        const set: string[] = [];
        [...row.counters].forEach(([name, value], i) => {
          names[`#c${i}`] = name;
          values[`:c${i}`] = value;
          add.push(`#c${i} :c${i}`);
        });
        Object.entries(row.labels).forEach(([name, value], i) => {
          names[`#l${i}`] = name;
          values[`:l${i}`] = value;
          set.push(`#l${i} = :l${i}`);
        });
        await doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: row.key,
            UpdateExpression: `${set.length ? `SET ${set.join(', ')} ` : ''}ADD ${add.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      }
    };
    const batches = [...puts.values()];
    const writePuts = async () => {
      for (;;) {
        const batch = batches.splice(0, 25);
        if (!batch.length) return;
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
          pending = (out.UnprocessedItems?.[TABLE] ?? []) as typeof pending;
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: CONCURRENCY }, writeUpdates),
      ...Array.from({ length: 4 }, writePuts),
    ]);
  }

  async function readLatency() {
    const times: number[] = [];
    // A few reads first, so the figures compare warm reads (the first pays for JIT and connections).
    for (let i = 0; i < 5; i++) await monthReport(doc, TABLE, HALL, '2026-06', catalogue);
    for (let i = 0; i < READS; i++) {
      const t = performance.now();
      await monthReport(doc, TABLE, HALL, '2026-06', catalogue);
      times.push(performance.now() - t);
    }
    return times;
  }

  let exactSeconds = 0;
  for (const milestone of MILESTONES) {
    const t = Date.now();
    if (loaded < EXACT) {
      await loadExact(Math.min(EXACT, milestone));
      exactSeconds = (Date.now() - t) / 1000;
      rows.push(['one by one: cases per second (transactions)', loaded / exactSeconds]);
      rows.push(['one by one: items written per case', items / loaded]);
      rows.push(['one by one: counting transactions per case', transactions / loaded]);
    }
    if (loaded < milestone) await loadSummed(milestone);
    const times = await readLatency();
    console.log(
      `${loaded} cases counted (${((Date.now() - t) / 1000).toFixed(0)} s this stage); ` +
        `report read median ${median(times).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms`,
    );
    rows.push([`report read at ${loaded} cases, median ms`, median(times)]);
    rows.push([`report read at ${loaded} cases, p90 ms`, percentile(times, 90)]);
  }
  printTable(`Counters (${loaded} cases, ${changes} case versions, concurrency ${CONCURRENCY})`, [
    ...rows,
    ['case versions per case', changes / loaded],
    ['counting transactions per case', transactions / loaded],
    ['items written per case (marker, rows, 公示)', items / loaded],
    ['write units per case (transactional: 2 per item ≤ 1 KB)', (2 * items) / loaded],
    ['items written per counting transaction', items / transactions],
  ]);
} finally {
  client.destroy();
  await dynamo.stop();
}
