import type { Metadata } from 'next';
import { OperateHalls } from '../../../components/OperateHalls.tsx';

export const metadata: Metadata = { title: '办事大厅', robots: { index: false } };

/** /operate/halls/ — the halls with their levels and departments (read-only: they come with the catalogue). */
export default function OperateHallsPage() {
  return (
    <div className="container">
      <h1>办事大厅</h1>
      <p>办事大厅和部门随事项目录导入而变更；这里只读展示。</p>
      <OperateHalls />
    </div>
  );
}
