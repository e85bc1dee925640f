/**
 * 网上缴费 through HTTP and the local payment gateway (Alipay's protocol, the same adapter as in
 * production): a 工本费 notice at filing, the cashier, the signed notification, the case moving on;
 * and what must not move money twice or count it wrongly — a second tab, the notification delivered
 * five times at once, forged and edited notifications, a wrong amount signed by the provider, a
 * payment for a withdrawn case, and a refund when a paid case is refused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { baseUrl, call, eventually, login } from '../support/client.ts';
import { staffAct, withMaterials } from '../support/materials.ts';
import { registerWithCode, smsTo } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const api = (p: string) => `/api/halls/${HALL}${p}`;
const me = population.find((p) => p.name === '付晓岚')!;
let person = '';
let supervisor = '';
let itemCode = '';
let form: Record<string, unknown> = {};

beforeAll(async () => {
  const reg = await registerWithCode('127.0.0.61', me, 'Payment@2026a');
  expect([201, 409]).toContain(reg.status);
  person = await login(me.phone, 'Payment@2026a');
  supervisor = await login(`${HALL}-jc`);
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('居民身份证补领')}&limit=10`,
  );
  const item = (found.body.items as { code: string; name: string }[]).find(
    (i) => i.name === '居民身份证补领',
  )!;
  itemCode = item.code;
  const guide = (await call('GET', `/api/items/${encodeURIComponent(itemCode)}`)).body;
  form = exampleForm(guide.applicationForm, { phone: me.phone });
}, 120_000);

async function fileCase(): Promise<string> {
  const key = randomUUID();
  const res = await call('POST', api('/cases'), {
    token: person,
    body: await withMaterials(person, HALL, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseNo;
}

const detail = async (caseNo: string, token = person) =>
  (await call('GET', api(`/cases/${caseNo}`), { token })).body;

/** The cashier address of the case's notice (our signed request to the gateway) → the cashier page's URL. */
async function openCashier(caseNo: string) {
  const res = await call('POST', api(`/cases/${caseNo}/payment`), { token: person });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const first = await fetch(res.body.url, { redirect: 'manual' });
  expect(first.status).toBe(303);
  const cashier = new URL(first.headers.get('location')!, res.body.url).href;
  return { cashier, gateway: new URL(res.body.url).origin, noticeId: res.body.noticeId as string };
}

const pay = (cashier: string) => fetch(`${cashier}/pay`, { method: 'POST', redirect: 'manual' });

async function notificationOf(gateway: string, noticeId: string) {
  return eventually(async () => {
    const all = (await (await fetch(`${gateway}/dev/notifications`)).json()) as {
      notifyUrl: string;
      form: Record<string, string>;
      answer?: string;
    }[];
    return all.find((n) => n.form.out_trade_no === noticeId && n.answer);
  }, `notification of ${noticeId}`);
}

const postNotify = (form: Record<string, string> | string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${baseUrl()}${api('/payments/notify')}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  });

