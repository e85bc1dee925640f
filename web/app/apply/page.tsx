import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { ApplyForm } from './ApplyForm.tsx';

export const metadata: Metadata = { title: '在线申办', robots: { index: false } };

/** /apply/?code=… — file an application for one item (signed in as the applicant). */
export default function ApplyPage() {
  return (
    <div className="container">
      <Suspense fallback={<Loading>正在加载…</Loading>}>
        <ApplyForm />
      </Suspense>
    </div>
  );
}
