import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { DisclosureList } from './DisclosureList.tsx';

export const metadata: Metadata = { title: '办件公示' };

/**
 * /disclosure/ — 办件公示: a hall's recent cases (item, department, dates, status; the applicant
 * masked) and, under ?list=rectified, its rectified 差评 (差评整改公示).
 */
export default function Disclosure() {
  return (
    <div className="container">
      <h1>办件公示</h1>
      <Suspense fallback={<Loading />}>
        <DisclosureList />
      </Suspense>
    </div>
  );
}
