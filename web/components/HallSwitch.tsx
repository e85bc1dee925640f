'use client';

import { useId } from 'react';
import { useHalls } from './HallContext.tsx';
import styles from './SiteHeader.module.css';

/** The hall switch: a native select, which every phone and screen reader already knows how to use. */
export function HallSwitch() {
  const { halls, hall, selectHall } = useHalls();
  const id = useId();
  const ready = halls.status === 'ready' && halls.data.length > 0;
  return (
    <div className={styles.hallSwitch}>
      <label htmlFor={id}>当前大厅</label>
      <select
        id={id}
        value={hall?.id ?? ''}
        disabled={!ready}
        onChange={(e) => selectHall(e.target.value)}
        aria-describedby={halls.status === 'error' ? `${id}-err` : undefined}
      >
        {ready ? (
          halls.data.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))
        ) : (
          <option value="">{halls.status === 'error' ? '加载失败' : '加载中…'}</option>
        )}
      </select>
      {halls.status === 'error' && (
        <span id={`${id}-err`} className="visually-hidden">
          大厅列表加载失败：{halls.message}
        </span>
      )}
    </div>
  );
}
