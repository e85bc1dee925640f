'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import styles from '../../components/catalogue.module.css';
import { useHalls } from '../../components/HallContext.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { LoadError, Loading } from '../../components/Status.tsx';
import { ThemeGrid } from '../../components/ThemeGrid.tsx';
import {
  AUDIENCE_WORDS,
  hasFilters,
  PAGE_SIZE,
  parseSearchState,
  type SearchAnswer,
  type SearchState,
  searchApiPath,
  searchHref,
} from '../../lib/catalogue.ts';
import { useApi } from '../../lib/useApi.ts';
import { Filters } from './Filters.tsx';
import { Pager } from './Pager.tsx';
import { ResultItem } from './ResultItem.tsx';

export function SearchPage() {
  const params = useSearchParams();
  const router = useRouter();
  const state = useMemo(() => parseSearchState(new URLSearchParams(params.toString())), [params]);
  const { halls } = useHalls();
  const hallNames = useMemo(
    () => new Map(halls.status === 'ready' ? halls.data.map((h) => [h.id, h.name]) : []),
    [halls],
  );
  const browsing = !state.q && !hasFilters(state);

  /** A new query or filter starts again at page 1; the URL is the state (shareable, back button works). */
  const go = (next: Partial<SearchState>) => {
    router.push(searchHref({ ...state, page: 1, ...next }), { scroll: false });
  };

  const title = state.q
    ? `“${state.q}”的搜索结果`
    : [
        state.audience ? `${AUDIENCE_WORDS[state.audience]}办事` : '',
        state.theme ?? '',
        state.hallId ? (hallNames.get(state.hallId) ?? '') : '',
      ]
        .filter(Boolean)
        .join(' · ') || (browsing ? '搜索办事事项' : '办事事项');

  return (
    <div className={styles.searchPage}>
      <h1 className={styles.pageTitle}>{title}</h1>
      {/* key: a link on this page (试试…) changes q, and the box must show the new words. */}
      <SearchBox
        key={state.q}
        initialQuery={state.q}
        hallId={state.hallId}
        autoFocus={browsing}
        onSearch={(q) => go({ q })}
      />
      {browsing ? (
        <div className={styles.browse}>
          <p className={styles.lead}>
            输入想办的事，例如“身份证丢了”“开饭店”“上户口”，支持拼音和首字母；也可以按主题查找：
          </p>
          <section className="panel">
            <ThemeGrid audience="person" headingLevel={2} />
          </section>
          <section className="panel">
            <ThemeGrid audience="enterprise" headingLevel={2} />
          </section>
        </div>
      ) : (
        <div className={styles.resultsLayout}>
          <Filters state={state} go={go} />
          <Results state={state} hallNames={hallNames} />
        </div>
      )}
    </div>
  );
}

function Results({ state, hallNames }: { state: SearchState; hallNames: Map<string, string> }) {
  const [answer, reload] = useApi<SearchAnswer>(searchApiPath(state));
  if (answer.status === 'loading') return <Loading>正在搜索…</Loading>;
  if (answer.status === 'error') return <LoadError message={answer.message} onRetry={reload} />;
  const items = Array.isArray(answer.data?.items) ? answer.data.items : [];
  const total = typeof answer.data?.total === 'number' ? answer.data.total : items.length;

  if (items.length === 0) {
    const tries = Array.isArray(answer.data?.suggestions) ? answer.data.suggestions : [];
    return (
      <section className={styles.results} aria-labelledby="results-count">
        <div className="status" data-testid="search-empty">
          <p id="results-count" role="status">
            {state.page > 1 && total > 0
              ? '这一页没有更多结果了。'
              : state.q
                ? `没有找到与“${state.q}”相关的事项。`
                : '没有符合这些筛选条件的事项。'}
          </p>
          {tries.length > 0 && (
            <p>
              试试：
              {tries.map((name, i) => (
                <span key={name}>
                  {i > 0 && '、'}
                  <Link href={searchHref({ q: name })} prefetch={false} data-testid="search-try">
                    {name}
                  </Link>
                </span>
              ))}
            </p>
          )}
          {hasFilters(state) && (
            <p>
              <Link href={searchHref({ q: state.q })} prefetch={false}>
                清除筛选条件，在全部事项中查找
              </Link>
            </p>
          )}
          <p className={styles.muted}>
            也可以拨打政务服务便民热线 <a href="tel:12345">12345</a> 咨询。
          </p>
        </div>
      </section>
    );
  }

  const from = (state.page - 1) * PAGE_SIZE + 1;
  return (
    <section className={styles.results} aria-labelledby="results-count">
      <p id="results-count" className={styles.count} role="status" data-testid="search-total">
        共找到 <strong>{total}</strong> 个事项
        {total > items.length ? `，当前第 ${from}–${from + items.length - 1} 个` : ''}
      </p>
      <ol className={styles.resultList} data-testid="search-results" start={from}>
        {items.map((item) => (
          <ResultItem
            key={item.code}
            item={item}
            hallName={state.hallId ? undefined : hallNames.get(item.hallId)}
          />
        ))}
      </ol>
      <Pager state={state} total={total} />
    </section>
  );
}
