'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { authJson } from '../lib/auth.ts';
import type { AlertView } from '../lib/cases.ts';
import styles from './Case.module.css';

export interface AlertPagesState<A extends AlertView> {
  status: 'loading' | 'error' | 'ready';
  message?: string;
  alerts: A[];
  /** More pages follow (the API gave a cursor). */
  more: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** Start again from the first page; `quiet` keeps the shown alerts until the answer comes. */
  reload: (quiet?: boolean) => void;
}

/**
 * The pages of an alert listing (`path` without limit/cursor; null = not known yet), one signed
 * cursor after the other: 加载更多 appends the next page. A new path starts again.
 */
export function useAlertPages<A extends AlertView = AlertView>(
  path: string | null,
  limit = 20,
): AlertPagesState<A> {
  const [alerts, setAlerts] = useState<A[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [status, setStatus] = useState<'loading' | 'error' | 'ready'>('loading');
  const [message, setMessage] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [attempt, setAttempt] = useState({ n: 0, quiet: false });

  const url = useCallback(
    (after?: string, size = limit) => {
      const sep = path?.includes('?') ? '&' : '?';
      return `${path}${sep}limit=${size}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`;
    },
    [path, limit],
  );
  // A quiet reload (after a 督办) reads as many as are shown, so the list keeps its length and place.
  const shownRef = useRef(0);
  shownRef.current = alerts.length;

  useEffect(() => {
    if (path === null) return;
    let live = true;
    if (!attempt.quiet) {
      setStatus('loading');
      setAlerts([]);
    }
    const size = attempt.quiet ? Math.min(100, Math.max(limit, shownRef.current)) : limit;
    authJson<{ alerts: A[]; cursor?: string }>(url(undefined, size)).then(
      (page) => {
        if (!live) return;
        setAlerts(Array.isArray(page.alerts) ? page.alerts : []);
        setCursor(page.cursor);
        setStatus('ready');
      },
      (err: Error) => {
        if (!live) return;
        setMessage(err.message);
        setStatus('error');
      },
    );
    return () => {
      live = false;
    };
  }, [path, url, attempt, limit]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    setLoadingMore(true);
    authJson<{ alerts: A[]; cursor?: string }>(url(cursor)).then(
      (page) => {
        setAlerts((shown) => [...shown, ...(page.alerts ?? [])]);
        setCursor(page.cursor);
        setLoadingMore(false);
      },
      (err: Error) => {
        setMessage(err.message);
        setLoadingMore(false);
      },
    );
  }, [cursor, url]);

  const reload = useCallback((quiet = false) => setAttempt((a) => ({ n: a.n + 1, quiet })), []);
  return { status, message, alerts, more: !!cursor, loadingMore, loadMore, reload };
}

/** 加载更多 under a list, with how many are shown. */
export function AlertMore({ pages, noun = '条' }: { pages: AlertPagesState<AlertView>; noun?: string }) {
  return (
    <div className={styles.toolbar}>
      <span className={styles.hint} role="status">
        已显示 {pages.alerts.length} {noun}
        {pages.more ? '，还有更多' : '，已全部显示'}
      </span>
      {pages.more && (
        <button
          type="button"
          className="button button-secondary"
          onClick={pages.loadMore}
          disabled={pages.loadingMore}
        >
          {pages.loadingMore ? '正在加载…' : '加载更多'}
        </button>
      )}
      {pages.status === 'ready' && pages.message && pages.loadingMore === false && pages.more && (
        <span className={styles.error} role="alert">
          {pages.message}
        </span>
      )}
    </div>
  );
}
