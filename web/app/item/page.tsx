import type { Metadata } from 'next';
import { ItemConsult } from '../../components/ItemConsult.tsx';
import { ItemFaq } from '../../components/ItemFaq.tsx';
import { Guide } from './Guide.tsx';
import './guide.css';

export const metadata: Metadata = { title: '办事指南' };

/**
 * /item/ — the shell of every guide. The build renders it once and the prerender (web/lib/prerender.tsx)
 * fills a copy of it per item at `/item/<code>/`; the same page scripts serve them all.
 */
export default function Page() {
  return (
    <div className="container">
      <Guide />
      <ItemFaq />
      <ItemConsult />
    </div>
  );
}
