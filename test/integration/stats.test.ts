/**
 * Statistics through HTTP (issue #11 §3): cases filed and driven through their lifecycle are counted
 * from the cases stream (filed, accepted, refused, completed on time, rated, a 差评 rectified and
 * re-rated), shown on the public statistics, 办件公示 (applicant masked) and the rectified 差评 list,
 * exported by a supervisor; and a batch of the real stream records delivered again counts nothing.
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { toLambdaRecord } from '@online-hall/local-cloud/streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { countersOf } from '#domain/indicators.ts';
import { countingHandler, countStreamChange } from '#functions/stats/stream.ts';
import { calendar } from '#lib/calendar.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const env = inject('localCloudEnv');
const sdk = env && {
  region: env.AWS_REGION,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
};
const ddb = env ? new DynamoDBClient({ ...sdk, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }) : undefined;
const doc = ddb ? DynamoDBDocumentClient.from(ddb) : undefined;
const streams = env
  ? new DynamoDBStreamsClient({ ...sdk, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS })
  : undefined;
afterAll(() => {
  doc?.destroy();
  streams?.destroy();
});

let hall = '';
let dept = '';
let itemCode = '';
let form: Record<string, string | boolean> = {};
let applicant: string;
let staff: string;
let supervisor: string;
const api = (path: string) => `/api/halls/${hall}${path}`;

beforeAll(async () => {
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  // A hall other than the pilot (whose counters every other test file moves), an instant item
  // (受理 = 办结) without fees of a department that has a 受理 post.
  for (const a of accounts.filter(
    (x) => x.role === 'staff' && x.hall !== 'qiaocheng' && x.posts.includes('受理'),
  )) {
    const page = await call('GET', `/api/items?hallId=${a.hall}&deptCode=${a.dept}&limit=50`);
    for (const it of page.body.items ?? []) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id !== 'instant' || guide.item.fees?.charged) continue;
      [hall, dept, itemCode] = [a.hall, a.dept, it.code];
      form = exampleForm(guide.applicationForm, { phone: '13800000001' });
      staff = await login(a.username);
      break;
    }
    if (itemCode) break;
  }
  expect(itemCode, 'an instant item outside the pilot hall').not.toBe('');
  [applicant, supervisor] = await Promise.all([login('zhangsan'), login(`${hall}-jc`)]);
}, 120_000);

async function file(): Promise<{ caseNo: string; filedAt: string }> {
  const key = randomUUID();
  const res = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, hall, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const detail = async (caseNo: string) =>
  (await call('GET', api(`/cases/${caseNo}`), { token: applicant })).body;

/** Staff answer the case's ready task `prefix` with `action`. */
async function act(caseNo: string, prefix: string, action: string, extra: Record<string, unknown> = {}) {
  const t = await eventually(
    async () =>
      (await call('GET', api(`/cases/${caseNo}`), { token: supervisor })).body.tasks?.find(
        (x: any) => x.id.startsWith(prefix) && x.ready,
      ),
    `task ${prefix} of ${caseNo}`,
  );
  const res = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: staff,
    body: { action, taskId: t.id, ...extra },
  });
  expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
}

