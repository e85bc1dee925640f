'use client';

import { type FormEvent, useId, useState } from 'react';
import styles from '../../components/Case.module.css';
import { SignInButton } from '../../components/CaseGate.tsx';
import { DevOnly } from '../../components/DevOnly.tsx';
import { authJson, useSession } from '../../lib/auth.ts';
import { formatTime } from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';
import { useApi } from '../../lib/useApi.ts';

interface ClockState {
  now: string;
  beijing: string;
  offsetMs: number;
}

const STEPS = [
  { by: 'PT1H', label: '+1 小时', done: '拨快 1 小时' },
  { by: 'P1D', label: '+1 天', done: '拨快 1 天' },
  { by: 'P7D', label: '+1 周', done: '拨快 1 周' },
] as const;

/** How far the business clock is from real time, in days, hours and minutes. */
function offsetWords(ms: number): string {
  const min = Math.round(Math.abs(ms) / 60_000);
  if (min === 0) return '与真实时间一致';
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const parts = [d && `${d} 天`, h && `${h} 小时`, m && `${m} 分钟`].filter(Boolean).join(' ');
  return `比真实时间${ms > 0 ? '快' : '慢'} ${parts}`;
}

/**
 * 开发时钟: the business time of the local cloud, moved forward by an operator so a demo shows a
 * case turning yellow then red. Time only moves forward; the server says so when asked otherwise.
 */
export function DevClock() {
  const [state, reload] = useApi<ClockState>('/api/dev/clock');
  const session = useSession();
  const operator = session?.claims.roles?.includes('operator') ?? false;
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const toId = useId();

  async function move(body: { by: string } | { to: string }, label: string) {
    setBusy(true);
    setMessage(undefined);
    try {
      const next = await authJson<ClockState>('/api/dev/clock', { method: 'POST', body });
      setMessage({ ok: true, text: `已${label}，现在是 ${formatTime(next.now)}` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  function submitTo(e: FormEvent) {
    e.preventDefault();
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(to)) {
      setMessage({ ok: false, text: '请选择要拨到的日期和时间' });
      return;
    }
    // The input has no time zone: what the operator picks is Beijing time.
    void move({ to: `${to}:00+08:00` }, `拨到 ${to.replace('T', ' ')}`);
  }

  return (
    <section className="panel" aria-labelledby="dev-clock" data-testid="dev-clock">
      <h2 id="dev-clock">开发时钟</h2>
      <DevOnly state={state} reload={reload}>
        {(clock) => (
          <>
            <p className={styles.clock} role="status" data-testid="dev-clock-now">
              业务时间：<time dateTime={clock.beijing}>{formatTime(clock.now)}</time>
            </p>
            <p className={styles.hint}>
              北京时间 {clock.beijing}，{offsetWords(clock.offsetMs)}
              。时钟只能向前拨；所有时限、预警和定时器都按业务时间计算。
            </p>
            {!operator ? (
              <div style={{ marginTop: '0.75rem' }}>
                <p>拨动时钟需以运营人员（operator）身份登录。</p>
                {session ? (
                  <p>您当前登录的账号不是运营人员：请先退出，再以 operator 登录。</p>
                ) : (
                  <SignInButton returnTo={routes.dev}>以运营人员登录</SignInButton>
                )}
              </div>
            ) : (
              <>
                <div className={styles.buttons} style={{ margin: '0.75rem 0' }}>
                  {STEPS.map((s) => (
                    <button
                      key={s.by}
                      type="button"
                      className="button button-secondary"
                      disabled={busy}
                      onClick={() => void move({ by: s.by }, s.done)}
                    >
                      {s.label}
                    </button>
                  ))}
                  <button type="button" className="button button-secondary" onClick={reload}>
                    刷新
                  </button>
                </div>
                <form onSubmit={submitTo} className={styles.buttons} noValidate>
                  <div className={styles.field} style={{ margin: 0 }}>
                    <label htmlFor={toId}>拨到（北京时间）</label>
                    <input
                      id={toId}
                      type="datetime-local"
                      value={to}
                      onChange={(e) => setTo(e.target.value)}
                    />
                  </div>
                  <button type="submit" className="button" disabled={busy} style={{ alignSelf: 'flex-end' }}>
                    拨到…
                  </button>
                </form>
              </>
            )}
            {message && (
              <p
                className={message.ok ? styles.notice : 'status status-error'}
                role={message.ok ? 'status' : 'alert'}
                style={{ marginTop: '0.75rem' }}
              >
                {message.text}
              </p>
            )}
          </>
        )}
      </DevOnly>
    </section>
  );
}
