'use client';

/**
 * Back from the cashier: the notification may still be on its way, so the page asks the hall to
 * check with the provider (POST …/payment/query, which counts a payment once) a few times, then says
 * what happened. `cancelled=1` = the payer cancelled at the cashier.
 */
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { CaseGate } from '../../components/CaseGate.tsx';
import { receiptPath } from '../../components/PayPanel.tsx';
import { authJson } from '../../lib/auth.ts';
import { CASE_NO } from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';

type State =
  | { kind: 'checking' }
  | { kind: 'paid' }
  | { kind: 'waiting' }
  | { kind: 'error'; message: string };

export function PayReturn() {
  const params = useSearchParams();
  const hall = params.get('hall') ?? '';
  const no = params.get('no') ?? '';
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(hall) || !CASE_NO.test(no))
    return (
      <p className="status status-error" role="alert">
        链接不完整，请从“我的办件”进入办件查看缴费情况。
      </p>
    );
  return (
    <CaseGate returnTo={`/pay/?hall=${hall}&no=${no}`} purpose="查看缴费结果">
      {() => <Result hall={hall} no={no} cancelled={params.get('cancelled') === '1'} />}
    </CaseGate>
  );
}

function Result({ hall, no, cancelled }: { hall: string; no: string; cancelled: boolean }) {
  const [state, setState] = useState<State>({ kind: 'checking' });
  useEffect(() => {
    let live = true;
    (async () => {
      for (let i = 0; i < 5 && live; i++) {
        try {
          const r = await authJson<{ paid: boolean }>(`/api/halls/${hall}/cases/${no}/payment/query`, {
            method: 'POST',
          });
          if (r.paid) return live && setState({ kind: 'paid' });
        } catch (err) {
          return live && setState({ kind: 'error', message: (err as Error).message });
        }
        if (cancelled) break;
        await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
      }
      if (live) setState({ kind: 'waiting' });
    })();
    return () => {
      live = false;
    };
  }, [hall, no, cancelled]);

  const back = (
    <p>
      <Link href={routes.staffCase(no)}>返回办件 {no}</Link>
    </p>
  );
  switch (state.kind) {
    case 'checking':
      return (
        <p role="status" aria-live="polite">
          正在确认缴费结果…
        </p>
      );
    case 'paid':
      return (
        <>
          <p className="status" role="status" data-testid="pay-result">
            <span aria-hidden="true">✓ </span>缴费成功，办件将继续办理。
          </p>
          <p>
            <Link href={receiptPath(hall, no)}>查看电子缴款凭证</Link>
          </p>
          {back}
        </>
      );
    case 'waiting':
      return (
        <>
          <p className="status" role="status" data-testid="pay-result">
            {cancelled ? '您已取消付款，尚未缴费。' : '暂未收到支付平台的付款结果。'}
            可在缴费期限内回到办件页面重新缴费；如已付款，结果到账后会短信通知您。
          </p>
          {back}
        </>
      );
    case 'error':
      return (
        <>
          <p className="status status-error" role="alert">
            {state.message}
          </p>
          {back}
        </>
      );
  }
}
