import type { Metadata } from 'next';
import { OperateAudit } from '../../../components/OperateAudit.tsx';

export const metadata: Metadata = { title: '审计日志', robots: { index: false } };

/** /operate/audit/ — the audit log, filtered by class, event, actor, subject and days, paged. */
export default function OperateAuditPage() {
  return (
    <div className="container">
      <h1>审计日志</h1>
      <OperateAudit />
    </div>
  );
}
