'use client';

import Link from 'next/link';
import { type FormEvent, useState } from 'react';
// The same pure validators as the server (functions/lib/ids.ts), imported across the tree:
// the bundler's root is the repository (next.config.mjs turbopack.root), so no copy is needed.
import { validateMobile, validatePersonName, validateResidentId } from '../../../functions/lib/ids.ts';
import { ApiError } from '../../lib/api.ts';
import styles from './forms.module.css';

type Field = 'name' | 'idNumber' | 'phone' | 'password' | 'confirm';
const LABELS: Record<Field, string> = {
  name: '真实姓名',
  idNumber: '身份证号码',
  phone: '手机号码',
  password: '设置密码',
  confirm: '再次输入密码',
};

/** The client half of the password rule (the server also refuses your own phone/ID inside it). */
function passwordProblem(pw: string): string | undefined {
  if (!pw) return '请输入密码';
  if ([...pw].length < 8) return '密码至少 8 位';
  if ([...pw].length > 64) return '密码不能超过 64 位';
  if (!/\p{L}/u.test(pw) || !/\d/.test(pw)) return '密码须同时包含字母和数字';
  return undefined;
}

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
    case 'password':
      return passwordProblem(v);
    case 'confirm':
      return v === values.password ? undefined : '两次输入的密码不一致';
  }
}

export function RegisterForm() {
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    idNumber: '',
    phone: '',
    password: '',
    confirm: '',
  });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [server, setServer] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  const problem = (f: Field) => server[f] ?? (touched[f] ? check(f, values) : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched({ name: true, idNumber: true, phone: true, password: true, confirm: true });
    const fields = Object.keys(LABELS) as Field[];
    if (fields.some((f) => check(f, values))) return;
    setBusy(true);
    setError(undefined);
    setServer({});
    try {
      const res = await fetch('/api/accounts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: values.name,
          idNumber: values.idNumber,
          phone: values.phone,
          password: values.password,
        }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        const details = (body?.error?.details ?? []) as { field: string; message: string }[];
        setServer(Object.fromEntries(details.map((d) => [d.field, d.message])));
        throw new ApiError(res.status, body?.error?.message ?? '注册失败，请稍后再试');
      }
      setDone(body.account.username);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '网络连接失败，请检查网络后重试');
    } finally {
      setBusy(false);
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

  return (
    <form className={`panel ${styles.form}`} onSubmit={submit} noValidate>
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      {(Object.keys(LABELS) as Field[]).map((f) => {
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
                setValues({ ...values, [f]: e.target.value });
                setServer({ ...server, [f]: undefined });
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
              <p className={styles.hint}>须为本人实名登记的手机号码，注册后用它登录</p>
            ) : f === 'password' ? (
              <p className={styles.hint}>至少 8 位，同时包含字母和数字</p>
            ) : null}
          </div>
        );
      })}
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
