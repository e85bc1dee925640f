import type { Metadata } from 'next';
import { DevClock } from './DevClock.tsx';
import { DevHome } from './DevHome.tsx';

export const metadata: Metadata = { title: '开发工具', robots: { index: false } };

/** Developer tools of the local cloud (npm start). In AWS the dev APIs do not exist. */
export default function DevPage() {
  return (
    <div className="container">
      <h1>开发工具</h1>
      <p>仅供本地开发与演示使用（npm start 启动的本地云）。</p>
      <DevClock />
      <DevHome />
    </div>
  );
}
