'use client';

import { useEffect } from 'react';
import type { AlertSummary } from '../../functions/domain/views.ts';
import { formatDate } from '../lib/cases.ts';
import { useAuthApi } from './CaseData.ts';
import { LoadError, Loading } from './Status.tsx';
import sup from './Supervise.module.css';

/** The dashboard's figures of one hall: today's yellow/red, 督办 waiting (and late), overdue. */
export function SuperviseFigures({
  hallId,
  dept,
  refresh,
}: {
  hallId: string;
  dept?: string;
  refresh: number;
}) {
  const [state, reload] = useAuthApi<AlertSummary>(
    `/api/halls/${hallId}/alerts/summary${dept ? `?dept=${encodeURIComponent(dept)}` : ''}`,
  );
  // After a 督办 or a refresh: count again, keeping the old figures on screen meanwhile.
  useEffect(() => {
    if (refresh) reload(true);
  }, [refresh, reload]);
  if (state.status === 'loading') return <Loading>正在统计…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={() => reload()} />;
  const s = state.data;
  return (
    <ul className={sup.figures} aria-label={`${formatDate(s.day)}监察概况`} data-testid="supervise-figures">
      <li>
        <span className={sup.figure}>{s.today.yellow}</span>
        <span className={sup.figureLabel}>今日黄牌预警</span>
      </li>
      <li>
        <span className={`${sup.figure} ${sup.red}`}>{s.today.red}</span>
        <span className={sup.figureLabel}>今日红牌超期</span>
      </li>
      <li>
        <span className={sup.figure}>{s.urged}</span>
        <span className={sup.figureLabel}>
          督办待回复{s.urgedOverdue > 0 && <span className={sup.red}>（{s.urgedOverdue} 件逾期）</span>}
        </span>
      </li>
      <li>
        <span className={`${sup.figure} ${s.overdue ? sup.red : ''}`}>{s.overdue}</span>
        <span className={sup.figureLabel}>
          超期未处理{s.escalated > 0 && <span className={sup.red}>（{s.escalated} 件督办已上报市级）</span>}
        </span>
      </li>
    </ul>
  );
}
