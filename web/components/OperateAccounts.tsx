'use client';

import { type FormEvent, useEffect, useId, useState } from 'react';
import type { Department, Hall } from '../lib/api.ts';
import { authJson } from '../lib/auth.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './Case.module.css';
import { CaseGate } from './CaseGate.tsx';
import op from './Operate.module.css';
import { Empty, LoadError, Loading } from './Status.tsx';

/** An account as GET /api/accounts shows it to operators (names of persons and phones masked). */
interface Account {
  sub: string;
  username: string;
  name: string;
  roles: string[];
  status: 'active' | 'disabled';
  phone?: string;
  hall?: string;
  dept?: string;
  deptName?: string;
  posts?: string[];
  level?: string;
  agentPoint?: string;
  village?: string;
  createdAt?: string;
}

export const ROLE_NAMES: Record<string, string> = {
  applicant: '申请人',
  agent: '代办员',
  staff: '工作人员',
  supervisor: '监察人员',
  operator: '运营人员',
};
const POSTS = ['受理', '审查', '决定', '窗口'] as const;

export function OperateAccounts() {
  return (
    <CaseGate roles={['operator']} returnTo="/operate/accounts/" purpose="管理账户">
      {(session) => <Accounts self={session.claims.sub} />}
    </CaseGate>
  );
}

