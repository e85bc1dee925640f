'use client';

import type { CalendarNotice as Notice } from '../../functions/domain/calendar.ts';
import { useApi } from '../lib/useApi.ts';

/**
 * The calendar's warning for operators and supervisors: next year's official holiday schedule is
 * missing (from 1 November), or this year's is (deadlines are provisional). Nothing otherwise.
 */
export function CalendarNotice() {
  const [state] = useApi<{ notice?: Notice }>('/api/calendar');
  const notice = state.status === 'ready' ? state.data.notice : undefined;
  if (!notice) return null;
  return (
    <p
      className={`status ${notice.level === 'error' ? 'status-error' : 'status-warning'}`}
      role="status"
      data-testid="calendar-notice"
    >
      <strong>工作日历：</strong>
      {notice.message}
    </p>
  );
}
