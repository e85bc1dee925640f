import type { Metadata } from 'next';
import { StatsPage } from './StatsPage.tsx';

export const metadata: Metadata = { title: '办件统计' };

/**
 * /stats/ — 办件统计: each hall's (or the city's) month: figures, departments' handled and in-progress
 * counts, the 12-month trend, rankings and 好差评, charts each with its table.
 */
export default function Stats() {
  return (
    <div className="container">
      <h1>办件统计</h1>
      <StatsPage />
    </div>
  );
}
