'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { startLogin } from '../../lib/auth.ts';

export function LoginStart() {
  const [error, setError] = useState<string>();
  const go = () => {
    setError(undefined);
    const params = new URLSearchParams(window.location.search);
    // handBack: the small window of signInAgain (web/lib/auth.ts), which hands the session back.
    startLogin(params.get('return') ?? undefined, params.get('handBack') ?? undefined).catch(() =>
      setError('统一身份认证服务暂时无法访问，请稍后重试'),
    );
  };
  useEffect(go, []);
  return (
    <div className="panel">
      {error ? (
        <p className="status status-error" role="alert">
          {error}
        </p>
      ) : (
        <p role="status">正在前往统一身份认证登录页……</p>
      )}
      <p>
        <button type="button" className="button" onClick={go}>
          前往登录
        </button>{' '}
        <Link href="/register/" className="button button-secondary">
          注册个人账号
        </Link>{' '}
        <Link href="/account/reset/" className="button button-secondary">
          忘记密码
        </Link>
      </p>
    </div>
  );
}
