/**
 * Reads of the supervisor's page, each answered by index partitions already in the page's order
 * (keys.ts): a page costs at most one Query of `limit + 1` items per partition it spans (≤ 12),
 * whatever the number of cases in the hall; counts read only the day's (or the waiting) alerts.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AlertStatus, Severity } from '#domain/vocabulary.ts';
import type { AlertRecord } from '#functions/cases/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { ALERT_STATUSES, byDeptPartition, byLevelPartition, OVERDUE_PARTITION, SEVERITIES } from './keys.ts';

const table = () => env('CASES_TABLE');

const strip = (item: Record<string, unknown>): AlertRecord => {
  const {
    pk: _a,
    sk: _b,
    gsi1pk: _c,
    gsi1sk: _d,
    gsi2pk: _e,
    gsi2sk: _f,
    gsi3pk: _g,
    gsi3sk: _h,
    ...rest
  } = item;
  return rest as unknown as AlertRecord;
};

export interface AlertFilter {
  status?: AlertStatus;
  severity?: Severity;
  dept?: string;
}

/** The index and partitions a filter spans: one per (status, level) it leaves open. */
function partitionsOf(f: AlertFilter): {
  index: 'byApplicant' | 'byQueue';
  pk: string;
  sk: string;
  names: string[];
} {
  const statuses = f.status ? [f.status] : ALERT_STATUSES;
  const severities = f.severity ? [f.severity] : SEVERITIES;
  const pairs = statuses.flatMap((s) => severities.map((v) => [s, v] as const));
  return f.dept
    ? {
        index: 'byApplicant',
        pk: 'gsi1pk',
        sk: 'gsi1sk',
        names: pairs.map(([s, v]) => byDeptPartition(f.dept!, s, v)),
      }
    : { index: 'byQueue', pk: 'gsi2pk', sk: 'gsi2sk', names: pairs.map(([s, v]) => byLevelPartition(s, v)) };
}

export interface AlertPageRead {
  alerts: AlertRecord[];
  /** The sort key of the last alert, when more follow. */
  next?: string;
}

/** Newest first, after the sort key `after` (`<raisedAt>#<caseNo>#<alertId>`). */
export async function listAlertPage(f: AlertFilter, limit: number, after?: string): Promise<AlertPageRead> {
  const { index, pk, sk, names } = partitionsOf(f);
  const pages = await Promise.all(
    names.map((p) =>
      dynamo.send(
        new QueryCommand({
          TableName: table(),
          IndexName: index,
          KeyConditionExpression: after ? `${pk} = :p AND ${sk} < :a` : `${pk} = :p`,
          ExpressionAttributeValues: { ':p': p, ...(after ? { ':a': after } : {}) },
          ScanIndexForward: false,
          Limit: limit + 1,
        }),
      ),
    ),
  );
  // An alert whose status changes while the partitions are read (closed by itself, urged) can be
  // in two of them: one sort key, one alert.
  const items = [
    ...new Map(pages.flatMap((page) => page.Items ?? []).map((i) => [String(i[sk]), i])).values(),
  ].sort((a, b) => (String(a[sk]) < String(b[sk]) ? 1 : -1));
  // A partition cut short by DynamoDB's 1 MB page holds more after its last item: nothing older than
  // that may be shown yet, or the next page (which starts after the last shown) would skip them.
  const cut = pages
    .filter((p) => p.LastEvaluatedKey && (p.Items?.length ?? 0) <= limit)
    .map((p) => String(p.Items?.at(-1)?.[sk] ?? '~'));
  const floor = cut.sort().at(-1) ?? '';
  const shown = items.filter((i) => String(i[sk]) >= floor).slice(0, limit);
  const more = items.length > shown.length || cut.length > 0;
  return { alerts: shown.map(strip), next: more && shown.length ? String(shown.at(-1)![sk]) : undefined };
}

/** Red alerts and findings past their limit, not answered yet: the earliest deadline (most late) first. */
export async function listOverdue(limit: number, after?: string): Promise<AlertPageRead> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byDeadline',
      KeyConditionExpression: after ? 'gsi3pk = :p AND gsi3sk > :a' : 'gsi3pk = :p',
      ExpressionAttributeValues: { ':p': OVERDUE_PARTITION, ...(after ? { ':a': after } : {}) },
      ScanIndexForward: true,
      Limit: limit + 1,
    }),
  );
  const items = out.Items ?? [];
  const shown = items.slice(0, limit);
  const more = items.length > limit || !!out.LastEvaluatedKey;
  return { alerts: shown.map(strip), next: more && shown.length ? String(shown.at(-1)!.gsi3sk) : undefined };
}

/** Every item of a query, paged through (counts read only what they count). */
async function each(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function count(input: QueryCommandInput): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

/**
 * The dashboard's figures: alerts raised since `dayStart` by level; 督办 waiting for a reply (and
 * those past their reply deadline); the overdue list's length and the escalations on it. `dept`
 * narrows the first two.
 */
export async function alertFigures(dept: string | undefined, dayStart: string, nowIso: string) {
  const today = Object.fromEntries(
    await Promise.all(
      SEVERITIES.map(async (severity) => {
        const { index, pk, sk, names } = partitionsOf({ severity, dept });
        const counts = await Promise.all(
          names.map((p) =>
            count({
              TableName: table(),
              IndexName: index,
              KeyConditionExpression: `${pk} = :p AND ${sk} >= :d`,
              ExpressionAttributeValues: { ':p': p, ':d': dayStart },
            }),
          ),
        );
        return [severity, counts.reduce((a, b) => a + b, 0)] as const;
      }),
    ),
  ) as Record<Severity, number>;
  const { index, pk, names } = partitionsOf({ status: 'urged', dept });
  const urged = (
    await Promise.all(
      names.map((p) =>
        each({
          TableName: table(),
          IndexName: index,
          KeyConditionExpression: `${pk} = :p`,
          ExpressionAttributeValues: { ':p': p },
          ProjectionExpression: 'urge',
        }),
      ),
    )
  ).flat();
  const urgedOverdue = urged.filter((a) => {
    const by = (a.urge as { replyBy?: string } | undefined)?.replyBy;
    return !!by && by <= nowIso;
  }).length;
  // Everything there is past its limit (a red alert or finding is raised when its limit passes);
  // the unanswered 督办 reported to the city are among them (scope `reply`).
  const overdue = await each({
    TableName: table(),
    IndexName: 'byDeadline',
    KeyConditionExpression: 'gsi3pk = :p',
    ExpressionAttributeValues: { ':p': OVERDUE_PARTITION },
    ProjectionExpression: '#s',
    ExpressionAttributeNames: { '#s': 'scope' },
  });
  const escalated = overdue.filter((a) => a.scope === 'reply').length;
  return { today, urged: urged.length, urgedOverdue, overdue: overdue.length, escalated };
}
