import type { Metadata } from 'next';
import { OperateAccounts } from '../../../components/OperateAccounts.tsx';

export const metadata: Metadata = { title: '账户管理', robots: { index: false } };

/** /operate/accounts/ — find accounts, change roles, posts and halls, disable and enable them. */
export default function OperateAccountsPage() {
  return (
    <div className="container">
      <h1>账户管理</h1>
      <OperateAccounts />
    </div>
  );
}
