'use client';

import Link from 'next/link';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { validatePersonName, validateResidentId } from '../../../functions/domain/ids.ts';
import { formatTime } from '../../../functions/domain/time.ts';
import { useHalls } from '../../components/HallContext.tsx';
import { authJson, useSession } from '../../lib/auth.ts';
import { routes } from '../../lib/routes.ts';
import { MyCases } from '../account/MyCases.tsx';
import styles from '../register/forms.module.css';
import { useCountdown } from '../register/SmsCode.tsx';

interface MandateView {
  personSub: string;
  personName: string;
  validUntil: string;
  materialRef: string;
}

export function AgentMode() {
  const session = useSession();
  const [mandates, setMandates] = useState<MandateView[]>();
  const [form, setForm] = useState({ name: '', idNumber: '', materialRef: '' });
  const [pending, setPending] = useState<{ id: string; phone: string }>();
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [left, startCountdown] = useCountdown();
  const [busy, setBusy] = useState(false);
  const isAgent = session?.claims.roles?.includes('agent') ?? false;
  const hallState = useHalls().halls;
  const halls = hallState.status === 'ready' ? hallState.data : undefined;

  const load = useCallback(async () => {
    try {
      setMandates((await authJson<{ mandates: MandateView[] }>('/api/agent/mandates')).mandates);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  }, []);
  useEffect(() => {
    if (isAgent) void load();
  }, [isAgent, load]);

  /** Sends (or sends again) the code to the person's own phone; limited per agent and per person. */
  async function ask(e?: FormEvent) {
    e?.preventDefault();
    const id = validateResidentId(form.idNumber);
    const name = validatePersonName(form.name);
    if (!name.ok || !id.ok) {
      setMessage({ kind: 'error', text: !name.ok ? name.message : !id.ok ? id.message : '' });
      return;
    }
    setBusy(true);
    try {
      const r = await authJson<{ id: string; phone: string; resendAfterSeconds?: number }>(
        '/api/agent/mandates',
        {
          method: 'POST',
          body: { name: name.value, idNumber: id.value, materialRef: form.materialRef },
        },
      );
      setPending(r);
      setCode('');
      startCountdown(r.resendAfterSeconds ?? 60);
      setMessage({
        kind: 'ok',
        text: `验证码已发送到本人手机 ${r.phone}，请本人告知验证码（10 分钟内有效）`,
      });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!pending) return;
    try {
      await authJson(`/api/agent/mandates/${pending.id}/confirm`, { method: 'POST', body: { code } });
      setPending(undefined);
      setCode('');
      // The next villager starts from an empty form.
      setForm({ name: '', idNumber: '', materialRef: '' });
      setMessage({ kind: 'ok', text: '授权已确认，72 小时内可代其办事：在办事指南中点“在线申办”并选择本人' });
      await load();
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  }

  if (!session)
    return (
      <Link href="/login/?return=/agent/" className="button">
        登录
      </Link>
    );
  if (!isAgent) return <p className="status">您的账户不是代办员账户。代办员账户由运营中心开通。</p>;
  return (
    <>
      {message && (
        <p
          className={message.kind === 'error' ? 'status status-error' : 'status'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      {!pending ? (
        <form className={`panel ${styles.form}`} onSubmit={ask} noValidate>
          <h2>1. 选择被代办人并登记授权</h2>
          {(
            [
              ['name', '被代办人姓名'],
              ['idNumber', '被代办人身份证号码'],
              ['materialRef', '授权委托书编号'],
            ] as const
          ).map(([f, label]) => (
            <div className={styles.field} key={f}>
              <label htmlFor={`agent-${f}`}>{label}</label>
              <input
                id={`agent-${f}`}
                value={form[f]}
                maxLength={f === 'materialRef' ? 200 : 30}
                onChange={(e) => setForm({ ...form, [f]: e.target.value })}
              />
            </div>
          ))}
          <button type="submit" className="button" disabled={busy}>
            {busy ? '正在发送……' : '发送验证码到本人手机'}
          </button>
        </form>
      ) : (
        <form className={`panel ${styles.form}`} onSubmit={confirm} noValidate>
          <h2>2. 输入本人收到的验证码</h2>
          <div className={styles.field}>
            <label htmlFor="agent-code">短信验证码（6 位）</label>
            <div className={styles.codeRow}>
              <input
                id="agent-code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
              />
              <button
                type="button"
                className="button button-secondary"
                disabled={busy || left > 0}
                onClick={() => void ask()}
              >
                {left > 0 ? `重新发送（${left} 秒）` : '重新发送'}
              </button>
            </div>
            <p className={styles.hint}>验证码发送到被代办人本人的手机；输错 5 次后失效，需重新发送</p>
          </div>
          <div className={styles.actions}>
            <button type="submit" className="button">
              确认授权
            </button>
            <button type="button" className="button button-secondary" onClick={() => setPending(undefined)}>
              重新填写
            </button>
          </div>
        </form>
      )}
      <section className="panel" aria-labelledby="mandates">
        <h2 id="mandates">已授权的群众</h2>
        {mandates === undefined ? (
          <p role="status">正在加载……</p>
        ) : mandates.length === 0 ? (
          <p>暂无有效授权。</p>
        ) : (
          <ul className={styles.list}>
            {mandates.map((m) => (
              <li key={m.personSub} data-testid="agent-mandate">
                {m.personName} · 授权书 {m.materialRef} · 有效至 {formatTime(m.validUntil)}
              </li>
            ))}
          </ul>
        )}
        <p className={styles.hint}>
          代人申办：在<Link href={routes.search()}>办事指南</Link>中找到事项，点“在线申办”，选择被代办人，
          填写申请表并上传本人签名的授权委托书和其他材料。办件属于本人，短信发到本人手机。
        </p>
      </section>
      <section className="panel" aria-labelledby="agent-cases">
        <h2 id="agent-cases">我代办的办件</h2>
        <MyCases sub={session.claims.sub} halls={halls} />
      </section>
    </>
  );
}
