'use client';

import { useCareMode } from '../lib/prefs.ts';
import styles from './SiteHeader.module.css';

/**
 * 关怀版 switch. The accessible name stays "关怀版" and aria-pressed carries the state; the visible
 * 开/关 text repeats it so the state is never shown by colour alone.
 */
export function CareToggle() {
  const [on, setOn] = useCareMode();
  return (
    <button
      type="button"
      className={styles.careToggle}
      aria-pressed={on}
      onClick={() => setOn(!on)}
      data-testid="care-toggle"
    >
      <span className={styles.careIcon} aria-hidden="true">
        {on ? '●' : '○'}
      </span>
      关怀版
      <span className={styles.careState} aria-hidden="true">
        {on ? '已开' : '未开'}
      </span>
    </button>
  );
}
