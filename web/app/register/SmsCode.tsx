'use client';

import { useEffect, useState } from 'react';
import styles from './forms.module.css';
import { errorText, retryAfter } from './publicApi.ts';

/** What a code request answers (POST /api/accounts/codes, or a mandate request). */
export interface CodeSent {
  phone: string;
  resendAfterSeconds?: number;
}

/** A countdown in whole seconds; `start(n)` begins it again. */
export function useCountdown(): [number, (seconds: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const t = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(t);
  }, [left]);
  return [left, setLeft];
}

/**
 * 短信验证码 with 获取验证码: `send()` asks for a code (the caller checks its own fields first and
 * throws to stop); then the button counts down until another may be asked for. The input is
 * numeric, six digits, and offers the SMS to the phone's keyboard (one-time-code).
 */
export function SmsCodeField({
  id,
  value,
  onChange,
  send,
  problem,
  label = '短信验证码',
}: {
  id: string;
  value: string;
  onChange(code: string): void;
  send(): Promise<CodeSent | undefined>;
  problem?: string;
  label?: string;
}) {
  const [left, start] = useCountdown();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string }>();

  async function click() {
    setBusy(true);
    setNote(undefined);
    try {
      const sent = await send();
      if (!sent) return;
      setNote({ ok: true, text: `验证码已发送至 ${sent.phone}，10 分钟内有效` });
      start(sent.resendAfterSeconds ?? 60);
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
      const wait = retryAfter(err);
      if (wait) start(wait);
    } finally {
      setBusy(false);
    }
  }

  const shown = problem ?? (note && !note.ok ? note.text : undefined);
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      <div className={styles.codeRow}>
        <input
          id={id}
          name="code"
          value={value}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-note`}
          onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 6))}
        />
        <button
          type="button"
          className="button button-secondary"
          disabled={busy || left > 0}
          onClick={() => void click()}
        >
          {busy ? '正在发送……' : left > 0 ? `重新获取（${left} 秒）` : note?.ok ? '重新获取' : '获取验证码'}
        </button>
      </div>
      <p
        id={`${id}-note`}
        className={shown ? styles.error : styles.hint}
        role={shown ? 'alert' : 'status'}
        aria-live="polite"
      >
        {shown ?? note?.text ?? '验证码将以短信发送，10 分钟内有效，最多可输错 5 次'}
      </p>
    </div>
  );
}
