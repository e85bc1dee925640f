import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../../components/Status.tsx';
import { CasePage } from './CasePage.tsx';

export const metadata: Metadata = { title: '办件详情', robots: { index: false } };

/** /staff/case/?no=… — one case: form, plan, timeline, deadlines, alerts and the allowed actions. */
export default function StaffCasePage() {
  return (
    <div className="container">
      <Suspense fallback={<Loading>正在加载办件…</Loading>}>
        <CasePage />
      </Suspense>
    </div>
  );
}
