/**
 * 网上缴费 use cases on the payment port and the cases store: the cashier address of a notice, a
 * provider notification (or the provider's answer to a query) turned into the case's payment, and
 * refunds. Every payment is confirmed through the action catalogue (`pay-confirm`), so counting it
 * is one conditional transaction on the case: five deliveries of one notification, or a
 * notification racing a query, count it once.
 */
import { now } from '#domain/clock.ts';
import { yuan } from '#domain/fees.ts';
import { judgeNotification, noticeId, parseNoticeId, type TradeNotice } from '#domain/payment.ts';
import { RACE_CODES, Refusal } from '#domain/refusal.ts';
import { runAction } from '#functions/cases/act.ts';
import { stepFunctionsLifecycle } from '#functions/cases/lifecycle.ts';
import { type CaseRecord, caseStore, getCase, putAlert } from '#functions/cases/store.ts';
import { logger } from '#lib/logger.ts';
import type { PaymentProvider } from './port.ts';
import { markRefunded, recordTrade } from './store.ts';

export interface PaymentDeps {
  provider: PaymentProvider;
  appId: string;
  sellerId: string;
  portalUrl: string;
  hallId: string;
  hallCode: string;
}

const deps = { store: caseStore, lifecycle: stepFunctionsLifecycle };

/** The notice's cashier address, for the applicant of a case waiting on its payment. */
export function cashierUrl(d: PaymentDeps, c: CaseRecord): string {
  const n = c.payment!.notice!;
  const api = `${d.portalUrl}/api/halls/${d.hallId}`;
  return d.provider.cashierUrl({
    noticeId: noticeId(c.caseNo, n.n),
    fen: n.fen,
    subject: `${c.itemName}（${n.payee.name}）`.slice(0, 120),
    notifyUrl: `${api}/payments/notify`,
    returnUrl: `${d.portalUrl}/pay/?hall=${d.hallId}&no=${c.caseNo}`,
    expiresAt: n.expiresAt,
  });
}

export type Outcome = 'paid' | 'duplicate' | 'refunded' | 'ignored' | 'rejected';

/**
 * A verified trade (from a notification or a query): count it, recognise it as counted, or give
 * the money back and tell the supervisors why. Never throws for what the provider says.
 */
export async function applyTrade(d: PaymentDeps, t: TradeNotice, via: 'notify' | 'query'): Promise<Outcome> {
  const ref = parseNoticeId(t.noticeId);
  const caseNo = ref?.caseNo;
  for (let attempt = 0; attempt < 4; attempt++) {
    const c = caseNo?.startsWith(d.hallCode) ? await getCase(caseNo) : undefined;
    const verdict = judgeNotification(
      t,
      { appId: d.appId, sellerId: d.sellerId },
      {
        notice: c?.payment?.notice,
        n: ref?.n ?? 0,
        paid: c?.payment?.paid,
        payable: !!c && c.phase === 'payment' && !c.payment?.expiredAt,
      },
    );
    logger.info('payment trade', { noticeId: t.noticeId, tradeNo: t.tradeNo, via, verdict: verdict.kind });
    switch (verdict.kind) {
      case 'duplicate':
        return 'duplicate';
      case 'ignore':
        return 'ignored';
      case 'reject':
        if (c) await alert(c, `支付通知被拒绝：${verdict.reason}（交易号 ${t.tradeNo}）`, t.tradeNo);
        return 'rejected';
      case 'refund': {
        await recordTrade(caseNo, t, 'refunded');
        const r = await d.provider.refund({
          noticeId: t.noticeId,
          tradeNo: t.tradeNo,
          fen: t.fen,
          requestId: `R${t.tradeNo}`.slice(0, 64),
          reason: verdict.reason,
        });
        if (r.ok) await markRefunded(caseNo, t.tradeNo, t.fen);
        if (c)
          await alert(
            c,
            `已到账但不能计入：${verdict.reason}；${r.ok ? `已原路退还 ${yuan(t.fen)}` : `自动退款失败（${r.message ?? '原因不明'}），请人工退款`}（交易号 ${t.tradeNo}）`,
            t.tradeNo,
          );
        else
          logger.error('payment for unknown notice', {
            noticeId: t.noticeId,
            tradeNo: t.tradeNo,
            refunded: r.ok,
          });
        return 'refunded';
      }
      case 'pay':
        try {
          await recordTrade(caseNo, t, 'counted');
          await runAction(deps, {
            caseNo: c!.caseNo,
            action: 'pay-confirm',
            input: { payment: { n: ref!.n, tradeNo: t.tradeNo, fen: t.fen } },
            actor: { kind: 'system', name: '系统' },
            at: now().toISOString(),
          });
          return 'paid';
        } catch (err) {
          // Another delivery (or the query) counted it, or the case moved: look again.
          if (err instanceof Refusal && RACE_CODES.includes(err.code)) continue;
          throw err;
        }
    }
  }
  throw new Error(`payment ${t.noticeId} kept changing`);
}

