'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { useHalls } from '../../components/HallContext.tsx';
import { LicenceList } from '../../components/LicenceList.tsx';
import { authJson, forgetSession, refreshSession, useSession } from '../../lib/auth.ts';
import styles from '../register/forms.module.css';
import { MyCases } from './MyCases.tsx';

interface Me {
  account: {
    username: string;
    name: string;
    roles: string[];
    phone?: string;
    idNumber?: string;
    verified?: boolean;
    agentPoint?: string;
    actingFor?: { uscc: string; name: string };
  };
  enterprises: { uscc: string; name: string; role: 'legal' | 'authorised' }[];
}

const ROLE_NAMES: Record<string, string> = {
  applicant: '个人用户',
  agent: '代办员',
  staff: '工作人员',
  supervisor: '监察人员',
  operator: '运营人员',
};

export function AccountHome() {
  const session = useSession();
  const hallState = useHalls().halls;
  const halls = hallState.status === 'ready' ? hallState.data : undefined;
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [signOutError, setSignOutError] = useState<string>();

  const load = useCallback(async () => {
    try {
      setError(undefined);
      setMe(await authJson<Me>('/api/account'));
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (session) void load();
  }, [session?.claims.sub, load, session]);

  async function actAs(uscc: string | null) {
    setBusy(true);
    try {
      await authJson('/api/account/acting-for', { method: 'PUT', body: { uscc } });
      // The switch is a claim of the access token: take a new one now.
      await refreshSession();
      await load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function signOutEverywhere() {
    if (!window.confirm('确定退出所有设备上的登录吗？本机也将退出，需要重新登录。')) return;
    setSignOutError(undefined);
    try {
      await authJson('/api/account/sessions', { method: 'DELETE' });
      forgetSession();
    } catch (err) {
      setSignOutError((err as Error).message);
    }
  }

  if (!session) {
    return (
      <div className="panel">
        <p>请先登录。</p>
        <Link href="/login/?return=/account/" className="button">
          登录
        </Link>
      </div>
    );
  }
  const a = me?.account;
  return (
    <>
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      <section className="panel" aria-labelledby="acct-info">
        <h2 id="acct-info">账户信息</h2>
        {a ? (
          <dl>
            <dt>姓名</dt>
            <dd>
              {a.name}
              {a.verified ? '（已实名认证）' : ''}
            </dd>
            <dt>角色</dt>
            <dd>{a.roles.map((r) => ROLE_NAMES[r] ?? r).join('、')}</dd>
            {a.phone && (
              <>
                <dt>手机号码</dt>
                <dd>{a.phone}</dd>
              </>
            )}
            {a.idNumber && (
              <>
                <dt>身份证号码</dt>
                <dd>{a.idNumber}</dd>
              </>
            )}
            {a.actingFor && (
              <>
                <dt>当前身份</dt>
                <dd>代表 {a.actingFor.name} 办事</dd>
              </>
            )}
          </dl>
        ) : (
          <p role="status">正在加载……</p>
        )}
      </section>

      <section className="panel" aria-labelledby="my-cases">
        <h2 id="my-cases">我的办件</h2>
        <MyCases sub={session.claims.sub} halls={halls} />
      </section>
      <section className="panel" aria-labelledby="my-licences">
        <h2 id="my-licences">我的证照</h2>
        <LicenceList halls={halls} />
      </section>

      {me && (me.enterprises.length > 0 || a?.roles.includes('applicant')) && (
        <section className="panel" aria-labelledby="my-ents">
          <h2 id="my-ents">企业办事</h2>
          {me.enterprises.length === 0 ? (
            <p>您还没有可代表办事的企业。法定代表人可登记企业，并授权其他人员代表企业办事。</p>
          ) : (
            <ul className={styles.list}>
              {me.enterprises.map((e) => (
                <li key={e.uscc}>
                  {e.name}（{e.role === 'legal' ? '法定代表人' : '授权经办人'}）{' '}
                  {a?.actingFor?.uscc === e.uscc ? (
                    <button
                      type="button"
                      className="button button-secondary"
                      disabled={busy}
                      onClick={() => actAs(null)}
                    >
                      切换回个人身份
                    </button>
                  ) : (
                    <button type="button" className="button" disabled={busy} onClick={() => actAs(e.uscc)}>
                      以该企业身份办事
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {a?.phone && (
        <section className="panel" aria-labelledby="acct-security">
          <h2 id="acct-security">账户安全</h2>
          <p>
            修改密码需要向手机 {a.phone}{' '}
            发送短信验证码；修改后其他设备上的登录立即失效。如发现本人身份被他人冒名注册，可用“身份找回”取回账户（验证码发送到人口信息库登记的手机）。
            手机丢失或在别人的电脑上登录过，可以“退出所有设备”（本机也会退出）。
          </p>
          <p className={styles.actions}>
            <Link href="/account/reset/" className="button button-secondary">
              修改密码
            </Link>
            <Link href="/account/reset/?mode=reclaim" className="button button-secondary">
              身份找回
            </Link>
            <button type="button" className="button button-secondary" onClick={signOutEverywhere}>
              退出所有设备
            </button>
          </p>
          {signOutError && (
            <p className="status status-error" role="alert">
              {signOutError}
            </p>
          )}
        </section>
      )}

      {a?.roles.includes('agent') && (
        <p>
          <Link href="/agent/" className="button">
            进入代办模式
          </Link>
        </p>
      )}
    </>
  );
}
