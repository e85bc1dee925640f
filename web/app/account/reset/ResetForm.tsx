'use client';

import Link from 'next/link';
import { type FormEvent, useEffect, useState } from 'react';
import { validateMobile, validatePersonName, validateResidentId } from '../../../../functions/domain/ids.ts';
import styles from '../../register/forms.module.css';
import {
  errorText,
  fieldProblems,
  type PublicApiError,
  passwordProblem,
  postPublic,
  RECLAIM_PREFILL,
} from '../../register/publicApi.ts';
import { type CodeSent, SmsCodeField } from '../../register/SmsCode.tsx';

type Mode = 'reset' | 'reclaim';
type Field = 'phone' | 'name' | 'idNumber' | 'code' | 'password' | 'confirm';

const FIELDS: Record<Mode, Field[]> = {
  reset: ['phone', 'code', 'password', 'confirm'],
  reclaim: ['name', 'idNumber', 'code', 'password', 'confirm'],
};

function check(field: Field, v: Record<Field, string>): string | undefined {
  switch (field) {
    case 'phone': {
      const r = validateMobile(v.phone);
      return r.ok ? undefined : r.message;
    }
    case 'name': {
      const r = validatePersonName(v.name);
      return r.ok ? undefined : r.message;
    }
    case 'idNumber': {
      const r = validateResidentId(v.idNumber);
      return r.ok ? undefined : r.message;
    }
    case 'code':
      return /^\d{6}$/.test(v.code) ? undefined : '请输入短信中的 6 位验证码';
    case 'password':
      return passwordProblem(v.password);
    case 'confirm':
      return v.confirm === v.password ? undefined : '两次输入的密码不一致';
  }
}

/**
 * 找回密码, two ways:
 * - 手机号码重置: the code goes to the account's phone;
 * - 身份找回: name + ID; the code goes to the phone the population registry holds for the ID —
 *   for an identity someone else registered, or an account whose phone changed. The account then
 *   moves to that phone.
 * Either way the old password stops working and other devices are signed out.
 */
export function ResetForm() {
  const [mode, setMode] = useState<Mode>('reset');
  const [values, setValues] = useState<Record<Field, string>>({
    phone: '',
    name: '',
    idNumber: '',
    code: '',
    password: '',
    confirm: '',
  });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [server, setServer] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ username: string; reclaimed: boolean }>();

  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    if (q.get('mode') === 'reclaim') setMode('reclaim');
    try {
      const saved = JSON.parse(sessionStorage.getItem(RECLAIM_PREFILL) ?? 'null');
      if (saved?.idNumber) setValues((v) => ({ ...v, name: saved.name ?? '', idNumber: saved.idNumber }));
      sessionStorage.removeItem(RECLAIM_PREFILL);
    } catch {
      // nothing saved
    }
  }, []);

  const problem = (f: Field) => server[f] ?? (touched[f] ? check(f, values) : undefined);
  const set = (f: Field, v: string) => {
    setValues((old) => ({ ...old, [f]: v }));
    setServer((old) => ({ ...old, [f]: undefined }));
  };

  async function sendCode(): Promise<CodeSent | undefined> {
    const who: Field[] = mode === 'reset' ? ['phone'] : ['name', 'idNumber'];
    setTouched((t) => ({ ...t, ...Object.fromEntries(who.map((f) => [f, true])) }));
    if (who.some((f) => check(f, values))) return undefined;
    setError(undefined);
    try {
      return await postPublic<CodeSent>(
        '/api/accounts/codes',
        mode === 'reset'
          ? { purpose: 'reset', phone: values.phone }
          : { purpose: 'reclaim', name: values.name, idNumber: values.idNumber },
      );
    } catch (err) {
      setServer(fieldProblems(err));
      throw err;
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields = FIELDS[mode];
    setTouched(Object.fromEntries(fields.map((f) => [f, true])));
    if (fields.some((f) => check(f, values))) return;
    setBusy(true);
    setError(undefined);
    setServer({});
    try {
      const body = await postPublic<{ username: string; reclaimed: boolean }>(
        '/api/accounts/password-reset',
        mode === 'reset'
          ? { purpose: 'reset', phone: values.phone, code: values.code, password: values.password }
          : { purpose: 'reclaim', idNumber: values.idNumber, code: values.code, password: values.password },
      );
      setDone(body);
    } catch (err) {
      const e = err as PublicApiError;
      if (e.code?.startsWith('CODE_') || e.code === 'TOO_MANY_ATTEMPTS') setServer({ code: e.message });
      else {
        setServer(fieldProblems(err));
        setError(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div className="panel" role="status">
        <p>
          {done.reclaimed ? '账户已找回，' : ''}
          新密码已设置，原密码已失效，其他设备上的登录将在 10 分钟内失效。请使用手机号码 {done.username}{' '}
          和新密码登录。
        </p>
        <Link href="/login/?return=/account/" className="button">
          去登录
        </Link>
      </div>
    );
  }

  const text = (f: 'phone' | 'name' | 'idNumber' | 'password' | 'confirm', label: string, hint?: string) => {
    const p = problem(f);
    const id = `reset-${f}`;
    const secret = f === 'password' || f === 'confirm';
    return (
      <div className={styles.field} key={f}>
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={f}
          value={values[f]}
          type={secret ? 'password' : 'text'}
          inputMode={f === 'phone' ? 'tel' : undefined}
          autoComplete={secret ? 'new-password' : f === 'phone' ? 'tel' : f === 'name' ? 'name' : 'off'}
          maxLength={f === 'name' ? 30 : 64}
          aria-invalid={p ? true : undefined}
          aria-describedby={p ? `${id}-error` : undefined}
          onChange={(e) => set(f, e.target.value)}
          onBlur={() => setTouched((t) => ({ ...t, [f]: true }))}
        />
        {p ? (
          <p className={styles.error} id={`${id}-error`}>
            {p}
          </p>
        ) : hint ? (
          <p className={styles.hint}>{hint}</p>
        ) : null}
      </div>
    );
  };

  const switchTo = (m: Mode) => {
    setMode(m);
    setServer({});
    setError(undefined);
    setTouched({});
    set('code', '');
  };

  return (
    <form className={`panel ${styles.form}`} onSubmit={submit} noValidate>
      <fieldset className={styles.tabs}>
        <legend>选择找回方式</legend>
        <button type="button" aria-pressed={mode === 'reset'} onClick={() => switchTo('reset')}>
          手机号码重置
        </button>
        <button type="button" aria-pressed={mode === 'reclaim'} onClick={() => switchTo('reclaim')}>
          身份找回
        </button>
      </fieldset>
      <p className={styles.lead}>
        {mode === 'reset'
          ? '验证码发送到账户绑定的手机号码。手机号码已停用或账户被他人冒名注册，请选择“身份找回”。'
          : '验证码发送到您在人口信息库登记的手机号码。找回后原密码失效；如账户的手机号码不同，将改为该号码。'}
      </p>
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      {mode === 'reset' ? (
        text('phone', '手机号码', '注册时使用的手机号码')
      ) : (
        <>
          {text('name', '真实姓名')}
          {text('idNumber', '身份证号码')}
        </>
      )}
      <SmsCodeField
        key={mode}
        id="reset-code"
        value={values.code}
        onChange={(v) => set('code', v)}
        send={sendCode}
        problem={problem('code')}
      />
      {text('password', '新密码', '至少 8 位，同时包含字母和数字')}
      {text('confirm', '再次输入新密码')}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交……' : '设置新密码'}
        </button>
        <Link href="/login/" className="button button-secondary">
          返回登录
        </Link>
      </div>
    </form>
  );
}
