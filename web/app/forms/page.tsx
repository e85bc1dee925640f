import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { FormPage } from './FormPage.tsx';

export const metadata: Metadata = { title: '空白表格' };

/**
 * /forms/?code=…&m=…[&sample=1] — a material's blank form (or its filled sample) as a printable A4
 * page. The query is read on the client (static export).
 */
export default function Page() {
  return (
    <div className="container">
      <Suspense fallback={<Loading>正在加载表格…</Loading>}>
        <FormPage />
      </Suspense>
    </div>
  );
}
