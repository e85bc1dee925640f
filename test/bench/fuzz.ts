/**
 * A bounded fuzz run over every route of infra/resources.ts against a local cloud started in memory:
 * odd path parameters (escapes, over-long, control characters, other halls' numbers), odd bodies
 * (wrong types, empty keys, huge numbers, lone surrogates, nesting, other charsets), and callers of
 * every role. Prints the status histogram and every 5xx with its request; nothing is asserted here
 * (the findings become tests). Run: `npm run bench -- fuzz` (FUZZ_REQUESTS, FUZZ_SEED to vary).
 */
import { startCloud } from '../../infra/local/cloud.ts';
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

function body(): { raw?: string; type: string } {
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
];

const cloud = await startCloud({ logLevel: 'ERROR' });
try {
  const tokens: (string | undefined)[] = [undefined, 'not.a.jwt'];
  for (const username of ['zhangsan', 'daiban-xuege', 'qiaocheng-jc', 'supervisor', 'operator']) {
    const res = await fetch(`${cloud.url}/api/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'Demo@2026' }),
    });
    tokens.push(((await res.json()) as { accessToken?: string }).accessToken);
  }
  const histogram = new Map<number, number>();
  const fives: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < TOTAL) {
      sent++;
      const route = pick(routes);
      const hall = pick(['qiaocheng', 'lixin', 'nowhere', '%E4%B8']);
      const path = `${route.prefix.replace('{hall}', hall)}${route.path}`.replace(/\{[^}]+\}/g, () =>
        pick(PARAMS),
      );
      const query =
        random() < 0.3
          ? `?${pick(KEYS) || 'q'}=${encodeURIComponent(JSON.stringify(pick(WEIRD_VALUES)) ?? '')}`
          : '';
      const { raw, type } = route.method === 'GET' ? { raw: undefined, type: '' } : body();
      const token = pick(tokens);
      const headers: Record<string, string> = { 'idempotency-key': `fuzz${sent}x`.padEnd(8, 'x') };
      if (type) headers['content-type'] = type;
      if (token) headers.authorization = `Bearer ${token}`;
      let status = 0;
      try {
        const res = await fetch(`${cloud.url}${path}${query}`, { method: route.method, headers, body: raw });
        status = res.status;
        await res.arrayBuffer();
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
} finally {
  await cloud.stop();
}
