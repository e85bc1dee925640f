/**
 * A local payment gateway speaking Alipay's open API protocol (`gateway.do`), so an application's
 * Alipay adapter runs unchanged against it — only the gateway URL and the keys differ:
 *
 * - requests are RSA2-signed by the app (every parameter but `sign`, sorted, `k=v&…`) and verified
 *   with the app's registered public key; answers are JSON `{ "<method>_response": {…}, "sign" }`
 *   signed by the gateway's own key over the inner object's exact text;
 * - `alipay.trade.wap.pay` / `alipay.trade.page.pay` (GET, the payer's browser) show a **cashier
 *   page** where the payer pays or cancels (plain HTML forms, no script); one trade per
 *   `out_trade_no`: a second tab finds it paid; `time_expire` is enforced on the given clock;
 * - a payment is **notified** asynchronously to `notify_url`: form-encoded, RSA2-signed (every field
 *   but `sign` and `sign_type`), resent until the answer is `success` (after 1, 3, 10, 30 s locally;
 *   Alipay spreads 8 tries over 25 h); the payer's browser returns to `return_url` with signed fields;
 * - `alipay.trade.query`, `alipay.trade.refund` (once per `out_request_no`, never more than paid),
 *   `alipay.trade.close`, and `alipay.data.dataservice.bill.downloadurl.query` (the day's statement as
 *   CSV — Alipay's is a zip of GBK CSV; here plain UTF-8 `out_trade_no,trade_no,amount,refunded`).
 *
 * For tests it also lists what it notified (`GET /dev/notifications`) and sends a notification with
 * any fields it is given, signed with its key (`POST /dev/notify`): a provider that misbehaves.
 */
import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface PaymentApp {
  appId: string;
  /** The merchant (PID) the money goes to: `seller_id`. */
  sellerId: string;
  /** Shown on the cashier page. */
  merchantName: string;
  /** The app's RSA public key (PEM) its requests are verified with. */
  publicKey: string;
}

export interface PaymentGatewayOptions {
  apps: PaymentApp[];
  /** Business time (ms): `time_expire` and payment times follow it. */
  now?: () => number;
  host?: string;
  port?: number;
  /** Keys and trades survive a restart here. */
  dataDir?: string;
  /** Resend delays in ms (default 1, 3, 10, 30 s). */
  retryDelaysMs?: number[];
}

export interface LocalPaymentGateway {
  url: string;
  /** `${url}/gateway.do`, the app's gateway setting. */
  gateway: string;
  /** The gateway's public key (PEM): the app's "支付宝公钥". */
  publicKey: string;
  notifications: SentNotification[];
  stop(): Promise<void>;
}

export interface SentNotification {
  notifyUrl: string;
  form: Record<string, string>;
  attempts: number;
  answer?: string;
}

interface Trade {
  outTradeNo: string;
  appId: string;
  fen: number;
  subject: string;
  notifyUrl?: string;
  returnUrl?: string;
  expiresAt?: number;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  tradeNo?: string;
  paidAt?: number;
  refunds: { requestNo: string; fen: number }[];
}

const rsaSign = (text: string, key: string) =>
  createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
const rsaVerify = (text: string, sig: string, key: string) => {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(key, sig, 'base64');
  } catch {
    return false;
  }
};
const signContent = (params: Record<string, string>, omit: string[]) =>
  Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');

/** Beijing wall clock `yyyy-MM-dd HH:mm:ss`, as Alipay writes times. */
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const fromBeijing = (text: string | undefined) =>
  text && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text)
    ? Date.parse(`${text.replace(' ', 'T')}+08:00`)
    : undefined;
