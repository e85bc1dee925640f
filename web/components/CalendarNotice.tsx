'use client';

import Link from 'next/link';
import type { CalendarNotice as Notice } from '../../functions/domain/calendar.ts';
import { useSession } from '../lib/auth.ts';
import { useApi } from '../lib/useApi.ts';

/**
 * The calendar's warning for operators and supervisors: next year's official holiday schedule is
 * missing (from 1 November), or this year's is (deadlines are provisional). Nothing otherwise.
 * Operators get the way to the page where they load it. A page that reads GET /api/calendar itself
 * (and reads it again after a load) passes what it read as `calendar`.
 */
export function CalendarNotice({ calendar }: { calendar?: { notice?: Notice } }) {
  const [state] = useApi<{ notice?: Notice }>(calendar ? null : '/api/calendar');
  const operator = useSession()?.claims.roles?.includes('operator');
  const notice = calendar ? calendar.notice : state.status === 'ready' ? state.data.notice : undefined;
  if (!notice) return null;
  return (
    <p
      className={`status ${notice.level === 'error' ? 'status-error' : 'status-warning'}`}
      role="status"
      data-testid="calendar-notice"
    >
      <strong>工作日历：</strong>
      {notice.message}
      {operator && (
        <>
          {' '}
          <Link href="/operate/calendar/">前往录入</Link>
        </>
      )}
    </p>
  );
}
