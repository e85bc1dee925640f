/**
 * A bounded fuzz run over every route of infra/resources.ts against a local cloud started in memory:
 * odd path parameters (escapes, over-long, control characters, other halls' numbers), odd bodies
 * (wrong types, empty keys, huge numbers, lone surrogates, nesting, other charsets), and callers of
 * every role. Half of the filings are real ones (a catalogue item and its example form with a field
 * spoiled or not, repeated Idempotency-Keys), and case paths and actions use the cases so filed, so
 * the requests reach deep into the handlers. Afterwards every hall's table is read back for
 * half-written state: a case whose timeline is short, broken or unverifiable, a case without its
 * lifecycle execution, an idempotency record without its case; gaps in the case numbers are counted.
 * Prints the status histogram, every 5xx and every finding; nothing is asserted here (findings
 * become tests). Run: `npm run bench -- fuzz` (FUZZ_REQUESTS, FUZZ_SEED to vary).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { ACTION_IDS } from '#domain/actions.ts';
import { exampleForm, type FormDefinition } from '#domain/forms.ts';
import { verifyChain } from '#functions/cases/model.ts';
import { startCloud } from '../../infra/local/cloud.ts';
import { ARNS, hallScope, localName } from '../../infra/local/names.ts';
import { hallResources, platformResources } from '../../infra/resources.ts';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 5000);
let seed = Number(process.env.FUZZ_SEED ?? 20261129);
/** Deterministic, so a finding can be replayed with the same seed. */
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

const PARAMS = [
  '341602-20260302-000001',
  '341602-20991231-999999',
  '341621-20260302-000001',
  'x',
  '%E4%B8',
  '%00',
  '..%2F..%2Fetc',
  'a'.repeat(1100),
  '%F0%9F%98%80',
  '1e308',
  'qiaocheng',
  '*',
];
const WEIRD_VALUES: unknown[] = [
  '',
  ' ',
  'x'.repeat(70_000),
  'a\u0000b',
  '\uD800',
  '\u202Eabc',
  1e308,
  5e-324,
  2 ** 53 + 1,
  -1,
  0,
  true,
  null,
  [],
  {},
  { toString: 1, valueOf: 1 },
  [[[[[[[[[]]]]]]]]],
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '341602199001011234',
];
const KEYS = [
  '',
  'action',
  'form',
  'itemCode',
  'reason',
  'items',
  'version',
  'code',
  'name',
  'note',
  '__proto__',
];

const HALLS = ['qiaocheng', 'lixin'] as const;
/** Real items of the fuzzed halls with their forms, and the cases filed during the run. */
const items: { hall: string; code: string; form: FormDefinition }[] = [];
const filed: string[] = [];
const usedKeys: string[] = [];

/** A real filing: a catalogue item and its example form, with a field spoiled or dropped now and then. */
function filing(): Record<string, unknown> {
  const item = pick(items);
  const form: Record<string, unknown> = exampleForm(item.form);
  if (random() < 0.5) {
    const key = pick(Object.keys(form));
    if (random() < 0.3) delete form[key];
    else form[key] = pick(WEIRD_VALUES);
  }
  return { itemCode: item.code, form };
}

function actionBody(): Record<string, unknown> {
  const out: Record<string, unknown> = { action: pick(ACTION_IDS) };
  for (let i = Math.floor(random() * 3); i > 0; i--)
    out[pick(['note', 'reason', 'result', 'items', 'version'])] = pick(WEIRD_VALUES);
  return out;
}

function body(route: { path: string }): { raw?: string; type: string } {
  if (route.path === '/cases' && random() < 0.7)
    return { raw: JSON.stringify(filing()), type: 'application/json' };
  if (route.path.endsWith('/actions') && random() < 0.5)
    return { raw: JSON.stringify(actionBody()), type: 'application/json' };
  const r = random();
  if (r < 0.1) return { raw: '{"a":', type: 'application/json' };
  if (r < 0.15) return { raw: '{"name":"张三"}', type: 'application/json; charset=utf-16' };
  if (r < 0.2) return { raw: 'a=b', type: 'text/plain' };
  const obj: Record<string, unknown> = {};
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) obj[pick(KEYS)] = pick(WEIRD_VALUES);
  if (random() < 0.5) obj.form = Object.fromEntries([[pick(KEYS), pick(WEIRD_VALUES)]]);
  if (random() < 0.3) obj.action = pick(['accept', 'refuse', 'withdraw', 'deem-accept', 'x', '']);
  return { raw: JSON.stringify(random() < 0.1 ? pick(WEIRD_VALUES) : obj), type: 'application/json' };
}

