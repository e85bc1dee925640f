'use client';

/**
 * 网上缴费 on the case page: the item's fee, the payment notice (缴款通知书) with its payment code and
 * limit, and for the applicant 去缴费 (to the provider's cashier) while it is payable; once paid, the
 * electronic receipt; a 减免, an expiry or a refund in words.
 */
import Link from 'next/link';
import { useState } from 'react';
import type { PaymentView } from '../../functions/domain/payment.ts';
import { authJson } from '../lib/auth.ts';
import { formatDeadline, formatTime } from '../lib/cases.ts';
import styles from './Pay.module.css';

export const yuanText = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
export const receiptPath = (hallId: string, caseNo: string) =>
  `/pay/receipt/?hall=${encodeURIComponent(hallId)}&no=${encodeURIComponent(caseNo)}`;

export function PayPanel({
  payment,
  hallId,
  caseNo,
  own,
}: {
  payment?: PaymentView;
  hallId: string;
  caseNo: string;
  /** The viewer is the applicant (only they pay). */
  own: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!payment) return null;
  const n = payment.notice;
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await authJson<{ url: string }>(`/api/halls/${hallId}/cases/${caseNo}/payment`, {
        method: 'POST',
      });
      window.location.assign(r.url);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="case-pay" data-testid="pay-panel">
      <h2 id="case-pay">缴费</h2>
      {n ? (
        <div className={styles.notice}>
          <p className={styles.title}>缴款通知书</p>
          <dl className={styles.facts}>
            {n.lines.map((l) => (
              <div key={l.label}>
                <dt>{l.label}</dt>
                <dd>{yuanText(l.fen)}</dd>
              </div>
            ))}
            <div>
              <dt>应缴金额</dt>
              <dd>
                <strong className={styles.amount}>{yuanText(n.fen)}</strong>
              </dd>
            </div>
            <div>
              <dt>缴款码</dt>
              <dd className={styles.code}>{n.paymentCode}</dd>
            </div>
            <div>
              <dt>执收单位</dt>
              <dd>{payment.payee.name}</dd>
            </div>
            <div>
              <dt>缴费期限</dt>
              <dd>{formatDeadline(n.expiresAt)}</dd>
            </div>
          </dl>
        </div>
      ) : (
        <p>
          收费标准：{payment.standard}（{payment.timingName}）
        </p>
      )}
      {payment.paid ? (
        <p className={styles.ok} role="status">
          <span aria-hidden="true">✓ </span>已于 {formatTime(payment.paid.at)} 缴费{' '}
          {yuanText(payment.paid.fen)}。 <Link href={receiptPath(hallId, caseNo)}>查看电子缴款凭证</Link>
        </p>
      ) : payment.waived ? (
        <p role="status">已依法减免：{payment.waived.reason}</p>
      ) : payment.expiredAt ? (
        <p className="status status-error" role="status">
          未在缴费期限内缴费，办件已终止。如仍需办理，请重新申请。
        </p>
      ) : payment.payable && own ? (
        <>
          <button
            type="button"
            className={`button ${styles.pay}`}
            onClick={go}
            disabled={busy}
            aria-busy={busy}
          >
            {busy ? '正在前往收银台…' : `去缴费 ${n ? yuanText(n.fen) : ''}`}
          </button>
          <p className={styles.hint}>将跳转到支付平台收银台付款，付款后自动返回本站。逾期未缴，办件终止。</p>
        </>
      ) : null}
      {payment.refund && (
        <p role="status">
          {payment.refund.doneAt
            ? `已于 ${formatTime(payment.refund.doneAt)} 原路退还 ${yuanText(payment.refund.fen)}。`
            : `将原路退还 ${yuanText(payment.refund.fen)}，退款处理中。`}
        </p>
      )}
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      <details className={styles.more}>
        <summary>收费依据和减免</summary>
        <p>收费标准：{payment.standard}</p>
        <p>收费依据：{payment.basis}</p>
        {payment.reductions.length > 0 && (
          <ul>
            {payment.reductions.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </details>
    </section>
  );
}
