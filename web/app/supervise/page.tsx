import type { Metadata } from 'next';
import { RatingAppeals } from '../../components/RatingAppeals.tsx';
import { SuperviseHome } from './SuperviseHome.tsx';

export const metadata: Metadata = { title: '电子监察', robots: { index: false } };

/**
 * /supervise/ — the supervisor's dashboard: today's figures, the overdue list, rankings and trend,
 * every alert filtered and paged, with 督办.
 */
export default function SupervisePage() {
  return (
    <div className="container">
      <h1>电子监察</h1>
      <SuperviseHome />
      <RatingAppeals />
    </div>
  );
}
