'use client';

import { useEffect, useId, useState } from 'react';
import type { OverdueAlertView } from '../../../functions/domain/views.ts';
import { AlertList } from '../../components/AlertList.tsx';
import { AlertMore, type AlertPagesState, useAlertPages } from '../../components/AlertPages.tsx';
import { CalendarNotice } from '../../components/CalendarNotice.tsx';
import styles from '../../components/Case.module.css';
import { useDeptNames } from '../../components/CaseData.ts';
import { CaseGate } from '../../components/CaseGate.tsx';
import { useHalls } from '../../components/HallContext.tsx';
import { Empty, LoadError, Loading } from '../../components/Status.tsx';
import sup from '../../components/Supervise.module.css';
import { SuperviseCity } from '../../components/SuperviseCity.tsx';
import { SuperviseFigures } from '../../components/SuperviseFigures.tsx';
import { SuperviseRankings } from '../../components/SuperviseRankings.tsx';
import { query } from '../../lib/api.ts';
import type { Session } from '../../lib/auth.ts';
import { ALERT_STATUS_NAMES, type AlertView, SEVERITY_NAMES } from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';

export function SuperviseHome() {
  return (
    <CaseGate roles={['supervisor']} returnTo={routes.supervise} purpose="查看监察预警">
      {(session) => <Dashboard session={session} />}
    </CaseGate>
  );
}

/**
 * The dashboard of one hall: a hall supervisor's own; a city supervisor (hall "*") picks one here
 * (or in the header). Figures, the overdue list (most late first), rankings and trend, then every
 * alert, filtered and paged.
 */
function Dashboard({ session }: { session: Session }) {
  const { halls, hall: chosen, selectHall } = useHalls();
  const own = session.claims.hall;
  const city = !own || own === '*';
  const list = halls.status === 'ready' ? halls.data : [];
  const hall = city ? chosen : list.find((h) => h.id === own);
  const hallId = city ? chosen?.id : own;
  const hallPick = useId();
  // Bumped after a 督办 or 刷新: the figures and lists are read again, quietly.
  const [refresh, setRefresh] = useState(0);
  const changed = () => setRefresh((n) => n + 1);

  return (
    <>
      <CalendarNotice />
      <p className={styles.meta}>
        <span>{session.claims.name}</span>
        <span>{city ? '全市监察' : hall ? `${hall.name}监察` : ''}</span>
      </p>
      {city && list.length > 0 && (
        <section className={sup.section} aria-labelledby="city-h">
          <h2 id="city-h">全市概况</h2>
          <SuperviseCity halls={list} current={hallId} refresh={refresh} onPick={selectHall} />
        </section>
      )}
      {city && list.length > 0 && (
        <div className={`${styles.field} ${sup.hallPick} ${sup.section}`}>
          <label htmlFor={hallPick}>监察大厅</label>
          <select id={hallPick} value={hallId ?? ''} onChange={(e) => selectHall(e.target.value)}>
            {list.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {!hallId ? (
        <Loading>正在加载办事大厅…</Loading>
      ) : (
        <HallDashboard key={hallId} hallId={hallId} refresh={refresh} onChanged={changed} />
      )}
    </>
  );
}

function HallDashboard({
  hallId,
  refresh,
  onChanged,
}: {
  hallId: string;
  refresh: number;
  onChanged: () => void;
}) {
  const deptNames = useDeptNames(hallId);
  const overdue = useAlertPages<OverdueAlertView>(`/api/halls/${hallId}/alerts?view=overdue`, 10);
  const { reload } = overdue;
  useEffect(() => {
    if (refresh) reload(true);
  }, [refresh, reload]);
  const changed = onChanged;
  return (
    <>
      <section className={sup.section} aria-labelledby="figures-h">
        <h2 id="figures-h">今日概况</h2>
        <SuperviseFigures hallId={hallId} refresh={refresh} />
      </section>

      <section className={sup.section} aria-labelledby="overdue-h" data-testid="overdue">
        <h2 id="overdue-h">超期清单（超期最久的在前）</h2>
        <Listing
          pages={overdue}
          hallId={hallId}
          deptNames={deptNames}
          empty="没有超期未处理的预警"
          onChanged={changed}
        />
      </section>

      {/* 排名与趋势: the statistics' read API (functions/stats, GET …/stats) fills this slot. */}
      <section className={sup.section} aria-labelledby="rankings-h">
        <h2 id="rankings-h">排名与趋势</h2>
        <SuperviseRankings hallId={hallId} />
      </section>

      <AllAlerts hallId={hallId} deptNames={deptNames} refresh={refresh} onChanged={changed} />
    </>
  );
}

function Listing<A extends AlertView>({
  pages,
  hallId,
  deptNames,
  empty,
  onChanged,
}: {
  pages: AlertPagesState<A>;
  hallId: string;
  deptNames: Record<string, string>;
  empty: string;
  onChanged: () => void;
}) {
  if (pages.status === 'loading') return <Loading>正在加载监察预警…</Loading>;
  if (pages.status === 'error')
    return <LoadError message={pages.message ?? '请稍后再试'} onRetry={() => pages.reload()} />;
  if (pages.alerts.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <AlertList
        alerts={pages.alerts}
        hallId={hallId}
        mode="supervisor"
        deptNames={deptNames}
        onChanged={onChanged}
      />
      <AlertMore pages={pages as unknown as AlertPagesState<AlertView>} />
    </>
  );
}

/** Every alert of the hall, newest first, by status, level and department; 20 a page. */
function AllAlerts({
  hallId,
  deptNames,
  refresh,
  onChanged,
}: {
  hallId: string;
  deptNames: Record<string, string>;
  refresh: number;
  onChanged: () => void;
}) {
  const [severity, setSeverity] = useState('');
  const [status, setStatus] = useState('');
  const [dept, setDept] = useState('');
  const pages = useAlertPages(`/api/halls/${hallId}/alerts${query({ severity, status, dept })}`);
  const { reload } = pages;
  useEffect(() => {
    if (refresh) reload(true);
  }, [refresh, reload]);
  const sevId = useId();
  const statId = useId();
  const deptId = useId();
  const depts = Object.entries(deptNames).sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'));
  return (
    <section className={sup.section} aria-labelledby="all-h" data-testid="all-alerts">
      <h2 id="all-h">全部预警</h2>
      <form className={styles.filters} onSubmit={(e) => e.preventDefault()} aria-label="筛选预警">
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
          <label htmlFor={deptId}>责任部门</label>
          <select id={deptId} value={dept} onChange={(e) => setDept(e.target.value)}>
            <option value="">全部</option>
            {depts.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button-secondary" onClick={onChanged}>
          刷新
        </button>
      </form>
      <Listing
        pages={pages}
        hallId={hallId}
        deptNames={deptNames}
        empty={severity || status || dept ? '没有符合条件的预警' : '暂无监察预警'}
        onChanged={onChanged}
      />
    </section>
  );
}
