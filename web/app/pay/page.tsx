import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../components/Status.tsx';
import { PayReturn } from './PayReturn.tsx';

export const metadata: Metadata = { title: '缴费结果' };

/** /pay/?hall=&no= — where the payment provider's cashier sends the payer back. */
export default function PayPage() {
  return (
    <div className="container">
      <h1>缴费结果</h1>
      <Suspense fallback={<Loading />}>
        <PayReturn />
      </Suspense>
    </div>
  );
}
