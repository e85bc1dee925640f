'use client';

import { useCallback, useEffect, useState } from 'react';
import { ApiError, type Department, query } from '../lib/api.ts';
import { authJson } from '../lib/auth.ts';
import { type Load, useApi } from '../lib/useApi.ts';

/**
 * useApi for signed-in GETs: `path` (null = not yet known) with the bearer token. A newer path or
 * reload() wins over an older answer still in flight. `quiet` reloads keep the old data on screen
 * (a refresh after an action must not blank the page the person is reading).
 */
export function useAuthApi<T>(path: string | null): [Load<T>, (quiet?: boolean) => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState({ n: 0, quiet: false });

  useEffect(() => {
    if (path === null) return;
    let live = true;
    if (!attempt.quiet) setState({ status: 'loading' });
    authJson<T>(path).then(
      (data) => {
        if (live) setState({ status: 'ready', data });
      },
      (err: Error) => {
        if (!live) return;
        setState({
          status: 'error',
          message: err.message,
          httpStatus: err instanceof ApiError ? err.status : 0,
        });
      },
    );
    return () => {
      live = false;
    };
  }, [path, attempt]);

  const reload = useCallback((quiet = false) => setAttempt((a) => ({ n: a.n + 1, quiet })), []);
  return [state, reload];
}

/** Department names of a hall, for the words next to codes. */
export function useDeptNames(hallId: string | undefined): Record<string, string> {
  const [state] = useApi<{ departments: Department[] }>(
    hallId ? `/api/departments${query({ hallId })}` : null,
  );
  if (state.status !== 'ready' || !Array.isArray(state.data?.departments)) return {};
  return Object.fromEntries(state.data.departments.map((d) => [d.code ?? d.id ?? d.name, d.name]));
}
