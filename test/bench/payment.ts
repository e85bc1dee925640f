/**
 * 网上缴费: the payment round trip on the local cloud, in memory, through the local payment gateway
 * (Alipay's protocol, the production adapter): for each case, "cashier" = our signed request to the
 * gateway and the cashier page; "round trip" = from 确认付款 (the payer's POST at the cashier) until
 * the case reads as paid through the API (gateway → signed notification → verify → pay-confirm →
 * task token answered), polled every 10 ms. Then the day's reconciliation (ledger vs statement) and
 * the pure comparison of 10,000 trades. `npx tsx test/bench/payment.ts` (or `npm run bench -- payment`).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { exampleForm } from '#domain/forms.ts';
import { reconcile } from '#domain/payment.ts';
import { startCloud } from '#infra/local/cloud.ts';
import { callAt } from '../support/client.ts';
import { readyDraft } from '../support/materials.ts';
import { median, percentile, printTable } from './stats.ts';

const HALL = 'qiaocheng';
const ROUNDS = 20;
const api = (p: string) => `/api/halls/${HALL}${p}`;

const cloud = await startCloud({ logLevel: 'ERROR' });
try {
  const http = callAt(cloud.url);
  const token = (
    await http('POST', '/api/dev/token', { body: { username: 'zhangsan', password: 'Demo@2026' } })
  ).body.accessToken as string;
  const operator = (
    await http('POST', '/api/dev/token', { body: { username: 'operator', password: 'Demo@2026' } })
  ).body.accessToken as string;
  const found = await http(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('居民身份证补领')}&limit=10`,
  );
  const code = (found.body.items as { code: string; name: string }[]).find(
    (i) => i.name === '居民身份证补领',
  )!.code;
  const guide = (await http('GET', `/api/items/${encodeURIComponent(code)}`)).body;
  const form = exampleForm(guide.applicationForm, { phone: '13800000001' });

  const cashier: number[] = [];
  const roundTrip: number[] = [];
  let day = '';
  for (let round = -1; round < ROUNDS; round++) {
    const draftId = await readyDraft(token, HALL, code, undefined, http);
    const filed = await http('POST', api('/cases'), {
      token,
      body: { itemCode: code, form, draftId },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (filed.status !== 201) throw new Error(`filing: ${filed.status} ${JSON.stringify(filed.body)}`);
    const caseNo = filed.body.caseNo as string;
    const t0 = performance.now();
    const start = await http('POST', api(`/cases/${caseNo}/payment`), { token });
    const first = await fetch(start.body.url, { redirect: 'manual' });
    const page = new URL(first.headers.get('location')!, start.body.url).href;
    await (await fetch(page)).text();
    const t1 = performance.now();
    await fetch(`${page}/pay`, { method: 'POST', redirect: 'manual' });
    for (;;) {
      const d = (await http('GET', api(`/cases/${caseNo}`), { token })).body;
      if (d.payment?.paid) {
        day = String(d.payment.paid.at).slice(0, 10);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const t2 = performance.now();
    if (round >= 0) {
      cashier.push(t1 - t0);
      roundTrip.push(t2 - t1);
    }
  }
  const rec = await http('GET', api(`/payments/reconciliation?day=${day}`), { token: operator });
  const trades = Array.from({ length: 10_000 }, (_, i) => ({
    noticeId: `N${i}`,
    tradeNo: `T${i}`,
    fen: 2000,
    refundedFen: 0,
  }));
  const t3 = performance.now();
  const diff = reconcile(trades, [...trades].reverse());
  const pure = performance.now() - t3;
  printTable(`payment round trip, ${ROUNDS} cases (local cloud, in memory)`, [
    ['cashier address + page, median ms', median(cashier).toFixed(0)],
    ['确认付款 → case paid, median ms', median(roundTrip).toFixed(0)],
    ['确认付款 → case paid, p90 ms', percentile(roundTrip, 90).toFixed(0)],
    [`reconciliation of ${day} through the API (${rec.body.ledger} trades), ms`, rec.body.tookMs],
    ['reconciliation differences', rec.body.differences],
    [`reconcile() of 10,000 trades (pure), ms`, pure.toFixed(1)],
    ['  of which matched', diff.matched],
  ]);
} finally {
  await cloud.stop();
}
