'use client';

import Link from 'next/link';
import { type FormEvent, useState } from 'react';
// The same pure validators as the server (functions/domain/ids.ts), imported across the tree:
// the bundler's root is the repository (next.config.mjs turbopack.root), so no copy is needed.
import { validateMobile, validatePersonName, validateResidentId } from '../../../functions/domain/ids.ts';
import styles from './forms.module.css';
import {
  errorText,
  fieldProblems,
  type PublicApiError,
  passwordProblem,
  postPublic,
  RECLAIM_PREFILL,
} from './publicApi.ts';
import { type CodeSent, SmsCodeField } from './SmsCode.tsx';

type Field = 'name' | 'idNumber' | 'phone' | 'code' | 'password' | 'confirm';
const LABELS: Record<Exclude<Field, 'code'>, string> = {
  name: '真实姓名',
  idNumber: '身份证号码',
  phone: '手机号码',
  password: '设置密码',
  confirm: '再次输入密码',
};

function check(field: Field, values: Record<Field, string>): string | undefined {
  const v = values[field];
  switch (field) {
    case 'name': {
      const r = validatePersonName(v);
      return r.ok ? undefined : r.message;
    }
    case 'idNumber': {
      const r = validateResidentId(v);
      return r.ok ? undefined : r.message;
    }
    case 'phone': {
      const r = validateMobile(v);
      return r.ok ? undefined : r.message;
    }
    case 'code':
      return /^\d{6}$/.test(v) ? undefined : '请输入短信中的 6 位验证码';
    case 'password':
      return passwordProblem(v);
    case 'confirm':
      return v === values.password ? undefined : '两次输入的密码不一致';
  }
}

/**
 * 注册个人账号: name, ID and phone are checked against the population registry when the code is
 * asked for, and the code goes to that phone; the account exists once the code comes back. An
 * identity already registered (perhaps by someone else) is offered the reclaim.
 */
export function RegisterForm() {
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    idNumber: '',
    phone: '',
    code: '',
    password: '',
    confirm: '',
  });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [server, setServer] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string>();
  const [taken, setTaken] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  const problem = (f: Field) => server[f] ?? (touched[f] ? check(f, values) : undefined);
  const set = (f: Field, v: string) => {
    setValues((old) => ({ ...old, [f]: v }));
    setServer((old) => ({ ...old, [f]: undefined }));
  };

  async function sendCode(): Promise<CodeSent | undefined> {
    const who: Field[] = ['name', 'idNumber', 'phone'];
    setTouched((t) => ({ ...t, name: true, idNumber: true, phone: true }));
    if (who.some((f) => check(f, values))) return undefined;
    setError(undefined);
    setTaken(undefined);
    try {
      return await postPublic<CodeSent>('/api/accounts/codes', {
        purpose: 'register',
        name: values.name,
        idNumber: values.idNumber,
        phone: values.phone,
      });
    } catch (err) {
      const e = err as PublicApiError;
      if (e.code === 'ALREADY_REGISTERED' && (e.details as { reclaim?: boolean } | undefined)?.reclaim) {
        setTaken(e.message);
        return undefined;
      }
      setServer(fieldProblems(err));
      throw err;
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched({ name: true, idNumber: true, phone: true, code: true, password: true, confirm: true });
    if ((Object.keys(values) as Field[]).some((f) => check(f, values))) return;
    setBusy(true);
    setError(undefined);
    setServer({});
    try {
      const body = await postPublic<{ account: { username: string } }>('/api/accounts', {
        name: values.name,
        idNumber: values.idNumber,
        phone: values.phone,
        password: values.password,
        code: values.code,
      });
      setDone(body.account.username);
    } catch (err) {
      const e = err as PublicApiError;
      if (e.code === 'ALREADY_REGISTERED' && (e.details as { reclaim?: boolean } | undefined)?.reclaim)
        setTaken(e.message);
      else if (e.code?.startsWith('CODE_') || e.code === 'TOO_MANY_ATTEMPTS') setServer({ code: e.message });
      else {
        setServer(fieldProblems(err));
        setError(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function toReclaim() {
    try {
      sessionStorage.setItem(
        RECLAIM_PREFILL,
        JSON.stringify({ name: values.name, idNumber: values.idNumber }),
      );
    } catch {
      // storage off: the reset page asks again
    }
  }

  if (done) {
    return (
      <div className="panel" role="status">
        <p>注册成功，已通过实名认证。请使用手机号码 {done} 和刚才设置的密码登录。</p>
        <Link href="/login/?return=/account/" className="button">
          去登录
        </Link>
      </div>
    );
  }

  const input = (f: Exclude<Field, 'code'>) => {
    const p = problem(f);
    const id = `reg-${f}`;
    return (
      <div className={styles.field} key={f}>
        <label htmlFor={id}>{LABELS[f]}</label>
        <input
          id={id}
          name={f}
          value={values[f]}
          type={f === 'password' || f === 'confirm' ? 'password' : 'text'}
          inputMode={f === 'phone' ? 'tel' : undefined}
          autoComplete={
            {
              name: 'name',
              idNumber: 'off',
              phone: 'tel',
              password: 'new-password',
              confirm: 'new-password',
            }[f]
          }
          maxLength={f === 'name' ? 30 : 64}
          aria-invalid={p ? true : undefined}
          aria-describedby={p ? `${id}-error` : undefined}
          onChange={(e) => {
            set(f, e.target.value);
            // Checksums are checked as soon as the number is complete, not at every keystroke before.
            if ((f === 'idNumber' && e.target.value.trim().length >= 18) || touched[f])
              setTouched({ ...touched, [f]: true });
          }}
          onBlur={() => setTouched({ ...touched, [f]: true })}
        />
        {p ? (
          <p className={styles.error} id={`${id}-error`}>
            {p}
          </p>
        ) : f === 'phone' ? (
          <p className={styles.hint}>
            须为本人在人口信息库登记的手机号码，验证码发送到这个号码，注册后用它登录
          </p>
        ) : f === 'password' ? (
          <p className={styles.hint}>至少 8 位，同时包含字母和数字</p>
        ) : null}
      </div>
    );
  };

  return (
    <form className={`panel ${styles.form}`} onSubmit={submit} noValidate>
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      {taken && (
        <div className={styles.notice} role="alert" data-testid="reclaim-offer">
          <p>{taken}</p>
          <div className={styles.actions}>
            <Link href="/account/reset/?mode=reclaim" className="button" onClick={toReclaim}>
              找回账户
            </Link>
            <Link href="/login/" className="button button-secondary">
              去登录
            </Link>
          </div>
        </div>
      )}
      {input('name')}
      {input('idNumber')}
      {input('phone')}
      <SmsCodeField
        id="reg-code"
        value={values.code}
        onChange={(v) => set('code', v)}
        send={sendCode}
        problem={problem('code')}
      />
      {input('password')}
      {input('confirm')}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在注册……' : '注册并实名认证'}
        </button>
        <Link href="/login/" className="button button-secondary">
          已有账号，去登录
        </Link>
      </div>
    </form>
  );
}
