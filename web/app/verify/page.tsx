import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LicenceVerify } from '../../components/LicenceVerify.tsx';
import { Loading } from '../../components/Status.tsx';

export const metadata: Metadata = { title: '电子证照核验', robots: { index: false } };

/** /verify/ — the public check of an e-licence, from its QR code. */
export default function VerifyPage() {
  return (
    <div className="container">
      <h1>电子证照核验</h1>
      <Suspense fallback={<Loading />}>
        <LicenceVerify />
      </Suspense>
    </div>
  );
}
