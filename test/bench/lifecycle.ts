/**
 * What one case costs, per process template: state transitions, Lambda invocations, DynamoDB read
 * and write units, SNS messages, and the AWS bill per 1,000 cases at list prices; staff-action
 * latency on the local cloud; progress-query throughput (autocannon) beside a bare DynamoDB Local
 * GetItem loop in the same run. Run: npx tsx test/bench/lifecycle.ts
 *
 * Read/write units are DynamoDB Local's own ConsumedCapacity: a proxy between the functions and
 * DynamoDB Local asks for it on every request and adds it up.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { exampleForm } from '../../functions/domain/forms.ts';
import { startCloud } from '../../infra/local/cloud.ts';
import { callAt } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { median, percentile, printTable } from './stats.ts';

/** List prices used (AWS us-east-1, on-demand, 2026; SMS at a flat assumed rate). */
const PRICES = {
  transition: 0.025 / 1000, // Step Functions Standard, per state transition
  lambdaRequest: 0.2 / 1e6, // per invocation
  lambdaGbSecond: 0.0000133334, // arm64, per GB-s; we assume 100 ms at 1 GB per invocation
  wru: 0.625 / 1e6, // DynamoDB on-demand write request unit
  rru: 0.125 / 1e6, // DynamoDB on-demand read request unit
  snsPublish: 0.5 / 1e6, // topic publish
  sms: 0.02, // per SMS (assumed; SMS to mainland China goes through a local provider in practice)
};

const counters = { rcu: 0, wcu: 0, sms: 0, topic: 0 };
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** A forwarding proxy that counts what passes: consumed capacity for DynamoDB, publishes for SNS. */
function countingProxy(service: 'dynamodb' | 'sns', target: string): Promise<string> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (service === 'dynamodb' && body.length) {
        const json = JSON.parse(body.toString('utf8'));
        json.ReturnConsumedCapacity = 'TOTAL';
        body = Buffer.from(JSON.stringify(json));
      }
      if (service === 'sns') {
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('Action') === 'Publish') counters[form.get('PhoneNumber') ? 'sms' : 'topic']++;
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['accept-encoding'];
      const upstream = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c) => out.push(c));
          up.on('end', () => {
            const text = Buffer.concat(out);
            if (service === 'dynamodb') {
              try {
                const consumed = JSON.parse(text.toString('utf8')).ConsumedCapacity;
                const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
                  (s: number, c: { CapacityUnits?: number }) => s + (c.CapacityUnits ?? 0),
                  0,
                );
                if (READS.has(op)) counters.rcu += units;
                else counters.wcu += units;
              } catch {
                // not JSON: nothing to count
              }
            }
            res.writeHead(up.statusCode ?? 500, up.headers);
            res.end(text);
          });
        },
      );
      upstream.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  ).finally(() => server.unref()) as Promise<string>;
}

const cloud = await startCloud({
  clockStart: '2026-03-02T09:00:00+08:00',
  logLevel: 'ERROR',
  wrapEndpoint: countingProxy,
});
const url = (p: string) => `${cloud.url}${p}`;
async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url(path), {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}
const tokenCache = new Map<string, string>();
async function login(username: string) {
  if (!tokenCache.has(username)) {
    tokenCache.set(
      username,
      (await call('POST', '/api/dev/token', undefined, { username, password: 'Demo@2026' })).body.accessToken,
    );
  }
  return tokenCache.get(username)!;
}
const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
const staffFor = (dept: string, post: string) =>
  accounts.find(
    (a) => a.role === 'staff' && a.hall === 'qiaocheng' && a.dept === dept && a.posts.includes(post),
  ).username;

