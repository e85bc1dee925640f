'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import styles from '../../components/Case.module.css';
import { CaseGate } from '../../components/CaseGate.tsx';
import { SITE_NAME } from '../../components/SiteHeader.tsx';
import { LoadError, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { accessToken, type Session } from '../../lib/auth.ts';
import { type FiledCase, newIdempotencyKey } from '../../lib/cases.ts';
import { canApplyOnline, type GuideAnswer, searchHref, sharedByGovernment } from '../../lib/catalogue.ts';
import { formatPromised } from '../../lib/format.ts';
import { routes } from '../../lib/routes.ts';
import { useApi } from '../../lib/useApi.ts';

/** /apply/?code=… — 在线申办: the item, then (signed in as an applicant) the short form. */
export function ApplyForm() {
  const code = (useSearchParams().get('code') ?? '').trim();
  const [answer, reload] = useApi<GuideAnswer>(code ? `/api/items/${encodeURIComponent(code)}` : null);
  const item = answer.status === 'ready' ? answer.data?.item : undefined;

  useEffect(() => {
    if (item?.name) document.title = `在线申办：${item.name} - ${SITE_NAME}`;
  }, [item?.name]);

  if (!code || (answer.status === 'error' && answer.httpStatus === 404)) {
    return (
      <>
        <h1>在线申办</h1>
        <p className="status status-error">
          {code ? '没有找到这个事项，它可能已调整或下线。' : '链接中缺少事项编码。'}
        </p>
        <p>
          <Link className="button" href={searchHref({})}>
            去搜索事项
          </Link>
        </p>
      </>
    );
  }
  if (answer.status === 'loading') return <Loading>正在加载事项…</Loading>;
  if (answer.status === 'error') return <LoadError message={answer.message} onRetry={reload} />;
  const { item: it, department, hall } = answer.data;

  return (
    <>
      <p>
        <Link href={routes.item(it.code)}>← 返回办事指南</Link>
      </p>
      <header className={styles.head}>
        <h1>在线申办：{it.name}</h1>
        <p className={styles.meta}>
          <span>{department?.name ?? it.deptCode}</span>
          {hall && <span>{hall.name}</span>}
          <span>承诺时限：{formatPromised(it.promisedDays, it.caseKind)}</span>
        </p>
      </header>
      {canApplyOnline(it) ? (
        <CaseGate roles={['applicant']} returnTo={routes.apply(it.code)} purpose="在线申办">
          {(session) => <Filing guide={answer.data} session={session} />}
        </CaseGate>
      ) : (
        <p className="status" data-testid="not-online">
          本事项暂不支持网上申请，请带齐材料到 {it.place} 办理（{it.hours}）。
        </p>
      )}
    </>
  );
}

interface Problems {
  phone?: string;
  address?: string;
  materials?: string;
  general?: string;
}

const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

function Filing({ guide, session }: { guide: GuideAnswer; session: Session }) {
  const { item } = guide;
  const id = useId();
  // One key per visit of this page: a double click or a retry after a lost answer files once.
  const [key] = useState(newIdempotencyKey);
  const [phone, setPhone] = useState(session.claims.phone_number ?? '');
  const [address, setAddress] = useState('');
  const [note, setNote] = useState('');
  const [ticked, setTicked] = useState<string[]>([]);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<FiledCase>();
  const done = useRef<HTMLElement>(null);
  const required = item.materials.filter((m) => m.required);

  useEffect(() => {
    if (filed) done.current?.focus();
  }, [filed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Problems = {};
    const tel = phone.replace(/\s/g, '');
    if (!PHONE.test(tel)) p.phone = '请填写 11 位手机号码或带区号的固定电话';
    if (address.trim().length < 4) p.address = '请填写联系地址（邮寄送达也用这个地址）';
    const missing = required.filter((m) => !ticked.includes(m.name));
    if (missing.length > 0) p.materials = `请确认已准备必需材料：${missing.map((m) => m.name).join('、')}`;
    setProblems(p);
    const first = (['phone', 'address', 'materials'] as const).find((k) => p[k]);
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      setFiled(
        await file(item.hallId, key, {
          itemCode: item.code,
          form: {
            联系电话: tel,
            联系地址: address.trim(),
            ...(note.trim() ? { 申请说明: note.trim() } : {}),
            已备材料: ticked.join('；'),
          },
        }),
      );
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      setProblems({
        general:
          code === 'IDEMPOTENCY_KEY_REUSED'
            ? '您已提交过这份申请。请到“我的账户”查看我的办件，或刷新本页重新填写。'
            : (err as Error).message,
      });
    } finally {
      setBusy(false);
    }
  }

  if (filed) {
    return (
      <section
        className={`panel ${styles.narrow}`}
        ref={done}
        tabIndex={-1}
        aria-labelledby={`${id}-done`}
        data-testid="filed"
      >
        <h2 id={`${id}-done`}>
          <span aria-hidden="true">✓ </span>申请已提交
        </h2>
        <p>请记下办件编号和查询码，凭它们可随时查询办理进度；受理后还会短信通知您。</p>
        <dl className={styles.big}>
          <dt>办件编号</dt>
          <dd data-testid="filed-case-no">{filed.caseNo}</dd>
          <dt>查询码</dt>
          <dd data-testid="filed-query-code">{filed.queryCode}</dd>
        </dl>
        <div className={styles.buttons}>
          <Link className="button" href={routes.progress(filed.caseNo, filed.queryCode)}>
            查询办理进度
          </Link>
          <Link className="button button-secondary" href={routes.account}>
            我的办件
          </Link>
        </div>
      </section>
    );
  }

  // A message goes once the person changes what it was about.
  const clear = (k: keyof Problems) => setProblems((p) => (p[k] ? { ...p, [k]: undefined } : p));
  const err = (k: keyof Problems) =>
    problems[k] && (
      <p id={`${id}-${k}-err`} className={styles.error} role="alert">
        {problems[k]}
      </p>
    );
  const described = (k: keyof Problems, hint?: string) =>
    [hint, problems[k] ? `${id}-${k}-err` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <form className={`panel ${styles.narrow}`} onSubmit={submit} noValidate data-testid="apply-form">
      <p>
        申请人：
        <strong>
          {session.claims.act_name
            ? `${session.claims.act_name}（经办人 ${session.claims.name}）`
            : session.claims.name}
        </strong>
      </p>
      <div className={styles.field}>
        <label htmlFor={`${id}-phone`}>联系电话</label>
        <input
          id={`${id}-phone`}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={phone}
          maxLength={20}
          onChange={(e) => {
            setPhone(e.target.value);
            clear('phone');
          }}
          aria-invalid={problems.phone ? true : undefined}
          aria-describedby={described('phone', `${id}-phone-hint`)}
        />
        <p id={`${id}-phone-hint`} className={styles.hint}>
          受理、补正和办结的短信通知发到这个号码
        </p>
        {err('phone')}
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-address`}>联系地址</label>
        <input
          id={`${id}-address`}
          autoComplete="street-address"
          value={address}
          maxLength={200}
          onChange={(e) => {
            setAddress(e.target.value);
            clear('address');
          }}
          aria-invalid={problems.address ? true : undefined}
          aria-describedby={described('address')}
        />
        {err('address')}
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-note`}>申请说明（选填）</label>
        <textarea id={`${id}-note`} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
      </div>

      <fieldset className={styles.fieldset} aria-describedby={described('materials', `${id}-materials-hint`)}>
        <legend className={styles.legend}>申请材料（请逐项确认已准备）</legend>
        <p id={`${id}-materials-hint`} className={styles.hint}>
          网上暂不能上传材料：材料请在受理时提交或由部门共享获取。标注“部门共享”的材料无需您提供。
        </p>
        {item.materials.length === 0 ? (
          <p>本事项无需提交材料。</p>
        ) : (
          <ul className={styles.checklist}>
            {item.materials.map((m, i) => (
              <li key={m.name}>
                <label>
                  <input
                    id={i === 0 ? `${id}-materials` : undefined}
                    type="checkbox"
                    checked={ticked.includes(m.name)}
                    onChange={(e) => {
                      setTicked((t) => (e.target.checked ? [...t, m.name] : t.filter((n) => n !== m.name)));
                      clear('materials');
                    }}
                  />
                  <span>
                    {m.name}
                    <span className={styles.tag}>{m.required ? '必需' : '选交'}</span>
                    <span className={styles.tag}>
                      {m.form}
                      {m.copies > 1 ? ` ${m.copies} 份` : ''}
                    </span>
                    {sharedByGovernment(m) && <span className={styles.tag}>部门共享</span>}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {err('materials')}
      </fieldset>

      {problems.general && (
        <p className="status status-error" role="alert">
          {problems.general}
        </p>
      )}
      <div className={styles.buttons}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交…' : '提交申请'}
        </button>
      </div>
    </form>
  );
}

/** POST /cases with the Idempotency-Key header (authJson sends no custom headers). */
async function file(
  hallId: string,
  key: string,
  body: { itemCode: string; form: Record<string, string> },
): Promise<FiledCase> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, '登录已过期，请重新登录');
  let res: Response;
  try {
    res = await fetch(`/api/halls/${hallId}/cases`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, '网络连接失败，请检查网络后重试（重试不会重复提交）');
  }
  const json = (await res.json().catch(() => undefined)) as
    | (FiledCase & { error?: { code?: string; message?: string } })
    | undefined;
  if (!res.ok || !json?.caseNo) {
    throw new ApiError(res.status, json?.error?.message ?? `提交失败（${res.status}）`, json?.error?.code);
  }
  return json;
}
