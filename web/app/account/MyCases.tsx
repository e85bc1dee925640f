'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { authJson } from '../../lib/auth.ts';
import styles from '../register/forms.module.css';

export interface MyCase {
  caseNo: string;
  itemName: string;
  deptName?: string;
  statusName?: string;
  currentStep?: string;
  filedAt: string;
  needsMe?: boolean;
  /** 代办: the person an agent filed for. */
  filedFor?: string;
}

type Shown = MyCase & { hallName: string };

/** Cases shown per 加载更多. */
const PAGE = 20;

/** Where the list stands in one hall: cases read but not shown yet, and the cursor of its next page. */
interface HallList {
  id: string;
  name: string;
  buffer: MyCase[];
  cursor?: string;
  started: boolean;
  done: boolean;
  failed: boolean;
}

async function fetchPage(list: HallList): Promise<void> {
  const cursor = list.cursor ? `&cursor=${encodeURIComponent(list.cursor)}` : '';
  try {
    const page = await authJson<{ cases: MyCase[]; cursor?: string }>(
      `/api/halls/${list.id}/cases?limit=${PAGE}${cursor}`,
    );
    const cases = Array.isArray(page?.cases) ? page.cases : [];
    list.buffer.push(...cases);
    list.cursor = page?.cursor;
    // An empty page ends the hall too, whatever it says: the list never spins.
    list.done = !page?.cursor || cases.length === 0;
  } catch {
    list.done = true;
    list.failed = true;
  }
  list.started = true;
}

/**
 * The next `PAGE` cases across every hall, newest first: each hall answers its own list newest first
 * and in pages (GET /api/halls/<hall>/cases?cursor=), so the halls are merged one case at a time,
 * reading a hall's next page only when its turn needs it — what is shown stays in order as pages are
 * appended.
 */
async function takeNext(lists: HallList[]): Promise<Shown[]> {
  const out: Shown[] = [];
  while (out.length < PAGE) {
    const empty = lists.filter((l) => l.buffer.length === 0 && !l.done);
    if (empty.length > 0) {
      await Promise.all(empty.map(fetchPage));
      continue;
    }
    let next: HallList | undefined;
    for (const l of lists) {
      if (l.buffer.length > 0 && (!next || l.buffer[0].filedAt > next.buffer[0].filedAt)) next = l;
    }
    if (!next) break;
    out.push({ ...next.buffer.shift()!, hallName: next.name });
  }
  return out;
}

/** 我的办件 across every hall (one account, six halls), newest first, 加载更多 for the next page. */
export function MyCases({ sub, halls }: { sub: string; halls: { id: string; name: string }[] | undefined }) {
  const lists = useRef<HallList[]>([]);
  const generation = useRef(0);
  const [cases, setCases] = useState<Shown[]>();
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);

  const load = useCallback(async (g: number) => {
    setLoading(true);
    const next = await takeNext(lists.current);
    if (g !== generation.current) return;
    setCases((shown) => [...(shown ?? []), ...next]);
    setHasMore(lists.current.some((l) => l.buffer.length > 0 || !l.done));
    setFailed(lists.current.some((l) => l.failed));
    setLoading(false);
  }, []);

  useEffect(() => {
    if (!sub || !halls?.length) return;
    const g = ++generation.current;
    lists.current = halls.map((h) => ({
      id: h.id,
      name: h.name,
      buffer: [],
      started: false,
      done: false,
      failed: false,
    }));
    setCases(undefined);
    setHasMore(false);
    void load(g);
    return () => {
      generation.current++;
    };
  }, [sub, halls, load]);

  if (cases === undefined) return <p role="status">正在加载……</p>;
  return (
    <>
      {cases.length === 0 ? (
        <p>暂无办件。可在首页搜索事项并在线申办。</p>
      ) : (
        <ul className={styles.list} data-testid="my-cases">
          {cases.map((c) => (
            <li key={c.caseNo}>
              <strong>{c.itemName}</strong>
              {c.filedFor ? `（代 ${c.filedFor} 申办）` : ''}
              {c.needsMe ? '（需要您补正材料）' : ''}
              <br />
              {c.hallName} · {c.deptName} · {c.statusName}
              {c.currentStep ? ` · 当前环节：${c.currentStep}` : ''}
              <br />
              办件编号 {c.caseNo} · 申请时间 {c.filedAt.slice(0, 16).replace('T', ' ')}
            </li>
          ))}
        </ul>
      )}
      {failed && (
        <p className="status status-error" role="alert">
          部分办事大厅的办件暂时无法加载，请稍后刷新页面重试。
        </p>
      )}
      {hasMore ? (
        <button
          type="button"
          className="button button-secondary"
          style={{ width: '100%' }}
          disabled={loading}
          aria-busy={loading}
          onClick={() => void load(generation.current)}
          data-testid="my-cases-more"
        >
          {loading ? '正在加载…' : '加载更多'}
        </button>
      ) : (
        cases.length > 0 && (
          <p role="status" data-testid="my-cases-end">
            已显示全部 {cases.length} 件办件
          </p>
        )
      )}
    </>
  );
}
