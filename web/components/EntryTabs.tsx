'use client';

import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react';
import { DepartmentList } from './DepartmentList.tsx';
import { useHalls } from './HallContext.tsx';
import styles from './home.module.css';
import { ItemList } from './ItemList.tsx';
import { LoadError, Loading } from './Status.tsx';
import { ThemeGrid } from './ThemeGrid.tsx';

const TABS = [
  { id: 'person', label: '个人办事' },
  { id: 'enterprise', label: '企业办事' },
  { id: 'dept', label: '部门服务' },
] as const;
type TabId = (typeof TABS)[number]['id'];
/** The themes are the main way in; a few items under them, the rest one link away. */
const HOME_ITEMS = 8;

/**
 * 个人办事 / 企业办事 / 部门服务 as an ARIA tab set. 个人/企业 show the life-event themes of that
 * audience (each opening the filtered search) and the first items; 部门服务 lists the hall's
 * departments, each opening its items.
 *
 * Keyboard: arrow keys, Home and End move between tabs
 * (roving tabindex), Tab moves into the panel. The chosen tab is marked by a thick underline and
 * bold text as well as colour.
 */
export function EntryTabs() {
  const { halls, hall, reload } = useHalls();
  const [tab, setTab] = useState<TabId>('person');
  const base = useId();
  const refs = useRef<Array<HTMLButtonElement | null>>([]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = TABS.findIndex((t) => t.id === tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next].id);
    refs.current[next]?.focus();
  }

  let panel: ReactNode;
  if (halls.status === 'loading') panel = <Loading>正在加载办事大厅…</Loading>;
  else if (halls.status === 'error') panel = <LoadError message={halls.message} onRetry={reload} />;
  else if (!hall) panel = <LoadError message="暂无可用的办事大厅" onRetry={reload} />;
  else if (tab === 'dept') panel = <DepartmentList hallId={hall.id} hallName={hall.name} />;
  else
    panel = (
      <>
        <ThemeGrid audience={tab} hallId={hall.id} />
        <h3 className={styles.listHeading}>
          {tab === 'person' ? '本厅面向个人的事项' : '本厅面向企业的事项'}
        </h3>
        <ItemList hallId={hall.id} hallName={hall.name} audience={tab} limit={HOME_ITEMS} />
      </>
    );

  return (
    <section className={`panel ${styles.entry}`} aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`} className={styles.entryHeading}>
        {hall ? `${hall.name} · 办事服务` : '办事服务'}
      </h2>
      <div role="tablist" aria-label="办事分类" className={styles.tabs} onKeyDown={onKeyDown}>
        {TABS.map((t, i) => {
          const selected = t.id === tab;
          return (
            <button
              key={t.id}
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${t.id}`}
              aria-selected={selected}
              aria-controls={`${base}-panel`}
              tabIndex={selected ? 0 : -1}
              className={styles.tab}
              onClick={() => setTab(t.id)}
            >
              {/* In care mode a narrow tab breaks 个人/办事 here, never inside a word. */}
              {t.label.slice(0, 2)}
              <wbr />
              {t.label.slice(2)}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel`}
        aria-labelledby={`${base}-tab-${tab}`}
        className={styles.tabPanel}
        aria-busy={halls.status === 'loading'}
      >
        {panel}
      </div>
    </section>
  );
}
