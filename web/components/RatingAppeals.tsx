'use client';

import Link from 'next/link';
import { type FormEvent, useId, useState } from 'react';
import type { RatingAppeal } from '../../functions/domain/process.ts';
import { ApiError } from '../lib/api.ts';
import { authJson, useSession } from '../lib/auth.ts';
import { formatTime } from '../lib/cases.ts';
import { routes } from '../lib/routes.ts';
import styles from './Case.module.css';
import { useAuthApi } from './CaseData.ts';
import own from './Consult.module.css';
import { useHalls } from './HallContext.tsx';
import { Empty, LoadError, Loading } from './Status.tsx';

/** One row of GET /appeals (functions/supervision/appeals.ts). */
interface AppealRow {
  caseNo: string;
  version: number;
  itemName: string;
  deptName: string;
  rating: {
    level: number;
    levelName: string;
    tags?: string[];
    comment?: string;
    at: string;
    excluded?: true;
  };
  appeal: RatingAppeal;
  rectification?: { fixed: boolean; closed: boolean };
}

const STATE_NAMES: Record<RatingAppeal['status'], string> = {
  pending: '待审核',
  upheld: '申诉成立（该评价不计入统计）',
  rejected: '申诉不成立',
};

/**
 * 评价申诉 for a hall's supervisors: the ratings departments appealed, to uphold (申诉成立: the rating
 * no longer counts and its rectification ends) or reject, each with a note — the case actions
 * `appeal-uphold` / `appeal-reject`. Decided ones below. Self-contained (hall from the session or the
 * hall switch), so the dashboard places it with one line.
 */
export function RatingAppeals() {
  const session = useSession();
  const { hall } = useHalls();
  const claimed = session?.claims.hall;
  const hallId = claimed && claimed !== '*' ? claimed : hall?.id;
  const [state, setState] = useState<'pending' | 'decided'>('pending');
  const [list, reload] = useAuthApi<{ appeals: AppealRow[] }>(
    hallId && session && !session.ended ? `/api/halls/${hallId}/appeals?state=${state}` : null,
  );
  if (!hallId || !session || session.ended) return null;
  const rows = list.status === 'ready' && Array.isArray(list.data?.appeals) ? list.data.appeals : [];
  return (
    <section aria-labelledby="appeals-heading" style={{ marginTop: '1.5rem' }} data-testid="rating-appeals">
      <h2 id="appeals-heading">好差评申诉</h2>
      <fieldset className={own.tabs}>
        <legend className="visually-hidden">申诉状态</legend>
        {(['pending', 'decided'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className="button button-secondary"
            aria-pressed={state === s}
            onClick={() => setState(s)}
          >
            {s === 'pending' ? '待审核' : '已审核'}
          </button>
        ))}
      </fieldset>
      {list.status === 'loading' && <Loading>正在加载评价申诉…</Loading>}
      {list.status === 'error' && <LoadError message={list.message} onRetry={() => reload()} />}
      {list.status === 'ready' &&
        (rows.length === 0 ? (
          <Empty>{state === 'pending' ? '暂无待审核的评价申诉' : '暂无已审核的评价申诉'}</Empty>
        ) : (
          <ol className={own.list}>
            {rows.map((a) => (
              <li key={`${a.caseNo}@${a.version}`} className={own.card} data-testid="rating-appeal">
                <h3 style={{ margin: 0, fontSize: '1.0625rem' }}>
                  <Link href={routes.staffCase(a.caseNo)} prefetch={false}>
                    {a.itemName}
                  </Link>
                </h3>
                <p className={own.meta}>
                  <span>{a.caseNo}</span>
                  <span>{a.deptName}</span>
                  <strong>{STATE_NAMES[a.appeal.status]}</strong>
                </p>
                <dl className={styles.facts}>
                  <dt>申请人评价</dt>
                  <dd>
                    {a.rating.levelName}（{formatTime(a.rating.at)}）
                    {a.rating.tags?.length ? `；${a.rating.tags.join('、')}` : ''}
                    {a.rating.comment ? `；“${a.rating.comment}”` : ''}
                  </dd>
                  <dt>申诉理由</dt>
                  <dd>
                    {a.appeal.reason}（{a.appeal.by}，{formatTime(a.appeal.at)}）
                  </dd>
                  {a.appeal.decision && (
                    <>
                      <dt>审核意见</dt>
                      <dd>
                        {a.appeal.decision.note}（{a.appeal.decision.by}，{formatTime(a.appeal.decision.at)}）
                      </dd>
                    </>
                  )}
                </dl>
                {a.appeal.status === 'pending' && session.claims.roles?.includes('supervisor') && (
                  <Decide row={a} hallId={hallId} onDone={() => reload(true)} />
                )}
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}

function Decide({ row, hallId, onDone }: { row: AppealRow; hallId: string; onDone(): void }) {
  const id = useId();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function decide(e: FormEvent, action: 'appeal-uphold' | 'appeal-reject') {
    e.preventDefault();
    if (!note.trim()) return setProblem('请填写审核意见');
    setBusy(true);
    try {
      await authJson(`/api/halls/${hallId}/cases/${encodeURIComponent(row.caseNo)}/actions`, {
        method: 'POST',
        body: { action, reason: note, version: row.version },
      });
      onDone();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => decide(e, 'appeal-reject')} noValidate>
      <div className={styles.field}>
        <label htmlFor={id}>审核意见（必填，将告知申请人和部门）</label>
        <textarea
          id={id}
          rows={3}
          value={note}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-err` : undefined}
          onChange={(e) => {
            setNote(e.target.value);
            setProblem(undefined);
          }}
        />
        {problem && (
          <p id={`${id}-err`} className={styles.error} role="alert">
            {problem}
          </p>
        )}
      </div>
      <div className={styles.buttons}>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={(e) => void decide(e, 'appeal-uphold')}
        >
          申诉成立
        </button>
        <button type="submit" className="button button-secondary" disabled={busy}>
          申诉不成立
        </button>
      </div>
    </form>
  );
}
