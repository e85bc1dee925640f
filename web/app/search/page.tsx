import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { SearchPage } from './SearchPage.tsx';

export const metadata: Metadata = { title: '搜索办事事项' };

/**
 * /search/?q=&hallId=&audience=&theme=&dept=&level=&depth=&page= — everything comes from the query
 * string (static export), read on the client; the Suspense boundary is what the static HTML shows.
 */
export default function Page() {
  return (
    <div className="container">
      <Suspense fallback={<Loading>正在打开搜索…</Loading>}>
        <SearchPage />
      </Suspense>
    </div>
  );
}
