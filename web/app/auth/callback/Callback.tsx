'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { completeLogin, landingFor } from '../../../lib/auth.ts';
import { destinationAfterLogin } from './destination.ts';

/**
 * The OIDC redirect: exchanges the code, then back to the page the sign-in started from, or for a
 * plain sign-in to the role's landing page (staff /staff/, supervisors /supervise/).
 */
export function Callback() {
  const [error, setError] = useState<string>();
  const done = useRef(false);
  useEffect(() => {
    // Strict mode runs effects twice; a code can be exchanged once.
    if (done.current) return;
    done.current = true;
    completeLogin(new URL(window.location.href))
      .then(({ returnTo, claims }) => {
        window.location.replace(destinationAfterLogin(returnTo, claims.roles ?? [], landingFor));
      })
      .catch((err: Error) => setError(err.message || '登录未完成，请重新登录'));
  }, []);
  if (!error) return <p role="status">正在完成登录……</p>;
  return (
    <div className="panel">
      <p className="status status-error" role="alert">
        {error}
      </p>
      <Link href="/login/" className="button">
        重新登录
      </Link>
    </div>
  );
}
