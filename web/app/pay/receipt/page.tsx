import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../../components/Status.tsx';
import { Receipt } from './Receipt.tsx';

export const metadata: Metadata = { title: '电子缴款凭证' };

/** /pay/receipt/?hall=&no= — the electronic receipt of a paid notice, printable (打印 / 另存为 PDF). */
export default function ReceiptPage() {
  return (
    <div className="container">
      <Suspense fallback={<Loading />}>
        <Receipt />
      </Suspense>
    </div>
  );
}