const fenOf = (amount: unknown) => {
  const s = String(amount ?? '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return undefined;
  const [w, f = ''] = s.split('.');
  return Number(w) * 100 + Number(f.padEnd(2, '0'));
};
const yuan = (fen: number) => (fen / 100).toFixed(2);
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function startPaymentGateway(opts: PaymentGatewayOptions): Promise<LocalPaymentGateway> {
  const now = opts.now ?? Date.now;
  const delays = opts.retryDelaysMs ?? [1000, 3000, 10_000, 30_000];
  const dir = opts.dataDir;
  if (dir) mkdirSync(dir, { recursive: true });
  const keyFile = dir && join(dir, 'gateway-key.json');
  const tradesFile = dir && join(dir, 'trades.json');
  let keys: { privateKey: string; publicKey: string };
  if (keyFile && existsSync(keyFile)) keys = JSON.parse(readFileSync(keyFile, 'utf8'));
  else {
    keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    if (keyFile) writeFileSync(keyFile, JSON.stringify(keys), { mode: 0o600 });
  }
  const trades = new Map<string, Trade>(
    tradesFile && existsSync(tradesFile)
      ? (JSON.parse(readFileSync(tradesFile, 'utf8')) as [string, Trade][])
      : [],
  );
  const save = () => tradesFile && writeFileSync(tradesFile, JSON.stringify([...trades]));
  const apps = new Map(opts.apps.map((a) => [a.appId, a]));
  const notifications: SentNotification[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let base = '';

  const answer = (method: string, inner: Record<string, unknown>) => {
    const text = JSON.stringify(inner);
    return `{"${method.replaceAll('.', '_')}_response":${text},"sign":"${rsaSign(text, keys.privateKey)}"}`;
  };
  const fail = (method: string, code: string, msg: string, subCode: string, subMsg: string) =>
    answer(method, { code, msg, sub_code: subCode, sub_msg: subMsg });

  /** POST the form to notify_url until it answers `success` (or the tries run out). */
  function notify(notifyUrl: string, form: Record<string, string>) {
    const record: SentNotification = { notifyUrl, form, attempts: 0 };
    notifications.push(record);
    const attempt = async (i: number) => {
      record.attempts++;
      try {
        const res = await fetch(notifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams(form).toString(),
        });
        record.answer = (await res.text()).trim();
      } catch (err) {
        record.answer = `error: ${(err as Error).message}`;
      }
      if (record.answer !== 'success' && i < delays.length) {
        const t = setTimeout(() => {
          timers.delete(t);
          void attempt(i + 1);
        }, delays[i]);
        timers.add(t);
      }
    };
    void attempt(0);
    return record;
  }

  function tradeFields(t: Trade, app: PaymentApp): Record<string, string> {
    return {
      app_id: t.appId,
      auth_app_id: t.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      notify_time: beijing(now()),
      out_trade_no: t.outTradeNo,
      trade_no: t.tradeNo ?? '',
      trade_status: t.status,
      total_amount: yuan(t.fen),
      receipt_amount: yuan(t.fen),
      buyer_pay_amount: yuan(t.fen),
      invoice_amount: yuan(t.fen),
      seller_id: app.sellerId,
      buyer_id: '2088000000000001',
      subject: t.subject,
      gmt_create: beijing(t.paidAt ?? now()),
      gmt_payment: beijing(t.paidAt ?? now()),
    };
  }
  const signed = (fields: Record<string, string>) => ({
    ...fields,
    sign: rsaSign(signContent(fields, ['sign', 'sign_type']), keys.privateKey),
  });

  function cashier(res: ServerResponse, t: Trade | undefined, message?: string) {
    const app = t && apps.get(t.appId);
    const payable = t?.status === 'WAIT_BUYER_PAY' && !(t.expiresAt && now() > t.expiresAt);
    const body = t
      ? `<p class="merchant">${escapeHtml(app?.merchantName ?? '')}</p>
<h1>${escapeHtml(t.subject)}</h1>
<p class="amount">¥ <strong>${yuan(t.fen)}</strong></p>
<p class="no">订单号 ${escapeHtml(t.outTradeNo)}</p>
${message ? `<p class="msg" role="status">${escapeHtml(message)}</p>` : ''}
${
  payable
    ? `<form method="post" action="/cashier/${encodeURIComponent(t.outTradeNo)}/pay"><button class="pay" type="submit">确认付款</button></form>
<form method="post" action="/cashier/${encodeURIComponent(t.outTradeNo)}/cancel"><button class="cancel" type="submit">取消付款，返回</button></form>`
    : `<p class="state" role="status">${t.status === 'TRADE_SUCCESS' ? '该订单已支付，请勿重复付款' : '该订单已关闭或已超过付款期限，不能付款'}</p>${t.returnUrl ? `<p><a href="${escapeHtml(t.returnUrl)}">返回商户</a></p>` : ''}`
}`
      : `<h1>订单不存在</h1><p class="msg">${escapeHtml(message ?? '')}</p>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>收银台（本地支付网关）</title><style>
body{font:16px/1.5 system-ui,"WenQuanYi Micro Hei",sans-serif;margin:0;background:#f5f6f8;color:#222}
main{max-width:420px;margin:0 auto;padding:24px 16px}.banner{background:#1677ff;color:#fff;padding:12px 16px;font-weight:600}
.merchant{color:#666;margin:0}.amount{font-size:32px;margin:8px 0}.no{color:#888;font-size:13px}
button{display:block;width:100%;padding:14px;margin:12px 0;border-radius:8px;border:0;font-size:18px}
.pay{background:#1677ff;color:#fff}.cancel{background:#fff;color:#333;border:1px solid #ccc}.msg,.state{background:#fff4e5;padding:10px;border-radius:6px}
</style></head><body><div class="banner">收银台 · 本地支付网关（演示，不涉及真实资金）</div><main>${body}</main></body></html>`);
  }

  const redirect = (res: ServerResponse, to: string) => {
    res.writeHead(303, { location: to, 'cache-control': 'no-store' });
    res.end();
  };
  const withQuery = (url: string, fields: Record<string, string>) =>
    `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(fields).toString()}`;

  function gatewayCall(params: Record<string, string>, res: ServerResponse, browser: boolean) {
    const method = params.method ?? '';
    const app = apps.get(params.app_id ?? '');
    const json = (text: string) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    };
    if (!app)
      return json(fail(method, '40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数'));
    if (!params.sign || !rsaVerify(signContent(params, ['sign']), params.sign, app.publicKey))
      return browser
        ? cashier(res, undefined, '验签出错，请确认请求未被篡改')
        : json(fail(method, '40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错'));
    let biz: Record<string, unknown> = {};
    try {
      biz = JSON.parse(params.biz_content ?? '{}');
    } catch {
      return json(
        fail(method, '40002', 'Invalid Arguments', 'isv.invalid-parameter', 'biz_content 不是 JSON'),
      );
    }
    const outTradeNo = String(biz.out_trade_no ?? '');
    // trade_no first, as Alipay reads it (a refund names the very trade).
    const t = biz.trade_no
      ? [...trades.values()].find((x) => x.tradeNo === biz.trade_no)
      : trades.get(outTradeNo);
    switch (method) {
      case 'alipay.trade.wap.pay':
      case 'alipay.trade.page.pay': {
        const fen = fenOf(biz.total_amount);
        if (!outTradeNo || !fen) return cashier(res, undefined, '订单参数不完整');
        if (t && (t.fen !== fen || t.appId !== app.appId))
          return cashier(res, undefined, '订单信息与原订单不一致');
        const trade: Trade = t ?? {
          outTradeNo,
          appId: app.appId,
          fen,
          subject: String(biz.subject ?? ''),
          status: 'WAIT_BUYER_PAY',
          refunds: [],
        };
        trade.notifyUrl = params.notify_url || trade.notifyUrl;
        trade.returnUrl = params.return_url || trade.returnUrl;
        trade.expiresAt = fromBeijing(String(biz.time_expire ?? '')) ?? trade.expiresAt;
        trades.set(outTradeNo, trade);
        save();
        return redirect(res, `${base}/cashier/${encodeURIComponent(outTradeNo)}`);
      }
      case 'alipay.trade.query':
        if (!t || t.appId !== app.appId)
          return json(fail(method, '40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
        return json(
          answer(method, {
            code: '10000',
            msg: 'Success',
            out_trade_no: t.outTradeNo,
            trade_no: t.tradeNo,
            trade_status: t.status,
            total_amount: yuan(t.fen),
            seller_id: app.sellerId,
            send_pay_date: t.paidAt ? beijing(t.paidAt) : undefined,
          }),
        );
      case 'alipay.trade.refund': {
        if (!t || t.appId !== app.appId || !t.tradeNo)
          return json(fail(method, '40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
        const fen = fenOf(biz.refund_amount);
        const requestNo = String(biz.out_request_no ?? outTradeNo);
        const done = t.refunds.find((r) => r.requestNo === requestNo);
        if (!done) {
          const refunded = t.refunds.reduce((s, r) => s + r.fen, 0);
          if (!fen || refunded + fen > t.fen)
            return json(
              fail(method, '40004', 'Business Failed', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限'),
            );
          t.refunds.push({ requestNo, fen });
          save();
        }
        return json(
          answer(method, {
            code: '10000',
            msg: 'Success',
            out_trade_no: t.outTradeNo,
            trade_no: t.tradeNo,
            refund_fee: yuan(t.refunds.reduce((s, r) => s + r.fen, 0)),
            fund_change: done ? 'N' : 'Y',
          }),
        );
      }
      case 'alipay.trade.close':
        if (!t) return json(fail(method, '40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在'));
        if (t.status === 'WAIT_BUYER_PAY') {
          t.status = 'TRADE_CLOSED';
          save();
        }
        return json(answer(method, { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo }));
      case 'alipay.data.dataservice.bill.downloadurl.query': {
        const day = String(biz.bill_date ?? '');
        if (!/^\d{4}-\d\d-\d\d$/.test(day))
          return json(
            fail(method, '40004', 'Business Failed', 'isv.invalid-bill-date', '账单日期格式不正确'),
          );
        return json(
          answer(method, {
            code: '10000',
            msg: 'Success',
            bill_download_url: `${base}/bill/${app.appId}/${day}.csv`,
          }),
        );
      }
      default:
        return json(fail(method, '40004', 'Business Failed', 'isv.invalid-method', '不支持的接口'));
    }
  }

  function pay(res: ServerResponse, id: string) {
    const t = trades.get(id);
    if (!t) return cashier(res, undefined, '订单不存在');
    if (t.status === 'TRADE_SUCCESS') return cashier(res, t, '该订单已支付，请勿重复付款');
    if (t.status !== 'WAIT_BUYER_PAY' || (t.expiresAt && now() > t.expiresAt)) return cashier(res, t);
    const app = apps.get(t.appId)!;
    t.status = 'TRADE_SUCCESS';
    t.paidAt = now();
    t.tradeNo = `${beijing(t.paidAt).replace(/\D/g, '').slice(0, 8)}2200${randomBytes(8).toString('hex').replace(/\D/g, '').padEnd(14, '7').slice(0, 14)}`;
    save();
    if (t.notifyUrl) notify(t.notifyUrl, signed(tradeFields(t, app)));
    if (!t.returnUrl) return cashier(res, t, '付款成功');
    const back = {
      out_trade_no: t.outTradeNo,
      trade_no: t.tradeNo,
      total_amount: yuan(t.fen),
      seller_id: app.sellerId,
      app_id: t.appId,
      charset: 'utf-8',
      sign_type: 'RSA2',
      method: 'alipay.trade.wap.pay.return',
      timestamp: beijing(now()),
      version: '1.0',
    };
    return redirect(res, withQuery(t.returnUrl, signed(back)));
  }

  function statement(res: ServerResponse, appId: string, day: string) {
    const rows = [...trades.values()].filter(
      (t) => t.appId === appId && t.tradeNo && t.paidAt && beijing(t.paidAt).startsWith(day),
    );
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    res.end(
      [
        `# 支付宝交易账单（本地支付网关）${day}`,
        'out_trade_no,trade_no,amount,refunded',
        ...rows.map(
          (t) =>
            `${t.outTradeNo},${t.tradeNo},${yuan(t.fen)},${yuan(t.refunds.reduce((s, r) => s + r.fen, 0))}`,
        ),
      ].join('\n'),
    );
  }

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) reject(new Error('too large'));
        else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://gateway');
      const body = req.method === 'POST' ? await readBody(req) : '';
      const form = (): Record<string, string> => {
        const type = req.headers['content-type'] ?? '';
        if (type.includes('application/json')) return JSON.parse(body || '{}');
        return Object.fromEntries(new URLSearchParams(body));
      };
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      if (url.pathname === '/gateway.do') {
        const params = { ...Object.fromEntries(url.searchParams), ...(req.method === 'POST' ? form() : {}) };
        return gatewayCall(params, res, req.method === 'GET');
      }
      const m = /^\/cashier\/([^/]+)(?:\/(pay|cancel))?$/.exec(url.pathname);
      if (m) {
        const id = decodeURIComponent(m[1]);
        if (!m[2]) return cashier(res, trades.get(id));
        if (req.method !== 'POST') return cashier(res, trades.get(id));
        if (m[2] === 'pay') return pay(res, id);
        const t = trades.get(id);
        return t?.returnUrl
          ? redirect(res, withQuery(t.returnUrl, { cancelled: '1' }))
          : cashier(res, t, '已取消付款');
      }
      const bill = /^\/bill\/([^/]+)\/(\d{4}-\d\d-\d\d)\.csv$/.exec(url.pathname);
      if (bill) return statement(res, bill[1], bill[2]);
      if (url.pathname === '/dev/notifications') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify(notifications));
      }
      if (url.pathname === '/dev/notify' && req.method === 'POST') {
        // A provider that misbehaves: send these fields, signed, once (no resends).
        const { notifyUrl, fields } = JSON.parse(body) as {
          notifyUrl: string;
          fields: Record<string, string>;
        };
        const r = await fetch(notifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams(signed(fields)).toString(),
        });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify({ status: r.status, answer: (await r.text()).trim() }));
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`bad request: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    gateway: `${base}/gateway.do`,
    publicKey: keys.publicKey,
    notifications,
    async stop() {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