const items: Record<string, string> = {};
/** A filled application form each item's definition accepts. */
const forms: Record<string, Record<string, string | boolean>> = {};
for (let offset = 0; Object.keys(items).length < 6 && offset < 400; offset += 50) {
  for (const it of (await call('GET', `/api/items?hallId=qiaocheng&limit=50&offset=${offset}`)).body.items) {
    const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
    items[guide.processTemplate.id] ??= it.code;
    forms[it.code] ??= exampleForm(guide.applicationForm);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function readyTask(caseNo: string, applicant: string) {
  for (let i = 0; i < 200; i++) {
    const d = (await call('GET', `/api/halls/qiaocheng/cases/${caseNo}`, applicant)).body;
    const t = d.tasks.find((x: any) => x.ready);
    if (t || d.tasks.length === 0) return { d, t };
    await sleep(20);
  }
  throw new Error(`no ready task for ${caseNo}`);
}

const actionLatencies: number[] = [];
/** Drives one case from filing to 领取登记; returns its case number. */
async function runCase(template: string): Promise<string> {
  const applicant = await login('zhangsan');
  const key = randomUUID();
  const filed = await call(
    'POST',
    '/api/halls/qiaocheng/cases',
    applicant,
    await withMaterials(
      applicant,
      'qiaocheng',
      { itemCode: items[template], form: forms[items[template]] },
      key,
      undefined,
      callAt(cloud.url),
    ),
    { 'idempotency-key': key },
  );
  const caseNo = filed.body.caseNo;
  for (;;) {
    const { d, t } = await readyTask(caseNo, applicant);
    if (!t) return caseNo;
    const action =
      t.stepId === 'deliver'
        ? 'deliver'
        : t.stepId === 'accept'
          ? 'accept'
          : d.plan.at(-1).id === t.stepId
            ? 'approve'
            : 'pass';
    const token = await login(staffFor(t.dept, t.post));
    const started = performance.now();
    const res = await call('POST', `/api/halls/qiaocheng/cases/${caseNo}/actions`, token, {
      action,
      taskId: t.id,
      method: '自取',
    });
    actionLatencies.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${action} ${caseNo}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

const sfn = new SFNClient({
  endpoint: cloud.env.AWS_ENDPOINT_URL_SFN,
  region: 'cn-north-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const machine = (id: string) => `arn:aws-cn:states:cn-north-1:000000000000:stateMachine:hall-qiaocheng-${id}`;
async function transitionsOf(caseNos: string[]) {
  let transitions = 0;
  let timers = 0;
  for (const caseNo of caseNos) {
    const arn = `${machine('lifecycle').replace(':stateMachine:', ':execution:')}:${caseNo}`;
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
    transitions += (history.events ?? []).filter((e) => e.type?.endsWith('StateEntered')).length;
  }
  let token: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine('timer'), nextToken: token }),
    );
    timers += (page.executions ?? []).filter((e) => caseNos.some((c) => e.name?.startsWith(c))).length;
    token = page.nextToken;
  } while (token);
  // A timer execution enters Wait, then Fire when its instant comes (stale or not): 2 transitions.
  return { transitions: transitions + 2 * timers, timers };
}

const PER_TEMPLATE = Number(process.env.CASES ?? 5);
const rows: [string, string][] = [];
const costs: [string, string][] = [];
for (const template of ['instant', 'simple', 'standard', 'joint', 'multilevel', 'town-county']) {
  const before = { ...counters, lambda: [...cloud.lambdas.invocations.values()].reduce((a, b) => a + b, 0) };
  const caseNos: string[] = [];
  for (let i = 0; i < PER_TEMPLATE; i++) caseNos.push(await runCase(template));
  await sleep(1500); // let streams deliver SMS and start timers
  const { transitions, timers } = await transitionsOf(caseNos);
  const lambda = [...cloud.lambdas.invocations.values()].reduce((a, b) => a + b, 0) - before.lambda + timers;
  const per = (n: number) => n / PER_TEMPLATE;
  const c = {
    transitions: per(transitions),
    lambda: per(lambda),
    rcu: per(counters.rcu - before.rcu),
    wcu: per(counters.wcu - before.wcu),
    sms: per(counters.sms - before.sms),
    topic: per(counters.topic - before.topic),
  };
  const withoutSms =
    1000 *
    (c.transitions * PRICES.transition +
      c.lambda * (PRICES.lambdaRequest + 0.1 * PRICES.lambdaGbSecond) +
      c.wcu * PRICES.wru +
      c.rcu * PRICES.rru +
      c.topic * PRICES.snsPublish);
  rows.push([
    template,
    `${c.transitions.toFixed(1)} transitions, ${c.lambda.toFixed(1)} Lambda, ${c.rcu.toFixed(1)} RRU, ${c.wcu.toFixed(1)} WRU, ${c.sms.toFixed(1)} SMS, ${c.topic.toFixed(1)} topic msgs`,
  ]);
  costs.push([template, `${(withoutSms + 1000 * c.sms * PRICES.sms).toFixed(2)} (${withoutSms.toFixed(2)})`]);
}
printTable(`per case (mean of ${PER_TEMPLATE}, through HTTP from filing to 领取登记)`, rows);
printTable('AWS cost per 1,000 cases, USD (without SMS in brackets)', costs);
console.log(`  prices: ${JSON.stringify(PRICES)}`);
printTable('staff action latency on the local cloud (ms)', [
  ['n', actionLatencies.length],
  ['median', median(actionLatencies)],
  ['p99', percentile(actionLatencies, 99)],
]);

// Progress throughput through the gateway, beside a bare GetItem loop on the same DynamoDB Local.
const applicant = await login('zhangsan');
const progressKey = randomUUID();
const filed = await call(
  'POST',
  '/api/halls/qiaocheng/cases',
  applicant,
  await withMaterials(
    applicant,
    'qiaocheng',
    { itemCode: items.simple, form: forms[items.simple] },
    progressKey,
    undefined,
    callAt(cloud.url),
  ),
  { 'idempotency-key': progressKey },
);
const progressUrl = url(
  `/api/halls/qiaocheng/progress?caseNo=${filed.body.caseNo}&code=${filed.body.queryCode}`,
);
const cannon = await autocannon({ url: progressUrl, connections: 10, duration: 10 });
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: cloud.env.AWS_ENDPOINT_URL_DYNAMODB,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  }),
);
let gets = 0;
const until = Date.now() + 10_000;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (Date.now() < until) {
      await doc.send(
        new GetCommand({
          TableName: 'hall-qiaocheng-cases',
          Key: { pk: `CASE#${filed.body.caseNo}`, sk: 'CASE' },
        }),
      );
      gets++;
    }
  }),
);
printTable('progress query throughput (10 connections, 10 s)', [
  ['gateway → Lambda worker → DynamoDB Local (req/s)', cannon.requests.average],
  ['  latency p50 / p99 (ms)', `${cannon.latency.p50} / ${cannon.latency.p99}`],
  ['  non-2xx responses', cannon.non2xx],
  ['bare DynamoDB Local GetItem loop (req/s)', gets / 10],
  ['  (both through the counting proxy; right code: 1 Query + 1 BatchGetItem, no write)', ''],
]);
await cloud.stop();
process.exit(0);
