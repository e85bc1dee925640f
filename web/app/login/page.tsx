import type { Metadata } from 'next';
import { LoginStart } from './LoginStart.tsx';

export const metadata: Metadata = { title: '登录' };

/** 登录: hands over to the unified identity provider (code + PKCE), which shows its own login page. */
export default function LoginPage() {
  return (
    <div className="container">
      <h1>登录</h1>
      <LoginStart />
    </div>
  );
}
