/**
 * The applicant's side of a payment notice:
 *   POST /cases/{caseNo}/payment        → { url, noticeId, expiresAt }: the cashier address (signed)
 *   POST /cases/{caseNo}/payment/query  → { result, status }: ask the provider now (the payer came
 *                                          back before the notification did); counts a payment once
 */
import { nowMs } from '#domain/clock.ts';
import { noticeId } from '#domain/payment.ts';
import { beijingIso } from '#domain/time.ts';
import { isCaseNo } from '#functions/cases/model.ts';
import { getCase } from '#functions/cases/store.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { caseAccess } from '#lib/policy.ts';
import { paymentDeps } from './runtime.ts';
import { cashierUrl, syncPayment } from './service.ts';

export const handler = api({ auth: 'user' }, async ({ params, principal, event }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  const c = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  if (!c || caseAccess(who, c) === 'none') throw httpErrors.notFound('办件不存在');
  if (who.sub !== c.applicant.sub) throw httpErrors.forbidden('缴费由申请人本人办理');
  const n = c.payment?.notice;
  if (event.rawPath.endsWith('/payment/query')) {
    const result = n && !c.payment?.paid ? await syncPayment(paymentDeps(), c) : 'ignored';
    const after = (await getCase(caseNo)) ?? c;
    return { body: { result, status: after.status, paid: !!after.payment?.paid } };
  }
  if (c.payment?.paid) throw new HttpError(409, 'ALREADY_PAID', '该缴款通知书已缴费，无需重复缴纳');
  if (!n || c.phase !== 'payment' || c.payment?.expiredAt)
    throw new HttpError(409, 'NOTHING_TO_PAY', '该办件当前没有待缴的费用');
  if (Date.parse(n.expiresAt) <= nowMs())
    throw new HttpError(409, 'PAYMENT_EXPIRED', '已超过缴费期限，不能再缴费');
  return {
    body: {
      url: cashierUrl(paymentDeps(), c),
      noticeId: noticeId(c.caseNo, n.n),
      expiresAt: beijingIso(n.expiresAt),
    },
  };
});
