/**
 * What statistics need of the catalogue: the hall's departments (names, for rankings) and items
 * (name, online depth, visits — for 全程网办, 到现场次数 and 事项进驻率). Read with a projection (not the
 * guides), kept in module scope and reloaded when the catalogue's version changes (checked at most
 * once a minute): statistics may lag an import by that much.
 */
import { nowMs } from '#domain/clock.ts';
import type { ItemCoverage } from '#domain/indicators.ts';
import { readMeta } from '#functions/catalogue/store.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';

const CHECK_EVERY_MS = 60_000;

export interface StatsItem {
  code: string;
  name: string;
  deptCode: string;
  hallId: string;
  onlineDepth: number;
  visits: number;
}

export interface StatsDept {
  code: string;
  name: string;
  hallId: string;
}

export interface StatsCatalogue {
  version: string;
  items: Map<string, StatsItem>;
  depts: Map<string, StatsDept>;
}

let current: StatsCatalogue | undefined;
let checkedAt = 0;
let loading: Promise<StatsCatalogue> | undefined;

async function load(version: string): Promise<StatsCatalogue> {
  const table = env('CATALOGUE_TABLE');
  const [items, depts] = await Promise.all([
    queryAll({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ITEM#${version}` },
      ProjectionExpression: 'code, #n, deptCode, hallId, onlineDepth, visits',
      ExpressionAttributeNames: { '#n': 'name' },
    }),
    queryAll({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `DEPT#${version}` },
      ProjectionExpression: 'code, #n, shortName, hallId',
      ExpressionAttributeNames: { '#n': 'name' },
    }),
  ]);
  return {
    version,
    items: new Map(items.map((i) => [String(i.code), i as unknown as StatsItem])),
    depts: new Map(
      depts.map((d) => [
        String(d.code),
        { code: String(d.code), name: String(d.name), hallId: String(d.hallId) },
      ]),
    ),
  };
}

/** The catalogue as statistics see it; one load at a time. */
export async function statsCatalogue(): Promise<StatsCatalogue> {
  if (current && nowMs() - checkedAt < CHECK_EVERY_MS) return current;
  loading ??= (async () => {
    try {
      const version = (await readMeta(dynamo, env('CATALOGUE_TABLE')))?.version ?? '';
      checkedAt = nowMs();
      if (!current || current.version !== version) current = await load(version);
      return current;
    } finally {
      loading = undefined;
    }
  })();
  return loading;
}

/** 事项进驻率's counts: the hall's items (or one department's), and those that take applications online. */
export function coverageOf(cat: StatsCatalogue, hallId: string, deptCode?: string): ItemCoverage {
  let items = 0;
  let online = 0;
  for (const i of cat.items.values()) {
    if (i.hallId !== hallId || (deptCode && i.deptCode !== deptCode)) continue;
    items++;
    if (i.onlineDepth >= 3) online++;
  }
  return { items, online };
}