const routes = [
  ...platformResources.routes.map((r) => ({ ...r, prefix: '/api' })),
  ...hallResources.routes.map((r) => ({ ...r, prefix: `/api/halls/${'{hall}'}` })),
  // 退出所有设备 would end the fuzzer's own tokens (it takes no input to fuzz): every later request 401.
].filter((r) => !(r.method === 'DELETE' && r.path === '/account/sessions'));

const filingRoute = routes.find((r) => r.method === 'POST' && r.path === '/cases')!;

const cloud = await startCloud({ logLevel: 'ERROR' });
try {
  for (const hall of HALLS) {
    const list = (await (await fetch(`${cloud.url}/api/items?hallId=${hall}&limit=20`)).json()) as {
      items: { code: string }[];
    };
    for (const { code } of list.items) {
      const guide = (await (await fetch(`${cloud.url}/api/items/${encodeURIComponent(code)}`)).json()) as {
        applicationForm?: FormDefinition;
      };
      if (guide.applicationForm) items.push({ hall, code, form: guide.applicationForm });
    }
  }
  const tokens: (string | undefined)[] = [undefined, 'not.a.jwt'];
  for (const username of ['zhangsan', 'daiban-xuege', 'qiaocheng-jc', 'supervisor', 'operator']) {
    const res = await fetch(`${cloud.url}/api/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'Demo@2026' }),
    });
    tokens.push(((await res.json()) as { accessToken?: string }).accessToken);
  }
  // Real filings need the item's required materials uploaded first; the fuzzer files the items that
  // ask the applicant for none (a draft's slots say which), so its filings get past that check.
  const filable = [];
  for (const item of items) {
    const res = await fetch(`${cloud.url}/api/halls/${item.hall}/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[2]}` },
      body: JSON.stringify({ itemCode: item.code }),
    });
    const draft = (await res.json()) as {
      slots?: { required: boolean; supply: string; deferrable: boolean }[];
    };
    if (!draft.slots?.some((slot) => slot.required && slot.supply === 'applicant' && !slot.deferrable))
      filable.push(item);
  }
  if (filable.length > 0) items.splice(0, items.length, ...filable);
  console.log(`items filed: ${items.length} (those asking the applicant for no material)`);
  const histogram = new Map<number, number>();
  const fives: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < TOTAL) {
      sent++;
      // A quarter of the requests are an applicant's (or agent's) real filings into a real hall.
      const real = random() < 0.25;
      const route = real ? filingRoute : pick(routes);
      const hall = real ? pick(HALLS) : pick([...HALLS, ...HALLS, 'nowhere', '%E4%B8']);
      const path = `${route.prefix.replace('{hall}', hall)}${route.path}`.replace(/\{[^}]+\}/g, (param) =>
        param === '{caseNo}' && filed.length > 0 && random() < 0.6 ? pick(filed) : pick(PARAMS),
      );
      const query =
        random() < 0.3
          ? `?${pick(KEYS) || 'q'}=${encodeURIComponent(JSON.stringify(pick(WEIRD_VALUES)) ?? '')}`
          : '';
      const { raw, type } = route.method === 'GET' ? { raw: undefined, type: '' } : body(route);
      const token = real ? pick(tokens.slice(2, 4)) : pick(tokens);
      const key = usedKeys.length > 0 && random() < 0.2 ? pick(usedKeys) : `fuzz${sent}x`.padEnd(8, 'x');
      usedKeys.push(key);
      const headers: Record<string, string> = { 'idempotency-key': key };
      if (type) headers['content-type'] = type;
      if (token) headers.authorization = `Bearer ${token}`;
      let status = 0;
      try {
        const res = await fetch(`${cloud.url}${path}${query}`, { method: route.method, headers, body: raw });
        status = res.status;
        const text = await res.text();
        if (status === 201 && route.path === '/cases')
          filed.push((JSON.parse(text) as { caseNo: string }).caseNo);
      } catch {
        status = -1;
      }
      histogram.set(status, (histogram.get(status) ?? 0) + 1);
      if (status >= 500 || status < 0)
        fives.push(
          `${status} ${route.method} ${path.slice(0, 120)}${query.slice(0, 60)} ${(raw ?? '').slice(0, 120)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  console.log(
    `\nfuzz: ${TOTAL} requests over ${routes.length} routes (seed ${process.env.FUZZ_SEED ?? 20261129})`,
  );
  for (const [status, n] of [...histogram].sort((a, b) => a[0] - b[0])) console.log(`  ${status}  ${n}`);
  console.log(`5xx or no answer: ${fives.length}`);
  for (const line of fives.slice(0, 40)) console.log(`  ${line}`);
  const halfWritten = await readBack(cloud.env);
  console.log(`cases filed: ${new Set(filed).size}; half-written: ${halfWritten.length}`);
  for (const line of halfWritten.slice(0, 40)) console.log(`  ${line}`);
} finally {
  await cloud.stop();
}

/** Reads every fuzzed hall's table back and lists what is half-written (see the header). */
async function readBack(env: Record<string, string>): Promise<string[]> {
  const sdk = {
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  };
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...sdk, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }),
  );
  const sfn = new SFNClient({ ...sdk, endpoint: env.AWS_ENDPOINT_URL_SFN });
  const findings: string[] = [];
  for (const hall of HALLS) {
    const byPk = new Map<string, Record<string, unknown>[]>();
    for await (const page of paginateScan(
      { client: ddb },
      { TableName: localName(hallScope(hall), 'cases') },
    )) {
      for (const item of page.Items ?? [])
        byPk.set(String(item.pk), [...(byPk.get(String(item.pk)) ?? []), item]);
    }
    const casesPerDate = new Map<string, number>();
    for (const [pk, group] of byPk) {
      if (pk.startsWith('IDEM#')) {
        const caseNo = String(group[0].caseNo);
        if (!byPk.get(`CASE#${caseNo}`)?.some((i) => i.sk === 'CASE'))
          findings.push(`${hall} ${pk}: no case ${caseNo}`);
        continue;
      }
      if (!pk.startsWith('CASE#')) continue;
      const record = group.find((i) => i.sk === 'CASE');
      const caseNo = pk.slice(5);
      if (!record) {
        findings.push(`${hall} ${caseNo}: items without the case (${group.map((i) => i.sk).join(', ')})`);
        continue;
      }
      const date = caseNo.split('-')[1];
      casesPerDate.set(date, (casesPerDate.get(date) ?? 0) + 1);
      const events = group
        .filter((i) => String(i.sk).startsWith('EVT#'))
        .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
        .map(({ pk: _pk, sk: _sk, ...event }) => event) as never[];
      const chain = verifyChain(caseNo, events);
      if (!chain.ok) findings.push(`${hall} ${caseNo}: timeline ${chain.reason}`);
      if (events.length !== record.eventCount)
        findings.push(`${hall} ${caseNo}: ${events.length} of ${record.eventCount} events`);
      const arn = `${ARNS.stateMachine(localName(hallScope(hall), 'lifecycle')).replace(':stateMachine:', ':execution:')}:${caseNo}`;
      await sfn.send(new DescribeExecutionCommand({ executionArn: arn })).catch(() => {
        findings.push(`${hall} ${caseNo}: no lifecycle execution`);
      });
    }
    for (const [pk, group] of byPk) {
      if (!pk.startsWith('SEQ#')) continue;
      const gaps = Number(group[0].n) - (casesPerDate.get(pk.slice(4).replaceAll('-', '')) ?? 0);
      if (gaps > 0) console.log(`  ${hall} ${pk.slice(4)}: ${gaps} case numbers without a case`);
    }
  }
  return findings;
}
