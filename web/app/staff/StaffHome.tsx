'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AlertList } from '../../components/AlertList.tsx';
import styles from '../../components/Case.module.css';
import { useAuthApi, useDeptNames } from '../../components/CaseData.ts';
import { CaseGate } from '../../components/CaseGate.tsx';
import { CaseMark, Deadline } from '../../components/CaseParts.tsx';
import { ConsultQueue } from '../../components/ConsultQueue.tsx';
import { useHalls } from '../../components/HallContext.tsx';
import { Empty, LoadError, Loading } from '../../components/Status.tsx';
import { authJson, type Session } from '../../lib/auth.ts';
import { type AlertView, formatTime, type QueueTask } from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';

export function StaffHome() {
  return (
    <CaseGate roles={['staff']} returnTo={routes.staff} purpose="查看待办">
      {(session) => <Workbench session={session} />}
    </CaseGate>
  );
}

type QueueLoad =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; tasks: QueueTask[]; cursor?: string };

/**
 * The queue, page by page (GET /tasks answers the most urgent first, 50 at a time, with a cursor
 * for the next page): `reload` starts again from the first page, `loadMore` appends the next one.
 */
function useQueue(path: string | null) {
  const [queue, setQueue] = useState<QueueLoad>({ status: 'loading' });
  const [more, setMore] = useState<{ loading: boolean; error?: string }>({ loading: false });
  // Answers of an older load (before 刷新) are dropped.
  const generation = useRef(0);

  const reload = useCallback(
    (quiet = false) => {
      if (path === null) return;
      const g = ++generation.current;
      if (!quiet) setQueue({ status: 'loading' });
      setMore({ loading: false });
      authJson<{ tasks: QueueTask[]; cursor?: string }>(path).then(
        (data) => {
          if (g !== generation.current) return;
          setQueue({
            status: 'ready',
            tasks: Array.isArray(data?.tasks) ? data.tasks : [],
            cursor: data?.cursor,
          });
        },
        (err: Error) => {
          if (g === generation.current) setQueue({ status: 'error', message: err.message });
        },
      );
    },
    [path],
  );

  useEffect(() => {
    reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  const loadMore = useCallback(() => {
    if (path === null || queue.status !== 'ready' || !queue.cursor || more.loading) return;
    const g = generation.current;
    setMore({ loading: true });
    authJson<{ tasks: QueueTask[]; cursor?: string }>(
      `${path}?cursor=${encodeURIComponent(queue.cursor)}`,
    ).then(
      (data) => {
        if (g !== generation.current) return;
        setQueue((q) => {
          if (q.status !== 'ready') return q;
          const seen = new Set(q.tasks.map((t) => `${t.caseNo}/${t.taskId}`));
          const next = (Array.isArray(data?.tasks) ? data.tasks : []).filter(
            (t) => !seen.has(`${t.caseNo}/${t.taskId}`),
          );
          return { status: 'ready', tasks: [...q.tasks, ...next], cursor: data?.cursor };
        });
        setMore({ loading: false });
      },
      (err: Error) => {
        if (g === generation.current) setMore({ loading: false, error: err.message });
      },
    );
  }, [path, queue, more.loading]);

  return { queue, reload, loadMore, more };
}

/** Open before urged before replied: what still needs someone comes first. */
const ALERT_ORDER: Record<AlertView['status'], number> = { urged: 0, open: 1, replied: 2, resolved: 3 };

function Workbench({ session }: { session: Session }) {
  const { claims } = session;
  const hallId = claims.hall;
  const { halls } = useHalls();
  const hall = halls.status === 'ready' ? halls.data.find((h) => h.id === hallId) : undefined;
  const deptNames = useDeptNames(hallId);
  const {
    queue,
    reload: reloadQueue,
    loadMore,
    more,
  } = useQueue(hallId ? `/api/halls/${hallId}/tasks` : null);
  const [alerts, reloadAlerts] = useAuthApi<{ alerts: AlertView[] }>(
    hallId ? `/api/halls/${hallId}/alerts` : null,
  );

  if (!hallId || !claims.dept) {
    return <p className="status status-error">您的账号未分配办事大厅或部门，请联系运营人员。</p>;
  }
  const tasks = queue.status === 'ready' ? queue.tasks : [];
  const hasMore = queue.status === 'ready' && !!queue.cursor;
  const red = tasks.filter((t) => t.mark === 'red').length;
  const yellow = tasks.filter((t) => t.mark === 'yellow').length;
  const alertRows =
    alerts.status === 'ready' && Array.isArray(alerts.data?.alerts)
      ? [...alerts.data.alerts].sort((a, b) => ALERT_ORDER[a.status] - ALERT_ORDER[b.status])
      : [];
  const urged = alertRows.filter((a) => a.status === 'urged').length;

  return (
    <>
      <p className={styles.meta} data-testid="staff-who">
        <span>{claims.name}</span>
        <span>{deptNames[claims.dept] ?? claims.dept}</span>
        <span>{(claims.posts ?? []).map((p) => `${p}岗`).join('、')}</span>
        {hall && <span>{hall.name}</span>}
      </p>

      <section aria-labelledby="queue-heading">
        <div className={styles.toolbar}>
          <h2 id="queue-heading" style={{ margin: 0 }}>
            待办办件
          </h2>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              reloadQueue(true);
              reloadAlerts(true);
            }}
          >
            刷新
          </button>
        </div>
        {queue.status === 'loading' && <Loading>正在加载待办…</Loading>}
        {queue.status === 'error' && <LoadError message={queue.message} onRetry={() => reloadQueue()} />}
        {queue.status === 'ready' && (
          <>
            <ul className={styles.counts} aria-label="待办统计" data-testid="queue-counts">
              <li>
                <span className={styles.countNumber}>
                  {tasks.length}
                  {hasMore ? '+' : ''}
                </span>
                <span className={styles.countLabel}>{hasMore ? '已加载待办（件）' : '待办（件）'}</span>
              </li>
              <li>
                <span className={styles.countNumber}>{yellow}</span>
                <span className={styles.countLabel}>⚠ 预警</span>
              </li>
              <li>
                <span className={styles.countNumber}>{red}</span>
                <span className={styles.countLabel}>✕ 超期</span>
              </li>
            </ul>
            {tasks.length === 0 ? (
              <Empty>暂无待办。新的办件到达您的岗位时会在这里出现。</Empty>
            ) : (
              <ol className={styles.queue} data-testid="queue">
                {tasks.map((t) => (
                  <li key={`${t.caseNo}/${t.taskId}`} className={styles.queueItem} data-mark={t.mark}>
                    <h3 className={styles.queueTitle}>
                      <Link href={routes.staffCase(t.caseNo)} prefetch={false}>
                        {t.itemName}
                      </Link>
                      <CaseMark mark={t.mark} />
                    </h3>
                    <dl className={styles.facts}>
                      <dt>办件编号</dt>
                      <dd className={styles.caseNo}>{t.caseNo}</dd>
                      <dt>待办环节</dt>
                      <dd>
                        {t.task}（{t.statusName}）
                      </dd>
                      <dt>申请人</dt>
                      <dd>{t.applicantName}</dd>
                      <dt>等待自</dt>
                      <dd>{formatTime(t.waitingSince)}</dd>
                      <dt>环节期限</dt>
                      <dd>
                        {t.deadline ? <Deadline iso={t.deadline} provisional={t.deadlineProvisional} /> : '—'}
                        {t.mark && (
                          <span className="visually-hidden">
                            （{t.mark === 'red' ? '已超期' : '临近期限'}）
                          </span>
                        )}
                      </dd>
                      {t.caseDeadline && t.caseDeadline !== t.deadline && (
                        <>
                          <dt>办结期限</dt>
                          <dd>
                            <Deadline iso={t.caseDeadline} provisional={t.caseDeadlineProvisional} />
                          </dd>
                        </>
                      )}
                    </dl>
                  </li>
                ))}
              </ol>
            )}
            {tasks.length > 0 && (
              <div className={styles.toolbar} style={{ marginTop: '1rem' }}>
                {hasMore ? (
                  <button
                    type="button"
                    className="button button-secondary"
                    style={{ width: '100%' }}
                    onClick={loadMore}
                    disabled={more.loading}
                    aria-busy={more.loading}
                    data-testid="queue-more"
                  >
                    {more.loading ? '正在加载…' : '加载更多'}
                  </button>
                ) : (
                  <p className={styles.meta} role="status" data-testid="queue-end">
                    已显示全部 {tasks.length} 件待办
                  </p>
                )}
                {more.error && (
                  <p className="status status-error" role="alert">
                    加载更多失败：{more.error}，请重试
                  </p>
                )}
              </div>
            )}
          </>
        )}
      </section>

      <ConsultQueue hallId={hallId} />

      <section aria-labelledby="dept-alerts" style={{ marginTop: '1.5rem' }}>
        <h2 id="dept-alerts">本部门监察预警{urged > 0 ? `（${urged} 条待回复督办）` : ''}</h2>
        {alerts.status === 'loading' && <Loading>正在加载监察预警…</Loading>}
        {alerts.status === 'error' && <LoadError message={alerts.message} onRetry={() => reloadAlerts()} />}
        {alerts.status === 'ready' &&
          (alertRows.length === 0 ? (
            <Empty>本部门暂无监察预警</Empty>
          ) : (
            <AlertList
              alerts={alertRows}
              hallId={hallId}
              mode="staff"
              deptNames={deptNames}
              onChanged={() => reloadAlerts(true)}
            />
          ))}
      </section>
    </>
  );
}
