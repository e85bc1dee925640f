'use client';

import { useHalls } from './HallContext.tsx';
import styles from './home.module.css';
import { LoadError, Loading } from './Status.tsx';

/** The six halls as cards; choosing one switches the whole portal to that hall. */
export function HallCards() {
  const { halls, hall, selectHall, reload } = useHalls();
  return (
    <section className="panel" aria-labelledby="halls-heading">
      <h2 id="halls-heading">办事大厅</h2>
      {halls.status === 'loading' && <Loading>正在加载办事大厅…</Loading>}
      {halls.status === 'error' && <LoadError message={halls.message} onRetry={reload} />}
      {halls.status === 'ready' && (
        <ul className={styles.halls} data-testid="hall-cards">
          {halls.data.map((h) => {
            const current = h.id === hall?.id;
            return (
              <li key={h.id}>
                <button
                  type="button"
                  className={styles.hallCard}
                  aria-pressed={current}
                  onClick={() => {
                    selectHall(h.id);
                    document.getElementById('main')?.scrollIntoView({ block: 'start' });
                  }}
                >
                  <span className={styles.hallName}>
                    {h.name}
                    {current && <span className={styles.current}>✓ 当前</span>}
                  </span>
                  <span className={styles.hallFull}>{h.fullName}</span>
                  {typeof h.itemCount === 'number' && (
                    <span className={styles.hallCount}>事项 {h.itemCount} 项</span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