function Accounts({ self }: { self: string }) {
  const roleId = useId();
  const qId = useId();
  const [role, setRole] = useState('staff');
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState({ role: 'staff', q: '' });
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState<string>();
  const [halls] = useApi<{ halls: Hall[] }>('/api/halls');
  const hallList = halls.status === 'ready' && Array.isArray(halls.data?.halls) ? halls.data.halls : [];

  const path = (after?: string) =>
    `/api/accounts?role=${asked.role}&limit=20${asked.q ? `&q=${encodeURIComponent(asked.q)}` : ''}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `path` derives from `asked`.
  useEffect(() => {
    let live = true;
    setState('loading');
    authJson<{ accounts: Account[]; cursor?: string }>(path()).then(
      (page) => {
        if (!live) return;
        setAccounts(page.accounts ?? []);
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
    try {
      const page = await authJson<{ accounts: Account[]; cursor?: string }>(path(cursor));
      setAccounts((shown) => [...shown, ...(page.accounts ?? [])]);
      setCursor(page.cursor);
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  function search(e: FormEvent) {
    e.preventDefault();
    setAsked({ role, q: q.trim() });
  }

  return (
    <>
      <form className={styles.filters} onSubmit={search} aria-label="查找账户">
        <div className={styles.field}>
          <label htmlFor={roleId}>角色</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value)}>
            {Object.entries(ROLE_NAMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor={qId}>姓名、手机号或用户名</label>
          <input id={qId} type="search" value={q} maxLength={40} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="submit" className="button">
          查找
        </button>
      </form>
      <p className={styles.hint}>
        输入完整的用户名或手机号可直接找到该账户（不论角色）；输入部分姓名或用户名则在所选角色中查找。个人用户的姓名和手机号以脱敏方式显示。
      </p>
      {state === 'loading' && <Loading>正在查找账户…</Loading>}
      {state === 'error' && (
        <LoadError message={message ?? '请稍后再试'} onRetry={() => setAsked({ ...asked })} />
      )}
      {state === 'ready' &&
        (accounts.length === 0 ? (
          <Empty>没有找到符合条件的账户</Empty>
        ) : (
          <>
            <ul className={op.cards} data-testid="accounts">
              {accounts.map((a) => (
                <AccountCard
                  key={a.sub}
                  account={a}
                  self={a.sub === self}
                  halls={hallList}
                  onSaved={(next) => setAccounts((list) => list.map((x) => (x.sub === next.sub ? next : x)))}
                />
              ))}
            </ul>
            <div className={styles.toolbar}>
              <span className={styles.hint} role="status">
                已显示 {accounts.length} 个账户{cursor ? '，还有更多' : ''}
              </span>
              {cursor && (
                <button type="button" className="button button-secondary" onClick={more}>
                  加载更多
                </button>
              )}
            </div>
          </>
        ))}
    </>
  );
}

const hallName = (halls: Hall[], id?: string) =>
  id === '*' ? '全市' : (halls.find((h) => h.id === id)?.name ?? id ?? '');

function AccountCard({
  account: a,
  self,
  halls,
  onSaved,
}: {
  account: Account;
  self: boolean;
  halls: Hall[];
  onSaved: (a: Account) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirmStatus, setConfirmStatus] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const disabling = a.status === 'active';

  async function put(change: Record<string, unknown>, what: string) {
    setBusy(true);
    setError(undefined);
    try {
      const res = await authJson<{ account: Account }>(`/api/accounts/${encodeURIComponent(a.sub)}/roles`, {
        method: 'PUT',
        body: change,
      });
      onSaved(res.account);
      setDone(what);
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={op.card} data-testid="account">
      <p className={styles.alertHead}>
        <strong>{a.name}</strong>
        <span className={styles.caseNo}>{a.username}</span>
        {a.status === 'disabled' && <span className={op.disabled}>已停用</span>}
      </p>
      <dl className={styles.facts}>
        <dt>角色</dt>
        <dd>{a.roles.map((r) => ROLE_NAMES[r] ?? r).join('、')}</dd>
        {a.hall && (
          <>
            <dt>所属</dt>
            <dd>
              {hallName(halls, a.hall)}
              {a.deptName ? ` · ${a.deptName}` : ''}
              {a.posts?.length ? ` · ${a.posts.join('、')}岗` : ''}
              {a.agentPoint ? ` · ${a.agentPoint}` : ''}
            </dd>
          </>
        )}
        {a.phone && (
          <>
            <dt>手机</dt>
            <dd>{a.phone}</dd>
          </>
        )}
      </dl>
      {done && (
        <p className={styles.hint} role="status">
          {done}
        </p>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      {!editing && !confirmStatus && (
        <div className={op.actions}>
          <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
            修改角色和岗位
          </button>
          {!self && (
            <button
              type="button"
              className={`button button-secondary ${disabling ? op.dangerButton : ''}`}
              onClick={() => setConfirmStatus(true)}
            >
              {disabling ? '停用账户' : '启用账户'}
            </button>
          )}
        </div>
      )}
      {confirmStatus && (
        <div className={op.confirm}>
          <p>
            {disabling
              ? `确认停用“${a.name}”？停用后该账户立即不能登录，已登录的设备在几秒内失效。`
              : `确认启用“${a.name}”？启用后该账户可以重新登录。`}
          </p>
          <div className={op.actions}>
            <button
              type="button"
              className={`button ${disabling ? op.dangerButton : ''}`}
              disabled={busy}
              onClick={async () => {
                if (
                  await put(
                    { ...changeOf(a), status: disabling ? 'disabled' : 'active' },
                    disabling ? '账户已停用' : '账户已启用',
                  )
                )
                  setConfirmStatus(false);
              }}
            >
              {disabling ? '确认停用' : '确认启用'}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setConfirmStatus(false)}>
              取消
            </button>
          </div>
        </div>
      )}
      {editing && (
        <RoleEditor
          account={a}
          self={self}
          halls={halls}
          busy={busy}
          onCancel={() => setEditing(false)}
          onSave={async (change) => {
            if (await put(change, '角色和岗位已保存，该账户需重新登录后生效')) setEditing(false);
          }}
        />
      )}
    </li>
  );
}

/** The role change that keeps an account as it is (the API takes the whole set each time). */
function changeOf(a: Account): Record<string, unknown> {
  return {
    roles: a.roles,
    ...(a.hall ? { hall: a.hall } : {}),
    ...(a.dept ? { dept: a.dept } : {}),
    ...(a.posts?.length ? { posts: a.posts } : {}),
    ...(a.level ? { level: a.level } : {}),
    ...(a.agentPoint ? { agentPoint: a.agentPoint } : {}),
    ...(a.village ? { village: a.village } : {}),
  };
}

function RoleEditor({
  account: a,
  self,
  halls,
  busy,
  onCancel,
  onSave,
}: {
  account: Account;
  self: boolean;
  halls: Hall[];
  busy: boolean;
  onCancel: () => void;
  onSave: (change: Record<string, unknown>) => void;
}) {
  const id = useId();
  const [roles, setRoles] = useState<string[]>(a.roles);
  const [hall, setHall] = useState(a.hall ?? '');
  const [dept, setDept] = useState(a.dept ?? '');
  const [posts, setPosts] = useState<string[]>(a.posts ?? []);
  const [agentPoint, setAgentPoint] = useState(a.agentPoint ?? '');
  const [village, setVillage] = useState(a.village ?? '');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string>();
  const staff = roles.includes('staff');
  const supervisor = roles.includes('supervisor');
  const agent = roles.includes('agent');
  const [depts] = useApi<{ departments: Department[] }>(
    staff && hall && hall !== '*' ? `/api/departments?hallId=${encodeURIComponent(hall)}` : null,
  );
  const deptList =
    depts.status === 'ready' && Array.isArray(depts.data?.departments) ? depts.data.departments : [];
  const toggle = (list: string[], v: string) =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v];

  function change(): Record<string, unknown> {
    return {
      roles,
      ...(staff || supervisor || agent ? { hall } : {}),
      ...(staff ? { dept, posts, ...(a.level ? { level: a.level } : {}) } : {}),
      ...(agent
        ? { agentPoint: agentPoint.trim(), ...(village.trim() ? { village: village.trim() } : {}) }
        : {}),
    };
  }

  function review(e: FormEvent) {
    e.preventDefault();
    if (roles.length === 0) return setProblem('至少保留一个角色');
    if ((staff || supervisor || agent) && !hall) return setProblem('请选择所属办事大厅');
    if (staff && (!dept || posts.length === 0)) return setProblem('工作人员须选择部门和至少一个岗位');
    if (agent && !agentPoint.trim()) return setProblem('代办员须填写所属代办点');
    setProblem(undefined);
    setConfirming(true);
  }

  return (
    <form className={op.editor} onSubmit={review} noValidate aria-label={`修改“${a.name}”的角色和岗位`}>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>角色</legend>
        <div className={styles.choices}>
          {Object.entries(ROLE_NAMES).map(([k, v]) => (
            <label key={k} className={styles.choice}>
              <input
                type="checkbox"
                checked={roles.includes(k)}
                disabled={self && k === 'operator'}
                onChange={() => setRoles(toggle(roles, k))}
              />
              {v}
            </label>
          ))}
        </div>
      </fieldset>
      {(staff || supervisor || agent) && (
        <div className={styles.field}>
          <label htmlFor={`${id}-hall`}>所属办事大厅{supervisor && !staff ? '（监察范围）' : ''}</label>
          <select
            id={`${id}-hall`}
            value={hall}
            onChange={(e) => {
              setHall(e.target.value);
              setDept('');
            }}
          >
            <option value="">请选择</option>
            {supervisor && !staff && !agent && <option value="*">全市</option>}
            {halls.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {staff && hall && hall !== '*' && (
        <>
          <div className={styles.field}>
            <label htmlFor={`${id}-dept`}>部门</label>
            <select id={`${id}-dept`} value={dept} onChange={(e) => setDept(e.target.value)}>
              <option value="">请选择</option>
              {deptList.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
          <fieldset className={styles.fieldset}>
            <legend className={styles.legend}>岗位</legend>
            <div className={styles.choices}>
              {POSTS.map((p) => (
                <label key={p} className={styles.choice}>
                  <input
                    type="checkbox"
                    checked={posts.includes(p)}
                    onChange={() => setPosts(toggle(posts, p))}
                  />
                  {p}
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      {agent && (
        <>
          <div className={styles.field}>
            <label htmlFor={`${id}-point`}>所属代办点</label>
            <input
              id={`${id}-point`}
              value={agentPoint}
              maxLength={100}
              onChange={(e) => setAgentPoint(e.target.value)}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor={`${id}-village`}>服务村（社区，可不填）</label>
            <input
              id={`${id}-village`}
              value={village}
              maxLength={100}
              onChange={(e) => setVillage(e.target.value)}
            />
          </div>
        </>
      )}
      {problem && (
        <p className={styles.error} role="alert">
          {problem}
        </p>
      )}
      {confirming ? (
        <div className={op.confirm}>
          <p>
            确认将“{a.name}”的角色改为 {roles.map((r) => ROLE_NAMES[r] ?? r).join('、')}
            ？保存后该账户已登录的设备需重新登录。
          </p>
          <div className={op.actions}>
            <button type="button" className="button" disabled={busy} onClick={() => onSave(change())}>
              {busy ? '正在保存…' : '确认保存'}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
              返回修改
            </button>
          </div>
        </div>
      ) : (
        <div className={op.actions}>
          <button type="submit" className="button">
            保存
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            取消
          </button>
        </div>
      )}
    </form>
  );
}
