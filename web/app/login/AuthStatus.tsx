'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { keepFresh, logout, signInAgain, useSession } from '../../lib/auth.ts';
import styles from '../register/forms.module.css';

/** The header's sign-in entry: 登录, or the signed-in name with 我的账户 and 退出. */
export function AuthStatus({ className }: { className?: string }) {
  const session = useSession();
  useEffect(() => (session && !session.ended ? keepFresh() : undefined), [session]);
  if (!session) {
    return (
      <Link href="/login/" className={className}>
        登录
      </Link>
    );
  }
  const { name, act_name: acting } = session.claims;
  if (session.ended) {
    // Revoked or signed out elsewhere: sign in again in a small window, this page stays as it is.
    return (
      <span className={styles.user} data-testid="session-ended">
        <span role="alert">登录已失效</span>
        <button type="button" onClick={signInAgain}>
          重新登录
        </button>
        <button type="button" onClick={() => void logout()}>
          退出
        </button>
      </span>
    );
  }
  return (
    <span className={styles.user} data-testid="signed-in">
      <Link href="/account/">{acting ? `${acting}（${name}）` : (name ?? '我的账户')}</Link>
      <button type="button" onClick={() => void logout()}>
        退出
      </button>
    </span>
  );
}
