import type { Metadata } from 'next';
import { StaffHome } from './StaffHome.tsx';

export const metadata: Metadata = { title: '我的待办', robots: { index: false } };

/** /staff/ — the signed-in staff member's queue and their department's e-supervision alerts. */
export default function StaffPage() {
  return (
    <div className="container">
      <h1>我的待办</h1>
      <StaffHome />
    </div>
  );
}
