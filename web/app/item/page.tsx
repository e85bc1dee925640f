import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { Guide } from './Guide.tsx';

export const metadata: Metadata = { title: '办事指南' };

/** /item/?code=… — the guide (办事指南) of one item; the code is read on the client (static export). */
export default function Page() {
  return (
    <div className="container">
      <Suspense fallback={<Loading>正在加载办事指南…</Loading>}>
        <Guide />
      </Suspense>
    </div>
  );
}
