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
  const [handedBack, setHandedBack] = useState(false);
  const done = useRef(false);
  useEffect(() => {
    // Strict mode runs effects twice; a code can be exchanged once.
    if (done.current) return;
    done.current = true;
    completeLogin(new URL(window.location.href))
      .then(({ returnTo, claims, handedBack }) => {
        if (handedBack) {
          // The small window of 重新登录: the page that opened it goes on with the new session.
          setHandedBack(true);
          window.close();
          return;
        }
        window.location.replace(destinationAfterLogin(returnTo, claims.roles ?? [], landingFor));
      })
      .catch((err: Error) => setError(err.message || '登录未完成，请重新登录'));
  }, []);
  if (handedBack)
    return (
      <p role="status" data-testid="handed-back">
        已重新登录。请关闭本窗口，回到原页面继续办理（已填写的内容仍在）。
      </p>
    );
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
