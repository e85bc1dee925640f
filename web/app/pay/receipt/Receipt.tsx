'use client';

/**
 * 电子缴款凭证: what was paid for which notice, to whom, when, under which provider trade — drawn
 * from the case (GET …/cases/{no}); the browser prints it or saves it as PDF. Shown only once paid.
 */
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useAuthApi } from '../../../components/CaseData.ts';
import { CaseGate } from '../../../components/CaseGate.tsx';
import styles from '../../../components/Pay.module.css';
import { yuanText } from '../../../components/PayPanel.tsx';
import { LoadError, Loading } from '../../../components/Status.tsx';
import { CASE_NO, type CaseDetail, formatTime } from '../../../lib/cases.ts';
import { routes } from '../../../lib/routes.ts';

export function Receipt() {
  const params = useSearchParams();
  const hall = params.get('hall') ?? '';
  const no = params.get('no') ?? '';
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(hall) || !CASE_NO.test(no))
    return (
      <p className="status status-error" role="alert">
        链接不完整。
      </p>
    );
  return (
    <CaseGate returnTo={`/pay/receipt/?hall=${hall}&no=${no}`} purpose="查看缴款凭证">
      {() => <ReceiptOf hall={hall} no={no} />}
    </CaseGate>
  );
}

function ReceiptOf({ hall, no }: { hall: string; no: string }) {
  const [state, reload] = useAuthApi<CaseDetail>(`/api/halls/${hall}/cases/${no}`);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={() => reload()} />;
  const d = state.data;
  const p = d.payment;
  if (!p?.paid || !p.notice)
    return (
      <p className="status" role="status">
        该办件尚无已缴费用。<Link href={routes.staffCase(no)}>返回办件</Link>
      </p>
    );
  return (
    <>
      <article className={styles.receipt} data-testid="receipt">
        <h1 className={styles.receiptTitle}>电子缴款凭证</h1>
        <dl className={styles.facts}>
          <div>
            <dt>缴款人</dt>
            <dd>{d.applicant.name}</dd>
          </div>
          <div>
            <dt>办件编号</dt>
            <dd>{d.caseNo}</dd>
          </div>
          <div>
            <dt>办理事项</dt>
            <dd>{d.itemName}</dd>
          </div>
          {p.notice.lines.map((l) => (
            <div key={l.label}>
              <dt>收费项目</dt>
              <dd>
                {l.label} {yuanText(l.fen)}
              </dd>
            </div>
          ))}
          <div>
            <dt>实缴金额</dt>
            <dd>
              <strong>{yuanText(p.paid.fen)}</strong>
            </dd>
          </div>
          <div>
            <dt>执收单位</dt>
            <dd>{p.payee.name}</dd>
          </div>
          <div>
            <dt>缴款码</dt>
            <dd>{p.notice.paymentCode}</dd>
          </div>
          <div>
            <dt>支付交易号</dt>
            <dd>{p.paid.tradeNo}</dd>
          </div>
          <div>
            <dt>缴费时间</dt>
            <dd>{formatTime(p.paid.at)}</dd>
          </div>
          <div>
            <dt>收费依据</dt>
            <dd>{p.basis}</dd>
          </div>
          {p.refund && (
            <div>
              <dt>退费</dt>
              <dd>
                {p.refund.doneAt ? `已于 ${formatTime(p.refund.doneAt)} 退还` : '退还中'}{' '}
                {yuanText(p.refund.fen)}
              </dd>
            </div>
          )}
        </dl>
      </article>
      <p className={styles.noPrint}>
        <button type="button" className="button" onClick={() => window.print()}>
          打印 / 另存为 PDF
        </button>{' '}
        <Link href={routes.staffCase(no)}>返回办件</Link>
      </p>
    </>
  );
}
