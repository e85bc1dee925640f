'use client';

import Link from 'next/link';
import type { Audience, ItemsPage } from '../lib/api.ts';
import { query } from '../lib/api.ts';
import { routes } from '../lib/routes.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './home.module.css';
import { ItemFacts } from './ItemFacts.tsx';
import { Empty, LoadError, Loading } from './Status.tsx';

const AUDIENCE_WORD: Record<Audience, string> = { person: '个人', enterprise: '企业' };
export const ITEMS_LIMIT = 20;

/** The first items of one hall for one audience, with the facts people decide on. */
export function ItemList({
  hallId,
  hallName,
  audience,
  limit = ITEMS_LIMIT,
}: {
  hallId: string;
  hallName: string;
  audience: Audience;
  limit?: number;
}) {
  const [state, reload] = useApi<ItemsPage>(`/api/items${query({ hallId, audience, limit })}`);

  if (state.status === 'loading') return <Loading>正在加载办事事项…</Loading>;
  if (state.status === 'error') return <LoadError message={state.message} onRetry={reload} />;
  const items = Array.isArray(state.data?.items) ? state.data.items : [];
  const total = typeof state.data?.total === 'number' ? state.data.total : items.length;
  if (items.length === 0) return <Empty>{`${hallName}暂无面向${AUDIENCE_WORD[audience]}的办事事项`}</Empty>;

  return (
    <div data-testid="item-list">
      <p className={styles.count} role="status">
        共 {total} 项{total > items.length ? `，显示前 ${items.length} 项` : ''}
      </p>
      <ul className={styles.items}>
        {items.map((item) => (
          <li key={item.code} className={styles.item}>
            <h3 className={styles.itemName}>
              {/* A static page of its own: a page load, not a client-side route. */}
              <a href={routes.item(item.code)}>{item.name}</a>
            </h3>
            <p className={styles.dept}>
              <span className="visually-hidden">实施机关：</span>
              {item.deptName}
              {item.type && <span className={styles.tag}>{item.type}</span>}
            </p>
            <ItemFacts item={item} />
          </li>
        ))}
      </ul>
      {total > items.length && (
        <p>
          <Link
            className="button button-secondary"
            href={routes.search(undefined, { hallId, audience })}
            prefetch={false}
          >
            查看全部 {total} 项
          </Link>
        </p>
      )}
    </div>
  );
}
