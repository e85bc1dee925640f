'use client';

import type { Hall } from '../lib/api.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './Case.module.css';
import op from './Operate.module.css';
import { LoadError, Loading } from './Status.tsx';

const LEVEL_NAMES: Record<string, string> = {
  city: '市级',
  county: '县（区）级',
  town: '乡镇（街道）级',
  village: '村（社区）级',
};

interface Dept {
  code: string;
  name: string;
  hallId: string;
  level?: string;
  phone?: string;
  itemCount?: number;
}

/** The halls of this deployment with their level and departments, read-only (changed by a catalogue import). */
export function OperateHalls() {
  const [halls, reloadHalls] = useApi<{ halls: (Hall & { level?: string; itemCount?: number })[] }>(
    '/api/halls',
  );
  const [depts, reloadDepts] = useApi<{ departments: Dept[] }>('/api/departments');
  if (halls.status === 'loading' || depts.status === 'loading') return <Loading>正在加载办事大厅…</Loading>;
  if (halls.status === 'error') return <LoadError message={halls.message} onRetry={reloadHalls} />;
  if (depts.status === 'error') return <LoadError message={depts.message} onRetry={reloadDepts} />;
  const all = Array.isArray(depts.data.departments) ? depts.data.departments : [];
  return (
    <ul className={op.cards} data-testid="halls">
      {(halls.data.halls ?? []).map((h) => {
        const own = all.filter((d) => d.hallId === h.id);
        const byLevel = Object.entries(
          own.reduce<Record<string, number>>((acc, d) => {
            const k = d.level ?? '';
            acc[k] = (acc[k] ?? 0) + 1;
            return acc;
          }, {}),
        );
        return (
          <li key={h.id} className={op.card} data-testid="hall">
            <p className={styles.alertHead}>
              <strong>{h.name}</strong>
              <span className={styles.caseNo}>
                {h.id} · {h.code}
              </span>
            </p>
            <dl className={styles.facts}>
              <dt>层级</dt>
              <dd>{LEVEL_NAMES[h.level ?? ''] ?? h.level ?? '—'}</dd>
              <dt>事项</dt>
              <dd>{h.itemCount ?? 0} 项</dd>
              <dt>部门</dt>
              <dd>
                {own.length} 个
                {byLevel.length > 1 &&
                  `（${byLevel.map(([l, n]) => `${LEVEL_NAMES[l] ?? l} ${n}`).join('，')}）`}
              </dd>
            </dl>
            <details>
              <summary>部门清单</summary>
              <div className={op.scroll}>
                <table className={op.table}>
                  <caption className="visually-hidden">{h.name}的部门</caption>
                  <thead>
                    <tr>
                      <th scope="col">部门</th>
                      <th scope="col">层级</th>
                      <th scope="col" className={op.num}>
                        事项
                      </th>
                      <th scope="col">电话</th>
                    </tr>
                  </thead>
                  <tbody>
                    {own.map((d) => (
                      <tr key={d.code}>
                        <td>{d.name}</td>
                        <td className={op.nowrap}>{LEVEL_NAMES[d.level ?? ''] ?? d.level ?? '—'}</td>
                        <td className={op.num}>{d.itemCount ?? 0}</td>
                        <td className={op.nowrap}>{d.phone ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
