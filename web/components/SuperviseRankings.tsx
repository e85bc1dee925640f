'use client';

import { type Indicators, percent } from '../../functions/domain/indicators.ts';
import { useApi } from '../lib/useApi.ts';
import { Empty, LoadError, Loading } from './Status.tsx';
import sup from './Supervise.module.css';

/** What this slot reads of the hall's public statistics (GET /api/halls/<hall>/stats, functions/stats). */
interface StatsReport {
  month: string;
  departments?: {
    code: string;
    name: string;
    rank: number | null;
    score: number | null;
    handled: number;
    inProgress: number;
    indicators: Indicators;
  }[];
  trend?: { month: string; indicators: Indicators }[];
}

/**
 * Rankings and trend on the supervisor's dashboard: the departments ranked by the month's indicators
 * and the hall's last months, from the statistics counted off the cases stream (functions/stats).
 * Tables, so screen readers and phones read them as they are; the charts live on /stats/.
 */
export function SuperviseRankings({ hallId }: { hallId: string }) {
  const [state, reload] = useApi<StatsReport>(`/api/halls/${hallId}/stats`);
  if (state.status === 'loading') return <Loading>正在加载排名和趋势…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={reload} />;
  const ranked = (state.data.departments ?? []).filter((d) => d.rank !== null).slice(0, 10);
  const trend = (state.data.trend ?? []).slice(-6);
  return (
    <div data-testid="supervise-rankings">
      <h3>部门排名（{state.data.month}）</h3>
      {ranked.length === 0 ? (
        <Empty>本月尚无可排名的办件</Empty>
      ) : (
        <div className={sup.scroll}>
          <table className={sup.table}>
            <caption className="visually-hidden">本月各部门综合排名，前 10 名</caption>
            <thead>
              <tr>
                <th scope="col" className={sup.num}>
                  名次
                </th>
                <th scope="col">部门</th>
                <th scope="col" className={sup.num}>
                  按时办结率
                </th>
                <th scope="col" className={sup.num}>
                  满意率
                </th>
                <th scope="col" className={sup.num}>
                  办结 / 在办
                </th>
              </tr>
            </thead>
            <tbody>
              {ranked.map((d) => (
                <tr key={d.code}>
                  <td className={sup.num}>{d.rank}</td>
                  <td>{d.name}</td>
                  <td className={sup.num}>{percent(d.indicators.onTimeRate)}</td>
                  <td className={sup.num}>{percent(d.indicators.satisfactionRate)}</td>
                  <td className={sup.num}>
                    {d.handled} / {d.inProgress}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>近几个月趋势</h3>
      {trend.length === 0 ? (
        <Empty>暂无趋势数据</Empty>
      ) : (
        <div className={sup.scroll}>
          <table className={sup.table}>
            <caption className="visually-hidden">本厅近几个月的受理、办结、超期和满意率</caption>
            <thead>
              <tr>
                <th scope="col">月份</th>
                <th scope="col" className={sup.num}>
                  受理
                </th>
                <th scope="col" className={sup.num}>
                  办结
                </th>
                <th scope="col" className={sup.num}>
                  超期
                </th>
                <th scope="col" className={sup.num}>
                  按时办结率
                </th>
                <th scope="col" className={sup.num}>
                  满意率
                </th>
              </tr>
            </thead>
            <tbody>
              {trend.map((t) => (
                <tr key={t.month}>
                  <td>{t.month}</td>
                  <td className={sup.num}>{t.indicators.accepted}</td>
                  <td className={sup.num}>{t.indicators.completed}</td>
                  <td className={sup.num}>{t.indicators.overdue}</td>
                  <td className={sup.num}>{percent(t.indicators.onTimeRate)}</td>
                  <td className={sup.num}>{percent(t.indicators.satisfactionRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
