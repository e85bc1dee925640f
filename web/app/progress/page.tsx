import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { ProgressQuery } from './ProgressQuery.tsx';

export const metadata: Metadata = { title: '办件进度查询' };

/** /progress/ — 办件进度和结果查询 with the case number and query code, no sign-in. */
export default function ProgressPage() {
  return (
    <div className="container">
      <h1>办件进度查询</h1>
      <Suspense fallback={<Loading />}>
        <ProgressQuery />
      </Suspense>
    </div>
  );
}
