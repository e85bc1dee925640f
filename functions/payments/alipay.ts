/**
 * The payment port on Alipay's open API (the classic `gateway.do` protocol: RSA2-signed requests,
 * signed JSON responses, signed asynchronous notifications), through the official `alipay-sdk`.
 * Production points it at Alipay (sandbox: openapi-sandbox.dl.alipaydev.com); the local cloud at its
 * payment gateway, which speaks the same protocol. Nothing here knows which.
 */
import { AlipaySdk } from 'alipay-sdk';
import { fenOf, yuanAmount } from '#domain/fees.ts';
import type { StatementEntry, TradeNotice } from '#domain/payment.ts';
import type { PaymentConfig } from './config.ts';
import type { CashierOrder, PaymentProvider, TradeQuery } from './port.ts';

/** Alipay's times are Beijing wall-clock `yyyy-MM-dd HH:mm:ss`. */
export function alipayTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
export function fromAlipayTime(text: string | undefined): string | undefined {
  if (!text || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text)) return undefined;
  return new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();
}

const TRADE_STATUS: Record<string, TradeQuery['status']> = {
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  WAIT_BUYER_PAY: 'waiting',
  TRADE_CLOSED: 'closed',
};

export function alipayProvider(config: PaymentConfig): PaymentProvider {
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey: config.appPrivateKey,
    alipayPublicKey: config.providerPublicKey,
    gateway: config.gateway,
    signType: 'RSA2',
    keyType: 'PKCS8',
    timeout: 10_000,
    camelcase: false,
  });
  return {
    cashierUrl(order: CashierOrder) {
      // 手机网站支付: the portal is used on phones first.
      return sdk.pageExecute('alipay.trade.wap.pay', 'GET', {
        bizContent: {
          out_trade_no: order.noticeId,
          total_amount: yuanAmount(order.fen),
          subject: order.subject,
          product_code: 'QUICK_WAP_WAY',
          time_expire: alipayTime(order.expiresAt),
        },
        notifyUrl: order.notifyUrl,
        returnUrl: order.returnUrl,
      });
    },

    readNotification(form) {
      if (!form.sign || !sdk.checkNotifySignV2(form)) return undefined;
      const fen = fenOf(form.total_amount ?? '');
      if (fen === undefined || !form.out_trade_no || !form.trade_no) return undefined;
      const status = TRADE_STATUS[form.trade_status ?? ''];
      return {
        noticeId: form.out_trade_no,
        tradeNo: form.trade_no,
        fen,
        sellerId: form.seller_id ?? '',
        appId: form.app_id ?? '',
        status: status === 'paid' ? 'paid' : status === 'closed' ? 'closed' : 'other',
        paidAt: fromAlipayTime(form.gmt_payment),
      } satisfies TradeNotice;
    },

    async query(noticeId) {
      const r = await sdk.exec(
        'alipay.trade.query',
        { bizContent: { out_trade_no: noticeId } },
        { validateSign: true },
      );
      if (r.code !== '10000') return { status: r.sub_code === 'ACQ.TRADE_NOT_EXIST' ? 'waiting' : 'unknown' };
      return {
        status: TRADE_STATUS[r.trade_status] ?? 'unknown',
        tradeNo: r.trade_no,
        fen: fenOf(String(r.total_amount ?? '')),
        sellerId: r.seller_id,
        paidAt: fromAlipayTime(r.send_pay_date),
      };
    },

    async close(noticeId) {
      // ACQ.TRADE_NOT_EXIST: the payer never opened the cashier; nothing to close.
      await sdk.exec(
        'alipay.trade.close',
        { bizContent: { out_trade_no: noticeId } },
        { validateSign: true },
      );
    },

    async refund({ noticeId, tradeNo, fen, requestId, reason }) {
      const r = await sdk.exec(
        'alipay.trade.refund',
        {
          bizContent: {
            out_trade_no: noticeId,
            // Alipay takes trade_no first when both are given.
            ...(tradeNo ? { trade_no: tradeNo } : {}),
            refund_amount: yuanAmount(fen),
            out_request_no: requestId,
            refund_reason: reason,
          },
        },
        { validateSign: true },
      );
      return r.code === '10000' ? { ok: true } : { ok: false, message: r.sub_msg ?? r.msg };
    },

    async statement(day) {
      // 对账单: the provider gives a download address for the day's trades (CSV: out_trade_no,
      // trade_no, amount, refunded amount). Alipay zips it; the zip is unpacked before parsing.
      const r = await sdk.exec(
        'alipay.data.dataservice.bill.downloadurl.query',
        { bizContent: { bill_type: 'trade', bill_date: day } },
        { validateSign: true },
      );
      if (r.code !== '10000' || !r.bill_download_url)
        throw new Error(`statement ${day}: ${r.sub_msg ?? r.msg}`);
      const res = await fetch(r.bill_download_url);
      if (!res.ok) throw new Error(`statement ${day}: HTTP ${res.status}`);
      return parseStatement(await res.text());
    },
  };
}

/** The statement's rows: `out_trade_no,trade_no,amount,refunded` after a header; `#` lines are comments. */
export function parseStatement(text: string): StatementEntry[] {
  const rows: StatementEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('out_trade_no')) continue;
    const [noticeId, tradeNo, amount, refunded] = line.split(',').map((c) => c.trim());
    const fen = fenOf(amount ?? '');
    const refundedFen = fenOf(refunded ?? '0') ?? 0;
    if (!noticeId || !tradeNo || fen === undefined) continue;
    rows.push({ noticeId, tradeNo, fen, refundedFen });
  }
  return rows;
}
