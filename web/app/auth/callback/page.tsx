import type { Metadata } from 'next';
import { Callback } from './Callback.tsx';

export const metadata: Metadata = { title: '正在登录', robots: { index: false } };

export default function CallbackPage() {
  return (
    <div className="container">
      <h1>正在登录</h1>
      <Callback />
    </div>
  );
}
