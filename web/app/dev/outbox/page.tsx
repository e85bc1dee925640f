import type { Metadata } from 'next';
import Link from 'next/link';
import { routes } from '../../../lib/routes.ts';
import { Outbox } from './Outbox.tsx';

export const metadata: Metadata = { title: '短信发件箱', robots: { index: false } };

/** SMS the local SNS endpoint "sent": in AWS these go to phones, locally they land here. */
export default function OutboxPage() {
  return (
    <div className="container">
      <p>
        <Link href={routes.dev}>← 返回开发工具</Link>
      </p>
      <h1>短信发件箱</h1>
      <Outbox />
    </div>
  );
}
