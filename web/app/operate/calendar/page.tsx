import type { Metadata } from 'next';
import { CalendarAdmin } from './CalendarAdmin.tsx';

export const metadata: Metadata = { title: '工作日历', robots: { index: false } };

/** /operate/calendar/ — operators load a year's official holiday schedule; open cases follow. */
export default function OperatorCalendarPage() {
  return (
    <div className="container">
      <h1>工作日历</h1>
      <CalendarAdmin />
    </div>
  );
}
