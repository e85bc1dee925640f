'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { completeLogin, landingFor } from '../../../lib/auth.ts';

/** The OIDC redirect: exchanges the code, then staff go to /staff/, supervisors to /supervise/. */
export function Callback() {
  const [error, setError] = useState<string>();
  const done = useRef(false);
  useEffect(() => {
    // Strict mode runs effects twice; a code can be exchanged once.
    if (done.current) return;
    done.current = true;
    completeLogin(new URL(window.location.href))
      .then(({ returnTo, claims }) => {
        const roles = claims.roles ?? [];
        const official = roles.includes('staff') || roles.includes('supervisor');
        window.location.replace(official || returnTo === '/account/' ? landingFor(roles) : returnTo);
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