describe('a 工本费 paid online', () => {
  let caseNo = '';
  let cashier = '';
  let gateway = '';
  let noticeId = '';

  it('is due at filing: a notice with its payment code, texted; nothing is accepted before it is paid', async () => {
    caseNo = await fileCase();
    const d = await detail(caseNo);
    expect(d.status).toBe('awaiting-payment');
    expect(d.payment.notice).toMatchObject({
      fen: 2000,
      lines: [{ label: '补领居民身份证工本费', fen: 2000 }],
    });
    expect(d.payment.payee.name).toContain('公安');
    expect(d.tasks.map((t: { id: string }) => t.id)).toEqual(['pay']);
    const sms = await smsTo(me.phone, new RegExp(`${caseNo}.*需缴纳20\\.00元，缴款码`));
    expect(sms.message).toContain(d.payment.notice.paymentCode);
  });

  it('its SMS carries a signed link that opens the progress page without the query code', async () => {
    const sms = await smsTo(me.phone, new RegExp(`${caseNo}.*查看进度：`));
    const link = new URL(/查看进度：(\S+)/.exec(sms.message)![1]);
    expect(link.origin).toBe(new URL(baseUrl()).origin);
    expect(link.pathname).toBe('/progress/');
    expect(link.searchParams.get('no')).toBe(caseNo);
    const t = link.searchParams.get('t')!;
    const ask = (no: string, token: string) =>
      call('GET', `${api('/progress')}?caseNo=${no}&t=${encodeURIComponent(token)}`);
    const ok = await ask(caseNo, t);
    expect(ok.status).toBe(200);
    expect(ok.body.caseNo).toBe(caseNo);
    // Only what the progress query shows: no applicant, no form, no query code.
    expect(ok.body.applicant).toBeUndefined();
    expect(ok.body.queryCode).toBeUndefined();
    const edited = `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`;
    expect((await ask(caseNo, edited)).status).toBe(404);
    const other = caseNo.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect((await ask(other, t)).status).toBe(404);
    expect((await ask(caseNo, 'zz')).status).toBe(404);
  });

  it('is paid at the cashier; the signed notification moves the case to acceptance', async () => {
    ({ cashier, gateway, noticeId } = await openCashier(caseNo));
    const page = await (await fetch(cashier)).text();
    expect(page).toContain('20.00');
    const started = performance.now();
    const paid = await pay(cashier);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toContain(`/pay/?hall=${HALL}&no=${caseNo}`);
    const after = await eventually(async () => {
      const d = await detail(caseNo);
      return d.payment?.paid ? d : undefined;
    }, 'the payment counted');
    console.info(
      `payment round trip (cashier pay → case paid): ${Math.round(performance.now() - started)} ms`,
    );
    expect(after.status).toBe('submitted');
    expect(after.payment.paid.fen).toBe(2000);
    expect(after.events.filter((e: { type: string }) => e.type === '缴费')).toHaveLength(1);
    await smsTo(me.phone, new RegExp(`${caseNo}.*已缴费20\\.00元`));
    // The staff's acceptance task opens once paid.
    await eventually(
      async () =>
        (await detail(caseNo, supervisor)).tasks.find(
          (t: { id: string; ready: boolean }) => t.id.startsWith('accept') && t.ready,
        ),
      'acceptance task',
    );
  });

  it('cannot be paid again from a second tab, nor asked for again', async () => {
    const again = await pay(cashier);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('该订单已支付，请勿重复付款');
    const res = await call('POST', api(`/cases/${caseNo}/payment`), { token: person });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_PAID');
    const q = await call('POST', api(`/cases/${caseNo}/payment/query`), { token: person });
    expect(q.status).toBe(200);
    expect(q.body.paid).toBe(true);
  });

  it('counts a notification delivered five times at once only once', async () => {
    const n = await notificationOf(gateway, noticeId);
    expect(n.answer).toBe('success');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postNotify(n.form).then((r) => r.text())),
    );
    expect(answers).toEqual(Array(5).fill('success'));
    const d = await detail(caseNo);
    expect(d.events.filter((e: { type: string }) => e.type === '缴费')).toHaveLength(1);
    expect(d.version).toBeGreaterThan(0);
  });

  it('refuses forged, edited and malformed notifications, changing nothing', async () => {
    const n = await notificationOf(gateway, noticeId);
    const before = (await detail(caseNo)).version;
    const edited = await postNotify({ ...n.form, total_amount: '0.01', trade_no: 'X1' });
    expect([edited.status, await edited.text()]).toEqual([400, 'fail']);
    const unsigned = { ...n.form };
    delete unsigned.sign;
    expect((await postNotify(unsigned)).status).toBe(400);
    expect((await postNotify(JSON.stringify(n.form), 'application/json')).status).toBe(415);
    expect((await postNotify('')).status).toBe(400);
    expect((await postNotify('a=%ZZ&sign=')).status).toBe(400);
    expect((await detail(caseNo)).version).toBe(before);
  });

  it('does not count a wrong amount the provider signed: refunds it and raises an alert', async () => {
    const n = await notificationOf(gateway, noticeId);
    const res = await fetch(`${gateway}/dev/notify`, {
      method: 'POST',
      body: JSON.stringify({
        notifyUrl: n.notifyUrl,
        fields: { ...n.form, sign: '', trade_no: `W${Date.now()}`, total_amount: '0.01' },
      }),
    });
    expect((await res.json()).answer).toBe('success');
    const alert = await eventually(async () => {
      const d = await detail(caseNo, supervisor);
      return d.alerts?.find(
        (a: { scope: string; note: string }) => a.scope === 'payment' && a.note.includes('金额不符'),
      );
    }, 'a payment alert');
    expect(alert.severity).toBe('finding');
    expect((await detail(caseNo)).payment.paid.fen).toBe(2000);
  });
});

