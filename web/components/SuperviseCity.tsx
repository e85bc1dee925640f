'use client';

import { useEffect, useState } from 'react';
import type { AlertSummary } from '../../functions/domain/views.ts';
import type { Hall } from '../lib/api.ts';
import { authJson } from '../lib/auth.ts';
import styles from './Case.module.css';
import sup from './Supervise.module.css';

/** Red only where there is something: a column of red zeros says nothing. */
const hot = (s: AlertSummary | 'error' | undefined, v: (x: AlertSummary) => number) =>
  s && s !== 'error' && v(s) > 0 ? sup.red : '';

/**
 * The city supervisor's overview: every hall's figures side by side (one summary per hall, read in
 * parallel), the escalated 督办 among them; a hall's name opens its dashboard below.
 */
export function SuperviseCity({
  halls,
  current,
  refresh,
  onPick,
}: {
  halls: Hall[];
  current?: string;
  refresh: number;
  onPick: (hallId: string) => void;
}) {
  const [rows, setRows] = useState<Record<string, AlertSummary | 'error'>>({});
  const ids = halls.map((h) => h.id).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ids` stands for `halls`; `refresh` asks again.
  useEffect(() => {
    let live = true;
    for (const h of halls)
      authJson<AlertSummary>(`/api/halls/${h.id}/alerts/summary`).then(
        (s) => live && setRows((r) => ({ ...r, [h.id]: s })),
        () => live && setRows((r) => ({ ...r, [h.id]: 'error' })),
      );
    return () => {
      live = false;
    };
  }, [ids, refresh]);

  return (
    <div className={sup.scroll} data-testid="city-overview">
      <table className={sup.table}>
        <caption className="visually-hidden">各办事大厅今日监察概况</caption>
        <thead>
          <tr>
            <th scope="col">办事大厅</th>
            <th scope="col" className={sup.num}>
              今日黄牌
            </th>
            <th scope="col" className={sup.num}>
              今日红牌
            </th>
            <th scope="col" className={sup.num}>
              督办待回复
            </th>
            <th scope="col" className={sup.num}>
              超期未处理
            </th>
            <th scope="col" className={sup.num}>
              上报市级
            </th>
          </tr>
        </thead>
        <tbody>
          {halls.map((h) => {
            const s = rows[h.id];
            const cell = (v: (x: AlertSummary) => string | number) =>
              s === undefined ? '…' : s === 'error' ? '—' : v(s);
            return (
              <tr key={h.id}>
                <th scope="row">
                  <button
                    type="button"
                    className={sup.linkButton}
                    aria-pressed={h.id === current}
                    onClick={() => onPick(h.id)}
                  >
                    {h.name}
                  </button>
                </th>
                <td className={sup.num}>{cell((x) => x.today.yellow)}</td>
                <td className={`${sup.num} ${hot(s, (x) => x.today.red)}`}>{cell((x) => x.today.red)}</td>
                <td className={sup.num}>
                  {cell((x) => (x.urgedOverdue ? `${x.urged}（逾期 ${x.urgedOverdue}）` : x.urged))}
                </td>
                <td className={sup.num}>{cell((x) => x.overdue)}</td>
                <td className={`${sup.num} ${hot(s, (x) => x.escalated)}`}>{cell((x) => x.escalated)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className={styles.hint}>点击大厅名称查看该厅的超期清单和全部预警。</p>
    </div>
  );
}
