import type { Metadata } from 'next';
import { ResetForm } from './ResetForm.tsx';

export const metadata: Metadata = { title: '找回密码', robots: { index: false } };

/** 找回密码 (public): a new password by SMS code — to the account's phone, or by identity to the registry's. */
export default function ResetPage() {
  return (
    <div className="container">
      <h1>找回密码</h1>
      <ResetForm />
    </div>
  );
}
