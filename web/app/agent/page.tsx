import type { Metadata } from 'next';
import { AgentMode } from './AgentMode.tsx';

export const metadata: Metadata = { title: '代办模式', robots: { index: false } };

export default function AgentPage() {
  return (
    <div className="container">
      <h1>代办模式</h1>
      <p>代办员为群众办事前，须取得本人授权：上传或登记授权委托书，并由本人提供手机收到的短信验证码。</p>
      <AgentMode />
    </div>
  );
}
