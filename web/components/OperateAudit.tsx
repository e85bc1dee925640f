'use client';

import { type FormEvent, useEffect, useId, useState } from 'react';
import { formatTime } from '../../functions/domain/time.ts';
import { authJson } from '../lib/auth.ts';
import styles from './Case.module.css';
import { CaseGate } from './CaseGate.tsx';
import op from './Operate.module.css';
import { Empty, LoadError, Loading } from './Status.tsx';

interface AuditEntry {
  id: string;
  at: string;
  type: string;
  actor: string;
  subject?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** The audit types in words (GET /api/audit `type`; functions/identity/audit.ts lists them). */
export const AUDIT_TYPE_NAMES: Record<string, string> = {
  role_change: '角色或状态变更',
  catalogue_import: '事项目录导入',
  catalogue_rollback: '事项目录回滚',
  calendar_load: '工作日历录入',
  calendar_recompute: '工作日历重算期限',
  password_reset: '重置密码',
  account_reclaim: '找回被冒用的身份',
  login_locked: '登录锁定',
  login_suspended: '暂停密码登录',
  login_spray: '密码喷洒',
  rate_limited: '触发频率限制',
  enterprise_authorise: '企业授权',
  mandate_confirm: '代办授权确认',
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  sms_code: '发送短信验证码',
  register: '注册',
  enterprise_register: '企业注册',
  acting_for: '切换企业身份',
  mandate_request: '代办授权申请',
  mandate_failed: '代办授权验证失败',
};

const ROLE_WORDS: Record<string, string> = {
  applicant: '申请人',
  agent: '代办员',
  staff: '工作人员',
  supervisor: '监察人员',
  operator: '运营人员',
};
const STATUS_WORDS: Record<string, string> = { active: '启用', disabled: '停用' };

/** A role change in words (what changed, before → after); other entries' details as they are. */
function describe(e: AuditEntry): string {
  const from = e.details?.from as Record<string, unknown> | undefined;
  const to = e.details?.to as Record<string, unknown> | undefined;
  if (e.type !== 'role_change' || !from || !to) return JSON.stringify(e.details);
  const words = (k: string, v: unknown): string => {
    if (Array.isArray(v)) return v.map((x) => (k === 'roles' ? (ROLE_WORDS[x] ?? x) : x)).join('、') || '无';
    if (k === 'status') return STATUS_WORDS[String(v)] ?? String(v ?? '—');
    return v === undefined || v === null || v === '' ? '无' : String(v);
  };
  const names: Record<string, string> = {
    roles: '角色',
    status: '状态',
    hall: '大厅',
    dept: '部门',
    posts: '岗位',
  };
  const changed = Object.entries(names)
    .filter(([k]) => words(k, from[k]) !== words(k, to[k]))
    .map(([k, name]) => `${name}：${words(k, from[k])} → ${words(k, to[k])}`);
  return changed.length ? changed.join('；') : `未变更（${words('roles', to.roles)}）`;
}

const CLASS_NAMES = { '': '默认', security: '安全类', activity: '一般活动', all: '全部' } as const;

interface Filter {
  class: string;
  type: string;
  actor: string;
  subject: string;
  from: string;
  to: string;
}

export function OperateAudit() {
  return (
    <CaseGate roles={['operator']} returnTo="/operate/audit/" purpose="查看审计日志">
      {() => <Audit />}
    </CaseGate>
  );
}

function Audit() {
  const id = useId();
  // No dates: the server's today (its business clock, which a demo may have moved on).
  const empty: Filter = { class: '', type: '', actor: '', subject: '', from: '', to: '' };
  const [draft, setDraft] = useState<Filter>(empty);
  const [asked, setAsked] = useState<Filter>(empty);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState<string>();
  const [moreError, setMoreError] = useState<string>();

  const path = (after?: string) => {
    const p = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(asked)) if (v.trim()) p.set(k, v.trim());
    if (after) p.set('cursor', after);
    return `/api/audit?${p}`;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `path` derives from `asked`.
  useEffect(() => {
    let live = true;
    setState('loading');
    authJson<{ entries: AuditEntry[]; cursor?: string }>(path()).then(
      (page) => {
        if (!live) return;
        setEntries(page.entries ?? []);
        setCursor(page.cursor);
        setState('ready');
      },
      (err: Error) => {
        if (!live) return;
        setMessage(err.message);
        setState('error');
      },
    );
    return () => {
      live = false;
    };
  }, [asked]);

  async function more() {
    if (!cursor) return;
    setMoreError(undefined);
    try {
      const page = await authJson<{ entries: AuditEntry[]; cursor?: string }>(path(cursor));
      setEntries((shown) => [...shown, ...(page.entries ?? [])]);
      setCursor(page.cursor);
    } catch (err) {
      setMoreError((err as Error).message);
    }
  }

  const set = (k: keyof Filter) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ ...draft });
  };

  return (
    <>
      <form className={styles.filters} onSubmit={submit} aria-label="筛选审计日志">
        <div className={styles.field}>
          <label htmlFor={`${id}-class`}>类别</label>
          <select id={`${id}-class`} value={draft.class} onChange={set('class')}>
            {Object.entries(CLASS_NAMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-type`}>事件</label>
          <select id={`${id}-type`} value={draft.type} onChange={set('type')}>
            <option value="">全部</option>
            {Object.entries(AUDIT_TYPE_NAMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-actor`}>操作人（账户编号）</label>
          <input id={`${id}-actor`} value={draft.actor} maxLength={128} onChange={set('actor')} />
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-subject`}>对象账户（账户编号）</label>
          <input id={`${id}-subject`} value={draft.subject} maxLength={128} onChange={set('subject')} />
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-from`}>起始日期</label>
          <input id={`${id}-from`} type="date" value={draft.from} onChange={set('from')} />
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-to`}>截止日期</label>
          <input id={`${id}-to`} type="date" value={draft.to} onChange={set('to')} />
        </div>
        <button type="submit" className="button">
          查询
        </button>
      </form>
      <p className={styles.hint}>
        不填日期即查询今天；一次最多查询 31
        天，按时间倒序。类别“默认”为安全类，填写事件、操作人或对象时为全部。
      </p>
      {state === 'loading' && <Loading>正在查询审计日志…</Loading>}
      {state === 'error' && (
        <LoadError message={message ?? '请稍后再试'} onRetry={() => setAsked({ ...asked })} />
      )}
      {state === 'ready' &&
        (entries.length === 0 ? (
          <Empty>该时间段内没有符合条件的记录</Empty>
        ) : (
          <>
            <ul className={op.cards} data-testid="audit-entries">
              {entries.map((e) => (
                <li key={e.id} className={op.card} data-testid="audit-entry">
                  <p className={styles.alertHead}>
                    <strong>{AUDIT_TYPE_NAMES[e.type] ?? e.type}</strong>
                    <span className={styles.caseNo}>{formatTime(e.at)}</span>
                  </p>
                  <dl className={styles.facts}>
                    <dt>操作人</dt>
                    <dd>{e.actor}</dd>
                    {e.subject && (
                      <>
                        <dt>对象</dt>
                        <dd>{e.subject}</dd>
                      </>
                    )}
                    {e.ip && (
                      <>
                        <dt>地址</dt>
                        <dd>{e.ip}</dd>
                      </>
                    )}
                  </dl>
                  {e.details && Object.keys(e.details).length > 0 && (
                    <p className={op.details}>{describe(e)}</p>
                  )}
                </li>
              ))}
            </ul>
            <div className={styles.toolbar}>
              <span className={styles.hint} role="status">
                已显示 {entries.length} 条{cursor ? '，还有更多' : '，已全部显示'}
              </span>
              {cursor && (
                <button type="button" className="button button-secondary" onClick={more}>
                  加载更多
                </button>
              )}
              {moreError && (
                <span className={styles.error} role="alert">
                  {moreError}
                </span>
              )}
            </div>
          </>
        ))}
    </>
  );
}
