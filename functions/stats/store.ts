/**
 * The statistics table of one hall (key schema: infra/resources.ts `stats`). A counted case version
 * is ONE transaction: the marker `MARK#<caseNo> / V#<version>` (put only if absent) and the ADDs to
 * the item's day and month rows, the department's and the hall's month rows, the in-handling gauge,
 * and the 办件公示 / rectified rows (each put only over an older version). A replayed stream record
 * finds its marker and the whole transaction is refused: nothing is counted twice.
 *
 * Every function takes the client and table name, so the bench and the replay test drive the same
 * code against DynamoDB Local.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Counters, countersOf, sumCounters } from '#domain/indicators.ts';
import {
  type Counting,
  countsSomething,
  type DisclosureRow,
  monthOf,
  type RectifiedRow,
} from './counting.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * How long a marker is kept. A stream keeps records 24 h and the mapping gives up after an hour, so
 * a record can come back at most that late in AWS; locally a dead letter waits for `npm run replay`,
 * which should not take three months.
 */
export const MARKER_DAYS = 90;

export const monthKey = (month: string) => `M#${month}`;
export const HALL_ROW = 'H';
export const deptRow = (dept: string) => `D#${dept}`;
export const itemRow = (dept: string, item: string) => `I#${dept}#${item}`;
export const disclosureKey = (month: string) => `PUB#${month}`;
export const rectifiedKey = (month: string) => `RECT#${month}`;

