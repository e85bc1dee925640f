'use client';

import { useId, useState } from 'react';
import { AlertList } from '../../components/AlertList.tsx';
import { CalendarNotice } from '../../components/CalendarNotice.tsx';
import styles from '../../components/Case.module.css';
import { useAuthApi, useDeptNames } from '../../components/CaseData.ts';
import { CaseGate } from '../../components/CaseGate.tsx';
import { useHalls } from '../../components/HallContext.tsx';
import { Empty, LoadError, Loading } from '../../components/Status.tsx';
import { query } from '../../lib/api.ts';
import type { Session } from '../../lib/auth.ts';
import { ALERT_STATUS_NAMES, type AlertView, SEVERITY_NAMES } from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';

export function SuperviseHome() {
  return (
    <CaseGate roles={['supervisor']} returnTo={routes.supervise} purpose="查看监察预警">
      {(session) => <Alerts session={session} />}
    </CaseGate>
  );
}

function Alerts({ session }: { session: Session }) {
  const { halls, hall: chosen } = useHalls();
  const own = session.claims.hall;
  // A city supervisor (hall "*") follows the hall chosen in the header; others see their own hall.
  const hall =
    own && own !== '*'
      ? halls.status === 'ready'
        ? halls.data.find((h) => h.id === own)
        : undefined
      : chosen;
  const hallId = own && own !== '*' ? own : chosen?.id;
  const [severity, setSeverity] = useState('');
  const [status, setStatus] = useState('');
  const [state, reload] = useAuthApi<{ alerts: AlertView[] }>(
    hallId ? `/api/halls/${hallId}/alerts${query({ severity, status })}` : null,
  );
  const deptNames = useDeptNames(hallId);
  const sevId = useId();
  const statId = useId();
  const alerts = state.status === 'ready' && Array.isArray(state.data?.alerts) ? state.data.alerts : [];

  return (
    <>
      <CalendarNotice />
      <p className={styles.meta}>
        <span>{session.claims.name}</span>
        <span>
          {hall ? hall.name : ''}
          {own === '*' ? '（全市监察，可在页头切换大厅）' : ''}
        </span>
      </p>
      <form className={styles.filters} onSubmit={(e) => e.preventDefault()} aria-label="筛选预警">
        <div className={styles.field}>
          <label htmlFor={sevId}>预警类别</label>
          <select id={sevId} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">全部</option>
            {Object.entries(SEVERITY_NAMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor={statId}>督办状态</label>
          <select id={statId} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            {Object.entries(ALERT_STATUS_NAMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button-secondary" onClick={() => reload(true)}>
          刷新
        </button>
      </form>
      {!hallId && <Loading>正在加载办事大厅…</Loading>}
      {hallId && state.status === 'loading' && <Loading>正在加载监察预警…</Loading>}
      {state.status === 'error' && <LoadError message={state.message} onRetry={() => reload()} />}
      {state.status === 'ready' && (
        <>
          <p role="status" className={styles.hint}>
            共 {alerts.length} 条
            {alerts.length > 0 &&
              `：${(['red', 'yellow', 'finding'] as const)
                .map((s) => `${SEVERITY_NAMES[s]} ${alerts.filter((a) => a.severity === s).length}`)
                .join('，')}`}
          </p>
          {alerts.length === 0 ? (
            <Empty>{severity || status ? '没有符合条件的预警' : '暂无监察预警'}</Empty>
          ) : (
            <AlertList
              alerts={alerts}
              hallId={hallId!}
              mode="supervisor"
              deptNames={deptNames}
              onChanged={() => reload(true)}
            />
          )}
        </>
      )}
    </>
  );
}