/** Ask the provider about the case's open notice (the payer came back before the notification). */
export async function syncPayment(d: PaymentDeps, c: CaseRecord): Promise<Outcome | 'waiting'> {
  const n = c.payment?.notice;
  if (!n) return 'ignored';
  const id = noticeId(c.caseNo, n.n);
  const q = await d.provider.query(id);
  const trade = paidTrade(d, id, q);
  return trade ? applyTrade(d, trade, 'query') : 'waiting';
}

/** The provider's answer to a query as a trade to apply, when it says the notice was paid. */
function paidTrade(d: PaymentDeps, id: string, q: Awaited<ReturnType<PaymentDeps['provider']['query']>>) {
  if (q.status !== 'paid' || !q.tradeNo || q.fen === undefined) return undefined;
  return {
    noticeId: id,
    tradeNo: q.tradeNo,
    fen: q.fen,
    sellerId: q.sellerId ?? '',
    appId: d.appId,
    status: 'paid' as const,
    paidAt: q.paidAt,
  };
}

/**
 * A notice that can no longer be paid (expired, or its case withdrawn or closed): ask the provider
 * once more — a payment whose notification never arrived is refunded and reported (paid but not
 * notified) — and close the trade so the cashier refuses it from now on.
 */
export async function settleUnpayable(d: PaymentDeps, c: CaseRecord): Promise<void> {
  const n = c.payment?.notice;
  if (!n || c.payment?.paid) return;
  const id = noticeId(c.caseNo, n.n);
  const q = await d.provider.query(id);
  const trade = paidTrade(d, id, q);
  if (trade) {
    await applyTrade(d, trade, 'query');
    return;
  }
  if (q.status === 'waiting') await d.provider.close(id);
}

/** A refund the rules asked for (a paid 工本费 of a refused, denied or withdrawn case). */
export async function refundCase(d: PaymentDeps, c: CaseRecord): Promise<void> {
  const p = c.payment;
  if (!p?.paid || !p.refund || p.refund.doneAt || !p.notice) return;
  const id = noticeId(c.caseNo, p.notice.n);
  const r = await d.provider.refund({
    noticeId: id,
    tradeNo: p.paid.tradeNo,
    fen: p.refund.fen,
    requestId: `R${id}`,
    reason: '办件未获准予，退还已缴费用',
  });
  if (!r.ok) throw new Error(`refund ${id} refused: ${r.message}`);
  await markRefunded(c.caseNo, p.paid.tradeNo, p.refund.fen);
  try {
    await runAction(deps, {
      caseNo: c.caseNo,
      action: 'refund-done',
      input: {},
      actor: { kind: 'system', name: '系统' },
      at: now().toISOString(),
    });
  } catch (err) {
    // A repeated stream record: the refund was recorded already (the provider refunded once, by request id).
    if (!(err instanceof Refusal && RACE_CODES.includes(err.code))) throw err;
  }
}

/** A payment the operators must look at, in the alert list of the collecting department. */
async function alert(c: CaseRecord, note: string, tradeNo: string) {
  await putAlert({
    alertId: `payment.${tradeNo}`.slice(0, 80),
    caseNo: c.caseNo,
    itemName: c.itemName,
    severity: 'finding',
    scope: 'payment',
    dept: c.payment?.notice?.payee.deptCode ?? c.deptCode,
    post: '受理',
    note,
    raisedAt: now().toISOString(),
    status: 'open',
  });
}
