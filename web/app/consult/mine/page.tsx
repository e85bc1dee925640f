import type { Metadata } from 'next';
import { ConsultMine } from './ConsultMine.tsx';

export const metadata: Metadata = { title: '我的咨询', robots: { index: false } };

/** /consult/mine/ — the person's questions in every hall, the answers, and the rating of each. */
export default function MyConsultPage() {
  return (
    <div className="container">
      <h1>我的咨询</h1>
      <ConsultMine />
    </div>
  );
}
