import type { Metadata } from 'next';
import Link from 'next/link';
import { CalendarNotice } from '../../components/CalendarNotice.tsx';
import form from '../../components/Case.module.css';
import styles from './operator.module.css';

export const metadata: Metadata = { title: '运营管理', robots: { index: false } };

/** /operate/ — the operators' tools. */
export default function OperatorPage() {
  return (
    <div className="container">
      <h1>运营管理</h1>
      <CalendarNotice />
      <ul className={`panel ${styles.links}`}>
        <li>
          <Link href="/operate/calendar/">工作日历</Link>
          <p className={form.hint}>
            录入国务院办公厅公布的年度节假日安排；录入后各办事大厅在办件的办理期限、预警时间和计时器随之调整。
          </p>
        </li>
        <li>
          <Link href="/dev/">演示与调试</Link>
          <p className={form.hint}>
            本地云的演示账户、短信发件箱、监察收件箱和业务时钟（仅在本地运行时可用）。
          </p>
        </li>
      </ul>
    </div>
  );
}
