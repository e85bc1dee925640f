'use client';

import Link from 'next/link';
import { CalendarNotice } from '../../components/CalendarNotice.tsx';
import { DevOnly } from '../../components/DevOnly.tsx';
import styles from '../../components/dev.module.css';
import type { DevAccount } from '../../lib/api.ts';
import { routes } from '../../lib/routes.ts';
import { useApi } from '../../lib/useApi.ts';

export function DevHome() {
  const [state, reload] = useApi<{ accounts: DevAccount[] }>('/api/dev/accounts');
  return (
    <>
      <CalendarNotice />
      <ul>
        <li>
          <Link href={routes.devOutbox}>短信发件箱（本地模拟短信）</Link>
        </li>
        <li>
          <Link href={`${routes.dev}inbox/`}>监察消息收件箱（电子监察主题的预警消息）</Link>
        </li>
      </ul>
      <h2>演示账号</h2>
      <DevOnly state={state} reload={reload}>
        {(data) => {
          const accounts = Array.isArray(data?.accounts) ? data.accounts : [];
          if (accounts.length === 0) return <p className="status">暂无演示账号</p>;
          return (
            // Chromium and Firefox make scrollers keyboard-focusable themselves, so no tabIndex here.
            <div className={styles.scroll}>
              <table className={styles.table} data-testid="dev-accounts">
                <caption className="visually-hidden">演示账号列表</caption>
                <thead>
                  <tr>
                    <th scope="col">用户名</th>
                    <th scope="col">密码</th>
                    <th scope="col">角色</th>
                    <th scope="col">姓名</th>
                    <th scope="col">大厅</th>
                    <th scope="col">部门</th>
                  </tr>
                </thead>
                <tbody>
                  {accounts.map((a) => (
                    <tr key={a.username}>
                      <td>
                        <code>{a.username}</code>
                      </td>
                      <td>
                        <code>{a.password}</code>
                      </td>
                      <td>{a.role}</td>
                      <td>{a.name}</td>
                      <td>{a.hall ?? '—'}</td>
                      <td>{a.dept ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </DevOnly>
    </>
  );
}
