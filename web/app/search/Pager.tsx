import Link from 'next/link';
import styles from '../../components/catalogue.module.css';
import { pageCount, type SearchState, searchHref } from '../../lib/catalogue.ts';

/**
 * 上一页 / 第 n / m 页 / 下一页 as real links (shareable, open in a new tab). A phone has no room for
 * a row of page numbers, and people rarely go past the second page of a ranked list.
 */
export function Pager({ state, total }: { state: SearchState; total: number }) {
  const pages = pageCount(total);
  if (pages <= 1) return null;
  const page = Math.min(state.page, pages);
  return (
    <nav className={styles.pager} aria-label="分页">
      {page > 1 ? (
        <Link className="button button-secondary" href={searchHref({ ...state, page: page - 1 })} rel="prev">
          ‹ 上一页
        </Link>
      ) : (
        <span className={styles.pagerGap} />
      )}
      <span className={styles.pagerAt}>
        第 {page} / {pages} 页
      </span>
      {page < pages ? (
        <Link className="button button-secondary" href={searchHref({ ...state, page: page + 1 })} rel="next">
          下一页 ›
        </Link>
      ) : (
        <span className={styles.pagerGap} />
      )}
    </nav>
  );
}