function addCounters(
  table: string,
  key: { pk: string; sk: string },
  counters: Counters | { open: number },
  labels: Record<string, string>,
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  const sets: string[] = [];
  Object.entries(counters).forEach(([name, value], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
    adds.push(`#c${i} :c${i}`);
  });
  Object.entries(labels).forEach(([name, value], i) => {
    names[`#l${i}`] = name;
    values[`:l${i}`] = value;
    sets.push(`#l${i} = :l${i}`);
  });
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

const newerPut = (table: string, item: Record<string, unknown> & { v: number }): TransactItem => ({
  Put: {
    TableName: table,
    Item: item,
    ConditionExpression: 'attribute_not_exists(pk) OR v < :v',
    ExpressionAttributeValues: { ':v': item.v },
  },
});

/** The write items of a counting, marker first; `versioned` = with the 公示 rows. */
export function countingItems(
  table: string,
  c: Counting,
  opts: { versioned: boolean; nowSeconds: number },
): TransactItem[] {
  const items: TransactItem[] = [];
  const counts = c.days.length > 0 || c.open !== 0;
  if (counts)
    items.push({
      Put: {
        TableName: table,
        Item: {
          pk: `MARK#${c.caseNo}`,
          sk: `V#${c.version}`,
          expiresAt: opts.nowSeconds + MARKER_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  const labels = { deptCode: c.deptCode };
  const itemLabels = { ...labels, itemCode: c.itemCode };
  const months = new Map<string, Counters[]>();
  for (const { date, counters } of c.days) {
    const month = monthOf(date);
    months.set(month, [...(months.get(month) ?? []), counters]);
    items.push(
      addCounters(
        table,
        { pk: `DAY#${month}`, sk: `${date.slice(8)}#${c.deptCode}#${c.itemCode}` },
        counters,
        itemLabels,
      ),
    );
  }
  // One update per row and month (a transaction may not touch an item twice).
  for (const [month, days] of months) {
    const counters = sumCounters(days);
    items.push(
      addCounters(table, { pk: monthKey(month), sk: itemRow(c.deptCode, c.itemCode) }, counters, itemLabels),
      addCounters(table, { pk: monthKey(month), sk: deptRow(c.deptCode) }, counters, labels),
      addCounters(table, { pk: monthKey(month), sk: HALL_ROW }, counters, {}),
      addCounters(table, { pk: 'HALL', sk: `M#${month}` }, counters, {}),
    );
  }
  if (c.open !== 0)
    items.push(addCounters(table, { pk: 'OPEN', sk: deptRow(c.deptCode) }, { open: c.open }, labels));
  if (opts.versioned && c.disclosure) {
    const d = c.disclosure;
    items.push(
      newerPut(table, { pk: disclosureKey(d.filedAt.slice(0, 7)), sk: `${d.filedAt}#${d.caseNo}`, ...d }),
    );
  }
  if (opts.versioned && c.rectified) {
    const r = c.rectified;
    items.push(
      newerPut(table, { pk: rectifiedKey(r.fixedAt.slice(0, 7)), sk: `${r.fixedAt}#${r.caseNo}`, ...r }),
    );
  }
  return items;
}

export type WriteOutcome = 'counted' | 'duplicate' | 'nothing';

/**
 * Writes one counting; 'duplicate' when this case version was counted before (a replay). A 公示 row
 * already holding a newer version (records delivered out of order by a replay) is left alone and
 * the counters are written without it. Returns the number of items written, for the cost figures.
 */
export async function writeCounting(
  doc: DynamoDBDocumentClient,
  table: string,
  c: Counting,
  nowSeconds: number,
): Promise<{ outcome: WriteOutcome; items: number }> {
  if (!countsSomething(c)) return { outcome: 'nothing', items: 0 };
  for (const versioned of [true, false]) {
    const items = countingItems(table, c, { versioned, nowSeconds });
    if (items.length === 0) return { outcome: 'nothing', items: 0 };
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: 'counted', items: items.length };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const hasMarker = 'Put' in items[0] && String(items[0].Put?.Item?.pk).startsWith('MARK#');
      if (hasMarker && reasons[0]?.Code === 'ConditionalCheckFailed')
        return { outcome: 'duplicate', items: 0 };
      const staleRow = reasons.some((r) => r.Code === 'ConditionalCheckFailed');
      // Only a stale 公示 row is ours to settle here; a conflict with a parallel writer is retried by the stream.
      if (!staleRow) throw err;
      if (!hasMarker) return { outcome: 'nothing', items: 0 };
    }
  }
  throw new Error('unreachable');
}

export interface StoredRow extends Record<string, unknown> {
  pk: string;
  sk: string;
}

async function queryAllWith(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<StoredRow[]> {
  const items: StoredRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as StoredRow[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The hall and department rows of a month: one row per department, whatever the number of cases. */
export async function readMonth(
  doc: DynamoDBDocumentClient,
  table: string,
  month: string,
): Promise<{ hall: Counters; depts: Map<string, Counters> }> {
  const rows = await queryAllWith(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND sk < :i',
    // 'D#…' and 'H' sort before 'I#…' (item rows are read only by exports).
    ExpressionAttributeValues: { ':pk': monthKey(month), ':i': 'I#' },
  });
  const depts = new Map<string, Counters>();
  let hall: Counters = {};
  for (const row of rows) {
    if (row.sk === HALL_ROW) hall = countersOf(row);
    else if (row.sk.startsWith('D#')) depts.set(row.sk.slice(2), countersOf(row));
  }
  return { hall, depts };
}

/** Item rows of a month (exports). */
export async function readMonthItems(
  doc: DynamoDBDocumentClient,
  table: string,
  month: string,
): Promise<{ deptCode: string; itemCode: string; counters: Counters }[]> {
  const rows = await queryAllWith(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :i)',
    ExpressionAttributeValues: { ':pk': monthKey(month), ':i': 'I#' },
  });
  return rows.map((r) => ({
    deptCode: String(r.deptCode),
    itemCode: String(r.itemCode),
    counters: countersOf(r),
  }));
}

/** Day rows of a month, per day (summed over items), for the daily series of exports. */
export async function readMonthDays(
  doc: DynamoDBDocumentClient,
  table: string,
  month: string,
): Promise<{ date: string; deptCode: string; itemCode: string; counters: Counters }[]> {
  const rows = await queryAllWith(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `DAY#${month}` },
  });
  return rows.map((r) => ({
    date: `${month}-${r.sk.slice(0, 2)}`,
    deptCode: String(r.deptCode),
    itemCode: String(r.itemCode),
    counters: countersOf(r),
  }));
}

/** The hall's month rows between two months (inclusive): the trend in one query. */
export async function readTrend(
  doc: DynamoDBDocumentClient,
  table: string,
  from: string,
  to: string,
): Promise<Map<string, Counters>> {
  const rows = await queryAllWith(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': 'HALL', ':a': `M#${from}`, ':b': `M#${to}` },
  });
  return new Map(rows.map((r) => [r.sk.slice(2), countersOf(r)]));
}

/** Cases in handling now, per department. */
export async function readOpen(doc: DynamoDBDocumentClient, table: string): Promise<Map<string, number>> {
  const rows = await queryAllWith(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'OPEN' },
  });
  return new Map(rows.map((r) => [r.sk.slice(2), Math.max(0, Number(r.open ?? 0))]));
}

/** A page of a published list (办件公示 or rectified 差评), newest first. */
export async function readPublished<T extends DisclosureRow | RectifiedRow>(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  limit: number,
  start?: Record<string, string>,
): Promise<{ rows: T[]; last?: Record<string, unknown> }> {
  const page = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const rows = (page.Items ?? []).map(({ pk: _p, sk: _s, v: _v, ...rest }) => rest as T);
  return { rows, last: page.LastEvaluatedKey };
}

/** Whether this version of a case was counted (tests and the replay report). */
export async function isCounted(doc: DynamoDBDocumentClient, table: string, caseNo: string, version: number) {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: `MARK#${caseNo}`, sk: `V#${version}` } }),
  );
  return !!out.Item;
}
