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
          <Link href="/operate/accounts/">账户管理</Link>
          <p className={form.hint}>
            按姓名、手机号、用户名或角色查找账户；修改角色、岗位和所属厅；停用或启用账户。
          </p>
        </li>
        <li>
          <Link href="/operate/audit/">审计日志</Link>
          <p className={form.hint}>按类别、事件、操作人、对象和日期查询登录、角色变更、目录导入等记录。</p>
        </li>
        <li>
          <Link href="/operate/catalogue/">事项目录导入</Link>
          <p className={form.hint}>
            校验并导入实施清单（CSV 或 JSON），页面内查看校验报告；可回滚到上一版本。
          </p>
        </li>
        <li>
          <Link href="/operate/halls/">办事大厅</Link>
          <p className={form.hint}>各办事大厅的层级、事项数和部门清单。</p>
        </li>
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
