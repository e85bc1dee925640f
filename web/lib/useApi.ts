import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson } from './api.ts';

export type Load<T> =
  | { status: 'loading' }
  | { status: 'error'; message: string; httpStatus: number }
  | { status: 'ready'; data: T };

/**
 * GET `path` (null = not yet known) and track loading/error/ready. A newer path aborts the older
 * request, so a fast hall or tab switch never shows the previous answer.
 */
export function useApi<T>(path: string | null): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (path === null) return;
    // `attempt` is a dependency only so that reload() refetches.
    void attempt;
    const ctl = new AbortController();
    setState({ status: 'loading' });
    getJson<T>(path, { signal: ctl.signal }).then(
      (data) => setState({ status: 'ready', data }),
      (err: Error) => {
        if (err.name === 'AbortError') return;
        setState({
          status: 'error',
          message: err.message,
          httpStatus: err instanceof ApiError ? err.status : 0,
        });
      },
    );
    return () => ctl.abort();
  }, [path, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return [state, reload];
}
