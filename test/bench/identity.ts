/**
 * Identity figures: (1) the cost of verifying an access token per request — jose jwtVerify with a
 * JWKS built once (what the local gateway does; API Gateway's JWT authorizer caches Cognito's
 * JWKS the same way); (2) login latency — median of N full code flows with PKCE against the local
 * provider at HTTP level (authorize → login page → form POST → code → token), in a local cloud
 * started in memory. `npx tsx test/bench/identity.ts` (or `npm run bench -- identity`).
 */
import { startCloud } from '#infra/local/cloud.ts';
import { LocalIssuer } from '#infra/local/identity.ts';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function verifyCost() {
  const issuer = await LocalIssuer.create('http://127.0.0.1/oidc');
  const token = await issuer.sign({
    sub: 'demo-qiaocheng-gaj-sl',
    name: '王受理员',
    roles: ['staff'],
    hall: 'qiaocheng',
    dept: '341602-gaj',
    posts: ['受理'],
    level: 'county',
  });
  for (let i = 0; i < 2000; i++) await issuer.verify(token); // warm-up
  const rounds: number[] = [];
  for (let r = 0; r < 10; r++) {
    const n = 2000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await issuer.verify(token);
    rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  console.log(
    `token verification (RS256, jose, cached JWKS): median ${pct(rounds, 0.5).toFixed(1)} µs/request, ` +
      `best ${Math.min(...rounds).toFixed(1)} µs (10 rounds × 2000)`,
  );
}

async function loginLatency(n = 30) {
  const cloud = await startCloud({ logLevel: 'ERROR' });
  process.env.PORTAL_URL = cloud.url;
  try {
    const { codeFlow } = await import('../support/client.ts');
    await codeFlow('zhangsan'); // warm-up: discovery, JIT, first DynamoDB reads
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await codeFlow(i % 2 ? 'zhangsan' : 'lisi');
      times.push(performance.now() - t0);
    }
    console.log(
      `login (full code flow with PKCE, demo hash cost 2^12): median ${pct(times, 0.5).toFixed(0)} ms, ` +
        `p90 ${pct(times, 0.9).toFixed(0)} ms (n=${n})`,
    );
    const { hashPassword } = await import('#functions/identity/password.ts');
    const h: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await hashPassword('Some2026pass');
      h.push(performance.now() - t0);
    }
    console.log(`scrypt at the production cost (N=2^15, r=8): median ${pct(h, 0.5).toFixed(0)} ms per hash`);
  } finally {
    await cloud.stop();
  }
}

await verifyCost();
await loginLatency();
