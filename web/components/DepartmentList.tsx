'use client';

import Link from 'next/link';
import type { Department } from '../lib/api.ts';
import { query } from '../lib/api.ts';
import { routes } from '../lib/routes.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './home.module.css';
import { Empty, LoadError, Loading } from './Status.tsx';

/** 部门服务: the departments (实施机关) of a hall, each leading to its items. */
export function DepartmentList({ hallId, hallName }: { hallId: string; hallName: string }) {
  const [state, reload] = useApi<{ departments: Department[] }>(`/api/departments${query({ hallId })}`);

  if (state.status === 'loading') return <Loading>正在加载部门…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={reload} />;
  const depts = Array.isArray(state.data?.departments) ? state.data.departments : [];
  if (depts.length === 0) return <Empty>{`${hallName}暂无部门信息`}</Empty>;

  return (
    <ul className={styles.depts} data-testid="dept-list">
      {depts.map((d) => {
        const key = d.code ?? d.id ?? d.name;
        return (
          <li key={key}>
            <Link
              className={styles.deptLink}
              href={routes.search(undefined, { hallId, dept: key })}
              prefetch={false}
            >
              <span>{d.name}</span>
              {typeof d.itemCount === 'number' && <span className={styles.deptCount}>{d.itemCount} 项</span>}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
