'use client';

import Link from 'next/link';
import type { Department } from '../lib/api.ts';
import { query } from '../lib/api.ts';
import { LEVEL_NAMES, LEVELS, type Level, searchHref } from '../lib/catalogue.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './home.module.css';
import { Empty, LoadError, Loading } from './Status.tsx';

type Row = Department & { level?: Level };

/**
 * 部门服务: the departments (实施机关) of a hall, grouped by level (县级部门, then the towns and
 * streets), each leading to its items in the search page.
 */
export function DepartmentList({ hallId, hallName }: { hallId: string; hallName: string }) {
  const [state, reload] = useApi<{ departments: Row[] }>(`/api/departments${query({ hallId })}`);

  if (state.status === 'loading') return <Loading>正在加载部门…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={reload} />;
  const depts = Array.isArray(state.data?.departments) ? state.data.departments : [];
  if (depts.length === 0) return <Empty>{`${hallName}暂无部门信息`}</Empty>;

  const groups = [...LEVELS, undefined]
    .map((level) => ({
      level,
      rows: depts.filter((d) =>
        level ? d.level === level : !d.level || !(LEVELS as readonly string[]).includes(d.level),
      ),
    }))
    .filter((g) => g.rows.length > 0);

  return (
    <div data-testid="dept-list">
      {groups.map((g) => (
        <section key={g.level ?? 'other'} className={styles.deptGroup}>
          {groups.length > 1 && (
            <h3 className={styles.deptGroupHeading}>
              {g.level ? `${LEVEL_NAMES[g.level]}部门` : '其他部门'}（{g.rows.length} 个）
            </h3>
          )}
          <ul className={styles.depts}>
            {g.rows.map((d) => {
              const key = d.code ?? d.id ?? d.name;
              return (
                <li key={key}>
                  <Link className={styles.deptLink} href={searchHref({ hallId, dept: key })} prefetch={false}>
                    <span>{d.name}</span>
                    {typeof d.itemCount === 'number' && (
                      <span className={styles.deptCount}>{d.itemCount} 项</span>
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