describe('money for a case that no longer takes it', () => {
  it('reconciles the day: every trade matched but the one the provider never had', async () => {
    // The day's ledger so far: the paid 工本费, and the wrong-amount trade the provider never had.
    const day = (
      await eventually(async () => {
        const mine = (await call('GET', api('/cases'), { token: person })).body.cases as { caseNo: string }[];
        for (const c of mine) {
          const d = await detail(c.caseNo);
          if (d.payment?.paid) return d.payment.paid.at as string;
        }
        return undefined;
      }, 'a paid case')
    ).slice(0, 10);
    const operator = await login('operator');
    const res = await call('GET', api(`/payments/reconciliation?day=${day}`), { token: operator });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    console.info(
      `reconciliation of ${day}: ${res.body.ledger} ledger, ${res.body.statement} statement rows, ${res.body.tookMs} ms`,
    );
    expect(res.body.matched).toBeGreaterThanOrEqual(1);
    expect(res.body.missingAtProvider.some((e: { tradeNo: string }) => e.tradeNo.startsWith('W'))).toBe(true);
    expect(res.body.missingInLedger).toEqual([]);
    expect(
      (await call('GET', api('/payments/reconciliation?day=2026-13-40'), { token: operator })).status,
    ).toBe(400);
  });

  it('after withdrawal the cashier refuses; a late notification is refunded and reported', async () => {
    const caseNo = await fileCase();
    await eventually(
      async () =>
        (await detail(caseNo)).tasks.find((t: { id: string; ready: boolean }) => t.id === 'pay' && t.ready)
          ? true
          : undefined,
      'the pay task',
    );
    const { cashier, gateway, noticeId } = await openCashier(caseNo);
    const w = await call('POST', api(`/cases/${caseNo}/actions`), {
      token: person,
      body: { action: 'withdraw', reason: '不办了' },
    });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    // The notice is settled with the provider: the trade is closed, the cashier takes nothing.
    await eventually(
      async () => ((await (await fetch(cashier)).text()).includes('已关闭') ? true : undefined),
      'the trade closed',
    );
    const late = await pay(cashier);
    expect(late.status).toBe(200);
    expect(await late.text()).toContain('不能付款');
    // A provider that notifies a payment anyway (signed): refunded, reported, the case unchanged.
    const res = await fetch(`${gateway}/dev/notify`, {
      method: 'POST',
      body: JSON.stringify({
        notifyUrl: `${baseUrl()}${api('/payments/notify')}`,
        fields: {
          app_id: '9021000100000001',
          seller_id: '2088000000000002',
          out_trade_no: noticeId,
          trade_no: `L${Date.now()}`,
          trade_status: 'TRADE_SUCCESS',
          total_amount: '20.00',
          sign_type: 'RSA2',
          charset: 'utf-8',
        },
      }),
    });
    expect((await res.json()).answer).toBe('success');
    const alert = await eventually(async () => {
      const d = await detail(caseNo, supervisor);
      return d.alerts?.find((a: { scope: string }) => a.scope === 'payment');
    }, 'a late-payment alert');
    expect(alert.note).toContain('缴费期限已过或办件已终止');
    const d = await detail(caseNo);
    expect(d.status).toBe('withdrawn');
    expect(d.payment.paid).toBeUndefined();
  });

  it('a paid 工本费 is refunded when the application is refused', async () => {
    const caseNo = await fileCase();
    const { cashier } = await openCashier(caseNo);
    expect((await pay(cashier)).status).toBe(303);
    await eventually(async () => ((await detail(caseNo)).payment?.paid ? true : undefined), 'paid');
    await staffAct(supervisor, HALL, caseNo, 'accept', 'refuse', { reason: '申请人不符合补领条件' });
    const d = await eventually(async () => {
      const x = await detail(caseNo);
      return x.payment?.refund?.doneAt ? x : undefined;
    }, 'the refund done');
    expect(d.status).toBe('refused');
    expect(d.events.map((e: { type: string; outcome?: string }) => `${e.type}${e.outcome ?? ''}`)).toEqual(
      expect.arrayContaining(['退费退费中', '退费已退还']),
    );
    await smsTo(me.phone, new RegExp(`${caseNo}.*已原路退还`));
  });
});

describe('a fee charged after 准予', () => {
  /** 不动产登记（抵押登记）: 受理 → 决定; 住宅类 80 元 or 非住宅类 550 元, chosen by staff at 准予. */
  const MORTGAGE = '11341602MB4135957J-0700094-000';

  it('needs the category at 准予, issues the notice, and delivers once paid', async () => {
    const guide = (await call('GET', `/api/items/${encodeURIComponent(MORTGAGE)}`)).body;
    const key = randomUUID();
    const filed = await call('POST', api('/cases'), {
      token: person,
      body: await withMaterials(
        person,
        HALL,
        { itemCode: MORTGAGE, form: exampleForm(guide.applicationForm, { phone: me.phone }) },
        key,
      ),
      headers: { 'idempotency-key': key },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    expect((await detail(caseNo)).status).toBe('submitted');
    expect((await staffAct(supervisor, HALL, caseNo, 'accept', 'accept')).status).toBe(200);
    const bare = await staffAct(supervisor, HALL, caseNo, 'decide', 'approve', { result: '准予抵押登记' });
    expect([bare.status, bare.body.error.code]).toEqual([422, 'FEE_REQUIRED']);
    expect(bare.body.error.message).toContain('非住宅类 550.00 元');
    const ok = await staffAct(supervisor, HALL, caseNo, 'decide', 'approve', {
      result: '准予抵押登记',
      fee: { option: 'b' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const d = await detail(caseNo);
    expect(d.status).toBe('awaiting-payment');
    expect(d.payment.notice.fen).toBe(55000);
    expect(d.payment.afterApproval).toBe(true);
    await smsTo(me.phone, new RegExp(`${caseNo}.*需缴纳550\\.00元`));
    // Decided: no withdrawal while paying.
    expect(d.applicantActions).not.toContain('withdraw');
    const { cashier } = await openCashier(caseNo);
    expect((await pay(cashier)).status).toBe(303);
    const paid = await eventually(async () => {
      const x = await detail(caseNo);
      return x.status === 'approved' ? x : undefined;
    }, 'paid, waiting for delivery');
    expect(paid.payment.paid.fen).toBe(55000);
    await eventually(
      async () =>
        (await detail(caseNo, supervisor)).tasks.find(
          (t: { id: string; ready: boolean }) => t.id === 'deliver' && t.ready,
        ),
      'the 领取登记 task',
    );
  });
});
