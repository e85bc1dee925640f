import type { Metadata } from 'next';
import { ConsultAsk } from './ConsultAsk.tsx';

export const metadata: Metadata = { title: '在线咨询' };

/** /consult/?item=… — 在线咨询: ask the department of an item (signed in, or with a phone and SMS code). */
export default function ConsultPage() {
  return (
    <div className="container">
      <h1>在线咨询</h1>
      <ConsultAsk />
    </div>
  );
}
