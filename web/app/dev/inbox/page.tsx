import type { Metadata } from 'next';
import Link from 'next/link';
import { routes } from '../../../lib/routes.ts';
import { Inbox } from './Inbox.tsx';

export const metadata: Metadata = { title: '监察消息收件箱', robots: { index: false } };

/**
 * What the e-supervision topics published: in AWS supervisors subscribe to each hall's alerts topic;
 * locally every message lands here.
 */
export default function InboxPage() {
  return (
    <div className="container">
      <p>
        <Link href={routes.dev}>← 返回开发工具</Link>
      </p>
      <h1>监察消息收件箱</h1>
      <p>各大厅电子监察主题（SNS）发布的预警消息。部署到云上时，这些消息推送给订阅了该主题的监察人员。</p>
      <Inbox />
    </div>
  );
}
