import type { Metadata } from 'next';
import { AccountHome } from './AccountHome.tsx';

export const metadata: Metadata = { title: '我的账户', robots: { index: false } };

export default function AccountPage() {
  return (
    <div className="container">
      <h1>我的账户</h1>
      <AccountHome />
    </div>
  );
}
