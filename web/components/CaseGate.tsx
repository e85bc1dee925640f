'use client';

import Link from 'next/link';
import { type ReactNode, useState, useSyncExternalStore } from 'react';
import { landingFor, type Session, startLogin, useSession } from '../lib/auth.ts';

const ROLE_WORDS: Record<string, string> = {
  applicant: '申请人（个人用户）',
  agent: '代办员',
  staff: '工作人员',
  supervisor: '监察人员',
  operator: '运营人员',
};

const noop = () => () => {};
/** False in the static HTML and during hydration, true after: the session lives in sessionStorage. */
function useMounted(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

/** 登录 that goes to the identity provider and comes back to `returnTo`. */
export function SignInButton({ returnTo, children = '登录' }: { returnTo: string; children?: ReactNode }) {
  const [error, setError] = useState<string>();
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => {
          setError(undefined);
          startLogin(returnTo).catch(() => setError('统一身份认证服务暂时无法访问，请稍后重试'));
        }}
      >
        {children}
      </button>
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/**
 * Shows `children` for a signed-in user holding one of `roles` (any signed-in user when omitted);
 * otherwise a sign-in button that returns here, or a plain statement of who the page is for.
 */
export function CaseGate({
  roles,
  returnTo,
  purpose,
  children,
}: {
  roles?: string[];
  returnTo: string;
  /** What signing in is for, e.g. "查看待办". */
  purpose: string;
  children: (session: Session) => ReactNode;
}) {
  const mounted = useMounted();
  const session = useSession();
  if (!mounted)
    return (
      <p className="status" role="status">
        正在确认登录状态…
      </p>
    );
  if (!session) {
    return (
      <div className="panel" data-testid="sign-in-needed">
        <p>请先登录后{purpose}。</p>
        <SignInButton returnTo={returnTo} />
      </div>
    );
  }
  const held = session.claims.roles ?? [];
  if (roles && !roles.some((r) => held.includes(r))) {
    return (
      <div className="panel" data-testid="wrong-role">
        <p>
          此页面仅供{roles.map((r) => ROLE_WORDS[r] ?? r).join('或')}使用。您当前登录的账号（
          {session.claims.name ?? session.claims.sub}）是
          {held.map((r) => ROLE_WORDS[r] ?? r).join('、') || '普通用户'}。
        </p>
        <p>
          <Link className="button button-secondary" href={landingFor(held)}>
            前往我的首页
          </Link>
        </p>
      </div>
    );
  }
  return <>{children(session)}</>;
}