async function applicantAct(caseNo: string, action: string, extra: Record<string, unknown>) {
  await eventually(
    async () => ((await detail(caseNo)).applicantActions?.includes(action) ? true : undefined),
    action,
  );
  const res = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: applicant,
    body: { action, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The month row of the item, straight from the table (exact, unlike the public answer's minute cache). */
async function itemMonth(month: string) {
  const out = await doc!.send(
    new GetCommand({
      TableName: `hall-${hall}-stats`,
      Key: { pk: `M#${month}`, sk: `I#${dept}#${itemCode}` },
    }),
  );
  return countersOf(out.Item ?? {});
}

const minus = (a: Record<string, number | undefined>, b: Record<string, number | undefined>) =>
  Object.fromEntries(
    Object.keys({ ...a, ...b })
      .map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

describe('statistics from the cases stream', () => {
  const cases: string[] = [];
  let month = '';
  let baseline: Record<string, number | undefined> = {};

  it('counts filing, acceptance, refusal, completion, ratings and a rectified 差评; publishes them masked', async () => {
    const probe = await call('GET', api('/stats'));
    expect(probe.status).toBe(200);
    month = probe.body.month;
    if (doc) baseline = await itemMonth(month);

    const good = await file();
    const bad = await file();
    const refused = await file();
    cases.push(good.caseNo, bad.caseNo, refused.caseNo);
    expect(good.filedAt.slice(0, 7)).toBe(month);

    await act(good.caseNo, 'accept#', 'accept');
    await act(bad.caseNo, 'accept#', 'accept');
    await act(refused.caseNo, 'accept#', 'refuse', { reason: '申请事项不属于本机关职权范围' });
    await applicantAct(good.caseNo, 'rate', { rating: { level: 5 } });
    await applicantAct(bad.caseNo, 'rate', { rating: { level: 2, tags: ['服务态度差', '网上办理不方便'] } });
    await act(bad.caseNo, 'visit', 'rect-visit', { result: '已电话回访申请人 13800000001' });
    await act(bad.caseNo, 'rectify', 'rect-fix', { result: '窗口服务规范培训，网上申报页面已简化' });
    await applicantAct(bad.caseNo, 're-rate', { rating: { level: 4 } });

    const expected = {
      filed: 3,
      filed_online: 3,
      accepted: 2,
      refused: 1,
      completed: 2,
      approved: 2,
      onTime: 2,
      rated: 2,
      rated_online: 2,
      r5: 1,
      r2: 1,
      'tag:服务态度差': 1,
      'tag:网上办理不方便': 1,
      rectOpened: 1,
      rectVisited: 1,
      rectFinished: 1,
      rerated: 1,
      rr4: 1,
    };
    if (doc)
      await eventually(
        async () => {
          const delta = minus(await itemMonth(month), baseline);
          // Everything expected is there (days and visits depend on the item and the calendar).
          return Object.entries(expected).every(([k, v]) => delta[k] === v) ? delta : undefined;
        },
        'the counters of the three cases',
        60_000,
      );

    // The public answer (cached up to 15 s) shows the department with its handled and in-progress counts.
    const stats = await eventually(
      async () => {
        const s = (await call('GET', api(`/stats?month=${month}`))).body;
        const d = s.departments?.find((x: any) => x.code === dept);
        return d && d.indicators.rectFinished >= 1 && d.ratings.rectification.finished >= 1 ? s : undefined;
      },
      'the public statistics',
      60_000,
    );
    const d = stats.departments.find((x: any) => x.code === dept);
    expect(d.handled).toBeGreaterThanOrEqual(3);
    expect(d.indicators.onTimeRate).toBeGreaterThan(0);
    expect(d.rank).toBeGreaterThanOrEqual(1);
    expect(stats.trend).toHaveLength(12);
    expect(stats.hall.ratings.topTags.map((t: any) => t.tag)).toContain('服务态度差');

    const pub = await eventually(
      async () => {
        const list = (await call('GET', api(`/disclosure?month=${month}&limit=50`))).body.cases as any[];
        const mine = list.filter((c) => cases.includes(c.caseNo));
        return mine.length === 3 && mine.every((c) => c.status !== 'submitted') ? mine : undefined;
      },
      '办件公示 of the three cases',
      60_000,
    );
    for (const c of pub) {
      expect(c.applicant).toBe('张*');
      expect(JSON.stringify(c)).not.toMatch(/13800000001|queryCode|张三/);
    }
    expect(pub.find((c) => c.caseNo === refused.caseNo)).toMatchObject({
      status: 'refused',
      statusName: '不予受理',
    });

    const rectified = await eventually(
      async () => {
        const list = (await call('GET', api(`/disclosure?list=rectified&month=${month}`))).body
          .rectified as any[];
        return list.find((r) => r.caseNo === bad.caseNo && r.rerating === 4);
      },
      'the rectified 差评 published',
      60_000,
    );
    expect(rectified).toMatchObject({
      level: 2,
      tags: ['服务态度差', '网上办理不方便'],
      fix: '窗口服务规范培训，网上申报页面已简化',
    });
  }, 240_000);

  it('a replayed batch of the real stream records counts nothing twice', async ({ skip }) => {
    if (!doc || !streams) skip();
    const before = await itemMonth(month);
    // Read the hall's cases stream back from its start and keep the records of our three cases.
    const table = `hall-${hall}-cases`;
    const arn = (await ddb!.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
    expect(arn).toBeDefined();
    const shards =
      (await streams!.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? [];
    const records: _Record[] = [];
    for (const shard of shards) {
      let iterator = (
        await streams!.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      for (let i = 0; iterator && i < 500; i++) {
        const page = await streams!.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(page.Records ?? []));
        if (!page.Records?.length && !page.NextShardIterator) break;
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    const ours = records.filter(
      (r) => r.dynamodb?.Keys?.sk?.S === 'CASE' && cases.some((c) => r.dynamodb?.Keys?.pk?.S === `CASE#${c}`),
    );
    expect(ours.length).toBeGreaterThanOrEqual(9);
    const event = { Records: ours.map((r) => toLambdaRecord(r, arn!)) } as unknown as DynamoDBStreamEvent;
    const deps = {
      doc: doc!,
      table: () => `hall-${hall}-stats`,
      calendar: async () => calendar,
      item: async () => ({ onlineDepth: 4, visits: 0 }),
      nowSeconds: () => Math.floor(Date.now() / 1000),
    };
    // The batch as the mapping would deliver it again: every record succeeds, none counts.
    const handler = countingHandler(deps);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    const outcomes = await Promise.all(
      event.Records.map((r) =>
        countStreamChange(deps, {
          eventName: r.eventName as 'INSERT' | 'MODIFY',
          newImage: r.dynamodb?.NewImage && unmarshall(r.dynamodb.NewImage as never),
          oldImage: r.dynamodb?.OldImage && unmarshall(r.dynamodb.OldImage as never),
        }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'counted')).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'duplicate').length).toBeGreaterThanOrEqual(9);
    expect(await itemMonth(month)).toEqual(before);
  }, 120_000);

  it('exports the month for the hall’s supervisor (CSV and XLSX), not for an applicant', async () => {
    const csv = await call('GET', api(`/stats/export?month=${month}&format=csv&sheet=item`), {
      token: supervisor,
    });
    expect(csv.status).toBe(200);
    expect(csv.body.filename).toMatch(/\.csv$/);
    expect(csv.body.data).toContain(itemCode);
    const xlsx = await call('GET', api(`/stats/export?month=${month}&format=xlsx`), { token: supervisor });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(xlsx.body.data, 'base64').subarray(0, 2).toString()).toBe('PK');
    expect((await call('GET', api(`/stats/export?month=${month}`), { token: applicant })).status).toBe(403);
    expect((await call('GET', api('/stats/export?month=2999-01'), { token: supervisor })).status).toBe(400);
    expect((await call('GET', api('/stats?month=13'))).status).toBe(400);
  });
});
