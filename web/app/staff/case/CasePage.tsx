'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { AlertList } from '../../../components/AlertList.tsx';
import styles from '../../../components/Case.module.css';
import { CaseActions } from '../../../components/CaseActions.tsx';
import { useAuthApi, useDeptNames } from '../../../components/CaseData.ts';
import { CaseGate } from '../../../components/CaseGate.tsx';
import { CaseMaterials } from '../../../components/CaseMaterials.tsx';
import {
  CaseDeadlines,
  CaseRating,
  CaseResult,
  CaseSteps,
  CaseTimeline,
} from '../../../components/CaseParts.tsx';
import { DeliveryChoiceView, DeliveryResult } from '../../../components/DeliveryChoice.tsx';
import { useHalls } from '../../../components/HallContext.tsx';
import { PayPanel } from '../../../components/PayPanel.tsx';
import { SITE_NAME } from '../../../components/SiteHeader.tsx';
import { LoadError, Loading } from '../../../components/Status.tsx';
import type { Session } from '../../../lib/auth.ts';
import { CASE_NO, type CaseDetail, formatDeadline, hallOfCase } from '../../../lib/cases.ts';
import { formRows, type GuideWithForms } from '../../../lib/forms.ts';
import { routes } from '../../../lib/routes.ts';
import { useApi } from '../../../lib/useApi.ts';

/** While a task waits for the state machine (not ready yet), look again this often, this many times. */
const POLL_MS = 1500;
const POLL_TRIES = 40;

export function CasePage() {
  const no = (useSearchParams().get('no') ?? '').trim();
  if (!CASE_NO.test(no)) {
    return (
      <>
        <h1>办件详情</h1>
        <p className="status status-error">链接中的办件编号不正确。</p>
        <p>
          <Link href={routes.staff}>返回我的待办</Link>
        </p>
      </>
    );
  }
  return (
    <CaseGate returnTo={routes.staffCase(no)} purpose="查看办件">
      {(session) => <CaseView caseNo={no} session={session} />}
    </CaseGate>
  );
}

