'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { monthsUpTo } from '../../../functions/domain/indicators.ts';
import { formatDate } from '../../../functions/domain/time.ts';
import { RATING_NAMES, type RatingLevel } from '../../../functions/domain/vocabulary.ts';
import { useHalls } from '../../components/HallContext.tsx';
import styles from '../../components/Stats.module.css';
import { Empty, LoadError, Loading } from '../../components/Status.tsx';
import { getJson } from '../../lib/api.ts';

interface CaseRow {
  caseNo: string;
  itemName: string;
  deptName: string;
  applicant: string;
  channelName: string;
  filedAt: string;
  acceptedAt?: string;
  finishedAt?: string;
  statusName: string;
}

interface RectifiedRow {
  caseNo: string;
  itemName: string;
  deptName: string;
  level: number;
  tags: string[];
  ratedAt: string;
  visitedAt?: string;
  fixedAt: string;
  fix: string;
  rerating?: number;
}

type Page = { month: string; cases?: CaseRow[]; rectified?: RectifiedRow[]; cursor?: string };

const monthName = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;
const levelName = (l: number) => RATING_NAMES[l as RatingLevel] ?? String(l);

export function DisclosureList() {
  const params = useSearchParams();
  const list = params.get('list') === 'rectified' ? 'rectified' : 'cases';
  const { halls, hall } = useHalls();
  const [hallId, setHallId] = useState<string>();
  // The server's month (business time) until one is chosen: the browser's clock may differ.
  const [month, setMonth] = useState<string>();
  const [latest, setLatest] = useState<string>();
  const months = useMemo(() => (latest ? monthsUpTo(latest).reverse() : []), [latest]);
  const chosen = hallId ?? hall?.id;
  const [rows, setRows] = useState<(CaseRow | RectifiedRow)[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [state, setState] = useState<'loading' | 'ready' | string>('loading');

  // A new hall, month or list starts from the first page.
  useEffect(() => {
    if (!chosen) return;
    const ctl = new AbortController();
    setState('loading');
    setRows([]);
    const m = month ? `&month=${month}` : '';
    getJson<Page>(`/api/halls/${chosen}/disclosure?list=${list}${m}&limit=20`, { signal: ctl.signal }).then(
      (page) => {
        setLatest((l) => l ?? page.month);
        setRows(page[list] ?? []);
        setCursor(page.cursor);
        setState('ready');
      },
      (err: Error) => err.name !== 'AbortError' && setState(err.message),
    );
    return () => ctl.abort();
  }, [chosen, month, list]);

  const loadMore = async () => {
    if (!chosen || !cursor) return;
    try {
      const page = await getJson<Page>(
        `/api/halls/${chosen}/disclosure?list=${list}&month=${month ?? latest}&limit=20&cursor=${encodeURIComponent(cursor)}`,
      );
      setRows((r) => [...r, ...(page[list] ?? [])]);
      setCursor(page.cursor);
    } catch (err) {
      setState((err as Error).message);
    }
  };

  return (
    <>
      <nav aria-label="公示类别">
        <ul className={styles.tabs}>
          <li>
            <Link
              href="/disclosure/"
              className={`button ${list === 'cases' ? '' : 'button-secondary'}`}
              aria-current={list === 'cases' ? 'page' : undefined}
            >
              办件公示
            </Link>
          </li>
          <li>
            <Link
              href="/disclosure/?list=rectified"
              className={`button ${list === 'rectified' ? '' : 'button-secondary'}`}
              aria-current={list === 'rectified' ? 'page' : undefined}
            >
              差评整改公示
            </Link>
          </li>
          <li>
            <Link href="/stats/" className="button button-secondary">
              办件统计
            </Link>
          </li>
        </ul>
      </nav>
      <form className={`panel ${styles.filters}`} onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>办事大厅</span>
          <select value={chosen ?? ''} onChange={(e) => setHallId(e.target.value)}>
            {halls.status === 'ready' &&
              halls.data.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          <span>月份</span>
          <select value={month ?? latest ?? ''} onChange={(e) => setMonth(e.target.value)}>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthName(m)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className={styles.note}>
        {list === 'cases'
          ? '按申请时间倒序公示本月申请的办件，申请人姓名和单位名称已隐去部分字符。'
          : '不满意、非常不满意的评价经回访、整改后逐件公示，整改说明中的证件号码和电话已隐去。'}
      </p>
      {halls.status === 'error' && <LoadError message={halls.message} />}
      {state === 'loading' && <Loading>正在加载公示…</Loading>}
      {state !== 'loading' && state !== 'ready' && <LoadError message={state} />}
      {state === 'ready' && rows.length === 0 && (
        <Empty>{list === 'cases' ? '本月暂无办件。' : '本月暂无已整改的差评。'}</Empty>
      )}
      {rows.length > 0 && (
        <ul className={styles.cards} aria-label={list === 'cases' ? '办件公示列表' : '差评整改公示列表'}>
          {list === 'cases'
            ? (rows as CaseRow[]).map((c) => (
                <li key={c.caseNo} className={styles.card}>
                  <h3>{c.itemName}</h3>
                  <dl>
                    <dt>办件编号</dt>
                    <dd>{c.caseNo}</dd>
                    <dt>承办部门</dt>
                    <dd>{c.deptName}</dd>
                    <dt>申请人</dt>
                    <dd>{c.applicant}</dd>
                    <dt>申请方式</dt>
                    <dd>{c.channelName}</dd>
                    <dt>申请日期</dt>
                    <dd>{formatDate(c.filedAt)}</dd>
                    {c.acceptedAt && (
                      <>
                        <dt>受理日期</dt>
                        <dd>{formatDate(c.acceptedAt)}</dd>
                      </>
                    )}
                    {c.finishedAt && (
                      <>
                        <dt>办结日期</dt>
                        <dd>{formatDate(c.finishedAt)}</dd>
                      </>
                    )}
                    <dt>状态</dt>
                    <dd>{c.statusName}</dd>
                  </dl>
                </li>
              ))
            : (rows as RectifiedRow[]).map((r) => (
                <li key={r.caseNo} className={styles.card}>
                  <h3>{r.itemName}</h3>
                  <dl>
                    <dt>承办部门</dt>
                    <dd>{r.deptName}</dd>
                    <dt>评价</dt>
                    <dd>
                      {levelName(r.level)}（{formatDate(r.ratedAt)}）
                    </dd>
                    {r.tags.length > 0 && (
                      <>
                        <dt>问题</dt>
                        <dd>{r.tags.join('、')}</dd>
                      </>
                    )}
                    {r.visitedAt && (
                      <>
                        <dt>回访</dt>
                        <dd>{formatDate(r.visitedAt)}</dd>
                      </>
                    )}
                    <dt>整改</dt>
                    <dd>
                      {formatDate(r.fixedAt)}：{r.fix}
                    </dd>
                    <dt>整改评价</dt>
                    <dd>{r.rerating ? levelName(r.rerating) : '申请人尚未评价'}</dd>
                  </dl>
                </li>
              ))}
        </ul>
      )}
      {cursor && state === 'ready' && (
        <button type="button" className={`button button-secondary ${styles.more}`} onClick={loadMore}>
          加载更多
        </button>
      )}
    </>
  );
}