function CaseView({ caseNo, session }: { caseNo: string; session: Session }) {
  const { halls, reload: reloadHalls } = useHalls();
  const hall = halls.status === 'ready' ? hallOfCase(caseNo, halls.data) : undefined;
  const [state, reload] = useAuthApi<CaseDetail>(
    hall ? `/api/halls/${hall.id}/cases/${encodeURIComponent(caseNo)}` : null,
  );
  const deptNames = useDeptNames(hall?.id);
  // The item's application form gives the stored answers their labels and order.
  const itemCode = state.status === 'ready' ? state.data.itemCode : undefined;
  const [guide] = useApi<GuideWithForms>(itemCode ? `/api/items/${encodeURIComponent(itemCode)}` : null);
  const definition = guide.status === 'ready' ? guide.data.applicationForm : undefined;
  const [notice, setNotice] = useState<string>();
  const tries = useRef(0);
  const roles = session.claims.roles ?? [];
  const supervisor = roles.includes('supervisor');
  const staff = roles.includes('staff');

  const detail = state.status === 'ready' ? state.data : undefined;
  const waiting = !!detail?.tasks.some((t) => !t.ready);
  // The state machine stores a task's token a moment after the transition: look again until it has.
  useEffect(() => {
    // Each new answer (state) schedules the next look, until the task is ready or we give up.
    if (state.status !== 'ready') return;
    if (!waiting) {
      tries.current = 0;
      return;
    }
    if (tries.current >= POLL_TRIES) return;
    const timer = setTimeout(() => {
      tries.current += 1;
      reload(true);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting, state, reload]);

  useEffect(() => {
    if (detail?.itemName) document.title = `${detail.itemName} ${caseNo} - 办件详情 - ${SITE_NAME}`;
  }, [detail?.itemName, caseNo]);

  if (halls.status === 'loading') return <Loading>正在加载办件…</Loading>;
  if (halls.status === 'error') return <LoadError message={halls.message} onRetry={reloadHalls} />;
  if (!hall || (state.status === 'error' && state.httpStatus === 404)) {
    return (
      <>
        <h1>办件详情</h1>
        <p className="status status-error" role="alert">
          办件不存在，或不在您的办理和查看范围内。
        </p>
        <p>
          <Link href={staff ? routes.staff : supervisor ? routes.supervise : routes.account}>返回</Link>
        </p>
      </>
    );
  }
  if (state.status === 'loading') return <Loading>正在加载办件…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={() => reload()} />;
  const d = state.data;
  const mine = d.tasks.some((t) => t.actions.length > 0) || d.applicantActions.length > 0;
  const open = d.tasks.length > 0;
  const closed = ['refused', 'denied', 'withdrawn', 'delivered'].includes(d.status);
  const alerts = d.alerts ?? [];

  return (
    <>
      <p>
        <Link href={staff ? routes.staff : supervisor ? routes.supervise : routes.account}>
          ← {staff ? '返回我的待办' : supervisor ? '返回电子监察' : '返回我的账户'}
        </Link>
      </p>
      <header className={styles.head}>
        <h1>{d.itemName}</h1>
        <p className={styles.meta}>
          <span>
            办件编号 <span className={styles.caseNo}>{d.caseNo}</span>
          </span>
          <span>{d.deptName}</span>
        </p>
        <dl className={styles.facts} data-testid="case-status">
          <dt>办件状态</dt>
          <dd>
            <strong>{d.statusName}</strong>
          </dd>
          <dt>当前环节</dt>
          <dd>{d.currentStep}</dd>
          {!closed && d.stepDeadline && (
            <>
              <dt>本环节期限</dt>
              <dd>{formatDeadline(d.stepDeadline)}</dd>
            </>
          )}
        </dl>
      </header>

      {notice && (
        <p className={styles.notice} role="status" data-testid="action-done">
          {notice}
        </p>
      )}
      {d.supervisionError && (
        <p className="status status-error" role="alert">
          时限监控异常：{d.supervisionError}
        </p>
      )}

      <CaseActions
        detail={d}
        hallId={hall.id}
        onActed={(message) => {
          setNotice(message);
          reload(true);
        }}
        onReload={() => {
          setNotice(undefined);
          reload(true);
        }}
      />
      {!mine && open && (
        <p className="status" role="status" data-testid="read-only">
          {supervisor && !staff
            ? '您以监察人员身份查看本办件（只读）。'
            : `当前环节（${d.tasks.map((t) => `${t.name}·${t.post}岗`).join('、')}）不在您的岗位上，您可以查看但不能办理。`}
        </p>
      )}

      <div className={styles.layout}>
        <div>
          <CaseResult view={d} />
          <PayPanel payment={d.payment} hallId={hall.id} caseNo={d.caseNo} own={d.queryCode !== undefined} />
          <DeliveryChoiceView choice={d.deliveryChoice} delivery={d.delivery} />
          <DeliveryResult
            hallId={hall.id}
            caseNo={d.caseNo}
            approved={
              d.result?.outcome === 'approved' && (d.status === 'approved' || d.status === 'delivered')
            }
            own={d.queryCode !== undefined}
            onCollected={() => reload(true)}
          />
          <CaseRating view={d} />
          <section className={`panel ${styles.section}`} aria-labelledby="case-applicant">
            <h2 id="case-applicant">申请人与申请表</h2>
            <dl className={styles.form} data-testid="case-form">
              <dt>申请人</dt>
              <dd>{d.applicant.name}</dd>
              {d.applicant.phone && (
                <>
                  <dt>手机号码</dt>
                  <dd>{d.applicant.phone}</dd>
                </>
              )}
              {d.agent && (
                <>
                  <dt>代办人</dt>
                  <dd>{d.agent.name}</dd>
                </>
              )}
              {formRows(definition, d.form).map((row) => (
                <FormRow key={row.key} name={row.label} value={row.value} />
              ))}
            </dl>
            {Object.keys(d.form ?? {}).length === 0 && (
              <p className={styles.hint}>申请人未填写申请表内容。</p>
            )}
          </section>
          <CaseMaterials hallId={hall.id} caseNo={d.caseNo} />
          <section className={`panel ${styles.section}`} aria-labelledby="case-timeline">
            <h2 id="case-timeline">办理过程</h2>
            <CaseTimeline events={d.events} />
          </section>
        </div>
        <div>
          <section className={`panel ${styles.section}`} aria-labelledby="case-limits">
            <h2 id="case-limits">办理时限</h2>
            <CaseDeadlines view={d} />
          </section>
          <section className={`panel ${styles.section}`} aria-labelledby="case-plan">
            <h2 id="case-plan">办理流程</h2>
            <CaseSteps steps={d.steps} closed={closed} />
            {d.plan.length > 0 && (
              <p className={styles.hint}>
                承办部门：
                {[...new Set(d.plan.flatMap((s) => s.depts))].map((c) => deptNames[c] ?? c).join('、')}
              </p>
            )}
          </section>
          {d.alerts && (
            <section className={`panel ${styles.section}`} aria-labelledby="case-alerts">
              <h2 id="case-alerts">监察预警</h2>
              {alerts.length === 0 ? (
                <p>暂无预警。</p>
              ) : (
                <AlertList
                  alerts={alerts}
                  hallId={hall.id}
                  mode={supervisor ? 'supervisor' : staff ? 'staff' : 'read'}
                  ownDept={session.claims.dept}
                  deptNames={deptNames}
                  showCase={false}
                  onChanged={() => reload(true)}
                />
              )}
            </section>
          )}
          {d.chain && (
            <section className={`panel ${styles.section}`} aria-labelledby="case-chain">
              <h2 id="case-chain">记录完整性</h2>
              {d.chain.ok ? (
                <p data-testid="chain-ok">
                  <span aria-hidden="true">✓ </span>
                  办理记录完整（{d.events.length} 条，哈希链校验通过，未被篡改）
                </p>
              ) : (
                <p className="status status-error" role="alert" data-testid="chain-broken">
                  第 {d.chain.seq} 条记录校验失败：{d.chain.reason}
                </p>
              )}
            </section>
          )}
        </div>
      </div>
    </>
  );
}

function FormRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value || '—'}</dd>
    </>
  );
}
